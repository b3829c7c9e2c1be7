"""The API as it runs in production: `gunicorn pelican_likes.api.wsgi:app` with the package's
gunicorn settings, on PostgreSQL.

Several workers, each with its own pool, answer hundreds of concurrent likes and unlikes; every
answered write must be counted exactly once.
"""

import http.client
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pelican_likes.api.app import COUNT_CACHE_SECONDS
from pelican_likes.storage import migrate
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import SECRET, Reply, http_request, play_plans, reader_plans, wait_for_log

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
READERS = 300


@dataclass
class Server:
    port: int
    log: Path
    store: LikeStore
    pid: int

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Reply:
        return http_request(self.port, method, path, headers, body)


@pytest.fixture(scope="module")
def server(make_postgres_database, start_gunicorn) -> Iterator[Server]:
    url = make_postgres_database()
    migrate.upgrade(url)
    store = LikeStore.from_url(url)
    store.register([ArticleInfo("first"), ArticleInfo("second")])
    environment = {"DATABASE_URL": url, "LIKES_SECRET": SECRET}
    # Every request comes from 127.0.0.1 here, as 300 readers' would not: these tests are about
    # counting, so neither the rate limit nor the daily cap (tests/api/test_daily_limit.py) may
    # refuse them.
    environment["LIKES_RATE_LIMIT"] = "0"
    environment["LIKES_DAILY_LIMIT"] = "0"
    running = start_gunicorn(environment, workers=WORKERS)
    yield Server(running.port, running.log, store, running.pid)
    store.dispose()


def test_concurrent_likes_from_many_readers_are_counted_exactly(server, contract):
    plans = reader_plans(20240601, READERS, "reader")

    def send(token: str, article: str, method: str) -> tuple[int, dict]:
        path = f"/api/articles/{article}/like"
        status, headers, body = server.request(method, path, {"Likes-Voter": token})
        contract(method, path, status, headers, body)
        return status, json.loads(body)

    finals = play_plans(plans, send)

    expected = {slug: list(finals.values()).count(slug) for slug in ("first", "second")}
    assert server.store.counts(["first", "second"]) == expected
    time.sleep(COUNT_CACHE_SECONDS)  # each worker may answer a count it read this long ago
    status, _, body = server.request("GET", "/api/likes?slug=first&slug=second")
    assert status == 200
    assert json.loads(body) == {"likes": expected}
    assert sum(expected.values()) > 50  # the plans really left many likes standing


def test_each_reader_sees_their_own_state_afterwards(server):
    token = "solo-reader-" + "y" * 20
    server.request("PUT", "/api/articles/second/like", {"Likes-Voter": token})

    _, _, mine = server.request("GET", "/api/articles/second/like", {"Likes-Voter": token})
    _, _, anonymous = server.request("GET", "/api/articles/second/like")

    assert json.loads(mine)["liked"] is True
    assert json.loads(anonymous)["liked"] is False


def test_no_token_or_address_reaches_the_logs(server):
    token = "log-probe-" + "z" * 20
    since = server.log.stat().st_size
    server.request("PUT", "/api/articles/first/like", {"Likes-Voter": token})
    server.request("PUT", "/api/articles/missing/like", {"Likes-Voter": token})
    server.request("GET", "/api/likes?" + "slug=a&" * 2000)  # gunicorn's own "Invalid request"
    logged = [
        '"PUT /api/articles/first/like ',
        '"PUT /api/articles/missing/like ',
        "Invalid request",
    ]
    wait_for_log(server.log, *logged, since=since)

    log = server.log.read_text()
    access_lines = [line for line in log.splitlines() if '"PUT /api/articles/' in line]
    assert len(access_lines) >= 2
    assert "Invalid request" in log
    assert token not in log
    assert [
        line for line in log.splitlines() if "127.0.0.1" in line and "Listening" not in line
    ] == []
    assert log.count("Booting worker") >= WORKERS


def _maps_psycopg2(pid: int) -> bool:
    return "psycopg2" in Path(f"/proc/{pid}/maps").read_text()


def test_only_workers_load_the_api_the_master_stays_small(server):
    """The master checks settings and schema in a child that exits, so it never holds the
    database driver (nor SQLAlchemy, Alembic or the app) that every worker has: that memory is
    paid once per worker, not once more for the master (docs/performance.md, "Beside Isso")."""
    workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    assert len(workers) == WORKERS
    deadline = time.monotonic() + 30  # a worker may still be building its app
    while not all(_maps_psycopg2(int(worker)) for worker in workers):
        assert time.monotonic() < deadline, "a worker never loaded the database driver"
        time.sleep(0.1)
    assert not _maps_psycopg2(server.pid)


def test_a_chunked_body_over_the_limit_is_413(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest("PUT", "/api/articles/first/like")
        connection.putheader("Likes-Voter", "chunky-" + "c" * 20)
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for _ in range(4):
            connection.send(b"400\r\n" + b"x" * 0x400 + b"\r\n")
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        assert response.status == 413
        assert response.getheader("Content-Type") == "application/problem+json"
    finally:
        connection.close()


def test_a_very_long_request_line_is_refused_by_gunicorn_not_failed(server):
    status, _, _ = server.request("GET", "/api/likes?" + "slug=a&" * 2000)

    assert status == 414


def test_postgresql_without_a_secret_refuses_to_start_in_one_line(start_gunicorn):
    environment = {"DATABASE_URL": "postgresql://nobody@127.0.0.1/x", "LIKES_SECRET": ""}

    with pytest.raises(RuntimeError) as exited:
        start_gunicorn(environment)

    output = str(exited.value)
    assert output.startswith("the server exited with 1")
    assert "Error: LIKES_SECRET is required" in output
    assert "Traceback" not in output
    assert "Booting worker" not in output


def _refusal(start_gunicorn, environment: dict[str, str]) -> str:
    """What gunicorn printed when it refused to start, checked to be one line and no worker."""
    with pytest.raises(RuntimeError) as exited:
        start_gunicorn(environment)
    output = str(exited.value)
    assert output.startswith("the server exited with 1")
    assert "Traceback" not in output
    assert "Booting worker" not in output
    return output


def test_a_schema_newer_than_this_release_refuses_to_start_in_one_line(
    start_gunicorn, own_database_url
):
    engine = create_engine(parse_url(own_database_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()

    output = _refusal(start_gunicorn, {"DATABASE_URL": own_database_url, "LIKES_SECRET": SECRET})

    assert "Error: the database" in output
    assert "schema revision 0999, newer than this release" in output


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://likes:hunter2@127.0.0.1/likes", "mysql+mysqldb is not supported"),
        ("postgresql+asyncpg://likes:hunter2@127.0.0.1/likes", "is not supported"),
        ("postgresql://likes:hunter2@127.0.0.1/likes?colour=blue", "invalid connection option"),
    ],
)
def test_a_database_url_that_cannot_work_refuses_to_start_in_one_line(start_gunicorn, url, message):
    output = _refusal(start_gunicorn, {"DATABASE_URL": url, "LIKES_SECRET": SECRET})

    assert "Error: DATABASE_URL: " in output
    assert message in output
    assert "hunter2" not in output
