"""The API under real gunicorn, started on a database not ready for likes: it starts anyway (the
database may come up later), says once in its log what to do, and answers 503 meanwhile, saying
what to run when waiting cannot help. On SQLite and PostgreSQL."""

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pelican_likes.storage import migrate
from tests.support import Server, api_env, free_port, wait_for_log

UPGRADE = "run `pelican-likes db upgrade` with the API's DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgres"])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database where ``pelican-likes db upgrade`` was never run: an SQLite file not made yet,
    an empty PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'likes.sqlite3'}"
    return request.getfixturevalue("make_postgres_database")()


def like(server: Server) -> tuple[int, dict[str, object]]:
    """A like of ``first`` through the API: its status and problem details."""
    request = urllib.request.Request(
        f"{server.url}/api/articles/first/like",
        method="PUT",
        headers={"Likes-Voter": "a-reader-token-that-is-long-enough-0123"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def start_up_lines(server: Server, fragment: str) -> list[str]:
    """The log lines holding ``fragment``, once the workers have booted (so, once the master's
    start-up check is long done)."""
    assert server.log is not None
    text = wait_for_log(server.log, "Booting worker")
    return [line for line in text.splitlines() if fragment in line]


def test_before_db_upgrade_the_api_starts_says_what_to_run_once_and_so_do_its_503s(
    start_gunicorn, unmigrated_url
):
    server = start_gunicorn(api_env(unmigrated_url), workers=2)

    status, problem = like(server)

    [line] = start_up_lines(server, UPGRADE)
    assert "[WARNING]" in line and UPGRADE in line
    assert "does not exist yet" in line or "has no likes tables" in line
    assert status == 503
    assert "run `pelican-likes db upgrade`" in str(problem["detail"])
    assert "try again" not in str(problem["detail"])


def test_a_schema_behind_this_release_is_said_at_start_up(start_gunicorn, own_database_url):
    migrate.downgrade(own_database_url, "0004")
    head = migrate.head_revision()

    server = start_gunicorn(api_env(own_database_url), workers=2)

    [line] = start_up_lines(server, UPGRADE)
    assert f"is at schema revision 0004, behind this release's {head}: {UPGRADE}" in line


def test_a_database_that_cannot_be_reached_is_said_at_start_up_and_the_api_starts(
    start_gunicorn,
):
    url = f"postgresql://likes:hunter2@127.0.0.1:{free_port()}/likes"  # nothing listens there

    server = start_gunicorn(api_env(url), workers=2)

    status, problem = like(server)
    [line] = start_up_lines(server, "cannot be reached")
    assert "[WARNING]" in line and "requests get a 503 until it can" in line
    assert "hunter2" not in line
    assert status == 503 and "try again" in str(problem["detail"])


def test_a_migrated_database_starts_without_a_word_about_it(start_gunicorn, database_url):
    server = start_gunicorn(api_env(database_url), workers=2)

    assert start_up_lines(server, "the database") == []
