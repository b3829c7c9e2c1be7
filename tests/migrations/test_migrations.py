"""The Alembic migrations, run for real on SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect, text

from pelican_likes.api.voters import Voters
from pelican_likes.storage import migrate
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.pseudonyms import pseudonym
from pelican_likes.storage.store import ArticleInfo, LikeState, LikeStore
from tests.support import SECRET

DOWNGRADE_DROPS = import_module(
    "pelican_likes.migrations.versions.0006_pseudonyms_per_article"
).DOWNGRADE_DROPS

TABLES = {
    "articles",
    "likes",
    "like_counters",
    "article_aliases",
    "daily_keys",
    "daily_tallies",
    "article_merges",
}
DAILY_CAP_TABLES = {"daily_keys", "daily_tallies"}


def head() -> str:
    """The newest revision shipped in migrations/versions."""
    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    return request.getfixturevalue("make_postgres_database")()


def tables(url: str) -> set[str]:
    engine = create_engine(parse_url(url))
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_and_upgrade_again(empty_url):
    migrate.upgrade(empty_url)
    assert tables(empty_url) == TABLES
    assert migrate.current_revision(empty_url) == head()

    migrate.downgrade(empty_url, "base")
    assert tables(empty_url) == set()
    assert migrate.current_revision(empty_url) is None

    migrate.upgrade(empty_url)
    assert tables(empty_url) == TABLES
    store = LikeStore.from_url(empty_url)
    store.register([ArticleInfo("after-roundtrip")])
    assert store.like("after-roundtrip", "v" * 64).likes == 1
    store.dispose()


def test_migrated_schema_matches_the_models(empty_url):
    """Alembic's autogenerate finds nothing to add: schema.py and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from pelican_likes.storage.schema import metadata

    migrate.upgrade(empty_url)
    engine = create_engine(parse_url(empty_url))
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert differences == []


def test_likes_are_indexed_by_article_and_time_from_0002_on(empty_url):
    """The index the stats' per-article query reads alone (bench/stats.py shows both plans)."""
    migrate.upgrade(empty_url, "0001")
    assert _indexes(empty_url) == {}

    migrate.upgrade(empty_url, "0002")
    assert _indexes(empty_url) == {"ix_likes_article_id_created_at": ["article_id", "created_at"]}

    migrate.downgrade(empty_url, "0001")
    assert _indexes(empty_url) == {}


def _indexes(url: str) -> dict[str, list[str]]:
    engine = create_engine(parse_url(url))
    try:
        return {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("likes")}
    finally:
        engine.dispose()


def test_former_slugs_arrive_with_0003_on_a_database_with_likes_and_leave_it_intact(empty_url):
    migrate.upgrade(empty_url, "0002")
    engine = create_engine(parse_url(empty_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO articles (slug, base_likes) VALUES ('kept', 2)")

    migrate.upgrade(empty_url)
    store = LikeStore.from_url(empty_url)
    assert store.like("kept", "v" * 64).likes == 3
    store.rename("kept", "renamed")
    assert store.counts(["kept"]) == {"kept": 3}
    store.dispose()

    migrate.downgrade(empty_url, "0002")
    assert tables(empty_url) == TABLES - {"article_aliases", "article_merges"} - DAILY_CAP_TABLES
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT slug, base_likes FROM articles").all()
        # 0006's downgrade kept the count of the like as a base like (see its test below).
        assert [tuple(row) for row in rows] == [("renamed", 3)]
        assert conn.exec_driver_sql("SELECT count(*) FROM likes").scalar() == 0
    engine.dispose()


def test_the_daily_cap_arrives_with_0005_and_leaves_the_likes_intact(empty_url):
    """New tables only: going up and down again keeps every like and count (on SQLite, a batch
    rebuild of a table would have cascaded to the likes)."""
    migrate.upgrade(empty_url, "0004")
    with connected(empty_url) as conn:
        seed_likes(conn, {"kept": ["a" * 64]})

    migrate.upgrade(empty_url, "0005")
    assert tables(empty_url) == TABLES - {"article_merges"}
    migrate.downgrade(empty_url, "0004")
    assert tables(empty_url) == TABLES - DAILY_CAP_TABLES - {"article_merges"}

    migrate.upgrade(empty_url)
    store = LikeStore.from_url(empty_url)
    assert store.state("kept", "a" * 64) == LikeState("kept", 1, True)
    assert store.like("kept", "c" * 64, network="192.0.2.1", daily_limit=1).likes == 2
    store.dispose()


@contextmanager
def connected(url: str) -> Iterator[Connection]:
    """A transaction on ``url`` with no store: the store's code is the newest revision's."""
    engine = create_engine(parse_url(url))
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def seed_likes(conn: Connection, liked: dict[str, list[str]]) -> dict[str, int]:
    """Articles liked by voters as revisions before 0006 stored them (the voter itself), their
    counters with them; the articles' ids."""
    ids = {}
    for slug, voters in liked.items():
        conn.execute(text("INSERT INTO articles (slug) VALUES (:slug)"), {"slug": slug})
        ids[slug] = conn.scalar(text("SELECT id FROM articles WHERE slug = :slug"), {"slug": slug})
        for voter in voters:
            row = {"id": ids[slug], "voter": voter}
            conn.execute(text("INSERT INTO likes (article_id, voter) VALUES (:id, :voter)"), row)
        counter = {"id": ids[slug], "likes": len(voters)}
        conn.execute(
            text("INSERT INTO like_counters (article_id, slot, likes) VALUES (:id, 3, :likes)"),
            counter,
        )
    return ids


def test_0006_stores_each_like_under_a_pseudonym_per_article_and_readers_are_still_known(
    empty_url,
):
    voters = Voters(SECRET.encode())
    both, one = voters.voter("reader-who-liked-both-1"), voters.voter("reader-who-liked-one-2")
    migrate.upgrade(empty_url, "0005")
    with connected(empty_url) as conn:
        ids = seed_likes(conn, {"first": [both, one], "second": [both]})

    migrate.upgrade(empty_url)

    with connected(empty_url) as conn:
        stored = conn.execute(text("SELECT article_id, voter FROM likes")).all()
    expected = {(ids["first"], both), (ids["first"], one), (ids["second"], both)}
    assert sorted(stored) == sorted((i, pseudonym(voter, i)) for i, voter in expected)
    assert len({voter for _, voter in stored}) == 3  # the reader of both: two unrelated values
    store = LikeStore.from_url(empty_url)
    assert store.state("first", both) == LikeState("first", 2, True)
    assert store.like("first", both) == LikeState("first", 2, True)  # no second like
    assert store.like("second", one) == LikeState("second", 2, True)
    assert store.unlike("second", both) == LikeState("second", 1, False)
    assert store.unlike("first", one) == LikeState("first", 1, False)
    assert store.like("first", one) == LikeState("first", 2, True)
    assert store.recount() == 0
    store.dispose()


def test_0006_downgrade_keeps_counts_as_base_likes_and_recognises_no_reader(empty_url):
    """A pseudonym per article cannot be turned back into the reader's voter: the downgrade
    keeps each article's count and drops the rows, as its DOWNGRADE_DROPS tells the command."""
    migrate.upgrade(empty_url)
    store = LikeStore.from_url(empty_url)
    store.register([ArticleInfo("first"), ArticleInfo("second"), ArticleInfo("merged")])
    store.set_base_likes({"first": 10})
    for slug, voter in [("first", "a" * 64), ("first", "b" * 64), ("merged", "a" * 64)]:
        store.like(slug, voter)
    store.rename("merged", "second")
    store.dispose()
    assert migrate.downgrade_losses(empty_url, "0005") == [DOWNGRADE_DROPS]

    migrate.downgrade(empty_url, "0005")

    assert tables(empty_url) == TABLES - {"article_merges"}
    with connected(empty_url) as conn:
        assert conn.scalar(text("SELECT count(*) FROM likes")) == 0
        assert conn.scalar(text("SELECT count(*) FROM like_counters")) == 0
        rows = conn.execute(text("SELECT slug, base_likes FROM articles ORDER BY slug")).all()
    assert [tuple(row) for row in rows] == [("first", 12), ("second", 1)]
    migrate.upgrade(empty_url)
    store = LikeStore.from_url(empty_url)
    assert store.state("first", "a" * 64) == LikeState("first", 12, False)
    assert store.like("first", "a" * 64).likes == 13  # the cost: a reader may like again
    store.dispose()
