"""The daily cap in storage: exact under concurrent likes on both backends, its key made once per
day by racing hosts, and its past days deleted by the cleanup that runs by itself."""

import datetime as dt
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from pelican_likes.storage.daily_cap import CLEANUP_INTERVAL, Cleanup
from pelican_likes.storage.schema import daily_keys, daily_tallies
from pelican_likes.storage.store import ArticleInfo, DailyLimitReached, LikeStore
from tests.support import ManualClock, poll

THREADS = 16
START = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def voter(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def new_store(url: str, clock: ManualClock) -> LikeStore:
    store = LikeStore.from_url(url, clock=clock, pool_size=THREADS, max_overflow=0)
    store.register([ArticleInfo("viral")])
    return store


@pytest.fixture
def hosts(database_url, clock):
    """Two stores on one database, as two API hosts with pools and key caches of their own."""
    stores = [new_store(database_url, clock), new_store(database_url, clock)]
    yield stores
    for store in stores:
        store.dispose()


def like_from(store: LikeStore, name: str, network: str = "192.0.2.1", limit: int = 10) -> bool:
    try:
        store.like("viral", voter(name), network=network, daily_limit=limit)
    except DailyLimitReached:
        return False
    return True


def rows(store: LikeStore, table) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_racing_likes_from_one_network_on_two_hosts_pass_the_cap_exactly(hosts):
    """60 fresh tokens at once, half through each host: exactly the limit counted."""
    with ThreadPoolExecutor(THREADS) as pool:
        accepted = list(pool.map(lambda n: like_from(hosts[n % 2], f"r{n}", limit=10), range(60)))

    assert sum(accepted) == 10
    assert hosts[0].counts(["viral"]) == {"viral": 10}
    assert rows(hosts[0], daily_keys) == 1  # both hosts hashed under the one key made
    with hosts[0].engine.connect() as conn:
        assert conn.scalar(select(daily_tallies.c.likes)) == 10


def test_racing_clicks_of_one_reader_count_once(hosts):
    """Doubled clicks of one token: counted once; the cap may be spent by both, never passed."""
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(lambda n: like_from(hosts[n % 2], "same", limit=10), range(8)))

    assert hosts[0].counts(["viral"]) == {"viral": 1}
    assert hosts[0].state("viral", voter("same")).liked


def test_an_over_cap_like_records_nothing(hosts):
    store = hosts[0]
    assert like_from(store, "first", limit=1)

    assert not like_from(store, "second", limit=1)

    assert not store.state("viral", voter("second")).liked
    assert store.counts(["viral"]) == {"viral": 1}


def test_past_days_are_deleted_by_the_cleanup_thread(hosts, clock):
    store = hosts[0]
    assert like_from(store, "yesterday")
    clock.now += dt.timedelta(days=1)
    assert like_from(hosts[1], "today")  # today's key and tally, which must stay
    assert store.holds_past_days()

    cleanups = [Cleanup(s.forget_past_days, interval=0.05) for s in hosts]  # at once: no harm
    poll(lambda: not store.holds_past_days(), timeout=10)
    for cleanup in cleanups:
        cleanup.stop()

    assert not store.holds_past_days()
    assert (rows(store, daily_keys), rows(store, daily_tallies)) == (1, 1)
    assert store.counts(["viral"]) == {"viral": 2}  # the likes themselves are kept


def test_the_cleanup_ends_with_its_store(database_url, clock):
    store = new_store(database_url, clock)
    cleanup = Cleanup(store.forget_past_days, interval=0.02)
    store.dispose()
    del store

    cleanup.thread.join(timeout=5)

    assert not cleanup.thread.is_alive()


def test_a_cleanup_that_fails_tries_again(tmp_path, clock, caplog):
    """An SQLite file without tables: each run logs one warning, and the thread keeps going."""
    store = LikeStore.from_url(f"sqlite:///{tmp_path / 'empty.sqlite3'}", clock=clock)
    cleanup = Cleanup(store.forget_past_days, interval=0.02)
    poll(lambda: len([r for r in caplog.records if "cleanup failed" in r.getMessage()]) >= 2, 10)
    alive = cleanup.thread.is_alive()
    cleanup.stop()
    store.dispose()

    assert alive
    warnings = [r for r in caplog.records if "cleanup failed" in r.getMessage()]
    assert len(warnings) >= 2


def test_a_stopped_cleanup_is_gone_without_waiting_out_its_interval(sqlite_url, clock):
    store = new_store(sqlite_url, clock)
    cleanup = Cleanup(store.forget_past_days)  # the API's interval
    assert cleanup in Cleanup.running()

    stopping = time.monotonic()
    cleanup.stop()

    assert time.monotonic() - stopping < CLEANUP_INTERVAL / 2
    assert not cleanup.thread.is_alive()
    assert cleanup not in Cleanup.running()
    store.dispose()
