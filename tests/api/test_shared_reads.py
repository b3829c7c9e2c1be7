"""Concurrent count reads of one page share a query, and none is answered by a query that began
before it was asked: in threads against a database stand-in whose answers are held at will, and
under gunicorn on PostgreSQL while likes arrive."""

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from pelican_likes.api.shared_reads import SharedReads
from pelican_likes.storage import migrate
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import Server, api_env, http_request, wait_until


class HeldDatabase:
    """Counts that change when told to; each query reads them when it starts and is answered
    when released, so that readers can be made to arrive while a query is in flight."""

    def __init__(self) -> None:
        self.likes = 0
        self.queries: list[list[str]] = []
        self.fail_next = False
        self._release = threading.Semaphore(0)
        self._lock = threading.Lock()

    def read(self, slugs: list[str]) -> dict[str, int]:
        with self._lock:
            self.queries.append(slugs)
            seen, fail = self.likes, self.fail_next
            self.fail_next = False
        self._release.acquire()
        if fail:
            raise ConnectionError("the database went away")
        return dict.fromkeys(slugs, seen)

    def release(self, queries: int = 1) -> None:
        for _ in range(queries):
            self._release.release()


@pytest.fixture
def database() -> Iterator[HeldDatabase]:
    held = HeldDatabase()
    yield held
    held.release(100)  # never leave a thread waiting


def started(pool: ThreadPoolExecutor, reads: SharedReads, slugs: list[str]):
    return pool.submit(reads.counts, slugs)


def queries_reach(database: HeldDatabase, count: int) -> None:
    wait_until(lambda: len(database.queries) >= count, timeout=5)


def waiting_readers(reads: SharedReads, count: int) -> None:
    """Until ``count`` readers wait on the queries of ``reads``: read from the threads waiting on
    each query's event, since no answer tells a reader who waits from one yet to arrive."""

    def waiting() -> bool:
        slots = list(reads._slots.values())
        queries = [q for slot in slots for q in (slot.running, slot.next) if q is not None]
        return sum(len(q.done._cond._waiters) for q in queries) >= count

    wait_until(waiting, timeout=5)


def test_readers_arriving_during_a_query_share_the_next_one(database):
    reads = SharedReads(database.read)
    with ThreadPoolExecutor(max_workers=8) as pool:
        first = started(pool, reads, ["a", "b"])
        queries_reach(database, 1)
        database.likes = 1  # a like committed while the first query is in flight
        later = [started(pool, reads, ["a", "b"]) for _ in range(5)]
        waiting_readers(reads, 5)  # the next query's first reader waits for the one in flight
        database.release()
        queries_reach(database, 2)
        database.release()

        assert first.result(timeout=5) == {"a": 0, "b": 0}
        assert [answer.result(timeout=5) for answer in later] == [{"a": 1, "b": 1}] * 5
    assert len(database.queries) == 2  # six readers, two queries


def test_a_reader_never_gets_the_answer_of_a_query_that_began_before_it_arrived(database):
    reads = SharedReads(database.read)
    with ThreadPoolExecutor(max_workers=4) as pool:
        first = started(pool, reads, ["a"])
        queries_reach(database, 1)
        second = started(pool, reads, ["a"])
        waiting_readers(reads, 1)
        database.release()
        queries_reach(database, 2)  # the second reader's query has begun
        database.likes = 5
        third = started(pool, reads, ["a"])  # arrives after it began: a query of its own
        waiting_readers(reads, 1)
        database.release(2)

        assert first.result(timeout=5) == {"a": 0}
        assert second.result(timeout=5) == {"a": 0}
        assert third.result(timeout=5) == {"a": 5}
    assert len(database.queries) == 3


def test_other_pages_are_not_shared(database):
    reads = SharedReads(database.read)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = [started(pool, reads, slugs) for slugs in (["a"], ["b"], ["a", "b"])]
        queries_reach(database, 3)  # none waited for another
        database.release(3)
        assert [answer.result(timeout=5) for answer in answers] == [
            {"a": 0},
            {"b": 0},
            {"a": 0, "b": 0},
        ]


def test_when_the_shared_query_fails_each_reader_reads_alone(database):
    reads = SharedReads(database.read)
    with ThreadPoolExecutor(max_workers=8) as pool:
        first = started(pool, reads, ["a"])
        queries_reach(database, 1)
        later = [started(pool, reads, ["a"]) for _ in range(3)]
        waiting_readers(reads, 3)
        database.fail_next = True  # the shared query, next to start, fails
        database.release()
        queries_reach(database, 2)
        database.release()
        queries_reach(database, 4)  # its two other readers read alone
        database.release(2)

        assert first.result(timeout=5) == {"a": 0}
        outcomes = []
        for answer in later:
            try:
                outcomes.append(answer.result(timeout=5))
            except ConnectionError:
                outcomes.append("failed")
        assert sorted(map(str, outcomes)) == ["failed", "{'a': 0}", "{'a': 0}"]
    assert not reads._slots  # nothing left waiting


def test_a_stuck_query_holds_later_readers_only_until_the_wait_ends(database):
    reads = SharedReads(database.read, wait=0.2)
    with ThreadPoolExecutor(max_workers=4) as pool:
        stuck = started(pool, reads, ["a"])
        queries_reach(database, 1)
        later = started(pool, reads, ["a"])
        queries_reach(database, 2)  # it stopped waiting for the stuck one and asked itself
        database.release(2)
        assert later.result(timeout=5) == {"a": 0}
        assert stuck.result(timeout=5) == {"a": 0}
    assert not reads._slots


@pytest.fixture(scope="module")
def postgres_api(make_postgres_database, start_gunicorn) -> Iterator[tuple[Server, LikeStore]]:
    url = make_postgres_database()
    migrate.upgrade(url)
    store = LikeStore.from_url(url)
    store.register([ArticleInfo(f"page-{n}") for n in range(20)])
    # Every count read from the database: nothing cached.
    environment = api_env(url, LIKES_CACHE_MAX_AGE="0")
    yield start_gunicorn(environment, workers=2), store
    store.dispose()


def _get(port: int, path: str, method: str = "GET", token: str = "") -> tuple[int, dict]:
    reply = http_request(port, method, path, {"Likes-Voter": token} if token else {})
    return reply.status, json.loads(reply.body)


def test_under_gunicorn_a_read_sent_after_a_like_counts_it(postgres_api):
    """Readers of one page hammer it while likes arrive one after another: each read sent after a
    like was answered counts that like, however many reads shared a query."""
    server, store = postgres_api
    page = "/api/likes?" + "&".join(f"slug=page-{n}" for n in range(20))
    stop = threading.Event()
    stale: list[tuple[int, int]] = []
    likes_done = [0]

    def read_on() -> int:
        reads = 0
        while not stop.is_set():
            floor = likes_done[0]
            status, body = _get(server.port, page)
            assert status == 200
            if body["likes"]["page-0"] < floor:
                stale.append((floor, body["likes"]["page-0"]))
            reads += 1
        return reads

    with ThreadPoolExecutor(max_workers=16) as readers:
        running = [readers.submit(read_on) for _ in range(16)]
        for n in range(40):
            status, body = _get(server.port, "/api/articles/page-0/like", "PUT", f"reader-{n:032d}")
            assert (status, body["likes"]) == (200, n + 1)
            likes_done[0] = n + 1
        stop.set()
        total_reads = sum(reader.result(timeout=60) for reader in running)

    assert stale == []
    assert total_reads > 100
    assert store.counts(["page-0"]) == {"page-0": 40}
