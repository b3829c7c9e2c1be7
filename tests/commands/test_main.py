"""The ``pelican-likes`` command as a user runs it: real processes, one-line errors."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support import REPO


def run(*args: str, url: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if url is not None:
        env["DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "pelican_likes.commands.main", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def test_version_is_the_released_one():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]

    result = run("--version")

    assert (result.returncode, result.stdout) == (0, f"pelican-likes {project['version']}\n")


def assert_one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode == 1
    assert result.stderr.startswith("pelican-likes: error: ")
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["db"],
        ["db", "upgrade"],
        ["db", "downgrade"],
        ["articles", "add"],
        ["articles", "rename"],
        ["likes", "list"],
        ["likes", "remove"],
        ["import-counts"],
        ["recount"],
        ["stats"],
        ["report"],
    ],
)
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: pelican-likes")


@pytest.mark.parametrize("command", [["db", "upgrade"], ["db", "current"], ["articles", "list"]])
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://postgres:hunter2@nonexistent.invalid/likes", "could not translate host"),
        ("postgresql://postgres:hunter2@127.0.0.1:5432/no_such_database", "does not exist"),
        ("postgresql://postgres:hunter2@127.0.0.1:1/likes", "Connection refused"),
        ("postgresql://postgres:hunter2@127.0.0.1:5432/test?sslmode=require", "SSL"),
        ("mysql://likes:hunter2@127.0.0.1/likes", "mysql+mysqldb is not supported"),
        (
            "postgresql+asyncpg://likes:hunter2@127.0.0.1/likes",
            "postgresql+asyncpg is not supported",
        ),
        ("postgresql://likes:hunter2@127.0.0.1/likes?colour=blue", "invalid connection option"),
    ],
)
def test_databases_that_cannot_be_used_are_one_line(command, url, message):
    result = run(*command, url=url)

    assert_one_line_error(result, message)
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize("command", [["db", "upgrade"], ["db", "current"], ["articles", "list"]])
def test_a_file_that_is_not_an_sqlite_database_is_one_line(tmp_path, command):
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("not a database\n")

    assert_one_line_error(run(*command, url=f"sqlite:///{notes}"), "is not an SQLite database")


def test_no_database_is_one_line(tmp_path):
    result = run("articles", "list", url="postgresql://postgres@127.0.0.1:1/none")
    assert_one_line_error(result, "database unavailable")


def test_database_without_tables_says_how_to_fix_it(tmp_path):
    result = run("articles", "list", url=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert_one_line_error(result, "run `pelican-likes db upgrade`")


def test_bad_url_is_one_line():
    assert_one_line_error(run("articles", "list", url="no way"), "cannot parse the database URL")


def test_the_database_url_option_wins_over_the_environment(tmp_path):
    chosen = f"sqlite:///{tmp_path / 'chosen.sqlite3'}"
    ignored = f"sqlite:///{tmp_path / 'ignored.sqlite3'}"

    result = run("--database-url", chosen, "db", "upgrade", url=ignored)

    assert result.returncode == 0, result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["chosen.sqlite3"]
