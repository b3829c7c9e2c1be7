"""Alembic, driven from Python on the migrations and ``alembic.ini`` shipped in this package.

Both are found by this package's own name, so another distribution's top-level ``migrations`` can
never be the one that runs.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util.exc import CommandError
from sqlalchemy import Connection

from pelican_likes.storage.connections import connected
from pelican_likes.storage.database import is_sqlite, make_engine, parse_url, redacted
from pelican_likes.storage.errors import (
    MigrationRefused,
    SchemaMismatch,
    SchemaNotMigrated,
    StorageError,
    StorageUnavailable,
)
from pelican_likes.storage.migration_lock import sqlite_migration_lock


def alembic_config(url: str) -> Config:
    """An Alembic configuration for the migrations shipped with this package, aimed at ``url``."""
    config = Config(str(files("pelican_likes.migrations") / "alembic.ini"))
    # ConfigParser treats "%" as interpolation: a percent-encoded password must be doubled.
    rendered = parse_url(url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


@functools.cache
def head_revision() -> str:
    """The newest schema revision this release knows: read from its migrations once, as an
    export, an import and a copy each ask it again."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if head is None:
        raise StorageError("this installation of pelican-likes ships no migrations")
    return head


def require_head(conn: Connection) -> str:
    """The revision of the database on ``conn``, if it is this release's; else SchemaNotMigrated,
    saying what to run. For work that reads or writes every table (an export, an import)."""
    revision, head = MigrationContext.configure(conn).get_current_revision(), head_revision()
    if revision != head:
        raise SchemaNotMigrated(
            f"the database is at schema revision {revision or 'base'}, not this release's "
            f"{head}: run `pelican-likes db upgrade` on it first"
        )
    return revision


def upgrade(url: str, revision: str = "head") -> str | None:
    """Bring the schema at ``url`` up to ``revision``; the revision it is at afterwards.

    An SQLite database's migrations take turns from their first look at the file to their last
    (migration_lock.py): a fresh file's first connections turn it to WAL, which fails rather than
    waits while another process migrates it.
    """
    with sqlite_migration_lock(parse_url(url)):
        current_revision(url)  # a schema newer than this release is refused, not "not found"
        with _refusals():
            command.upgrade(alembic_config(url), revision)
        return current_revision(url)


def downgrade(url: str, revision: str) -> str | None:
    """Take the schema at ``url`` down to ``revision`` (``base`` removes every table); the
    revision it is at afterwards. SQLite's take turns as ``upgrade``'s do."""
    with sqlite_migration_lock(parse_url(url)):
        current_revision(url)
        with _refusals():
            command.downgrade(alembic_config(url), revision)
        return current_revision(url)


def downgrade_losses(url: str, revision: str) -> list[str]:
    """What taking the schema at ``url`` down to ``revision`` would drop, newest first: each
    migration whose downgrade loses data says what in its ``DOWNGRADE_DROPS``."""
    current = current_revision(url)
    if current is None:
        return []
    scripts = ScriptDirectory.from_config(alembic_config(url))
    with _refusals():  # as the downgrade itself would refuse the target
        undone = list(scripts.iterate_revisions(current, revision, select_for_downgrade=True))
    losses = (getattr(script.module, "DOWNGRADE_DROPS", "") for script in undone)
    return [loss for loss in losses if loss]


@contextmanager
def _refusals() -> Iterator[None]:
    """Alembic's refusals as a MigrationRefused, which the command line answers in one line
    without loading Alembic to know its errors."""
    try:
        yield
    except (CommandError, RevisionError) as error:
        raise MigrationRefused(str(error)) from None


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at, or None before the first upgrade.

    A revision this release does not know is a SchemaMismatch: the database was migrated by a
    newer pelican-likes, and this one would misread it.
    """
    engine = make_engine(url)
    try:
        with connected(engine) as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    known = {
        script.revision
        for script in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()
    }
    if revision is not None and revision not in known:
        raise SchemaMismatch(
            f"the database {redacted(url)} is at schema revision {revision}, newer than this "
            f"release of pelican-likes knows (up to {head_revision()}); install the release "
            "that migrated it"
        )
    return revision


def readiness(url: str) -> str:
    """What keeps the database at ``url`` from serving likes, as one line saying what to do; ""
    when nothing does. For the API's start, which goes on whatever this says (the database may
    come up, or be migrated, later) except for a schema newer than this release, which it would
    misread: that one is raised, a SchemaMismatch.
    """
    parsed = parse_url(url)
    where = f"the database {redacted(url)}"
    upgrade = "run `pelican-likes db upgrade` with the API's DATABASE_URL"
    if is_sqlite(parsed) and not Path(parsed.database or "").is_file():
        return f"{where} does not exist yet: {upgrade}; until then every request gets a 503"
    try:
        revision = current_revision(url)
    except StorageUnavailable as error:
        return f"{where} cannot be reached ({error}); requests get a 503 until it can"
    if revision is None:
        return f"{where} has no likes tables: {upgrade}; until then every request gets a 503"
    head = head_revision()
    if revision != head:
        return (
            f"{where} is at schema revision {revision}, behind this release's {head}: {upgrade}; "
            "until then requests may get a 503"
        )
    return ""
