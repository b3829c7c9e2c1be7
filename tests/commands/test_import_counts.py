"""``pelican-likes import-counts --from FORMAT``: other systems' files matched to the articles and
set as their base likes, on both backends; the ``slug,likes`` default is in test_counts.py."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import assert_one_line_error
from tests.support import run_command as run

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
SLUGS = ["hello-world", "café-au-lait", "renamed-post"]


def seed_blog(url: str, *, host: str = "https://blog.example.com") -> LikeStore:
    """The blog the fixtures were written for: two articles, and one renamed from old-post."""
    store = LikeStore.from_url(url)
    store.register(
        [
            ArticleInfo("hello-world", "Hello", f"{host}/posts/hello-world.html"),
            ArticleInfo("café-au-lait", "Café", f"{host}/posts/café-au-lait/"),
            ArticleInfo("old-post", "Renamed", f"{host}/posts/renamed-post.html"),
        ]
    )
    store.rename("old-post", "renamed-post")
    return store


def fixture(tmp_path: Path, name: str) -> str:
    """A copy of a fixture in the test's folder, named as a user would have it."""
    return str(shutil.copy(FIXTURES / name, tmp_path / name))


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        ("applause", "applause-export.json", (43, 7, 15)),
        ("applause", "applause-export.jsonl", (40, 0, 15)),
        ("webmention-io", "webmention-io-mentions.jf2", (2, 1, 0)),
        ("webmention-io", "webmention-io-mentions.json", (1, 1, 0)),
        ("lyket", "lyket-buttons.csv", (12, 0, 30)),
        ("slugs", "slug-counts.csv", (41, 3, 0)),
    ],
)
def test_each_format_sets_the_matched_articles_base_likes_and_again_changes_nothing(
    database_url, tmp_path, source, name, expected
):
    """``expected``: the base likes of hello-world, café-au-lait and renamed-post."""
    store = seed_blog(database_url)
    store.like("hello-world", "v" * 64)
    path = fixture(tmp_path, name)

    first = run("import-counts", "--from", source, path, url=database_url)
    again = run("import-counts", "--from", source, path, url=database_url)

    assert first.returncode == 0, first.stderr
    assert again.stdout == first.stdout
    hello, cafe, renamed = expected
    assert store.counts(SLUGS) == {
        "hello-world": hello + 1,
        "café-au-lait": cafe,
        "renamed-post": renamed,
    }
    imported = sum(1 for likes in expected if likes)
    assert first.stdout.endswith(f"imported counts for {imported} article(s)\n")


def test_the_summary_lists_what_matched_and_what_did_not(database_url, tmp_path):
    seed_blog(database_url)
    path = fixture(tmp_path, "applause-export.json")

    result = run("import-counts", "--from", "applause", path, url=database_url)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "matched 3 article(s):"
    assert lines[1].split() == ["ARTICLE", "LIKES", "FROM"]
    host = "blog.example.com"
    assert lines[2].split()[:4] == ["café-au-lait", "7", "7", f"{host}/posts/caf%C3%A9-au-lait"]
    assert lines[3].split()[:4] == ["hello-world", "43", "40", f"{host}/posts/hello-world.html"]
    assert lines[4].split()[:2] == ["2", f"www.{host}/posts/hello-world.html"]
    assert lines[4].endswith(f"({path}: entry 2)")
    assert lines[5].split()[:2] == ["1", f"https://{host}/posts/hello-world.html"]
    assert lines[6].split()[:4] == ["renamed-post", "15", "15", f"{host}/2019/old-post/"]
    assert lines[7:] == [
        "not matched, nothing imported for them (1):",
        f"  3 {host}/about/ ({path}: entry 6): no article has this address or slug",
        "left out 2 count(s) of other sites' pages",
        "imported counts for 3 article(s)",
    ]


def test_a_dry_run_says_the_same_and_writes_nothing(database_url, tmp_path):
    store = seed_blog(database_url)
    path = fixture(tmp_path, "webmention-io-mentions.jf2")

    dry = run("import-counts", "--from", "webmention-io", path, "--dry-run", url=database_url)

    assert dry.returncode == 0, dry.stderr
    assert store.counts(SLUGS) == dict.fromkeys(SLUGS, 0)
    assert dry.stdout.endswith(
        "would import counts for 2 article(s); nothing written (--dry-run)\n"
    )
    done = run("import-counts", "--from", "webmention-io", path, url=database_url)
    assert done.stdout.splitlines()[:-1] == dry.stdout.splitlines()[:-1]


def test_a_dry_run_of_slug_rows_still_refuses_an_unknown_slug(database_url, tmp_path):
    store = seed_blog(database_url)
    csv = tmp_path / "counts.csv"
    csv.write_text("hello-world,5\nmissing,4\n")

    result = run("import-counts", str(csv), "--dry-run", url=database_url)

    assert_one_line_error(result, "unknown article: 'missing'")
    assert store.counts(["hello-world"]) == {"hello-world": 0}
    csv.write_text("hello-world,5\n")
    assert run("import-counts", str(csv), "--dry-run", url=database_url).stdout == (
        "would import counts for 1 article(s); nothing written (--dry-run)\n"
    )
    assert store.counts(["hello-world"]) == {"hello-world": 0}


def test_a_later_import_replaces_what_an_earlier_one_set_for_the_articles_it_matches(
    database_url, tmp_path
):
    store = seed_blog(database_url)
    claps = fixture(tmp_path, "applause-export.json")
    run("import-counts", "--from", "applause", claps, url=database_url)

    buttons = fixture(tmp_path, "lyket-buttons.csv")
    run("import-counts", "--from", "lyket", buttons, url=database_url)

    assert store.counts(SLUGS) == {"hello-world": 12, "café-au-lait": 7, "renamed-post": 30}


def test_a_blog_under_a_path_registered_without_a_host_is_matched_with_site(database_url, tmp_path):
    store = LikeStore.from_url(database_url)
    store.register([ArticleInfo("notes", "Notes", "/blog/posts/notes.html")])
    export = tmp_path / "claps.json"
    export.write_text(
        '{"example.com/blog/posts/notes.html": 4, "www.example.com/blog/posts/notes.html/": 1,'
        ' "example.com/shop/notes.html": 50, "elsewhere.example/blog/posts/notes.html": 70}'
    )

    refused = run("import-counts", "--from", "applause", str(export), url=database_url)
    site = "https://example.com/blog/"
    result = run(
        "import-counts", "--from", "applause", str(export), "--site", site, url=database_url
    )

    assert_one_line_error(refused, "no registered URL names the blog's host: give it with --site")
    assert result.returncode == 0, result.stderr
    assert store.counts(["notes"]) == {"notes": 5}
    assert "50 example.com/shop/notes.html" in result.stdout
    assert "left out 1 count(s) of other sites' pages" in result.stdout


HELLO = "blog.example.com/posts/hello-world.html"


@pytest.mark.parametrize(
    ("source", "content", "message"),
    [
        (
            "applause",
            f'[{{"url": "{HELLO}", "claps": 5}},\n{{"url": 1}}]',
            "claps.json: entry 2: expected an item",
        ),
        (
            "applause",
            f'[{{"url": "{HELLO}", "claps": -5}}]',
            "claps.json: entry 1: claps must be a whole number",
        ),
        (
            "webmention-io",
            '{"children": [{"wm-property": "like-of", "wm-id": 1}]}',
            "claps.json: entry 1: a like without its target",
        ),
        (
            "webmention-io",
            '{"count": 3, "type": {"like": 3}}',
            "claps.json: api/count.json does not say which page",
        ),
        (
            "lyket",
            "path,amount\nlike-buttons/blog/hello-world,5\nlike-buttons/blog/x,five\n",
            "claps.json:3: amount must be",
        ),
        ("lyket", "slug,likes\nhello-world,5\n", "claps.json:1: expected Lyket's header"),
    ],
)
def test_bad_input_is_one_line_naming_the_file_and_entry_and_writes_nothing(
    database_url, tmp_path, source, content, message
):
    store = seed_blog(database_url)
    path = tmp_path / "claps.json"
    path.write_text(content)

    result = run("import-counts", "--from", source, str(path), url=database_url)

    assert_one_line_error(result, message)
    assert store.counts(SLUGS) == dict.fromkeys(SLUGS, 0)


def test_counts_of_one_article_past_the_largest_are_one_line_and_write_nothing(
    database_url, tmp_path
):
    store = seed_blog(database_url)
    path = tmp_path / "claps.json"
    path.write_text(
        '{"blog.example.com/posts/hello-world.html": 2147483647,'
        ' "http://blog.example.com/posts/hello-world.html": 1, "blog.example.com/old-post": 3}'
    )

    result = run("import-counts", "--from", "applause", str(path), url=database_url)

    assert_one_line_error(result, "base likes must be 0 to 2,147,483,647: 'hello-world'")
    assert store.counts(SLUGS) == dict.fromkeys(SLUGS, 0)


def test_an_unknown_format_is_refused_by_the_parser(tmp_path):
    result = run("import-counts", "--from", "disqus", str(tmp_path / "x.json"))

    assert result.returncode == 2
    assert "invalid choice: 'disqus'" in result.stderr


def test_the_installed_command_imports_and_reports_as_a_user_runs_it(database_url, tmp_path):
    """Through the ``pelican-likes`` script pip installed, in a process of its own."""
    store = seed_blog(database_url)
    command = Path(sys.executable).parent / "pelican-likes"
    env = {**os.environ, "DATABASE_URL": database_url}
    path = fixture(tmp_path, "webmention-io-mentions.jf2")

    result = subprocess.run(
        [command, "import-counts", "--from", "webmention-io", path],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    broken = tmp_path / "broken.jf2"
    broken.write_text('{"children": [\n')
    failed = subprocess.run(
        [command, "import-counts", "--from", "webmention-io", str(broken)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "matched 2 article(s):"
    assert "1 https://blog.example.com/about/" in result.stdout
    assert store.counts(SLUGS) == {"hello-world": 2, "café-au-lait": 1, "renamed-post": 0}
    assert failed.returncode == 1
    assert failed.stderr == f"pelican-likes: error: {broken}:2: not JSON: Expecting value\n"
