"""Exact counts under concurrent writers, on PostgreSQL where real parallel transactions happen,
and a merge of renamed articles racing likes on both backends."""

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from pelican_likes.storage.pseudonyms import pseudonym
from pelican_likes.storage.schema import articles, likes
from pelican_likes.storage.store import ArticleInfo, LikeStore, Renamed

# Sixteen writers race: enough for real parallel transactions, within PostgreSQL's default
# 100 connections beside the rest of the suite's (each store has two engines of this pool size).
THREADS = 16
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


def test_a_merge_racing_likes_on_both_slugs_loses_nothing(database_url):
    """Readers like the old slug, the new one or both while the articles are merged: afterwards
    each of them is recognised on both slugs, and counts once, whichever slug they used and
    whether before or after the merge; except, as docs/security.md says, a reader whose likes of
    both articles were both made before the merge: that reader counts twice."""
    store = LikeStore.from_url(database_url, pool_size=8, max_overflow=0)
    store.register([ArticleInfo("old"), ArticleInfo("new")])
    with store.engine.connect() as conn:
        ids = dict(conn.execute(select(articles.c.slug, articles.c.id)).all())
    readers = [voter(f"reader-{n}") for n in range(300)]
    slugs_of = {who: ("old",) if n % 3 == 0 else ("new",) if n % 3 == 1 else ("old", "new")
                for n, who in enumerate(readers)}  # fmt: skip
    done = threading.Semaphore(0)

    def like(slug: str, who: str) -> None:
        store.like(slug, who)
        done.release()

    def merge_midway() -> Renamed:
        for _ in range(len(readers) // 2):
            done.acquire()
        return store.rename("old", "new")

    with ThreadPoolExecutor(max_workers=8) as pool:
        merging = pool.submit(merge_midway)
        jobs = [pool.submit(like, slug, who) for who in readers for slug in slugs_of[who]]
        for job in jobs:
            job.result()
        renamed = merging.result()

    with store.engine.connect() as conn:
        stored = set(conn.scalars(select(likes.c.voter)))
    twice = [who for who in readers if {pseudonym(who, ids[s]) for s in ids} <= stored]
    assert renamed.outcome == "merged" and renamed.moved > 0
    assert set(twice) <= {who for who in readers if slugs_of[who] == ("old", "new")}
    counted = len(readers) + len(twice)
    assert store.counts(["old", "new"]) == {"old": counted, "new": counted}
    assert len(stored) == counted
    assert store.recount() == 0  # the counters agree with the like rows
    assert [(a.slug, a.likes) for a in store.articles()] == [("new", counted)]
    assert all(store.state(slug, who).liked for who in readers for slug in ("old", "new"))
    store.dispose()
