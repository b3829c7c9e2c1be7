"""The writes both resources share, on SQLite and PostgreSQL: the slug checked before the client's
rate budget is spent, the budget spent before storage is touched, the fresh count cached."""

import falcon
import falcon.testing
import pytest

from pelican_likes.api.count_cache import CountCache
from pelican_likes.api.daily_limit import DailyLimit
from pelican_likes.api.like_writes import LikeWrites
from pelican_likes.api.limits import RateLimiter, WriteLimit
from pelican_likes.storage.errors import DailyLimitReached, UnknownArticle
from pelican_likes.storage.store import ArticleInfo, LikeState, LikeStore

ALICE, BOB = "a" * 64, "b" * 64  # voters as the store keeps them: HMACs of readers' tokens
CLIENT = "203.0.113.7"


def request() -> falcon.Request:
    return falcon.testing.create_req(method="PUT", remote_addr=CLIENT)


def never_read(slugs: list[str]) -> dict[str, int]:
    raise AssertionError(f"read {slugs} from the database, not the cache")


@pytest.fixture
def articles(store: LikeStore) -> LikeStore:
    store.register([ArticleInfo("first"), ArticleInfo("second")])
    return store


def writes_on(
    store: LikeStore, limiter: RateLimiter | None = None, daily_limit: int = 0
) -> LikeWrites:
    return LikeWrites(
        store,
        WriteLimit(limiter, ()),
        DailyLimit(daily_limit, ()),
        CountCache(ttl=60, clock=lambda: 30.0),
    )


@pytest.mark.parametrize("slug", ["", "semi;colon", "a" * 201, "with space"])
def test_a_malformed_slug_is_refused_before_the_budget_is_spent(articles, slug):
    limiter = RateLimiter(1, 60)

    with pytest.raises(falcon.HTTPBadRequest):
        writes_on(articles, limiter).to(slug)

    assert len(limiter) == 0


def test_a_like_spends_one_action_then_writes_and_caches_the_count(articles):
    limiter = RateLimiter(2, 60)
    writes = writes_on(articles, limiter)

    state = writes.to("first").like(request(), ALICE)

    assert state == LikeState("first", 1, liked=True)
    assert len(limiter) == 1 and limiter.acquire(CLIENT) == 0 and limiter.acquire(CLIENT) > 0
    assert articles.counts(["first"]) == {"first": 1}
    assert writes.cache.counts(["first"], never_read).counts == {"first": 1}


def test_an_unlike_spends_one_action_and_caches_the_lower_count(articles):
    limiter = RateLimiter(3, 60)
    writes = writes_on(articles, limiter)
    writes.to("second").like(request(), ALICE)
    writes.to("second").like(request(), BOB)

    state = writes.to("second").unlike(request(), ALICE)

    assert state == LikeState("second", 1, liked=False)
    assert limiter.acquire(CLIENT) > 0  # the unlike took the third action
    assert writes.cache.counts(["second"], never_read).counts == {"second": 1}


def test_a_client_over_its_budget_never_reaches_storage(articles):
    writes = writes_on(articles, RateLimiter(1, 60))
    writes.to("first").like(request(), ALICE)

    with pytest.raises(falcon.HTTPTooManyRequests):
        writes.to("first").like(request(), BOB)
    with pytest.raises(falcon.HTTPTooManyRequests):
        writes.to("never-published").like(request(), BOB)  # not even to learn it is unknown

    assert articles.counts(["first"]) == {"first": 1}
    assert writes.cache.counts(["first"], never_read).counts == {"first": 1}


def test_likes_count_against_the_daily_allowance_and_unlikes_do_not(articles):
    writes = writes_on(articles, daily_limit=1)
    writes.to("first").like(request(), ALICE)

    with pytest.raises(DailyLimitReached):
        writes.to("first").like(request(), BOB)
    state = writes.to("first").unlike(request(), ALICE)

    assert state == LikeState("first", 0, liked=False)
    assert writes.cache.counts(["first"], never_read).counts == {"first": 0}


def test_a_write_to_an_unknown_article_caches_nothing(articles):
    writes = writes_on(articles)
    asked: list[list[str]] = []

    with pytest.raises(UnknownArticle):
        writes.to("never-published").like(request(), ALICE)

    assert writes.cache.counts(["never-published"], lambda s: asked.append(s) or {}).counts == {}
    assert asked == [["never-published"]]
