"""The database the storage layer uses when no URL is given."""

from pelican_likes.storage.environment import (
    DEFAULT_DATABASE_URL,
    database_url,
    direct_database_url,
)


def test_default_is_a_local_sqlite_file():
    assert database_url({}) == DEFAULT_DATABASE_URL == "sqlite:///likes.sqlite3"
    assert database_url({"DATABASE_URL": "  "}) == DEFAULT_DATABASE_URL


def test_environment_url_is_used():
    assert database_url({"DATABASE_URL": "postgresql://u@h/db"}) == "postgresql://u@h/db"


def test_the_direct_url_is_the_database_itself_where_database_url_goes_through_a_pooler():
    pooled, direct = "postgresql://u@pgbouncer:6432/db", "postgresql://u@postgres:5432/db"
    both = {"DATABASE_URL": pooled, "LIKES_DIRECT_DATABASE_URL": direct}

    assert direct_database_url(both) == direct
    assert direct_database_url({"DATABASE_URL": pooled}) == pooled
    assert direct_database_url({"DATABASE_URL": pooled, "LIKES_DIRECT_DATABASE_URL": " "}) == pooled
    assert direct_database_url({}) == DEFAULT_DATABASE_URL
