"""Database URLs as users paste them."""

import pytest

from pelican_likes.storage.database import check_url, make_engine, parse_url
from pelican_likes.storage.errors import InvalidDatabaseURL


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
    assert "mysql+nosuchdriver is not supported" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://likes:secret@db/likes", "mysql+mysqldb is not supported"),
        ("postgresql+asyncpg://likes:secret@db/likes", "postgresql+asyncpg is not supported"),
        ("nosuchdb://likes:secret@db/likes", "nosuchdb is not supported"),
        ("postgresql://likes:secret@db/likes?colour=blue", 'invalid connection option "colour"'),
        ("sqlite:///likes.sqlite3?colour=blue", "unknown SQLite option(s) colour"),
        ("sqlite:///likes.sqlite3?mode=ro", "unknown SQLite option(s) mode"),
    ],
)
def test_urls_that_cannot_work_are_refused_before_connecting(url, fragment):
    with pytest.raises(InvalidDatabaseURL) as caught:
        check_url(url)

    assert fragment in str(caught.value)
    assert "secret" not in str(caught.value)


def test_a_file_that_is_not_an_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are notes, not a database\n")

    with pytest.raises(InvalidDatabaseURL, match="is not an SQLite database"):
        make_engine(f"sqlite:///{path}")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@h/db?sslmode=require&connect_timeout=3&application_name=likes",
        "sqlite:///likes.sqlite3?timeout=5",
        "sqlite:///likes.sqlite3?mode=ro&uri=true",
        "sqlite://",
    ],
)
def test_options_the_drivers_know_are_accepted(url):
    assert check_url(url).get_backend_name() in ("postgresql", "sqlite")
