"""The suite's fixtures: databases on both backends, servers under gunicorn, background threads
stopped.

``make test`` runs the suite on several pytest-xdist workers, each test module on one worker
(``--dist loadfile``), so that a module-scoped fixture (a server, a built blog) is made once;
session-scoped fixtures are made once per worker.

PostgreSQL comes from ``LIKES_TEST_DATABASE_URL`` (default: the local server's ``test``
database); each worker creates databases of its own next to it, named after the worker, and drops
them when it ends. Where PostgreSQL cannot be reached the PostgreSQL half of the suite is skipped,
saying why, except under ``CI=true``, where a missing database is a failure.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from pelican_likes.storage import migrate
from pelican_likes.storage.daily_cap import Cleanup
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.store import LikeStore
from tests.support import (
    PostgresDatabases,
    Server,
    gunicorn,
    sqlite_database,
    unavailable,
    worker_id,
)

ADMIN_URL = os.environ.get("LIKES_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
TABLES = (
    "article_aliases, article_merges, like_counters, likes, articles, daily_tallies, daily_keys"
)


# Modules that keep one worker busy longest (virtualenvs, command processes, browsers, servers
# kept waiting on purpose), started first: last, one of them would run on alone at the end.
LONGEST_FIRST = (
    "tests/packaging/",
    "tests/commands/",
    "tests/faults/",
    "tests/browser/",
    "tests/api/test_gunicorn",
    "tests/deploy/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the modules for ``--dist loadfile``, which hands them out in collection order."""

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        starts = [n for n, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)]
        return starts[0] if starts else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.fixture(autouse=True)
def stop_cleanup_threads() -> Iterator[None]:
    """Stop every daily-cap cleanup started by an app the test built: on the database the
    worker's tests share, it would go on deleting the days another test's clock puts past."""
    before = set(Cleanup.running())
    yield
    for cleanup in set(Cleanup.running()) - before:
        cleanup.stop()


@pytest.fixture(scope="session")
def make_postgres_database() -> Iterator[Callable[[], str]]:
    """A factory of empty PostgreSQL databases of this worker's, each dropped when it ends."""
    with PostgresDatabases(ADMIN_URL, prefix=f"likes_test_{worker_id()}") as databases:

        def make() -> str:
            try:
                return databases.create()
            except Exception as error:  # any failure to reach the server means "not available"
                unavailable(f"PostgreSQL at {ADMIN_URL}: {str(error).splitlines()[0]}")

        yield make


@pytest.fixture(scope="session")
def postgres_session_url(make_postgres_database: Callable[[], str]) -> str:
    """One migrated PostgreSQL database shared by the worker's tests (emptied before each)."""
    url = make_postgres_database()
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_session_engine(postgres_session_url: str) -> Iterator[Engine]:
    """A connection to the shared database kept for the worker's tests, to empty it before each."""
    engine = create_engine(parse_url(postgres_session_url), pool_size=1, pool_pre_ping=True)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_session_url: str, postgres_session_engine: Engine) -> str:
    """A migrated, empty PostgreSQL database."""
    with postgres_session_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    return postgres_session_url


@pytest.fixture(scope="session")
def make_sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], str]:
    """A factory of migrated SQLite databases at a given path: copies of one migrated once per
    worker, which is what running the migrations in every test cost."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    sqlite_database(folder)
    template = folder / "likes.sqlite3"
    assert not (folder / "likes.sqlite3-wal").exists()  # all in the one file that is copied

    def make(path: Path) -> str:
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    return make


@pytest.fixture
def sqlite_url(make_sqlite_database: Callable[[Path], str], tmp_path: Path) -> str:
    """A migrated, empty SQLite database in a file of its own."""
    return make_sqlite_database(tmp_path / "likes.sqlite3")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated, empty database: each test using it runs once per backend."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(params=["sqlite", "postgres"])
def own_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database of the test's own on each backend, for tests that alter its schema."""
    if request.param == "sqlite":
        return request.getfixturevalue("make_sqlite_database")(tmp_path / "own.sqlite3")
    url = request.getfixturevalue("make_postgres_database")()
    migrate.upgrade(url)
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[LikeStore]:
    """A store on the backend under test."""
    store = LikeStore.from_url(database_url)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def start_gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Server]]:
    """A factory that serves the installed API under real gunicorn workers on a free local port,
    with the package's gunicorn settings.

    ``start_gunicorn(env={...}, workers=2)`` returns once ``/api/health`` answers; every server
    is stopped at the end of the test module, and its output kept in a file for the test to
    read. Stopped then, not at the end of the session: each holds pooled database connections,
    and the servers of every worker together would outgrow PostgreSQL's default of 100.
    """
    with ExitStack() as servers:

        def start(env: dict[str, str], workers: int | None = 2) -> Server:
            log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
            return servers.enter_context(gunicorn(env, workers=workers, log=log))

        yield start
