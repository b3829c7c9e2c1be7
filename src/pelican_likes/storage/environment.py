"""Where the storage layer finds its database when no URL is given: read without SQLAlchemy, so
the Pelican plugin can name the database before the storage layer is loaded."""

import os
from collections.abc import Mapping

DEFAULT_DATABASE_URL = "sqlite:///likes.sqlite3"


def database_url(environ: Mapping[str, str] = os.environ) -> str:
    """The URL from ``DATABASE_URL``, or an SQLite file in the current folder for local use."""
    return environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


def direct_database_url(environ: Mapping[str, str] = os.environ) -> str:
    """The URL of the database itself, for the ``pelican-likes`` commands and migrations:
    ``LIKES_DIRECT_DATABASE_URL`` where ``DATABASE_URL`` goes through a pooler (PgBouncer),
    else ``DATABASE_URL``'s.

    Migrations and the commands' other work (a recount, a merge) hold one transaction and the
    locks it takes for as long as they run: through a transaction pool they would hold one of
    the few server connections every API host shares, each waiting request another, and fall to
    the pooler's timeouts meant for requests (docs/deploy.md#when-one-machine-is-not-enough).
    """
    return environ.get("LIKES_DIRECT_DATABASE_URL", "").strip() or database_url(environ)
