"""The shipped gunicorn settings: the worker count they choose (a pure function of the
environment; a bad WEB_CONCURRENCY refused in one line), the yield between two requests of one
connection (in a fresh interpreter, so that gevent's patching stays out of the test process), and
the API on SQLite as they start it."""

import http.client
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from pelican_likes.api.gunicorn_conf import _names_sqlite, default_workers
from pelican_likes.api.setting_checks import ConfigError
from pelican_likes.storage import migrate
from pelican_likes.storage.database import is_sqlite
from pelican_likes.storage.environment import database_url
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import API_APP, GUNICORN_CONFIG, SECRET, Server, descendants, gunicorn

CORES = 4
# Every request comes from 127.0.0.1: neither the rate limit nor the daily cap may refuse them.
LIMITS_OFF = {"LIKES_RATE_LIMIT": "0", "LIKES_DAILY_LIMIT": "0"}
READERS = 300

YIELD_CHECK = """
from gevent import monkey
monkey.patch_all()
import gevent, socket, types
from pelican_likes.api import gunicorn_conf

ran = []
gevent.spawn(ran.append, "another connection")
req = types.SimpleNamespace(unreader=types.SimpleNamespace(sock=socket.socket()))
gunicorn_conf.post_request(None, req, {}, None)
print(ran)
"""


def test_a_gevent_worker_serves_its_other_connections_between_two_requests_of_one():
    ran = subprocess.run(
        [sys.executable, "-c", YIELD_CHECK], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(ran.replace("'", '"')) == ["another connection"]


# A fresh interpreter with the soft limit of open files many shells and services start with.
OPEN_FILES_CHECK = """
import resource, sys
from pelican_likes.api import gunicorn_conf

hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
gunicorn_conf.allow_open_files(int(sys.argv[1]))
print(*resource.getrlimit(resource.RLIMIT_NOFILE))
"""


@pytest.mark.parametrize("wanted", [4096, 10**9])
def test_the_master_makes_room_for_every_connection_of_a_worker_up_to_the_hard_limit(wanted):
    check = [sys.executable, "-c", OPEN_FILES_CHECK, str(wanted)]
    result = subprocess.run(check, capture_output=True, text=True, timeout=60, check=True)

    soft, hard = (int(limit) for limit in result.stdout.split())
    assert soft == min(wanted, hard)


@pytest.mark.parametrize(
    "environ, workers",
    [
        ({}, 1),  # the default database, likes.sqlite3
        ({"DATABASE_URL": "sqlite:////srv/likes.sqlite3"}, 1),
        ({"DATABASE_URL": " SQLite+pysqlite:///likes.sqlite3 "}, 1),
        ({"DATABASE_URL": "postgresql://likes@db/likes"}, CORES),
        ({"DATABASE_URL": "postgres://likes@db/likes"}, CORES),
        ({"DATABASE_URL": "sqlite:///likes.sqlite3", "WEB_CONCURRENCY": "3"}, 3),
        ({"DATABASE_URL": "postgresql://likes@db/likes", "WEB_CONCURRENCY": "1"}, 1),
    ],
)
def test_one_worker_on_sqlite_one_per_core_on_postgresql_unless_web_concurrency_says(
    environ, workers
):
    assert default_workers(environ, cores=CORES) == workers


def test_two_workers_at_least_on_postgresql():
    assert default_workers({"DATABASE_URL": "postgresql://db/likes"}, cores=1) == 2


@pytest.mark.parametrize("given", [" 3 ", "3\n"])
def test_web_concurrency_is_read_as_the_other_settings_are(given):
    assert default_workers({"WEB_CONCURRENCY": given}, cores=CORES) == 3
    assert default_workers({"WEB_CONCURRENCY": " "}, cores=CORES) == 1  # blank: unset


# int() would read all but the last two. gunicorn's own default of the setting refuses those, and
# negative numbers, before it loads these settings (its words, then, not ours).
NOT_A_WORKER_COUNT = ["0", "-2", "+3", "3_0", "\u0663", "\uff13", "three", "2.5"]


@pytest.mark.parametrize("given", NOT_A_WORKER_COUNT)
def test_a_web_concurrency_of_no_worker_or_not_a_number_is_refused_naming_it(given):
    with pytest.raises(ConfigError) as refused:
        default_workers({"WEB_CONCURRENCY": given}, cores=CORES)

    assert str(refused.value) == (
        f"WEB_CONCURRENCY must be a whole number at least 1, not {given.strip()!r}"
    )


@pytest.mark.parametrize("given", ["0", "\u0663", "3_0"])
def test_gunicorn_refuses_a_bad_web_concurrency_in_one_line(tmp_path, given):
    """Values gunicorn itself lets through: without the check, 0 started a server with no
    worker, which never answered."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'likes.sqlite3'}",
        "LIKES_SECRET": SECRET,
        "WEB_CONCURRENCY": given,
    }
    command = [sys.executable, "-m", "gunicorn", API_APP, "-c", GUNICORN_CONFIG, "--check-config"]

    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)

    assert done.returncode == 1
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert lines == [f"Error: WEB_CONCURRENCY must be a whole number at least 1, not {given!r}"]


@pytest.mark.parametrize(
    "url",
    ["", "sqlite:///likes.sqlite3", "sqlite+pysqlite:///x.db", "postgresql://db/likes",
     "postgres://u:p@db:5432/likes", "postgresql+psycopg2://db/likes"],
)  # fmt: skip
def test_the_settings_tell_sqlite_as_the_storage_does(url):
    configured = database_url({"DATABASE_URL": url})
    assert _names_sqlite(configured) == is_sqlite(configured)


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory) -> Iterator[tuple[Server, LikeStore]]:
    """The API on SQLite as docs/deploy.md starts it, its worker count the settings' own."""
    folder = tmp_path_factory.mktemp("shipped")
    url = f"sqlite:///{folder / 'likes.sqlite3'}"
    migrate.upgrade(url)
    store = LikeStore.from_url(url)
    store.register([ArticleInfo("first"), ArticleInfo("second")])
    environment = {"DATABASE_URL": url, "LIKES_SECRET": SECRET, **LIMITS_OFF}
    with gunicorn(environment, workers=None, log=folder / "gunicorn.log") as server:
        yield server, store
    store.dispose()


def test_gunicorn_as_shipped_runs_one_worker_on_sqlite(sqlite_server):
    server, _ = sqlite_server
    assert len(descendants(server.pid)) == 1


def test_concurrent_likes_and_unlikes_on_sqlite_count_exactly(sqlite_server):
    server, store = sqlite_server
    readers = [f"reader-{n:04d}-{'x' * 16}" for n in range(READERS)]

    def vote(method: str, article: str, reader: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            path = f"/api/articles/{article}/like"
            connection.request(method, path, headers={"Likes-Voter": reader})
            return connection.getresponse().status
        finally:
            connection.close()

    votes = [("PUT", "first", r) for r in readers] + [("PUT", "second", r) for r in readers[:50]]
    votes += [("PUT", "first", r) for r in readers[:20]]  # a second click changes nothing
    with ThreadPoolExecutor(max_workers=32) as pool:
        assert set(pool.map(lambda v: vote(*v), votes)) == {200}
        unlikes = [("DELETE", "first", r) for r in readers[:30]]
        assert set(pool.map(lambda v: vote(*v), unlikes)) == {200}
    assert store.counts(["first", "second"]) == {"first": READERS - 30, "second": 50}
    assert store.recount() == 0  # every count is the sum of its rows


def logged_lines(server: Server, part: str, timeout: float = 5) -> list[str]:
    """The log's lines holding ``part``, once there are any: a worker writes a request's line
    after sending its answer."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in server.log.read_text().splitlines() if part in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def test_the_access_log_has_each_request_without_reader_or_address(sqlite_server):
    server, _ = sqlite_server
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request(
        "GET", "/api/likes?slug=first&slug=logged", headers={"Likes-Voter": "t" * 22}
    )
    assert connection.getresponse().status == 200
    connection.close()
    logged = logged_lines(server, "slug=logged")
    assert len(logged) == 1
    assert re.fullmatch(
        r'\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET /api/likes\?slug=first&slug=logged '
        r'HTTP/1\.1" 200 \d+ \d+ms',
        logged[0],
    ), logged[0]
    assert "t" * 22 not in server.log.read_text() and "127.0.0.1" not in logged[0]
