"""LIKES_DAILY_LIMIT through the API, on SQLite and PostgreSQL: likes per network, article and UTC
day, refused with a 429 until midnight; every answer held to the OpenAPI document."""

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from ipaddress import ip_network

import falcon.testing
import pytest

from pelican_likes.api.errors import DAILY_LIMIT_TYPE
from pelican_likes.storage.store import LikeStore
from tests.support import ARTICLES, ManualClock

START = dt.datetime(2026, 12, 1, 23, 0, tzinfo=dt.UTC)  # an hour before midnight UTC
BLOG = "https://blog.example"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def timed_store(database_url: str, clock: ManualClock) -> Iterator[LikeStore]:
    store = LikeStore.from_url(database_url, clock=clock)
    store.register(ARTICLES)
    yield store
    store.dispose()


@pytest.fixture
def capped(timed_store, client_for) -> Callable[..., falcon.testing.TestClient]:
    """Clients of an app whose daily cap is ``limit``, without the per-worker rate limit (the
    tests below send bursts from one address on purpose)."""
    return lambda limit, **settings: client_for(
        timed_store, daily_limit=limit, rate_limit=0, **settings
    )


def like(client, slug="first", token=None, **kwargs):
    headers = {"Likes-Voter": token or secrets.token_urlsafe(16)} | kwargs.pop("headers", {})
    return client.simulate_put(f"/api/articles/{slug}/like", headers=headers, **kwargs)


def count(store: LikeStore, slug: str = "first") -> int:
    return store.counts([slug])[slug]


def test_a_network_adds_at_most_the_limit_then_waits_for_midnight(capped, timed_store):
    client = capped(3)

    answers = [like(client, remote_addr="203.0.113.7") for _ in range(5)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    refused = answers[-1]
    assert refused.headers["retry-after"] == "3600"
    assert refused.json["type"] == DAILY_LIMIT_TYPE
    assert refused.json["detail"].startswith("Too many likes from your network today")
    assert count(timed_store) == 3


def test_other_addresses_and_articles_have_allowances_of_their_own(capped, timed_store):
    client = capped(1)

    assert like(client, remote_addr="203.0.113.7").status_code == 200
    assert like(client, remote_addr="203.0.113.7").status_code == 429
    assert like(client, remote_addr="203.0.113.8").status_code == 200
    assert like(client, "second", remote_addr="203.0.113.7").status_code == 200
    assert (count(timed_store, "first"), count(timed_store, "second")) == (2, 1)


def test_ipv6_counts_per_64(capped):
    client = capped(2)
    network = ip_network("2001:db8:1:2::/64")

    assert like(client, remote_addr=str(network[1])).status_code == 200
    assert like(client, remote_addr=str(network[2**63])).status_code == 200
    assert like(client, remote_addr=str(network[-1])).status_code == 429
    assert like(client, remote_addr="2001:db8:1:3::1").status_code == 200


def test_a_former_slug_shares_its_article_allowance(capped, timed_store):
    timed_store.rename("second", "renamed")
    client = capped(1)

    assert like(client, "renamed", remote_addr="203.0.113.7").status_code == 200
    assert like(client, "second", remote_addr="203.0.113.7").status_code == 429


def test_liking_again_spends_nothing(capped, timed_store):
    client = capped(2)
    token = secrets.token_urlsafe(16)

    assert [like(client, token=token).status_code for _ in range(5)] == [200] * 5
    assert like(client).status_code == 200
    assert like(client, token=token).status_code == 200  # already counted: not refused either
    assert like(client).status_code == 429
    assert count(timed_store) == 2


def test_unlikes_are_never_refused_and_give_nothing_back(capped, timed_store):
    client = capped(1)
    token = secrets.token_urlsafe(16)
    assert like(client, token=token).status_code == 200
    assert like(client).status_code == 429

    unliked = client.simulate_delete("/api/articles/first/like", headers={"Likes-Voter": token})

    assert unliked.status_code == 200
    assert like(client).status_code == 429
    assert count(timed_store) == 0


def test_the_next_utc_day_brings_a_new_allowance(capped, clock, timed_store):
    client = capped(1)
    assert like(client).status_code == 200
    assert like(client).status_code == 429

    clock.now += dt.timedelta(hours=1)  # midnight UTC

    assert like(client).status_code == 200
    assert count(timed_store) == 2


def test_a_new_limit_holds_from_the_next_start_without_a_migration(capped, timed_store):
    assert [like(capped(2)).status_code for _ in range(3)] == [200, 200, 429]

    restarted = capped(3)  # the same database, today's tallies kept

    assert [like(restarted).status_code for _ in range(2)] == [200, 429]
    assert [like(capped(0)).status_code for _ in range(3)] == [200] * 3
    assert count(timed_store) == 6


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(capped):
    client = capped(1, trusted_proxies=(ip_network("10.0.0.0/8"),))
    proxy = {"remote_addr": "10.0.0.2"}

    assert like(client, headers={"X-Forwarded-For": "203.0.113.7"}, **proxy).status_code == 200
    assert like(client, headers={"X-Forwarded-For": "203.0.113.7"}, **proxy).status_code == 429
    assert like(client, headers={"X-Forwarded-For": "203.0.113.9"}, **proxy).status_code == 200
    # A forged header from anywhere else is not believed: the sender's own address is counted.
    forged = {"X-Forwarded-For": "198.51.100.1"}
    assert like(client, headers=forged, remote_addr="203.0.113.7").status_code == 429


def test_a_request_without_a_readable_address_is_refused_with_a_400(capped, timed_store):
    client = capped(5)

    answer = like(client, remote_addr="not an address")

    assert answer.status_code == 400
    assert "X-Forwarded-For" in answer.json["detail"]
    assert count(timed_store) == 0


def test_form_likes_pass_through_the_same_cap(capped, timed_store):
    client = capped(1, allowed_origins=(BLOG,))
    form = {"Origin": BLOG, "Content-Type": "application/x-www-form-urlencoded"}

    def send():
        return client.simulate_post(
            "/api/form-likes/first", params={"return": "/first.html"}, headers=form
        )

    first, second = send(), send()  # no cookie sent back: two readers behind one address

    assert (first.status_code, second.status_code) == (303, 429)
    assert second.json["type"] == DAILY_LIMIT_TYPE
    assert second.json["detail"].startswith("Too many likes from your network today")
    assert second.headers["retry-after"] == "3600"
    assert count(timed_store) == 1
