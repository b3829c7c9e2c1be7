"""The shipped gunicorn settings as values and hooks, each read in a fresh interpreter: the
module reads the environment when gunicorn loads it, and gevent's patching must not reach the
test process."""

import json
import subprocess
import sys

import pytest

from pelican_likes import migrate
from pelican_likes.api.gunicorn_conf import _names_sqlite, default_workers
from pelican_likes.database import is_sqlite
from pelican_likes.environment import database_url
from tests.support import descendants, gunicorn

CORES = 4
SECRET = "a production-like secret, long enough: 0123456789"

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


@pytest.mark.parametrize(
    "url",
    ["", "sqlite:///likes.sqlite3", "sqlite+pysqlite:///x.db", "postgresql://db/likes",
     "postgres://u:p@db:5432/likes", "postgresql+psycopg2://db/likes"],
)  # fmt: skip
def test_the_settings_tell_sqlite_as_the_storage_does(url):
    configured = database_url({"DATABASE_URL": url})
    assert _names_sqlite(configured) == is_sqlite(configured)


def test_gunicorn_as_shipped_runs_one_worker_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'likes.sqlite3'}"
    migrate.upgrade(url)
    environment = {"DATABASE_URL": url, "LIKES_SECRET": SECRET}
    with gunicorn(environment, workers=None, log=tmp_path / "gunicorn.log") as server:
        assert len(descendants(server.pid)) == 1
