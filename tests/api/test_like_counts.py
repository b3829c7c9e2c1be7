"""GET /api/likes: many counts in one request, cacheable by a CDN."""

import secrets

import pytest

from pelican_likes.api.count_cache import CountCache
from pelican_likes.api.like_counts import LikeCounts
from pelican_likes.storage import migrate
from pelican_likes.storage.store import ArticleInfo, LikeStore


def like(client, slug: str) -> None:
    headers = {"Likes-Voter": secrets.token_urlsafe(16)}
    assert client.simulate_put(f"/api/articles/{slug}/like", headers=headers).status_code == 200


def test_counts_of_many_articles_unknown_ones_left_out(client):
    like(client, "first")
    like(client, "first")
    like(client, "été-2024")

    result = client.simulate_get(
        "/api/likes", params={"slug": ["first", "second", "été-2024", "never-published"]}
    )

    assert result.status_code == 200
    assert result.json == {"likes": {"first": 2, "second": 0, "été-2024": 1}}


def test_percent_encoded_unicode_slug(client):
    result = client.simulate_get("/api/likes", query_string="slug=%C3%A9t%C3%A9-2024")

    assert result.json == {"likes": {"été-2024": 0}}


def test_a_hundred_slugs_are_answered_more_are_refused(client):
    hundred = ["first"] + [f"other-{n}" for n in range(99)]

    assert client.simulate_get("/api/likes", params={"slug": hundred}).status_code == 200
    refused = client.simulate_get("/api/likes", params={"slug": [*hundred, "second"]})
    assert refused.status_code == 400
    assert "100" in refused.json["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "slug=",
        "slug=first&slug=",
        "slug=first,second",  # one value with a comma, which no slug contains
        "slug=%FF",  # not UTF-8
        "slug=%00",
        "slug=" + "a" * 201,
        "slugs=first",
        "slug=first&slug=" + "%F0%9F%91%8D",
    ],
)
def test_bad_parameters_are_400(client, query):
    result = client.simulate_get("/api/likes", query_string=query)

    assert result.status_code == 400
    assert result.json["detail"]


def test_other_parameters_are_ignored(client):
    result = client.simulate_get("/api/likes", query_string="slug=first&utm_source=feed")

    assert result.json == {"likes": {"first": 0}}


def test_cdn_may_cache_for_the_configured_seconds(make_client):
    five = make_client().simulate_get("/api/likes", params={"slug": "first"})
    thirty = make_client(cache_max_age=30).simulate_get("/api/likes", params={"slug": "first"})
    never = make_client(cache_max_age=0).simulate_get("/api/likes", params={"slug": "first"})

    assert five.headers["cache-control"] == "public, max-age=5"
    assert thirty.headers["cache-control"] == "public, max-age=30"
    assert never.headers["cache-control"] == "no-cache"


def test_etag_answers_304_until_the_counts_change(client):
    slugs = {"slug": ["first", "second"]}
    first = client.simulate_get("/api/likes", params=slugs)
    etag = first.headers["etag"]

    same = client.simulate_get("/api/likes", params=slugs, headers={"If-None-Match": etag})
    weakened = client.simulate_get(
        "/api/likes", params=slugs, headers={"If-None-Match": f'"other", W/{etag}'}
    )
    like(client, "second")
    changed = client.simulate_get("/api/likes", params=slugs, headers={"If-None-Match": etag})

    assert same.status_code == weakened.status_code == 304
    assert same.content == b""
    assert same.headers["etag"] == etag
    assert same.headers["cache-control"] == "public, max-age=5"
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.json == {"likes": {"first": 0, "second": 1}}


class Clock:
    now = 1_800_000_000.7

    def __call__(self) -> float:
        return self.now


def test_nginx_keeps_counts_until_the_end_of_the_second_they_were_read_in(store):
    store.register([ArticleInfo("first"), ArticleInfo("second")])
    clock = Clock()
    counts = LikeCounts(store.counts, 30, CountCache(ttl=1, clock=clock))

    assert counts.document(["first"]).nginx_expires == "@1800000000"
    clock.now += 0.29
    assert counts.document(["first", "second"]).nginx_expires == "@1800000000"
    clock.now += 0.01
    assert counts.document(["first"]).nginx_expires == "@1800000001"
    assert LikeCounts(store.counts, 0, CountCache(ttl=0)).document(["first"]).nginx_expires is None


def test_nginx_is_told_on_200_and_304_and_not_when_nothing_may_be_kept(make_client):
    cached, uncached = make_client(cache_max_age=30), make_client(cache_max_age=0)
    first = cached.simulate_get("/api/likes", params={"slug": "first"})
    again = cached.simulate_get(
        "/api/likes", params={"slug": "first"}, headers={"If-None-Match": first.headers["etag"]}
    )
    never = uncached.simulate_get("/api/likes", params={"slug": "first"})

    assert first.headers["x-accel-expires"].startswith("@")
    assert again.status_code == 304
    assert int(again.headers["x-accel-expires"][1:]) >= int(first.headers["x-accel-expires"][1:])
    assert "x-accel-expires" not in never.headers


def test_etag_does_not_depend_on_slug_order(client):
    one = client.simulate_get("/api/likes", query_string="slug=first&slug=second")
    other = client.simulate_get("/api/likes", query_string="slug=second&slug=first&slug=first")

    assert one.headers["etag"] == other.headers["etag"]


def test_head_has_the_headers_without_the_body(client):
    get = client.simulate_get("/api/likes", params={"slug": "first"})
    head = client.simulate_head("/api/likes", params={"slug": "first"})

    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_counts_come_from_the_read_replica_when_one_is_set(make_client, tmp_path):
    """LIKES_READ_DATABASE_URL serves GET /api/likes; likes are still written to DATABASE_URL."""
    replica_url = f"sqlite:///{tmp_path / 'replica.sqlite3'}"
    migrate.upgrade(replica_url)
    replica = LikeStore.from_url(replica_url)
    replica.register([ArticleInfo("first")])
    replica.set_base_likes({"first": 7})
    client = make_client(read_database_url=replica_url, cache_max_age=0)

    like(client, "first")

    assert client.simulate_get("/api/likes", params={"slug": "first"}).json == {
        "likes": {"first": 7}
    }
    assert client.simulate_get("/api/articles/first/like").json["likes"] == 1
