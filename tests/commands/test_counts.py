"""``pelican-likes import-counts`` and ``recount``: counts carried over, and rebuilt."""

import pytest

from pelican_likes.storage.store import LikeStore
from tests.support import assert_one_line_error
from tests.support import run_command as run


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
