"""nginx's cache of count reads, run for real: a count it serves is never more than a second old,
concurrent misses make one request to the API, an expired copy is renewed by a 304 and served to
others while it is, and nothing that depends on a reader, fails, or is marked no-cache is kept."""

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from pelican_likes.storage import migrate
from pelican_likes.storage.store import LikeStore
from tests.deploy.conftest import behind_nginx
from tests.support import (
    ARTICLES,
    NGINX,
    Deployment,
    api_env,
    http_request,
    unavailable,
    wait_until,
)

# Simultaneous readers of a page that nobody read in the last second.
BURST = 20


@dataclass(frozen=True)
class Answer:
    sent: float  # time.time() when the request was sent
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def cache(self) -> str | None:
        return self.headers.get("x-cache-status")

    def likes(self, slug: str) -> int:
        return json.loads(self.body)["likes"][slug]


def request(
    deployment: Deployment,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    source: str = "127.0.0.1",
) -> Answer:
    """One request to nginx from ``source`` (any of 127.0.0.0/8), naming the blog in Host."""
    sent = time.time()
    reply = http_request(
        deployment.port, method, path, {"Host": deployment.host, **(headers or {})}, source=source
    )
    return Answer(sent, *reply)


def counts_path(*slugs: str, extra: str = "") -> str:
    return "/api/likes?" + "&".join([*(f"slug={slug}" for slug in slugs), *([extra] * bool(extra))])


def like(deployment: Deployment, slug: str, token: str | None = None) -> Answer:
    """A like from an address of its own, so that the daily cap of one never refuses it."""
    source = f"127.0.1.{secrets.randbelow(250) + 1}"
    headers = {"Likes-Voter": token or secrets.token_urlsafe(24), "Content-Length": "0"}
    answer = request(deployment, "PUT", f"/api/articles/{slug}/like", headers, source)
    assert answer.status == 200, answer
    return answer


def requests_served(deployment: Deployment, request_line: str) -> list[int]:
    """The statuses the API hosts answered ``request_line`` with, from their access logs."""
    quoted = f'"{request_line} HTTP/1.1" '
    return [
        int(line.split(quoted, 1)[1].split()[0])
        for api in deployment.apis
        for line in api.log.read_text().splitlines()
        if quoted in line
    ]


def log_sizes(deployment: Deployment) -> list[int]:
    return [api.log.stat().st_size for api in deployment.apis]


def wait_for_requests(deployment: Deployment, request_line: str, sizes: list[int], n: int) -> None:
    """Until the API hosts' logs hold ``n`` lines of ``request_line`` past ``sizes``: a host
    writes its line after answering."""

    def written() -> bool:
        return (
            sum(
                api.log.read_bytes()[size:].decode().count(f'"{request_line} HTTP/1.1"')
                for api, size in zip(deployment.apis, sizes, strict=True)
            )
            >= n
        )

    wait_until(written)


def early_in_a_second() -> None:
    """Return in the first fifth of a second of the clock nginx and the API share."""
    wait_until(lambda: time.time() % 1 < 0.2, timeout=2, interval=0.005)


def next_second() -> None:
    """Sleep into the next second: every copy of counts read before, nginx's and the workers',
    has expired (each is kept until the end of the second its counts were read in)."""
    time.sleep(int(time.time()) + 1.02 - time.time())


def fresh_second() -> None:
    """Early in a second, with no copy of counts read before it."""
    next_second()
    early_in_a_second()


def test_a_like_shows_through_the_cache_within_a_second(deployment):
    slug = deployment.slugs[0]
    path = counts_path(slug)
    for _attempt in range(3):
        fresh_second()
        kept = request(deployment, "GET", path)
        liked = like(deployment, slug)
        liked_at = time.time()
        seen = []
        while time.time() < liked_at + 1.5:
            seen.append(request(deployment, "GET", path))
            time.sleep(0.02)

        after = json.loads(liked.body)["likes"]
        assert kept.likes(slug) == after - 1
        assert all(answer.status == 200 for answer in seen)
        # Never more than a second: every answer asked for a second after the like shows it.
        late = [answer for answer in seen if answer.sent > liked_at + 1.0]
        assert late and all(answer.likes(slug) == after for answer in late), [
            (round(answer.sent - liked_at, 3), answer.cache, answer.likes(slug)) for answer in seen
        ]
        if int(seen[0].sent) == int(kept.sent):
            break  # asked in the second the kept copy was read in, which it is kept for
    else:
        raise AssertionError("no like was answered within the second of the read before it")
    # The copy read before the like is served after it: the cache is in the way.
    assert seen[0].cache == "HIT" and seen[0].likes(slug) == after - 1, seen[0]


def burst(deployment: Deployment, path: str) -> list[Answer]:
    """``BURST`` readers asking for ``path`` at once, each on a connection of its own."""
    start = threading.Barrier(BURST)
    answers: list[Answer] = []

    def read() -> None:
        start.wait()
        answers.append(request(deployment, "GET", path))

    threads = [threading.Thread(target=read) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(answers) == BURST
    return answers


def test_concurrent_misses_within_a_second_make_one_request_to_the_api(deployment):
    slugs = deployment.slugs[:3]
    for _attempt in range(3):
        path = counts_path(*slugs, extra=f"page={secrets.token_hex(8)}")  # a copy nobody made
        fresh_second()
        began = time.time()
        sizes = log_sizes(deployment)
        answers = burst(deployment, path)
        # The lock's waiters look every 0.5 s: in the next second they would find the copy
        # expired, and one of them would renew it.
        if time.time() < int(began) + 1:
            break
    else:
        raise AssertionError("no burst of readers ended within its second")

    wait_for_requests(deployment, f"GET {path}", sizes, 1)
    assert requests_served(deployment, f"GET {path}") == [200]
    assert {(answer.status, answer.body) for answer in answers} == {(200, answers[0].body)}
    assert sorted(answer.cache for answer in answers) == ["HIT"] * (BURST - 1) + ["MISS"]


@contextmanager
def counts_held(deployment: Deployment) -> Iterator[None]:
    """Count reads wait on the database (its articles table locked) until the block ends."""
    store = LikeStore.from_url(deployment.database_url)
    try:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE")
            yield
    finally:
        store.dispose()


def reads_waiting(deployment: Deployment) -> bool:
    store = LikeStore.from_url(deployment.database_url)
    try:
        with store.engine.connect() as conn:
            waiting = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_locks"
                " WHERE NOT granted AND relation = 'articles'::regclass"
            ).scalar_one()
    finally:
        store.dispose()
    return waiting > 0


def test_while_one_reader_renews_an_expired_copy_the_others_get_it_at_once(deployment):
    slug = deployment.slugs[1]
    path = counts_path(slug)
    kept = request(deployment, "GET", path)
    after = json.loads(like(deployment, slug).body)["likes"]
    next_second()

    renewing: list[Answer] = []
    with counts_held(deployment):
        renewal = threading.Thread(target=lambda: renewing.append(request(deployment, "GET", path)))
        renewal.start()
        wait_until(lambda: reads_waiting(deployment))  # the renewal is at the database
        others = [request(deployment, "GET", path) for _ in range(3)]
        assert not renewing  # still waiting: the others did not wait for it
    renewal.join(timeout=30)

    assert [(answer.cache, answer.likes(slug)) for answer in others] == [
        ("UPDATING", kept.likes(slug))
    ] * 3
    assert (renewing[0].cache, renewing[0].likes(slug)) == ("EXPIRED", after)


def test_an_unchanged_expired_copy_is_renewed_by_a_304_from_the_api(deployment):
    path = counts_path(*deployment.slugs[1:3], extra="page=revalidated")
    first = request(deployment, "GET", path)
    next_second()
    sizes = log_sizes(deployment)

    renewed = request(deployment, "GET", path)
    wait_for_requests(deployment, f"GET {path}", sizes, 1)
    served = sorted(requests_served(deployment, f"GET {path}"))
    asked = request(deployment, "GET", path, {"If-None-Match": first.headers["etag"]})

    assert first.cache == "MISS"
    assert (renewed.status, renewed.cache, renewed.body) == (200, "REVALIDATED", first.body)
    assert renewed.headers["etag"] == first.headers["etag"]
    assert served == [200, 304]  # the API's own 304
    assert (asked.status, asked.body, asked.headers["etag"]) == (304, b"", first.headers["etag"])


def test_count_answers_keep_their_headers_and_hide_nginxs(deployment):
    answer = request(deployment, "GET", counts_path(deployment.slugs[0]))

    assert answer.headers["cache-control"] == "public, max-age=5"  # for browsers, as the API says
    assert answer.headers["vary"] == "Origin"
    assert "x-accel-expires" not in answer.headers


def test_what_depends_on_the_reader_or_fails_is_never_kept(deployment):
    slug = deployment.slugs[2]
    one, other = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    like(deployment, slug, one)
    state = f"/api/articles/{slug}/like"
    sizes = log_sizes(deployment)

    answers = [
        request(deployment, "GET", state, {"Likes-Voter": token}) for token in (one, other, one)
    ]
    refused = [request(deployment, "GET", "/api/likes?slug=") for _ in range(2)]
    forms = [
        request(
            deployment,
            "POST",
            f"/api/form-likes/{slug}?return=/",
            {
                "Origin": f"http://{deployment.host}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Content-Length": "0",
                "Cookie": f"likes_voter={token}",
            },
            source=f"127.0.2.{n + 1}",
        )
        for n, token in enumerate((one, other))
    ]
    wait_for_requests(deployment, f"GET {state}", sizes, 3)
    wait_for_requests(deployment, "GET /api/likes?slug=", sizes, 2)
    wait_for_requests(deployment, f"POST /api/form-likes/{slug}?return=/", sizes, 2)

    assert [json.loads(answer.body)["liked"] for answer in answers] == [True, False, True]
    assert {answer.headers["cache-control"] for answer in answers} == {"private, no-store"}
    assert all("x-cache-status" not in answer.headers for answer in answers + forms)
    assert [answer.status for answer in refused] == [400, 400]
    assert [answer.status for answer in forms] == [303, 303]
    assert {"likes_voter=" + token in answer.headers.get("set-cookie", "") for answer, token in
            zip(forms, (one, other), strict=True)} == {True}  # fmt: skip


@pytest.fixture(scope="module")
def never_kept(tmp_path_factory, make_postgres_database, start_gunicorn) -> Iterator[Deployment]:
    """The shipped nginx.conf in front of two API hosts with ``LIKES_CACHE_MAX_AGE=0``."""
    if not NGINX.exists():
        unavailable(f"{NGINX} is missing: apt-get install nginx")
    tmp = tmp_path_factory.mktemp("never-kept")
    database_url = make_postgres_database()
    migrate.upgrade(database_url)
    store = LikeStore.from_url(database_url)
    store.register(ARTICLES)
    store.dispose()
    env = api_env(database_url, LIKES_CACHE_MAX_AGE="0")
    slugs = tuple(article.slug for article in ARTICLES)
    with behind_nginx(tmp, tmp, slugs, env, start_gunicorn, workers=1) as site:
        yield site


def test_counts_the_api_marks_no_cache_are_never_kept(never_kept):
    path = counts_path("first")
    sizes = log_sizes(never_kept)

    answers = [request(never_kept, "GET", path) for _ in range(3)]
    wait_for_requests(never_kept, f"GET {path}", sizes, 3)

    assert [answer.status for answer in answers] == [200] * 3
    assert [answer.cache for answer in answers] == ["MISS"] * 3
    assert answers[0].headers["cache-control"] == "no-cache"
