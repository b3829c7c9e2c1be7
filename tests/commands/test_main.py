"""The ``pelican-likes`` command as a user runs it: real processes, one-line errors."""

import subprocess
import sys
import tomllib

import pytest

from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import REPO, assert_one_line_error
from tests.support import run_process as run


def test_version_is_the_released_one():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]

    result = run("--version")

    assert (result.returncode, result.stdout) == (0, f"pelican-likes {project['version']}\n")


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
        ["export"],
        ["import"],
        ["copy"],
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


def test_the_direct_database_url_wins_over_database_url(tmp_path):
    """Where DATABASE_URL goes through PgBouncer, LIKES_DIRECT_DATABASE_URL is PostgreSQL
    itself: the commands, migrations first, go there."""
    direct = f"sqlite:///{tmp_path / 'direct.sqlite3'}"
    pooled = f"sqlite:///{tmp_path / 'pooled.sqlite3'}"

    result = run("db", "upgrade", url=pooled, env={"LIKES_DIRECT_DATABASE_URL": direct})

    assert result.returncode == 0, result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["direct.sqlite3"]


def test_the_database_url_option_wins_over_the_direct_one(tmp_path):
    chosen = f"sqlite:///{tmp_path / 'chosen.sqlite3'}"
    direct = f"sqlite:///{tmp_path / 'direct.sqlite3'}"

    result = run(
        "--database-url", chosen, "db", "upgrade", env={"LIKES_DIRECT_DATABASE_URL": direct}
    )

    assert result.returncode == 0, result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["chosen.sqlite3"]


@pytest.mark.parametrize(
    ("command", "loads"),
    [
        (["--help"], False),
        (["articles", "list"], False),
        (["stats"], False),
        (["db", "current"], True),
    ],
)
def test_only_the_commands_that_migrate_load_alembic(sqlite_url, command, loads):
    """Alembic was half of every command's start, ``--help`` included."""
    store = LikeStore.from_url(sqlite_url)
    store.register([ArticleInfo("post")])  # else stats stops before its work: no articles yet
    store.dispose()
    code = (
        "import sys; from pelican_likes.commands.main import main\n"
        f"try:\n    code = main(['--database-url', {sqlite_url!r}, *{command!r}])\n"
        "except SystemExit as stop:\n    code = stop.code\n"
        "print(code or 0, 'alembic' in sys.modules, file=sys.stderr)"
    )

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    # Run through, not stopped early: a command that failed before its work would load nothing.
    assert done.stderr.splitlines()[-1] == f"0 {loads}", done.stderr
