"""Turning the configured database URL into a pooled SQLAlchemy engine fit for gunicorn workers."""

import os
import weakref
from collections.abc import Mapping

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from pelican_likes.errors import InvalidDatabaseURL

DEFAULT_DATABASE_URL = "sqlite:///likes.sqlite3"

# Seconds an SQLite writer waits for another's lock before giving up: a laptop blog with a few
# gunicorn workers should queue, not fail.
SQLITE_BUSY_TIMEOUT = 30


def database_url(environ: Mapping[str, str] = os.environ) -> str:
    """The URL from ``DATABASE_URL``, or an SQLite file in the current folder for local use."""
    return environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


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


def make_engine(
    url: str, *, pool_size: int = 5, max_overflow: int = 10, isolation_level: str | None = None
) -> Engine:
    """A pooled engine that checks connections before use and is safe across ``fork()``.

    ``pool_pre_ping`` makes a restarted PostgreSQL cost one failed request rather than one per
    pooled connection; the fork hook stops a gunicorn worker from sharing its parent's sockets.
    """
    parsed = parse_url(url)
    options: dict = {"pool_pre_ping": True}
    if isolation_level is not None:
        options["isolation_level"] = isolation_level
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT}
    else:
        options.update(pool_size=pool_size, max_overflow=max_overflow)
    try:
        engine = create_engine(parsed, **options)
    except (NoSuchModuleError, ArgumentError) as error:
        raise InvalidDatabaseURL(f"unsupported database URL {redacted(url)!r}: {error}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    _dispose_after_fork(engine)
    return engine


def _configure_sqlite(dbapi_connection, _record) -> None:
    """WAL lets readers go on while a like is written; foreign keys are off by default in SQLite."""
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
