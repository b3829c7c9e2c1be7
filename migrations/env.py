"""Alembic environment: the database comes from ``sqlalchemy.url`` when the caller set it (the
``pelican-likes db`` commands do), else from ``LIKES_DIRECT_DATABASE_URL`` or ``DATABASE_URL``, as
for the commands: migrations go to the database itself, never through a pooler."""

from alembic import context
from sqlalchemy import text

from pelican_likes.storage.connections import connected
from pelican_likes.storage.database import is_sqlite, make_engine
from pelican_likes.storage.environment import direct_database_url
from pelican_likes.storage.schema import metadata

config = context.config

# Held for the whole migration: hosts deploying together run `db upgrade` at once, and without it
# two of them create the version table of a fresh database together, and one fails. SQLite's
# migrations take turns on a file lock instead, which storage/migrate.py holds around the whole
# command (storage/migration_lock.py).
MIGRATION_LOCK = 7_142_010_013


def run_migrations_online() -> None:
    migrate_with(config.get_main_option("sqlalchemy.url") or direct_database_url())


def migrate_with(url: str) -> None:
    engine = make_engine(url)
    try:
        with connected(engine) as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                # SQLite cannot ALTER most things in place; batch mode copies the table instead.
                render_as_batch=is_sqlite(url),
                compare_type=True,
            )
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    # Released at commit; the next waiter then finds the schema current.
                    lock = text("SELECT pg_advisory_xact_lock(:key)")
                    connection.execute(lock, {"key": MIGRATION_LOCK})
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
