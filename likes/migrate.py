"""Alembic, driven from Python on the migrations and ``alembic.ini`` shipped in this package.

Both are found by this package's own name, so another distribution's top-level ``migrations`` can
never be the one that runs.
"""

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from pelican_likes.database import make_engine, parse_url


def alembic_config(url: str) -> Config:
    """An Alembic configuration for the migrations shipped with this package, aimed at ``url``."""
    config = Config(str(files("pelican_likes.migrations") / "alembic.ini"))
    # ConfigParser treats "%" as interpolation: a percent-encoded password must be doubled.
    rendered = parse_url(url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at ``url`` up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Take the schema at ``url`` down to ``revision`` (``base`` removes every table)."""
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at, or None before the first upgrade."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
