"""The daily cap's tables damaged under the API, on SQLite and PostgreSQL: a day key deleted, the
keys' table gone, the tallies' table dropped in the middle of a flood of likes. The API answers
each like 200 or a 503 problem, never a 500, and stores exactly the likes it answered 200."""

import datetime as dt
import json
import secrets
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import falcon.testing
from sqlalchemy import create_engine, select, text

from pelican_likes.api.app import create_app
from pelican_likes.api.config import Config
from pelican_likes.api.voters import Voters
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.pseudonyms import pseudonym
from pelican_likes.storage.schema import daily_keys, daily_tallies, likes
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import SECRET, ManualClock, WriteLoad

SLUG = "capped"
FLOOD_THREADS = 4


def execute(url: str, statement: str) -> None:
    engine = create_engine(parse_url(url))
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def test_a_deleted_day_key_is_made_again_and_counting_goes_on(own_database_url):
    hosts = [LikeStore.from_url(own_database_url) for _ in range(2)]
    hosts[0].register([ArticleInfo(SLUG)])
    for n, host in enumerate(hosts):
        host.like(SLUG, f"{n:064d}", network="192.0.2.1", daily_limit=5)

    execute(own_database_url, "DELETE FROM daily_keys")  # both hosts still hold the old one

    for n, host in enumerate(hosts, start=2):
        host.like(SLUG, f"{n:064d}", network="192.0.2.1", daily_limit=5)
    with hosts[0].engine.connect() as conn:
        keys = conn.execute(select(daily_keys.c.key)).all()
    assert len(keys) == 1  # made again once, and both hosts moved to it
    assert hosts[0].counts([SLUG]) == {SLUG: 4}
    for host in hosts:
        host.dispose()


def test_without_the_keys_table_a_like_is_a_503_and_unlikes_go_on(own_database_url):
    store = LikeStore.from_url(own_database_url)
    store.register([ArticleInfo(SLUG)])
    client = falcon.testing.TestClient(
        create_app(Config(own_database_url, SECRET.encode(), daily_limit=5), store)
    )
    token = {"Likes-Voter": secrets.token_urlsafe(16)}
    assert client.simulate_put(f"/api/articles/{SLUG}/like", headers=token).status_code == 200

    execute(own_database_url, "DROP TABLE daily_keys")
    refused = client.simulate_put(
        f"/api/articles/{SLUG}/like", headers={"Likes-Voter": secrets.token_urlsafe(16)}
    )
    unliked = client.simulate_delete(f"/api/articles/{SLUG}/like", headers=token)

    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert "run `pelican-likes db upgrade`" in refused.json["detail"]  # a table of the schema
    assert unliked.status_code == 200
    assert store.counts([SLUG]) == {SLUG: 0}
    store.dispose()


def test_the_tallies_dropped_mid_flood_cost_503s_not_likes(
    own_database_url: str, start_gunicorn: Callable[..., Any]
) -> None:
    store = LikeStore.from_url(own_database_url)
    store.register([ArticleInfo(SLUG)])
    server = start_gunicorn(
        {
            "DATABASE_URL": own_database_url,
            "LIKES_SECRET": SECRET,
            "LIKES_RATE_LIMIT": "0",
            # The flood comes from 127.0.0.1 alone: the cap is on, but high enough that only
            # the missing table can refuse a like.
            "LIKES_DAILY_LIMIT": "1000000",
        },
        workers=2,
    )
    engine = create_engine(parse_url(own_database_url))
    with WriteLoad(server.url, FLOOD_THREADS, SLUG) as load:
        assert load.first_success(sent_after=0, timeout=10) is not None
        with engine.begin() as conn:
            daily_tallies.drop(conn)
        dropped = time.monotonic()
        assert load.first_refusal(sent_after=dropped, timeout=10) is not None
        with engine.begin() as conn:
            daily_tallies.create(conn)
        restored = time.monotonic()
        assert load.first_success(restored, timeout=10) is not None
    attempts = load.attempts()

    statuses = Counter(a.status for a in attempts)
    assert set(statuses) <= {200, 503, None}, statuses
    assert statuses[503] >= 1 and statuses[200] >= 1, statuses
    assert any(a.status == 200 and a.sent < dropped for a in attempts)
    for refused in (a for a in attempts if a.status == 503):
        assert refused.headers["content-type"] == "application/problem+json"
        assert json.loads(refused.body)["detail"]
        assert int(refused.headers["retry-after"]) >= 1

    voters = Voters(SECRET.encode())
    with engine.connect() as conn:
        stored = set(conn.scalars(select(likes.c.voter)))
        article_id = conn.scalar(select(likes.c.article_id).limit(1))
    answered = {pseudonym(voters.voter(a.token), article_id) for a in attempts if a.status == 200}
    unknown = {pseudonym(voters.voter(a.token), article_id) for a in attempts if a.status is None}
    engine.dispose()
    assert answered <= stored <= answered | unknown
    assert store.counts([SLUG]) == {SLUG: len(stored)}
    store.dispose()


def test_the_cap_needs_no_clock_agreement_beyond_the_day(own_database_url):
    """Two hosts whose clocks straddle midnight count under their own day's key, each exact."""
    late = LikeStore.from_url(
        own_database_url, clock=lambda: dt.datetime(2026, 12, 1, 23, 59, 59, tzinfo=dt.UTC)
    )
    early_clock = ManualClock(dt.datetime(2026, 12, 2, 0, 0, 1, tzinfo=dt.UTC))
    early = LikeStore.from_url(own_database_url, clock=early_clock)
    late.register([ArticleInfo(SLUG)])

    late.like(SLUG, "a" * 64, network="192.0.2.1", daily_limit=1)
    early.like(SLUG, "b" * 64, network="192.0.2.1", daily_limit=1)

    assert late.counts([SLUG]) == {SLUG: 2}
    assert early.forget_past_days() == 0  # the late host may still be in its day
    early_clock.now += dt.timedelta(minutes=5)
    assert early.forget_past_days() == 2  # the late host's key and tally, of a day now over
    late.dispose()
    early.dispose()
