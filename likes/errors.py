"""Errors raised by the storage layer, so callers can answer users without knowing SQLAlchemy."""


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
