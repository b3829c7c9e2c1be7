"""The database the storage layer uses when no URL is given."""

from pelican_likes.storage.environment import DEFAULT_DATABASE_URL, database_url


def test_default_is_a_local_sqlite_file():
    assert database_url({}) == DEFAULT_DATABASE_URL == "sqlite:///likes.sqlite3"
    assert database_url({"DATABASE_URL": "  "}) == DEFAULT_DATABASE_URL


def test_environment_url_is_used():
    assert database_url({"DATABASE_URL": "postgresql://u@h/db"}) == "postgresql://u@h/db"
