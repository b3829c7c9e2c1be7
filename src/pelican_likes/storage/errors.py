"""Errors raised by the storage layer, so callers can answer users without knowing SQLAlchemy,
and the translation of driver errors into them."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine.interfaces import DBAPIModule
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


class StorageError(Exception):
    """Base class for every error the storage layer raises on purpose."""


class InvalidDatabaseURL(StorageError, ValueError):
    """The configured database URL cannot be parsed or names a driver that is not installed."""


class StorageUnavailable(StorageError):
    """The database cannot be reached, is locked, or has no likes tables yet.

    Callers answer this with "try again later" (the API's 503, the plugin's warning): it is never
    the reader's fault.
    """


class SchemaNotMigrated(StorageUnavailable):
    """The database answers but has no likes tables, or older ones: ``pelican-likes db upgrade``
    was not run there. Waiting will not help, so callers say what to run instead."""


class MigrationRefused(StorageError):
    """Alembic refused a migration: a revision it does not know, or one the schema cannot go
    to from where it is."""


class UnknownArticle(StorageError, LookupError):
    """An article the blog never registered was asked for: liked, renamed, given base likes..."""

    def __init__(self, slug: str, *more: str) -> None:
        slugs = (slug, *more)
        named = ", ".join(map(repr, slugs))
        super().__init__(f"unknown article{'s' if more else ''}: {named}")
        self.slug = slug
        self.slugs = slugs


class ArticleClosed(StorageError):
    """A like or unlike of an article whose likes the blog turned off: its count is kept as is."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"likes are closed for {slug!r}")
        self.slug = slug


class DailyLimitReached(StorageError):
    """A like from a network that has added the day's allowed likes to this article already."""

    def __init__(self, slug: str, retry_after: int) -> None:
        super().__init__(f"daily limit reached for {slug!r}")
        self.slug = slug
        self.retry_after = retry_after  # seconds until the next UTC midnight


class SchemaMismatch(StorageError):
    """The database was migrated by a newer release, whose schema this one would misread."""


# PostgreSQL's undefined_table and undefined_column: the schema was never made, or is older than
# this release (SQLite says "no such table" or "no such column").
_OLD_SCHEMA_CODES = {"42P01", "42703"}


@contextmanager
def translated_errors(driver: DBAPIModule) -> Iterator[None]:
    """Errors of ``driver`` (a DB-API module) that mean "the database is not usable" become
    StorageUnavailable; any other database error a StorageError, each of one line.

    Most arrive wrapped by SQLAlchemy; a connection the server dropped can also fail bare
    while the pool resets it on return (seen in tests/faults during a PostgreSQL restart).
    """
    try:
        yield
    except DBAPIError as error:
        if _is_unavailable(error):
            raise unavailable(error) from error
        raise StorageError(f"database error: {first_line(error.orig or error)}") from error
    except (driver.OperationalError, driver.InterfaceError, PoolTimeout) as error:
        raise StorageUnavailable(f"database unavailable: {first_line(error)}") from error


def unavailable(error: DBAPIError) -> StorageUnavailable:
    """The StorageUnavailable for ``error``: SchemaNotMigrated for tables missing or old."""
    kind = SchemaNotMigrated if _is_old_schema(error) else StorageUnavailable
    return kind(describe(error))


def describe(error: DBAPIError) -> str:
    """Why the database cannot be used, in one line, with the fix when there is one."""
    message = first_line(error.orig if error.orig else error)
    if _is_old_schema(error):
        no_table = "no such table" in message or getattr(error.orig, "pgcode", None) == "42P01"
        missing = "tables are missing" if no_table else "schema is older than the code"
        return f"the likes {missing} ({message}); run `pelican-likes db upgrade`"
    return f"database unavailable: {message}"


def first_line(error: BaseException) -> str:
    """The first line of ``error``'s message (drivers append statements and hints below it)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _is_unavailable(error: DBAPIError) -> bool:
    return (
        error.connection_invalidated or isinstance(error, OperationalError) or _is_old_schema(error)
    )


def _is_old_schema(error: DBAPIError) -> bool:
    message = str(error.orig or error)
    if "no such table" in message or "no such column" in message:
        return True
    return getattr(error.orig, "pgcode", None) in _OLD_SCHEMA_CODES
