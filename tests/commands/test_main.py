"""The ``pelican-likes`` command as a user runs it: real processes, one-line errors."""

import os
import subprocess
import sys
import tomllib

import pytest
from sqlalchemy import create_engine, text

from pelican_likes.storage import migrate
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.store import LikeStore
from tests.support import REPO, assert_one_line_error
from tests.support import run_command as run


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
    ],
)
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: pelican-likes")


def test_db_upgrade_uses_the_default_sqlite_file_in_the_current_folder(tmp_path):
    result = run("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"database at revision {migrate.head_revision()}" in result.stdout
    assert (tmp_path / "likes.sqlite3").exists()


def test_db_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'l.sqlite3'}"
    assert run("db", "upgrade", url=url).returncode == 0
    down = run("db", "downgrade", "base", url=url)
    assert (down.returncode, down.stdout.strip()) == (0, "database at revision base")
    assert run("db", "current", url=url).stdout.strip() == "base"


def test_articles_add_and_list_most_liked_first(database_url):
    assert run("articles", "add", "quiet", "loud", "--title", "T", url=database_url).returncode == 0
    LikeStore.from_url(database_url).like("loud", "v" * 64)
    listing = run("articles", "list", url=database_url)
    assert listing.returncode == 0
    lines = [line.split() for line in listing.stdout.splitlines()]
    assert lines == [["SLUG", "TITLE", "LIKES"], ["loud", "T", "1"], ["quiet", "T", "0"]]


def test_import_counts_sets_base_likes(database_url, tmp_path):
    run("articles", "add", "old-post", "other", url=database_url)
    csv = tmp_path / "counts.csv"
    csv.write_text("slug,likes\nold-post,41\n\nother,0\n")
    result = run("import-counts", str(csv), url=database_url)
    assert result.returncode == 0, result.stderr
    assert LikeStore.from_url(database_url).counts(["old-post", "other"]) == {
        "old-post": 41,
        "other": 0,
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("old-post,12\nold-post,many\n", "counts.csv:2: likes must be a whole number"),
        ("old-post,12,3\n", "counts.csv:1: expected 'slug,likes'"),
        ("old-post,-4\n", "counts.csv:1: likes must be a whole number"),
        ("missing,4\n", "unknown article: 'missing'"),
        ("old-post\n", "counts.csv:1: expected 'slug,likes', got 'old-post'"),
        ("slug,likes\nold-post;5\n", "counts.csv:2: expected 'slug,likes', got 'old-post;5'"),
        ('"old-post,5\n', "counts.csv:1: unexpected end of data"),
        ("old-post,2147483648\n", "likes must be a whole number from 0 to 2,147,483,647"),
        ("old-post,9223372036854775808\n", "likes must be a whole number from 0 to 2,147,483,647"),
        ("old-post,\u0663\n", "likes must be a whole number from 0 to 2,147,483,647, got '\u0663'"),
        ("old-post,1\nold-post,2\n", "counts.csv:2: 'old-post' is listed again (first on line 1)"),
    ],
)
def test_import_counts_rejects_the_whole_file_on_a_bad_line(
    database_url, tmp_path, content, message
):
    run("articles", "add", "old-post", url=database_url)
    csv = tmp_path / "counts.csv"
    csv.write_text(content)
    assert_one_line_error(run("import-counts", str(csv), url=database_url), message)
    assert LikeStore.from_url(database_url).counts(["old-post"]) == {"old-post": 0}


def test_the_largest_count_is_kept_exactly_and_a_byte_order_mark_is_skipped(database_url, tmp_path):
    run("articles", "add", "old-post", url=database_url)
    csv = tmp_path / "counts.csv"
    csv.write_bytes("\ufeffslug,likes\nold-post,2147483647\n".encode())

    result = run("import-counts", str(csv), url=database_url)

    assert result.returncode == 0, result.stderr
    counts = LikeStore.from_url(database_url).counts(["old-post"])
    assert counts == {"old-post": 2147483647}
    assert type(counts["old-post"]) is int


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


@pytest.mark.parametrize(
    "command", [["db", "upgrade"], ["db", "current"], ["db", "downgrade", "base"]]
)
def test_a_schema_newer_than_this_release_is_one_line(own_database_url, command):
    engine = create_engine(parse_url(own_database_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()

    result = run(*command, url=own_database_url)

    assert_one_line_error(result, "schema revision 0999, newer than this release")


def test_deploys_upgrading_a_fresh_postgresql_database_together_all_succeed(make_postgres_database):
    url = make_postgres_database()
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "pelican_likes.commands.main", "db", "upgrade"]

    upgrades = [
        subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(6)
    ]
    errors = [upgrade.communicate(timeout=60)[1] for upgrade in upgrades]

    assert [upgrade.returncode for upgrade in upgrades] == [0] * 6, errors
    assert run("db", "current", url=url).stdout.strip() == migrate.head_revision()


def test_no_database_is_one_line(tmp_path):
    result = run("articles", "list", url="postgresql://postgres@127.0.0.1:1/none")
    assert_one_line_error(result, "database unavailable")


def test_database_without_tables_says_how_to_fix_it(tmp_path):
    result = run("articles", "list", url=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert_one_line_error(result, "run `pelican-likes db upgrade`")


def test_bad_url_is_one_line():
    assert_one_line_error(run("articles", "list", url="no way"), "cannot parse the database URL")


def test_unknown_revision_is_one_line(tmp_path):
    result = run("db", "upgrade", "nonsense", url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert_one_line_error(result, "nonsense")


def test_missing_csv_file_is_one_line(tmp_path):
    assert_one_line_error(run("import-counts", str(tmp_path / "none.csv")), "none.csv")


def test_recount_says_how_many_counts_changed(database_url):
    run("articles", "add", "post", url=database_url)
    LikeStore.from_url(database_url).like("post", "v" * 64)
    result = run("recount", url=database_url)
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "recounted; 0 article count(s) changed",
    )


def seed_renamed_pair(url: str) -> LikeStore:
    """``typo-slug`` liked by two readers, ``fixed-slug`` by one of them and a third."""
    run("articles", "add", "typo-slug", "fixed-slug", url=url)
    store = LikeStore.from_url(url)
    for voter in ("a", "b"):
        store.like("typo-slug", voter * 64)
    for voter in ("b", "c"):
        store.like("fixed-slug", voter * 64)
    return store


def test_articles_rename_dry_run_says_what_would_happen_and_changes_nothing(database_url):
    store = seed_renamed_pair(database_url)

    result = run("articles", "rename", "typo-slug", "fixed-slug", "--dry-run", url=database_url)

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "1 like(s) of 'typo-slug' would move to 'fixed-slug' (1 reader(s) liked both, counted"
        " once); 'fixed-slug' would have 3 like(s), as would 'typo-slug'; nothing changed\n"
    )
    assert store.counts(["typo-slug", "fixed-slug"]) == {"typo-slug": 2, "fixed-slug": 2}


def test_articles_rename_merges_and_the_old_slug_answers(database_url):
    store = seed_renamed_pair(database_url)

    result = run("articles", "rename", "typo-slug", "fixed-slug", url=database_url)

    assert result.returncode == 0, result.stderr
    assert "'fixed-slug' has 3 like(s), and 'typo-slug' answers with that count" in result.stdout
    assert store.counts(["typo-slug", "fixed-slug"]) == {"typo-slug": 3, "fixed-slug": 3}
    again = run("articles", "rename", "typo-slug", "fixed-slug", url=database_url)
    assert again.stdout == "'typo-slug' is already a former slug of 'fixed-slug'; nothing to do\n"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("missing", "fixed-slug", "unknown article: 'missing'"),
        ("typo-slug", "typo-slug", "'typo-slug' is already the article's slug"),
        ("typo-slug", "bad slug", "invalid article slug 'bad slug'"),
    ],
)
def test_articles_rename_refusals_are_one_line(database_url, old, new, message):
    seed_renamed_pair(database_url)

    assert_one_line_error(run("articles", "rename", old, new, url=database_url), message)
