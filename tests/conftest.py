"""Databases for the whole suite: every storage-backed test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``LIKES_TEST_DATABASE_URL`` (default: the local server's ``test``
database); each run creates databases of its own next to it and drops them afterwards. Where
PostgreSQL cannot be reached the PostgreSQL half of the suite is skipped, saying why, except under
``CI=true``, where a missing database is a failure.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from pelican_likes.storage import migrate
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.store import LikeStore
from tests.support import Server, gunicorn

ADMIN_URL = os.environ.get("LIKES_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
TABLES = "article_aliases, like_counters, likes, articles, daily_tallies, daily_keys"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {reason}")


@pytest.fixture(scope="session")
def make_postgres_database() -> Iterator[Callable[[], str]]:
    """A factory of empty PostgreSQL databases, each dropped at the end of the session."""
    admin_url = parse_url(ADMIN_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def make() -> str:
        name = f"likes_test_{uuid.uuid4().hex[:12]}"
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as error:  # any failure to reach the server means "not available"
            _unavailable(str(error).splitlines()[0])
        created.append(name)
        return _render(admin_url.set(database=name))

    yield make
    with admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_session_url(make_postgres_database: Callable[[], str]) -> str:
    """One migrated PostgreSQL database shared by the session's tests (emptied before each)."""
    url = make_postgres_database()
    migrate.upgrade(url)
    return url


@pytest.fixture
def postgres_url(postgres_session_url: str) -> str:
    """A migrated, empty PostgreSQL database."""
    engine = create_engine(parse_url(postgres_session_url))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return postgres_session_url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A migrated, empty SQLite database in a file of its own."""
    url = f"sqlite:///{tmp_path / 'likes.sqlite3'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated, empty database: each test using it runs once per backend."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(params=["sqlite", "postgres"])
def own_database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A migrated database of the test's own on each backend, for tests that alter its schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'own.sqlite3'}"
    else:
        url = request.getfixturevalue("make_postgres_database")()
    migrate.upgrade(url)
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[LikeStore]:
    """A store on the backend under test."""
    store = LikeStore.from_url(database_url)
    yield store
    store.dispose()


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def start_gunicorn(tmp_path_factory) -> Iterator[Callable[..., Server]]:
    """A factory that serves the installed API under real gunicorn workers on a free local port,
    with the package's gunicorn settings.

    ``start_gunicorn(env={...}, workers=2)`` returns once ``/api/health`` answers; every server
    is stopped at the end of the test module, and its output kept in a file for the test to
    read. Stopped then, not at the end of the session: each holds pooled database connections,
    and a session's servers together outgrew PostgreSQL's default of 100.
    """
    with ExitStack() as servers:

        def start(env: dict[str, str], workers: int | None = 2) -> Server:
            log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
            return servers.enter_context(gunicorn(env, workers=workers, log=log))

        yield start
