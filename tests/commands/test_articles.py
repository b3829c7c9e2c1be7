"""``pelican-likes articles``: registering, listing and renaming articles."""

import pytest

from pelican_likes.storage.schema import MAX_LIKES
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import assert_one_line_error
from tests.support import run_command as run


def test_articles_add_and_list_most_liked_first(database_url):
    assert run("articles", "add", "quiet", "loud", "--title", "T", url=database_url).returncode == 0
    LikeStore.from_url(database_url).like("loud", "v" * 64)
    listing = run("articles", "list", url=database_url)
    assert listing.returncode == 0
    lines = [line.split() for line in listing.stdout.splitlines()]
    assert lines == [["SLUG", "TITLE", "LIKES"], ["loud", "T", "1"], ["quiet", "T", "0"]]


def test_articles_list_shows_a_title_s_control_characters_as_replacement_marks(database_url):
    LikeStore.from_url(database_url).register([ArticleInfo("evil", "Clear\x1b[2J\x1b]0;x\x07")])

    listing = run("articles", "list", url=database_url)

    assert listing.stdout.splitlines()[1].split() == ["evil", "Clear\ufffd[2J\ufffd]0;x\ufffd", "0"]


def seed_renamed_pair(url: str) -> LikeStore:
    """``typo-slug`` liked by two readers, ``fixed-slug`` by one of them and a third: the one
    who liked both counts twice once they are merged (docs/security.md)."""
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
        "2 like(s) of 'typo-slug' would move to 'fixed-slug'; 'fixed-slug' would have 4 like(s),"
        " as would 'typo-slug'; nothing changed\n"
    )
    assert store.counts(["typo-slug", "fixed-slug"]) == {"typo-slug": 2, "fixed-slug": 2}


def test_articles_rename_merges_and_the_old_slug_answers(database_url):
    store = seed_renamed_pair(database_url)

    result = run("articles", "rename", "typo-slug", "fixed-slug", url=database_url)

    assert result.returncode == 0, result.stderr
    assert "'fixed-slug' has 4 like(s), and 'typo-slug' answers with that count" in result.stdout
    assert store.counts(["typo-slug", "fixed-slug"]) == {"typo-slug": 4, "fixed-slug": 4}
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


def test_articles_rename_past_the_largest_count_is_one_line_and_changes_nothing(database_url):
    store = seed_renamed_pair(database_url)
    store.set_base_likes({"typo-slug": MAX_LIKES, "fixed-slug": MAX_LIKES})

    result = run("articles", "rename", "typo-slug", "fixed-slug", url=database_url)

    assert_one_line_error(result, "more than the 2,147,483,647 an article can hold")
    assert store.counts(["typo-slug", "fixed-slug"]) == {
        "typo-slug": MAX_LIKES + 2,
        "fixed-slug": MAX_LIKES + 2,
    }
