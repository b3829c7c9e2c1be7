"""Turning the configured database URL into a pooled SQLAlchemy engine fit for gunicorn workers."""

import os
import sqlite3
import weakref
from collections.abc import Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, TypedDict

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from pelican_likes.storage.errors import InvalidDatabaseURL, first_line
from pelican_likes.storage.pseudonyms import SQLITE_FUNCTION, pseudonym

# Seconds an SQLite writer waits for another's lock before giving up: a laptop blog with a few
# gunicorn workers should queue, not fail.
SQLITE_BUSY_TIMEOUT = 30

# The databases and drivers pelican-likes is built and tested on, as SQLAlchemy names them.
SUPPORTED_DRIVERS = {"postgresql+psycopg2", "sqlite+pysqlite"}

# What an SQLite URL may say: the sqlite3 module's connect() arguments, which SQLAlchemy reads
# from the query, and with uri=true SQLite's own URI parameters. SQLAlchemy ignores the rest.
_SQLITE_OPTIONS = {
    "uri",
    "timeout",
    "isolation_level",
    "detect_types",
    "check_same_thread",
    "cached_statements",
}
_SQLITE_URI_OPTIONS = {"mode", "cache", "vfs", "immutable", "nolock", "psow", "modeof"}


def parse_url(url: str) -> URL:
    """Parse ``url`` the way users paste it, pinned to the PostgreSQL driver we install.

    Heroku-style ``postgres://`` is not a name SQLAlchemy knows, and SQLAlchemy 2.1 maps a bare
    ``postgresql://`` to psycopg 3, which is not installed: both are mapped to psycopg2.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidDatabaseURL(
            "cannot parse the database URL; expected e.g. postgresql://user@host/db "
            "or sqlite:///path/to/likes.sqlite3"
        ) from None
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def check_url(url: str) -> URL:
    """``url`` parsed, if pelican-likes can use it: a supported driver, importable, with options
    the driver knows, and for SQLite a file that is an SQLite database (or none yet).

    Everything is checked without connecting, so that a typo stops a start or a command with one
    line naming it, while a database that is merely down is left to answer "unavailable" later.
    """
    parsed = parse_url(url)
    try:
        driver = f"{parsed.get_backend_name()}+{parsed.get_driver_name()}"
    except NoSuchModuleError:
        driver = parsed.drivername
    if driver not in SUPPORTED_DRIVERS:
        raise InvalidDatabaseURL(
            f"{redacted(url)}: {driver} is not supported; use postgresql://user@host/db "
            "(psycopg2) or sqlite:///path/to/likes.sqlite3"
        )
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_options(parsed)
    try:
        dialect_class = parsed.get_dialect()
        if not issubclass(dialect_class, DefaultDialect):  # SQLAlchemy's own dialects all are
            raise TypeError(f"{driver} is not a dialect of SQLAlchemy's")
        dialect = dialect_class(dbapi=dialect_class.import_dbapi())
        args, options = dialect.create_connect_args(parsed)
    except (ImportError, ArgumentError, ValueError, TypeError) as error:
        raise InvalidDatabaseURL(f"{redacted(url)}: {first_line(error)}") from None
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed)
    else:
        _check_postgresql_options(url, args, options)
    return parsed


def _check_sqlite_options(parsed: URL) -> None:
    uri_mode = parsed.query.get("uri") == "true"
    allowed = _SQLITE_OPTIONS | (_SQLITE_URI_OPTIONS if uri_mode else set())
    unknown = sorted(set(parsed.query) - allowed)
    if unknown:
        raise InvalidDatabaseURL(
            f"{parsed.render_as_string()}: unknown SQLite option(s) {', '.join(unknown)}; "
            f"SQLite takes {', '.join(sorted(_SQLITE_OPTIONS))}"
        )


def _check_sqlite_file(parsed: URL) -> None:
    """Refuse an existing file that is not an SQLite database, asking SQLite itself, read-only.

    Reading the header with open() would be wrong: closing any descriptor of a database file
    drops every POSIX lock the process's SQLite connections hold on it (seen in a test: another
    process then deleted the WAL under them).
    """
    path = Path(parsed.database or "")
    if parsed.database in (None, "", ":memory:") or not path.is_file():
        return
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            conn.execute("PRAGMA schema_version")
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
            raise InvalidDatabaseURL(f"{path} is not an SQLite database") from None


def _check_postgresql_options(url: str, args: Sequence[str], options: Mapping[str, Any]) -> None:
    """libpq parses a connection string without connecting: an unknown option fails here."""
    import psycopg2.extensions  # the driver of every PostgreSQL URL that passed check_url

    try:
        psycopg2.extensions.make_dsn(*args, **options)
    except psycopg2.ProgrammingError as error:
        raise InvalidDatabaseURL(f"{redacted(url)}: {first_line(error)}") from None


def redacted(url: str) -> str:
    """``url`` as the user wrote it, fit for a message or a log line: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparsable URL)"


def is_sqlite(url: str | URL) -> bool:
    """Whether ``url`` names an SQLite database."""
    parsed = url if isinstance(url, URL) else parse_url(url)
    return parsed.get_backend_name() == "sqlite"


class PoolOptions(TypedDict, total=False):
    """The sizes of an engine's pool that its caller may choose (``make_engine``'s defaults
    otherwise)."""

    pool_size: int
    max_overflow: int


def make_engine(
    url: str,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    isolation_level: str | None = None,
    pre_ping: bool = True,
) -> Engine:
    """A pooled engine that checks connections before use and is safe across ``fork()``.

    ``pool_pre_ping`` makes a restarted PostgreSQL cost one failed request rather than one per
    pooled connection, at a round trip per checkout; ``pre_ping=False`` leaves it to a caller
    that retries once on a dropped connection instead. The fork hook stops a gunicorn worker from
    sharing its parent's sockets.
    """
    parsed = check_url(url)
    options: dict[str, object] = {"pool_pre_ping": pre_ping}
    if isolation_level is not None:
        options["isolation_level"] = isolation_level
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT}
    else:
        options.update(pool_size=pool_size, max_overflow=max_overflow)
    engine = create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    _dispose_after_fork(engine)
    return engine


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """WAL lets readers go on while a like is written; foreign keys are off by default in SQLite;
    like rows are stored and looked up under pseudonyms that SQLite cannot hash by itself."""
    dbapi_connection.create_function(SQLITE_FUNCTION, 2, pseudonym, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _dispose_after_fork(engine: Engine) -> None:
    """Give a forked child a fresh pool, leaving the parent's connections open for the parent."""
    ref = weakref.ref(engine)

    def reset() -> None:
        alive = ref()
        if alive is not None:
            alive.dispose(close=False)

    os.register_at_fork(after_in_child=reset)
