"""Exact counts under concurrent writers, on PostgreSQL where real parallel transactions happen."""

import hashlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from pelican_likes.store import ArticleInfo, LikeStore

THREADS = 32
STEADY_VOTERS = 400
FICKLE_VOTERS = 100


def voter(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


@pytest.fixture
def pg_store(postgres_url):
    store = LikeStore.from_url(postgres_url, pool_size=THREADS, max_overflow=0)
    store.register([ArticleInfo("viral", "Viral")])
    yield store
    store.dispose()


def test_concurrent_likes_unlikes_and_relikes_count_exactly(pg_store):
    """400 readers like once; 100 more like, unlike and like again, each step racing the rest."""

    def steady(n: int) -> None:
        pg_store.like("viral", voter(f"steady-{n}"))

    def fickle(n: int) -> None:
        who = voter(f"fickle-{n}")
        pg_store.like("viral", who)
        pg_store.unlike("viral", who)
        pg_store.like("viral", who)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        jobs = [pool.submit(steady, n) for n in range(STEADY_VOTERS)]
        jobs += [pool.submit(fickle, n) for n in range(FICKLE_VOTERS)]
        for job in jobs:
            job.result()

    assert pg_store.counts(["viral"]) == {"viral": STEADY_VOTERS + FICKLE_VOTERS}


def test_the_same_reader_racing_itself_counts_once(pg_store):
    """Many tabs of one reader clicking at once: one like, never more."""
    who = voter("one-reader")
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        states = list(pool.map(lambda _: pg_store.like("viral", who), range(THREADS * 4)))
    assert {state.liked for state in states} == {True}
    assert pg_store.counts(["viral"]) == {"viral": 1}
