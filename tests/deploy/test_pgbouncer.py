"""The API behind Debian's PgBouncer in transaction pooling, running the shipped
deploy/pgbouncer.ini: two API hosts (gunicorn instances) take turns on two server connections,
and every like is still counted exactly, the daily cap holds, the cleanup forgets past days, and
migrations reach PostgreSQL itself, never PgBouncer.

Two server connections for every worker of both hosts: each connection serves one client's
transaction, then another's, so anything one left behind on it (a SET, a session lock, a
prepared statement) would reach the next. Without PgBouncer these tests skip, saying why, except
under ``CI=true``, where a missing PgBouncer is a failure.
"""

import datetime as dt
import json
import random
import re
import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from pelican_likes.api.app import COUNT_CACHE_SECONDS
from pelican_likes.storage import migrate
from pelican_likes.storage.daily_cap import Cleanup
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.schema import FORGOTTEN_DAY_KEY, daily_keys
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import (
    DAILY_LIMIT,
    PGBOUNCER_INI,
    REPO,
    ManualClock,
    Pooler,
    Server,
    api_env,
    http_request,
    pgbouncer,
    play_plans,
    reader_plans,
    run_process,
    wait_until,
)

POOL_SIZE = 2  # server connections, for 2 hosts x 2 workers x 8 pooled client connections
READERS = 300  # as many as tests/api/test_gunicorn.py counts through one host
FLOOD = 80  # likes from one address, new readers all, four times the cap
SLUGS = ("first", "second", "flooded", "cleaned")
# Seconds a transaction may wait for a server connection, as the shipped file sets it.
QUERY_WAIT_TIMEOUT = int(
    re.findall(r"^query_wait_timeout = (\d+)$", PGBOUNCER_INI.read_text(), re.M)[0]
)


@dataclass(frozen=True)
class Pooled:
    """Two API hosts whose DATABASE_URL is PgBouncer's, and what PgBouncer had seen once the
    schema was migrated: its server connections and its count of queries."""

    pooler: Pooler
    direct_url: str  # PostgreSQL itself, the hosts' LIKES_DIRECT_DATABASE_URL
    apis: tuple[Server, Server]
    servers_after_migration: int
    queries_after_migration: int

    def request(
        self, host: int, method: str, path: str, headers: dict[str, str]
    ) -> tuple[int, dict]:
        reply = http_request(self.apis[host].port, method, path, headers)
        return reply.status, json.loads(reply.body or b"null")

    def like(self, host: int, slug: str, address: str, token: str = "") -> int:
        """PUT a like of ``slug`` from ``address`` (as nginx names it); a new reader's unless
        ``token`` is given."""
        headers = {
            "Likes-Voter": token or secrets.token_urlsafe(24),
            "X-Forwarded-For": address,
        }
        return self.request(host, "PUT", f"/api/articles/{slug}/like", headers)[0]

    def counts(self) -> dict[str, int]:
        with LikeStore.from_url(self.direct_url) as store:
            return store.counts(list(SLUGS))


def queries(pooler: Pooler) -> int:
    """Queries PgBouncer has passed on to PostgreSQL for the pooled database, by its console's
    count (its server connections, ``SHOW SERVERS``, are the count that never lags)."""
    return sum(int(str(row["total_query_count"])) for row in pooler.show("STATS"))


@pytest.fixture(scope="module")
def pooled(tmp_path_factory, make_postgres_database, start_gunicorn) -> Iterator[Pooled]:
    """PgBouncer in front of the worker's own database, migrated with the hosts' environment,
    and two API hosts on it with the daily cap on and nginx's address trusted."""
    direct = make_postgres_database()
    folder = tmp_path_factory.mktemp("pgbouncer")
    with pgbouncer(direct, folder, pool_size=POOL_SIZE) as pooler:
        hosts_env = api_env(
            pooler.url,
            LIKES_DIRECT_DATABASE_URL=direct,
            LIKES_TRUSTED_PROXIES="127.0.0.1",
            LIKES_DAILY_LIMIT=str(DAILY_LIMIT),
        )
        upgrade = run_process("db", "upgrade", env=hosts_env)
        assert upgrade.returncode == 0, upgrade.stderr
        servers, queried = len(pooler.show("SERVERS")), queries(pooler)
        with LikeStore.from_url(pooler.url) as store:  # as a build registers them
            store.register(ArticleInfo(slug) for slug in SLUGS)
        apis = (start_gunicorn(hosts_env), start_gunicorn(hosts_env))
        yield Pooled(pooler, direct, apis, servers, queried)


def test_migrations_reach_postgresql_itself_never_pgbouncer(pooled):
    """`pelican-likes db upgrade`, run with the hosts' environment, left PgBouncer untouched:
    no server connection opened, no query passed; the API's own traffic did pass."""
    assert migrate.current_revision(pooled.direct_url) == migrate.head_revision()
    assert pooled.servers_after_migration == 0
    assert pooled.queries_after_migration == 0

    assert pooled.like(0, "first", "2001:db8:ffff::1") == 200
    assert 1 <= len(pooled.pooler.show("SERVERS")) <= POOL_SIZE
    wait_until(lambda: queries(pooled.pooler) > 0)


def test_concurrent_likes_of_300_readers_on_two_hosts_are_counted_exactly(pooled):
    before = pooled.counts()
    plans = reader_plans(20261207, READERS, "pooled-reader-")
    # Each reader on a network of their own, so that the daily cap counts them apart.
    addresses = {token: f"2001:db8:{n:x}::1" for n, token in enumerate(plans)}

    def send(token: str, article: str, method: str) -> tuple[int, dict]:
        """A click on either host."""
        headers = {"Likes-Voter": token, "X-Forwarded-For": addresses[token]}
        return pooled.request(random.randrange(2), method, f"/api/articles/{article}/like", headers)

    finals = list(play_plans(plans, send).values())

    expected = {slug: before[slug] + finals.count(slug) for slug in ("first", "second")}
    counts = pooled.counts()
    assert {slug: counts[slug] for slug in expected} == expected
    time.sleep(COUNT_CACHE_SECONDS)  # each worker may answer a count it read this long ago
    for host in (0, 1):
        status, body = pooled.request(host, "GET", "/api/likes?slug=first&slug=second", {})
        assert (status, body) == (200, {"likes": expected})
    assert sum(finals.count(slug) for slug in expected) > 50  # many likes left standing
    # The hosts' pooled connections, all open at once, shared the two server connections.
    assert len(pooled.pooler.show("SERVERS")) <= POOL_SIZE
    assert len(pooled.pooler.show("CLIENTS")) > 2 * POOL_SIZE


def test_a_flood_from_one_address_on_both_hosts_adds_the_daily_cap_exactly(pooled):
    before = pooled.counts()["flooded"]
    with ThreadPoolExecutor(max_workers=16) as senders:
        statuses = list(
            senders.map(lambda n: pooled.like(n % 2, "flooded", "192.0.2.10"), range(FLOOD))
        )

    assert sorted(set(statuses)) == [200, 429]
    assert statuses.count(200) == DAILY_LIMIT
    assert pooled.counts()["flooded"] - before == DAILY_LIMIT
    assert pooled.like(0, "flooded", "192.0.2.11") == 200  # another address has its own cap


def test_the_cleanup_forgets_past_days_through_pgbouncer_and_keeps_today(pooled):
    """Past days' keys and tallies, deleted by cleanup threads of two hosts' stores on
    PgBouncer at once, while today's tally, spent to the cap, goes on refusing."""
    two_days_ago = ManualClock(dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    with LikeStore.from_url(pooled.pooler.url, clock=two_days_ago) as past:
        past.like("cleaned", secrets.token_hex(32), network="192.0.2.20", daily_limit=1)
    for _ in range(DAILY_LIMIT):
        assert pooled.like(1, "cleaned", "192.0.2.21") == 200
    assert pooled.like(0, "cleaned", "192.0.2.21") == 429
    stores = [LikeStore.from_url(pooled.pooler.url) for _ in range(2)]
    assert stores[0].holds_past_days()
    today_key = key_of(pooled, dt.datetime.now(dt.UTC).date())

    cleanups = [Cleanup(store.forget_past_days, interval=0.05) for store in stores]
    wait_until(lambda: not stores[0].holds_past_days())
    for cleanup in cleanups:
        cleanup.stop()
    for store in stores:
        store.dispose()

    assert key_of(pooled, dt.datetime.now(dt.UTC).date()) == today_key
    assert key_of(pooled, two_days_ago.now.date()) in (None, FORGOTTEN_DAY_KEY)
    assert pooled.like(1, "cleaned", "192.0.2.21") == 429  # today's tally was kept
    assert pooled.counts()["cleaned"] == 1 + DAILY_LIMIT  # the likes themselves too


def key_of(pooled: Pooled, day: dt.date) -> bytes | None:
    with LikeStore.from_url(pooled.direct_url) as store, store.engine.connect() as conn:
        key = conn.scalar(select(daily_keys.c.key).where(daily_keys.c.day == day))
    return None if key is None else bytes(key)


def test_a_pool_held_past_query_wait_timeout_answers_503_then_recovers(pooled):
    """Every server connection held by open transactions: a like waits query_wait_timeout on
    each of its two tries, then is answered 503; the next, once they end, is counted."""
    holder = create_engine(parse_url(pooled.pooler.url), poolclass=NullPool)
    held = [holder.connect() for _ in range(POOL_SIZE)]
    try:
        for conn in held:
            conn.begin()
            conn.execute(text("SELECT 1"))  # in a transaction: the server connection is theirs
        started = time.monotonic()
        status = pooled.like(0, "cleaned", "192.0.2.30")
        waited = time.monotonic() - started
    finally:
        for conn in held:
            conn.close()
        holder.dispose()

    assert status == 503
    assert waited >= 2 * QUERY_WAIT_TIMEOUT  # the API's one retry, on a fresh connection
    assert pooled.like(0, "cleaned", "192.0.2.30") == 200


def test_the_deployment_guide_shows_the_shipped_file():
    guide = (REPO / "docs" / "deploy.md").read_text()
    blocks = [block.split("```", 1)[0] for block in guide.split("```ini\n")[1:]]
    assert PGBOUNCER_INI.read_text() in blocks
