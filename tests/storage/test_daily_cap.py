"""The daily cap in storage: exact under concurrent likes on both backends, its key made once per
day by racing hosts, and its past days deleted by the cleanup that runs by itself."""

import datetime as dt
import hashlib
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from pelican_likes.storage.daily_cap import CLEANUP_INTERVAL, Cleanup, Clock
from pelican_likes.storage.schema import FORGOTTEN_DAY_KEY, daily_keys, daily_tallies
from pelican_likes.storage.store import (
    ArticleInfo,
    DailyLimitReached,
    LikeStore,
    StorageUnavailable,
)
from tests.support import ManualClock, poll

THREADS = 16
START = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def voter(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def new_store(url: str, clock: Clock) -> LikeStore:
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


def stored_keys(store: LikeStore) -> dict[dt.date, bytes]:
    """Every row of daily_keys, a forgotten day's with FORGOTTEN_DAY_KEY for its key."""
    with store.engine.connect() as conn:
        return {day: bytes(key) for day, key in conn.execute(select(daily_keys))}


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
    today, yesterday = clock.now.date(), START.date()
    keys = stored_keys(store)
    assert keys.keys() == {today, yesterday}
    assert keys[yesterday] == FORGOTTEN_DAY_KEY and len(keys[today]) == 32
    assert rows(store, daily_tallies) == 1
    assert store.counts(["viral"]) == {"viral": 2}  # the likes themselves are kept


SKEW = dt.timedelta(seconds=40)
STEP = dt.timedelta(seconds=20)
LIMIT = 3
ROUNDS = 5


def test_clocks_40_s_apart_get_one_cap_per_utc_day_around_each_midnight(database_url):
    """Two hosts, one 40 s behind the other, each liking from one network to its cap and running
    the cleanup every 20 s, from a minute before midnight to six minutes after, five midnights
    running: each day gets one key, never made again, and one cap; the day ending and the day
    beginning are the two caps a midnight can give. The past day is forgotten by the end."""
    ahead = ManualClock(START)
    hosts = [new_store(database_url, ahead), new_store(database_url, lambda: ahead.now - SKEW)]
    keys_of: defaultdict[dt.date, set[bytes]] = defaultdict(set)
    counted = 0
    for night in range(ROUNDS):
        midnight = dt.datetime.combine(
            START.date() + dt.timedelta(days=night + 1), dt.time(), dt.UTC
        )
        before = counted
        for step in range(-3, 19):
            ahead.now = midnight + step * STEP
            for n, host in enumerate(hosts):
                tries = [f"{night}/{step}/{n}/{t}" for t in range(LIMIT + 1)]
                counted += sum(like_from(host, name, limit=LIMIT) for name in tries)
                host.forget_past_days()
            for day, key in stored_keys(hosts[0]).items():
                if key != FORGOTTEN_DAY_KEY:
                    keys_of[day].add(key)
        assert counted - before <= 2 * LIMIT, f"midnight {night + 1}"
        assert not any(host.holds_past_days() for host in hosts), f"midnight {night + 1}"

    assert {day: len(keys) for day, keys in keys_of.items()} == {
        START.date() + dt.timedelta(days=d): 1 for d in range(ROUNDS + 1)
    }
    assert counted == (ROUNDS + 1) * LIMIT  # every day's cap, exactly
    assert hosts[0].counts(["viral"]) == {"viral": counted}
    for host in hosts:
        host.dispose()


def test_a_clock_further_behind_cannot_make_a_forgotten_day_a_key_again(database_url):
    """A host 16 minutes behind, past the skew tolerated, still in a day the other host forgot:
    its likes are refused (the API's 503) rather than counted under a new key of that day, or of
    any day before it."""
    late_evening = dt.datetime(2026, 12, 1, 23, 50, tzinfo=dt.UTC)
    lagging = ManualClock(late_evening)
    behind = new_store(database_url, lagging)
    ahead = new_store(database_url, ManualClock(dt.datetime(2026, 12, 2, 0, 6, tzinfo=dt.UTC)))
    assert like_from(behind, "before")

    assert ahead.forget_past_days() == 2  # the day's key and its tally
    for days_back in (0, 1):
        lagging.now = late_evening - dt.timedelta(days=days_back)
        for host in (behind, new_store(database_url, lagging)):  # its key cached, and not
            with pytest.raises(StorageUnavailable):
                like_from(host, f"after/{days_back}")
            host.dispose()

    assert stored_keys(ahead) == {dt.date(2026, 12, 1): FORGOTTEN_DAY_KEY}
    assert rows(ahead, daily_tallies) == 0
    assert ahead.counts(["viral"]) == {"viral": 1}
    ahead.dispose()


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
