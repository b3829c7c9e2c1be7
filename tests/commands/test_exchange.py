"""``pelican-likes export``, ``import`` and ``copy`` as a blogger runs them: a backup file and
back, a move from SQLite to PostgreSQL and back, and every bad file refused at its line."""

import json
from pathlib import Path

import pytest

from pelican_likes.storage import migrate
from pelican_likes.storage.store import ArticleInfo, LikeState, LikeStore
from tests.support import assert_one_line_error, run_process
from tests.support import run_command as run

ALICE, BOB, CAROL = ("a" * 64, "b" * 64, "c" * 64)


def a_blog(url: str) -> LikeStore:
    """Two articles liked, one renamed into the other, base likes carried over."""
    store = LikeStore.from_url(url)
    store.register([ArticleInfo("draft", "Draft"), ArticleInfo("post", "Post", "/post.html")])
    store.like("draft", ALICE)
    store.like("post", BOB)
    store.like("post", CAROL)
    store.set_base_likes({"post": 2})
    store.rename("draft", "post")
    return store


def exported(url: str, path: Path) -> list[dict]:
    result = run("export", "-o", str(path), url=url)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_export_then_import_into_another_database(database_url, own_database_url, tmp_path):
    a_blog(database_url)
    backup = tmp_path / "likes.jsonl"

    result = run("export", "-o", str(backup), url=database_url)

    assert result.stdout == (
        f"exported 1 article(s), 1 former slug(s), 1 merged id(s) and 3 like(s) to {backup}\n"
    )
    lines = [json.loads(line) for line in backup.read_text().splitlines()]
    assert lines[0] == {
        "type": "header",
        "format": "pelican-likes export",
        "revision": migrate.head_revision(),
    }
    assert lines[1] == {"type": "article", "id": 2, "slug": "post", "title": "Post",
                        "url": "/post.html", "base_likes": 2, "closed": False}  # fmt: skip
    assert lines[-1] == {"type": "end", "articles": 1, "aliases": 1, "merges": 1, "likes": 3}

    imported = run("import", str(backup), url=own_database_url)

    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == (
        f"imported {backup} into the database: 1 article(s) added, 0 updated, 1 former slug(s) "
        "and 1 merged id(s) recorded, 3 like(s) added, 1 count(s) rebuilt from the rows\n"
    )
    assert exported(own_database_url, tmp_path / "again.jsonl") == lines
    target = LikeStore.from_url(own_database_url)
    assert target.state("draft", ALICE) == LikeState("draft", 5, True)


def test_import_twice_changes_nothing_and_a_dry_run_changes_nothing(
    database_url, own_database_url, tmp_path
):
    a_blog(database_url)
    backup = tmp_path / "likes.jsonl"
    lines = exported(database_url, backup)

    dry = run("import", str(backup), "--dry-run", url=own_database_url)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith(f"importing {backup} into the database would make: 1 article(s)")
    assert dry.stdout.endswith("; nothing changed\n")
    assert exported(own_database_url, tmp_path / "empty.jsonl") == [lines[0], {
        "type": "end", "articles": 0, "aliases": 0, "merges": 0, "likes": 0}]  # fmt: skip

    assert run("import", str(backup), url=own_database_url).returncode == 0
    again = run("import", str(backup), url=own_database_url)

    assert again.stdout == (
        f"the database already holds everything in {backup}; nothing to import\n"
    )
    assert exported(own_database_url, tmp_path / "after.jsonl") == lines


def test_copy_moves_a_whole_database_to_another(database_url, own_database_url, tmp_path):
    """From SQLite to PostgreSQL and back, and to the same kind, as a user runs it."""
    a_blog(database_url)

    result = run_process("copy", "--to", own_database_url, url=database_url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported ")
    assert "1 article(s) added, 0 updated, 1 former slug(s) and 1 merged id(s)" in result.stdout
    assert exported(own_database_url, tmp_path / "to.jsonl") == exported(
        database_url, tmp_path / "from.jsonl"
    )
    again = run("copy", "--to", own_database_url, url=database_url)
    assert again.stdout.endswith("; nothing to import\n")


def test_copy_into_a_database_without_tables_says_what_to_run(database_url, tmp_path):
    a_blog(database_url)
    empty = f"sqlite:///{tmp_path / 'new.sqlite3'}"

    result = run("copy", "--to", empty, url=database_url)

    assert_one_line_error(result, f"{empty} is at schema revision base (no tables)")
    assert "db upgrade` on it first" in result.stderr


def test_export_to_standard_output(database_url):
    a_blog(database_url)

    result = run_process("export", url=database_url)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 1 + 1 + 1 + 3 + 1
    assert json.loads(lines[-1])["likes"] == 3


def test_export_piped_into_import(sqlite_url, own_database_url):
    """``export | import -``: a move without a file in between."""
    a_blog(sqlite_url)
    exported_text = run_process("export", url=sqlite_url).stdout

    result = run_process("import", "-", url=own_database_url, stdin=exported_text)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported standard input into the database: 1 article(s)")
    assert run_process("export", url=own_database_url).stdout == exported_text


def test_a_failed_export_leaves_no_file(tmp_path):
    backup = tmp_path / "likes.jsonl"

    result = run("export", "-o", str(backup), url=f"sqlite:///{tmp_path / 'none.sqlite3'}")

    assert_one_line_error(result, "db upgrade")
    assert list(tmp_path.iterdir()) == [tmp_path / "none.sqlite3"]


def _cut_mid_line(lines: list[str]) -> str:
    return "\n".join(lines[:5]) + "\n" + lines[5][:50]


@pytest.mark.parametrize(
    ("edit", "line", "message"),
    [
        (_cut_mid_line, 6, "not JSON (Unterminated string starting at, column 41)"),
        (lambda lines: "\n".join(lines[:6]) + "\n", 7, "the file ends before its end record"),
        (lambda lines: "\n".join([lines[0].replace('"0006"', '"0999"'), *lines[1:]]), 1,
         "the file is of schema revision '0999', which this release does not import"),
        (lambda lines: "\n".join([*lines[:6], lines[5].replace('"article": 2', '"article": 7'),
                                  lines[6]]), 7,
         "a like row of article id 7, which the file does not list"),
        (lambda lines: "\n".join([*lines[:6], lines[5], lines[6]]), 7,
         "the same like row as the one before"),
        (lambda lines: "\n".join([*lines[:3], "likes,3", *lines[3:]]), 4, "not JSON"),
        (lambda lines: "slug,likes\npost,3\n", 1, "not JSON"),
        (lambda lines: "\n".join([*lines[:2], '{"type": "comment"}', *lines[2:]]), 3,
         "unknown record type 'comment'"),
        (lambda lines: "\n".join([*lines[:4], lines[4].replace('"voter"', '"reader"'),
                                  *lines[5:]]), 5,
         "a like record has the fields article, voter, at; got article, at, reader"),
        (lambda lines: "\n".join([*lines[:4], lines[4].replace('+00:00"', '"'), *lines[5:]]), 5,
         "a like time without its UTC offset"),
        (lambda lines: "\n".join([lines[0], lines[1].replace('"id": 2', '"id": "2"'),
                                  *lines[2:]]), 2,
         "article field 'id' must be a whole number"),
        (lambda lines: "\n".join(lines).replace('"likes": 3}', '"likes": 4}'), 8,
         "the end record counts 4 like record(s) where the file has 3"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_at_its_line_and_nothing_is_written(
    sqlite_url, own_database_url, tmp_path, edit, line, message
):
    """Into a database that has the article already, which the import would otherwise update."""
    a_blog(sqlite_url)
    backup = tmp_path / "likes.jsonl"
    exported(sqlite_url, backup)
    lines = backup.read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(edit(lines))
    target = LikeStore.from_url(own_database_url)
    target.register([ArticleInfo("post")])
    target.like("post", ALICE)
    before = exported(own_database_url, tmp_path / "before.jsonl")

    result = run("import", str(bad), url=own_database_url)

    assert_one_line_error(result, f"{bad}:{line}: {message}")
    assert result.stderr.endswith("; nothing imported\n")
    assert exported(own_database_url, tmp_path / "after.jsonl") == before
