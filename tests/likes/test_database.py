"""Database URLs as users paste them."""

import pytest

from pelican_likes.database import DEFAULT_DATABASE_URL, database_url, make_engine, parse_url
from pelican_likes.errors import InvalidDatabaseURL


def test_default_is_a_local_sqlite_file():
    assert database_url({}) == DEFAULT_DATABASE_URL == "sqlite:///likes.sqlite3"
    assert database_url({"DATABASE_URL": "  "}) == DEFAULT_DATABASE_URL


def test_environment_url_is_used():
    assert database_url({"DATABASE_URL": "postgresql://u@h/db"}) == "postgresql://u@h/db"


@pytest.mark.parametrize(
    "pasted",
    [
        "postgres://u:p@h:5432/db",
        "postgresql://u:p@h:5432/db",
        "postgresql+psycopg2://u:p@h:5432/db",
    ],
)
def test_postgres_forms_all_use_the_installed_psycopg2(pasted):
    parsed = parse_url(pasted)
    assert parsed.drivername == "postgresql+psycopg2"
    assert (parsed.username, parsed.password, parsed.host, parsed.database) == ("u", "p", "h", "db")
    assert make_engine(pasted).dialect.driver == "psycopg2"


def test_unparseable_url_is_a_clear_error():
    with pytest.raises(InvalidDatabaseURL, match="cannot parse the database URL"):
        parse_url("not a url")


def test_unknown_driver_is_a_clear_error_without_the_password():
    with pytest.raises(InvalidDatabaseURL) as caught:
        make_engine("mysql+nosuchdriver://user:secret@host/db")
    assert "secret" not in str(caught.value)
    assert "unsupported database URL" in str(caught.value)
