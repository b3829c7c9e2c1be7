"""The Alembic migrations, run for real on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import create_engine, inspect

from pelican_likes import migrate
from pelican_likes.database import parse_url
from pelican_likes.store import ArticleInfo, LikeStore

TABLES = {"articles", "likes", "like_counters"}


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
    assert migrate.current_revision(empty_url) == "0001"

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

    from pelican_likes.schema import metadata

    migrate.upgrade(empty_url)
    engine = create_engine(parse_url(empty_url))
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert differences == []
