"""The Alembic migrations, run for real on SQLite and PostgreSQL."""

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from pelican_likes.storage import migrate
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.store import ArticleInfo, LikeStore

TABLES = {"articles", "likes", "like_counters", "article_aliases", "daily_keys", "daily_tallies"}
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
    assert tables(empty_url) == TABLES - {"article_aliases"} - DAILY_CAP_TABLES
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT slug, base_likes FROM articles").all()
        assert [tuple(row) for row in rows] == [("renamed", 2)]
        assert conn.exec_driver_sql("SELECT count(*) FROM likes").scalar() == 1
    engine.dispose()


def test_the_daily_cap_arrives_with_0005_and_leaves_the_likes_intact(empty_url):
    """New tables only: going up and down again keeps every like and count (on SQLite, a batch
    rebuild of a table would have cascaded to the likes)."""
    migrate.upgrade(empty_url, "0004")
    store = LikeStore.from_url(empty_url)
    store.register([ArticleInfo("kept")])
    store.like("kept", "a" * 64)
    store.dispose()

    migrate.upgrade(empty_url, "0005")
    assert tables(empty_url) == TABLES
    store = LikeStore.from_url(empty_url)
    assert store.like("kept", "b" * 64, network="192.0.2.1", daily_limit=1).likes == 2
    store.dispose()

    migrate.downgrade(empty_url, "0004")
    assert tables(empty_url) == TABLES - DAILY_CAP_TABLES
    store = LikeStore.from_url(empty_url)
    assert store.counts(["kept"]) == {"kept": 2}
    assert store.like("kept", "c" * 64).likes == 3
    store.dispose()
