"""Where the storage layer finds its database when no URL is given: read without SQLAlchemy, so
the Pelican plugin can name the database before the storage layer is loaded."""

import os
from collections.abc import Mapping

DEFAULT_DATABASE_URL = "sqlite:///likes.sqlite3"


def database_url(environ: Mapping[str, str] = os.environ) -> str:
    """The URL from ``DATABASE_URL``, or an SQLite file in the current folder for local use."""
    return environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
