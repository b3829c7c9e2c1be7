"""Errors raised by the storage layer, so callers can answer users without knowing SQLAlchemy,
and the translation of driver errors into them."""

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

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


class UnknownArticle(StorageError, LookupError):
    """A like was asked for an article the blog never registered."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"unknown article: {slug!r}")
        self.slug = slug


_MISSING_TABLE_CODES = {"42P01"}  # PostgreSQL's undefined_table


@contextmanager
def translated_errors(driver: ModuleType) -> Iterator[None]:
    """Errors of ``driver`` (a DB-API module) that mean "the database is not usable" become
    StorageUnavailable; the rest pass through.

    Most arrive wrapped by SQLAlchemy; a connection the server dropped can also fail bare
    while the pool resets it on return (seen in tests/faults during a PostgreSQL restart).
    """
    try:
        yield
    except DBAPIError as error:
        if _is_unavailable(error):
            raise StorageUnavailable(_describe(error)) from error
        raise
    except (driver.OperationalError, driver.InterfaceError, PoolTimeout) as error:
        raise StorageUnavailable(f"database unavailable: {_first_line(error)}") from error


def _is_unavailable(error: DBAPIError) -> bool:
    if error.connection_invalidated or isinstance(error, OperationalError):
        return True
    return getattr(error.orig, "pgcode", None) in _MISSING_TABLE_CODES


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _describe(error: DBAPIError) -> str:
    message = _first_line(error.orig if error.orig else error)
    if "no such table" in message or getattr(error.orig, "pgcode", None) in _MISSING_TABLE_CODES:
        return f"the likes tables are missing ({message}); run `pelican-likes db upgrade`"
    return f"database unavailable: {message}"
