"""What docs/security.md promises of the daily cap, on SQLite and PostgreSQL: no address, whole or
cut to its network, in any column of any table or in any log line; and once the UTC day is over,
neither the day's key nor its tallies are left."""

import datetime as dt
import logging
import secrets
import threading
from ipaddress import ip_address, ip_network

import pytest
from sqlalchemy import MetaData, func, select

from pelican_likes.storage.daily_cap import Cleanup
from pelican_likes.storage.schema import FORGOTTEN_DAY_KEY, daily_keys, daily_tallies
from pelican_likes.storage.store import LikeStore
from tests.support import ARTICLES, ManualClock

IPV4 = "198.51.100.23"
IPV6 = "2001:db8:abcd:12:5:6:7:8"
START = dt.datetime(2026, 12, 1, 22, 30, tzinfo=dt.UTC)


def traces() -> tuple[list[str], list[bytes]]:
    """Every form an address could be stored in: as text (whole, its /24 or /64 prefix, as
    proxies and Python write them) and as bytes (packed, whole and cut to its network)."""
    v4, v6 = ip_address(IPV4), ip_address(IPV6)
    network = ip_network(f"{IPV6}/64", strict=False)
    text = [
        IPV4,
        "198.51.100.",
        "198.51.100",
        IPV6,
        v6.exploded,
        "2001:db8:abcd:12",
        "2001:0db8:abcd:0012",
        str(network),
    ]
    binary = [v4.packed, v4.packed[:3], v6.packed, v6.packed[:8]]
    return text, binary + [t.encode() for t in text]


def every_value(store: LikeStore) -> list[object]:
    """Every value of every column of every table, found by inspecting the database itself."""
    found = MetaData()
    found.reflect(store.engine)
    values: list[object] = []
    with store.engine.connect() as conn:
        for table in found.sorted_tables:
            for row in conn.execute(select(table)):
                values.extend(row)
    return values


def rows(store: LikeStore, table) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_no_address_is_stored_or_logged_and_the_day_is_forgotten(database_url, client_for, caplog):
    clock = ManualClock(START)
    store = LikeStore.from_url(database_url, clock=clock)
    store.register(ARTICLES)
    client = client_for(store, daily_limit=2, rate_limit=0)
    with caplog.at_level(logging.DEBUG):
        for address in (IPV4, IPV6, "203.0.113.5"):
            for slug in ("first", "second"):
                for _ in range(3):  # the third is refused: the refusal's paths are run too
                    headers = {"Likes-Voter": secrets.token_urlsafe(16)}
                    client.simulate_put(
                        f"/api/articles/{slug}/like", headers=headers, remote_addr=address
                    )
        refused = client.simulate_put(
            "/api/articles/first/like",
            headers={"Likes-Voter": secrets.token_urlsafe(16)},
            remote_addr=IPV4,
        )
    assert refused.status_code == 429
    assert store.counts(["first", "second"]) == {"first": 6, "second": 6}
    assert rows(store, daily_tallies) == 6  # one per network and article

    text, binary = traces()
    values = every_value(store)
    stored_text = [str(v) for v in values if not isinstance(v, bytes | memoryview)]
    stored_bytes = [bytes(v) for v in values if isinstance(v, bytes | memoryview)]
    assert stored_bytes, "the tallies and the key are binary columns: they must be searched"
    for trace in text:
        assert not any(trace in value for value in stored_text), trace
    for trace in binary:
        assert not any(trace in value for value in stored_bytes), trace
    logged = caplog.text + refused.text
    for trace in text:
        assert trace not in logged, trace

    clock.now += dt.timedelta(hours=2)  # the next UTC day
    cleanup = Cleanup(store.forget_past_days, interval=0.05)
    try:
        for _ in range(200):
            if not store.holds_past_days():
                break
            cleanup.thread.join(timeout=0.05)
    finally:
        cleanup.stop()

    with store.engine.connect() as conn:
        left = conn.execute(select(daily_keys)).all()
    assert [(day, bytes(key)) for day, key in left] == [(START.date(), FORGOTTEN_DAY_KEY)]
    assert rows(store, daily_tallies) == 0
    assert store.counts(["first", "second"]) == {"first": 6, "second": 6}
    store.dispose()


@pytest.mark.parametrize("limit", [0, 20])
def test_the_app_starts_its_cleanup_only_with_the_cap_on(store, client_for, limit):
    before = {t for t in threading.enumerate() if t.name == "likes-daily-cleanup"}
    client_for(store, daily_limit=limit)
    after = {t for t in threading.enumerate() if t.name == "likes-daily-cleanup"}

    assert len(after - before) == (1 if limit else 0)


def test_whoever_built_the_app_can_stop_its_cleanup(store, client_for):
    before = set(Cleanup.running())
    client_for(store, daily_limit=20)
    (started,) = set(Cleanup.running()) - before

    started.stop()

    assert not started.thread.is_alive()
    assert started not in Cleanup.running()
