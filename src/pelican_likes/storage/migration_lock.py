"""Migrations of one SQLite database take turns, as PostgreSQL's take turns on an advisory lock.

Hosts or scripts that run ``db upgrade`` at once on a fresh SQLite file otherwise each create the
version table and the first tables together, and all but one fail with "table already exists":
Python's sqlite3 runs DDL outside any transaction, so SQLite's own locks do not serialise them.
Each migration holds an exclusive ``flock`` on a file beside the database instead, and removes it
when done, so that no file is left behind.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import URL

# Beside the database, as SQLite's own ``-wal`` and ``-journal``.
LOCK_SUFFIX = "-migration-lock"


def lock_path(url: URL) -> Path | None:
    """The lock file of the SQLite database at ``url``; None for an in-memory database, which
    no other process can see, and for other databases."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if url.query.get("uri") == "true":  # SQLite's own URI: file:path, its options in the query
        if url.query.get("mode") == "memory":
            return None
        database = urlsplit(database).path if database.startswith("file:") else database
    if database in ("", ":memory:"):
        return None
    return Path(database + LOCK_SUFFIX)


@contextmanager
def sqlite_migration_lock(url: URL) -> Iterator[None]:
    """Hold the migration lock of the SQLite database at ``url`` for the duration (nothing to
    hold for other databases)."""
    path = lock_path(url)
    if path is None or sys.platform == "win32":  # no flock there: migrations run as before
        yield
        return
    descriptor = _locked(path)
    try:
        yield
    finally:
        path.unlink()  # while still held: a waiter then finds its file gone and starts over
        os.close(descriptor)


def _locked(path: Path) -> int:
    """A descriptor of ``path`` holding its exclusive lock, once it is ours.

    The file that was locked may have been removed by the holder before us as it finished: a
    lock on it would guard nothing, so the wait starts over on the file now at ``path``.
    """
    import fcntl  # POSIX only, as the caller checked

    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            current = path.stat()
        except FileNotFoundError:
            current = None
        held = os.fstat(descriptor)
        if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
            return descriptor
        os.close(descriptor)
