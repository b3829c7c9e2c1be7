"""The store's behaviour, the same on SQLite and PostgreSQL (``store`` runs once per backend)."""

import pytest
from sqlalchemy import select

from pelican_likes.storage import migrate
from pelican_likes.storage.pseudonyms import Pseudonym, pseudonym
from pelican_likes.storage.schema import articles, likes
from pelican_likes.storage.store import (
    ArticleClosed,
    ArticleInfo,
    LikeState,
    LikeStore,
    StorageUnavailable,
    UnknownArticle,
)

VOTER_A = "a" * 64
VOTER_B = "b" * 64


def updated_at(store: LikeStore, slug: str) -> object:
    with store.engine.connect() as conn:
        return conn.scalar(select(articles.c.updated_at).where(articles.c.slug == slug))


@pytest.fixture
def hello(store: LikeStore) -> str:
    store.register([ArticleInfo("hello", "Hello", "/hello.html")])
    return "hello"


def test_like_counts_one_and_reports_liked(store, hello):
    assert store.like(hello, VOTER_A) == LikeState(hello, 1, True)


def test_like_is_idempotent_per_voter(store, hello):
    store.like(hello, VOTER_A)
    assert store.like(hello, VOTER_A) == LikeState(hello, 1, True)
    assert store.like(hello, VOTER_B) == LikeState(hello, 2, True)


def test_unlike_removes_only_that_voters_like_and_is_idempotent(store, hello):
    store.like(hello, VOTER_A)
    store.like(hello, VOTER_B)
    assert store.unlike(hello, VOTER_A) == LikeState(hello, 1, False)
    assert store.unlike(hello, VOTER_A) == LikeState(hello, 1, False)
    assert store.unlike("hello", "never-liked") == LikeState(hello, 1, False)


def test_state_reads_without_writing(store, hello):
    store.like(hello, VOTER_A)
    assert store.state(hello, VOTER_A) == LikeState(hello, 1, True)
    assert store.state(hello, VOTER_B) == LikeState(hello, 1, False)
    assert store.counts([hello]) == {hello: 1}


@pytest.mark.parametrize("action", ["like", "unlike", "state"])
def test_unknown_article_is_an_error(store, action):
    with pytest.raises(UnknownArticle) as caught:
        getattr(store, action)("nope", VOTER_A)
    assert caught.value.slug == "nope"


def test_counts_of_many_articles_leave_unknown_out(store):
    store.register([ArticleInfo("one"), ArticleInfo("two"), ArticleInfo("three")])
    store.like("one", VOTER_A)
    store.like("two", VOTER_A)
    store.like("two", VOTER_B)
    assert store.counts(["one", "two", "three", "missing"]) == {"one": 1, "two": 2, "three": 0}
    assert store.counts([]) == {}


def test_count_adds_base_likes_from_an_older_system(store, hello):
    store.set_base_likes({hello: 40})
    assert store.like(hello, VOTER_A).likes == 41
    assert store.counts([hello]) == {hello: 41}
    assert store.unlike(hello, VOTER_A).likes == 40


def test_set_base_likes_with_an_unknown_slug_changes_nothing(store, hello):
    with pytest.raises(UnknownArticle):
        store.set_base_likes({hello: 5, "missing": 3})
    assert store.counts([hello]) == {hello: 0}


def test_several_unknown_slugs_are_each_named(store, hello):
    with pytest.raises(UnknownArticle) as caught:
        store.set_base_likes({"b, c": 1, hello: 5, "a": 3})

    assert caught.value.slugs == ("a", "b, c")
    assert str(caught.value) == "unknown articles: 'a', 'b, c'"


def test_register_upserts_title_and_url_and_keeps_likes(store, hello):
    store.like(hello, VOTER_A)
    store.register([ArticleInfo("hello", "Hello again", "/2024/hello.html"), ArticleInfo("new")])
    listed = {a.slug: a for a in store.articles()}
    assert listed["hello"].title == "Hello again"
    assert listed["hello"].url == "/2024/hello.html"
    assert listed["hello"].likes == 1
    assert listed["new"].likes == 0


def test_register_leaves_unchanged_rows_alone(store, hello):
    before = updated_at(store, hello)
    store.register([ArticleInfo("hello", "Hello", "/hello.html")])
    assert updated_at(store, hello) == before


def test_a_url_without_a_host_never_replaces_one_with_a_host(store, hello):
    absolute = "https://blog.example/hello.html"
    store.register([ArticleInfo("hello", "Hello", absolute)])
    for local in ("/hello.html", "", "/blog/hello.html"):
        store.register([ArticleInfo("hello", "Hello, edited locally", local)])
        [listed] = store.articles()
        assert listed.url == absolute
        assert listed.title == "Hello, edited locally"


def test_a_url_with_a_host_replaces_one_without(store, hello):
    for absolute in ("https://blog.example/hello.html", "//cdn.example/hello.html"):
        store.register([ArticleInfo("hello", "Hello", absolute)])
        [listed] = store.articles()
        assert listed.url == absolute


def test_a_local_rebuild_after_a_production_build_writes_nothing(store, hello):
    store.register([ArticleInfo("hello", "Hello", "https://blog.example/hello.html")])
    before = updated_at(store, hello)
    store.register([ArticleInfo("hello", "Hello", "/hello.html")])
    assert updated_at(store, hello) == before


def test_register_rejects_slugs_the_api_could_not_serve(store):
    with pytest.raises(ValueError, match="a/b"):
        store.register([ArticleInfo("a/b")])
    assert store.articles() == []


def test_articles_lists_most_liked_first(store):
    store.register([ArticleInfo("quiet"), ArticleInfo("popular")])
    store.like("popular", VOTER_A)
    assert [a.slug for a in store.articles()] == ["popular", "quiet"]


def test_the_voter_given_is_stored_only_as_its_pseudonym_for_the_article(store, hello):
    store.like(hello, VOTER_A)
    store.register([ArticleInfo("other")])
    store.like("other", VOTER_A)
    with store.engine.connect() as conn:
        stored = conn.execute(select(likes.c.article_id, likes.c.voter)).all()
    assert sorted(voter for _, voter in stored) == sorted(
        pseudonym(VOTER_A, article_id) for article_id, _ in stored
    )
    assert len({voter for _, voter in stored}) == 2 and VOTER_A not in dict(stored).values()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_ping_fails_before_the_schema_exists_and_passes_after(backend, request, tmp_path):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    else:
        url = request.getfixturevalue("make_postgres_database")()
    store = LikeStore.from_url(url)
    with pytest.raises(StorageUnavailable, match="pelican-likes db upgrade"):
        store.ping()

    migrate.upgrade(url)

    assert store.ping() is None  # it raises while the database cannot serve likes
    store.dispose()


def test_unreachable_postgresql_is_reported_as_unavailable():
    store = LikeStore.from_url("postgresql://postgres@127.0.0.1:1/none")
    with pytest.raises(StorageUnavailable, match="database unavailable"):
        store.counts(["x"])


def test_missing_tables_are_reported_with_the_fix(tmp_path):
    store = LikeStore.from_url(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(StorageUnavailable, match="pelican-likes db upgrade"):
        store.ping()


def test_missing_tables_on_postgresql_are_reported_with_the_fix(make_postgres_database):
    store = LikeStore.from_url(make_postgres_database())
    with pytest.raises(StorageUnavailable, match="pelican-likes db upgrade"):
        store.counts(["x"])
    store.dispose()


def test_register_shortens_overlong_titles_and_urls(store):
    store.register([ArticleInfo("long", "T" * 600, "/" + "u" * 1200)])
    (listed,) = store.articles()
    assert len(listed.title) == 500 and listed.title.endswith("…")
    assert len(listed.url) == 1000


def test_recount_rebuilds_counts_after_rows_were_removed_by_hand(store, hello):
    store.register([ArticleInfo("other")])
    for voter in (VOTER_A, VOTER_B, "c" * 64):
        store.like(hello, voter)
    store.like("other", VOTER_A)
    with store.engine.begin() as conn:  # an operator removing a reader's likes by hand
        conn.execute(likes.delete().where(likes.c.voter == Pseudonym(VOTER_B, likes.c.article_id)))
    assert store.counts([hello]) == {hello: 3}

    assert store.recount() == 1
    assert store.counts([hello, "other"]) == {hello: 2, "other": 1}
    # Counting goes on exactly from the rebuilt counters.
    assert store.unlike(hello, VOTER_A).likes == 1
    assert store.like(hello, VOTER_B).likes == 2
    assert store.recount() == 0


def test_an_article_closed_to_likes_keeps_its_count_and_refuses_votes(store, hello):
    store.like(hello, VOTER_A)

    store.close_likes([hello, "never-registered"])

    for vote in (store.like, store.unlike):
        with pytest.raises(ArticleClosed):
            vote(hello, VOTER_B)
        with pytest.raises(ArticleClosed):
            vote(hello, VOTER_A)
    assert store.counts([hello]) == {hello: 1}
    assert store.state(hello, VOTER_A).liked is True
    assert [a.slug for a in store.articles()] == [hello]  # nothing made for the unknown slug


def test_registering_again_reopens_a_closed_article(store, hello):
    store.like(hello, VOTER_A)
    store.close_likes([hello])

    store.register([ArticleInfo(hello, "Hello")])

    assert store.like(hello, VOTER_B).likes == 2
    assert store.unlike(hello, VOTER_A).likes == 1


def test_base_likes_are_bounded_to_the_column(store, hello):
    with pytest.raises(ValueError, match="2,147,483,647"):
        store.set_base_likes({hello: 2**31})
    with pytest.raises(ValueError):
        store.set_base_likes({hello: -1})
    assert store.counts([hello]) == {hello: 0}


def test_a_dropped_pooled_connection_is_replaced_without_failing_the_read(postgres_url):
    """Autocommit connections are not pinged before use: one the server dropped (a restart, an
    idle timeout) fails its statement, which then runs once more on a fresh connection."""
    store = LikeStore.from_url(postgres_url, pool_size=1, max_overflow=0)
    store.register([ArticleInfo("dropped")])
    store.like("dropped", "reader-0123456789abcdef")
    backend = store._engines.statement(
        lambda conn: conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    )
    with store.engine.connect() as admin:
        admin.exec_driver_sql(f"SELECT pg_terminate_backend({backend})")
    assert store.counts(["dropped"]) == {"dropped": 1}
    again = store._engines.statement(
        lambda conn: conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    )
    assert again != backend
    store.dispose()


def test_a_read_after_a_restart_replaces_every_dropped_connection_at_once(postgres_url):
    """After a restart every pooled connection is dead: the first failed read invalidates the
    whole pool, so its one retry gets a fresh connection rather than the next dead one."""
    store = LikeStore.from_url(postgres_url, pool_size=2, max_overflow=0)
    store.register([ArticleInfo("restarted")])
    store.like("restarted", "reader-0123456789abcdef")
    with (
        store._engines.autocommit.connect() as first,
        store._engines.autocommit.connect() as second,
    ):
        backends = [
            conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() for conn in (first, second)
        ]
    with store.engine.connect() as admin:
        for backend in backends:
            admin.exec_driver_sql(f"SELECT pg_terminate_backend({backend})")
    assert store.counts(["restarted"]) == {"restarted": 1}
    store.dispose()


def test_a_store_used_as_a_context_closes_its_connections(database_url):
    with LikeStore.from_url(database_url) as store:
        store.register([ArticleInfo("hello")])
        assert store.counts(["hello"]) == {"hello": 0}
        assert store.engine.pool.checkedin() >= 1

    assert store.engine.pool.checkedin() == 0
