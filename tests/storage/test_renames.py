"""Renamed articles keep their likes, on SQLite and PostgreSQL (``store`` runs once per backend)."""

import pytest
from sqlalchemy import func, select

from pelican_likes.storage.schema import (
    MAX_LIKES,
    article_aliases,
    article_merges,
    articles,
    likes,
)
from pelican_likes.storage.store import (
    ArticleInfo,
    LikeState,
    LikeStore,
    Renamed,
    RenameRefused,
    UnknownArticle,
)

ALICE, BOB, CAROL, DAVE = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)


@pytest.fixture
def old_and_new(store: LikeStore) -> tuple[str, str]:
    """``old`` liked by Alice, Bob and Carol; ``new`` by Carol and Dave: Carol liked both."""
    store.register([ArticleInfo("old", "Old"), ArticleInfo("new", "New")])
    for voter in (ALICE, BOB, CAROL):
        store.like("old", voter)
    for voter in (CAROL, DAVE):
        store.like("new", voter)
    return "old", "new"


def like_rows(store: LikeStore) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(likes))


def test_a_merge_moves_every_like_and_a_reader_who_liked_both_counts_twice(store, old_and_new):
    """Like rows of two articles cannot be told to be one reader's (docs/security.md), so
    Carol's two likes both count."""
    renamed = store.rename(*old_and_new)

    assert renamed == Renamed("old", "new", "merged", likes=5, moved=3)
    assert store.counts(["new"]) == {"new": 5}
    assert like_rows(store) == 5
    assert [a.slug for a in store.articles()] == ["new"]


def test_readers_of_the_merged_article_are_still_recognised(store, old_and_new):
    store.rename(*old_and_new)

    assert store.state("new", ALICE) == LikeState("new", 5, True)
    assert store.like("new", ALICE) == LikeState("new", 5, True)  # already liked: nothing moves
    assert store.like("new", CAROL) == LikeState("new", 5, True)
    # One unlike withdraws both of Carol's likes; from then on she counts once.
    assert store.unlike("new", CAROL) == LikeState("new", 3, False)
    assert store.like("new", CAROL) == LikeState("new", 4, True)
    assert store.unlike("new", ALICE) == LikeState("new", 3, False)
    assert store.like("new", ALICE) == LikeState("new", 4, True)
    assert like_rows(store) == 4
    assert store.recount() == 0


def test_the_old_slug_keeps_answering_with_the_merged_count(store, old_and_new):
    store.rename(*old_and_new)

    assert store.counts(["old", "new", "other"]) == {"old": 5, "new": 5}
    assert store.state("old", ALICE) == LikeState("old", 5, True)
    assert store.state("old", "e" * 64) == LikeState("old", 5, False)
    # A click on a cached page's old widget likes the article under its new name.
    assert store.like("old", "e" * 64) == LikeState("old", 6, True)
    assert store.like("new", "e" * 64) == LikeState("new", 6, True)
    assert store.unlike("old", ALICE) == LikeState("old", 5, False)
    assert store.counts(["new"]) == {"new": 5}
    assert store.like("new", ALICE).likes == 6


def test_merges_in_a_row_keep_recognising_the_readers_of_each(store, old_and_new):
    store.rename(*old_and_new)
    store.register([ArticleInfo("newest")])
    store.like("newest", "e" * 64)

    assert store.rename("new", "newest").likes == 6
    for voter in (ALICE, BOB, DAVE, "e" * 64):
        assert store.like("newest", voter) == LikeState("newest", 6, True)
    assert store.unlike("old", BOB) == LikeState("old", 5, False)


def test_a_new_article_never_takes_the_id_of_a_merged_one(store):
    """SQLite gives a new row the largest id plus one: the id of an article merged away, had it
    been the largest, whose pseudonyms its likes keep (pseudonyms.py)."""
    store.register([ArticleInfo("kept")])
    store.register([ArticleInfo("merged")])
    store.like("merged", ALICE)
    store.rename("merged", "kept")

    store.register([ArticleInfo("later")])
    store.like("later", ALICE)

    with store.engine.connect() as conn:
        ids = dict(conn.execute(select(articles.c.slug, articles.c.id)).all())
        merged_id = conn.scalar(select(article_merges.c.former_id))
        voters = conn.scalars(select(likes.c.voter)).all()
    assert merged_id not in ids.values()
    assert len(voters) == len(set(voters)) == 2
    assert store.state("kept", ALICE).liked and store.state("later", ALICE).liked


def test_base_likes_of_both_are_kept(store, old_and_new):
    store.set_base_likes({"old": 10, "new": 5})

    assert store.rename(*old_and_new).likes == 20
    assert store.counts(["new", "old"]) == {"new": 20, "old": 20}


def test_base_likes_past_the_largest_count_together_are_refused(store, old_and_new):
    store.set_base_likes({"old": MAX_LIKES, "new": MAX_LIKES})

    with pytest.raises(RenameRefused, match="carry 4,294,967,294 base likes together, more than"):
        store.rename(*old_and_new)

    assert store.counts(["old", "new"]) == {"old": MAX_LIKES + 3, "new": MAX_LIKES + 2}
    store.set_base_likes({"old": MAX_LIKES - 5, "new": 5})
    assert store.rename(*old_and_new).likes == MAX_LIKES + 5


def test_counting_goes_on_exactly_after_a_merge(store, old_and_new):
    store.rename(*old_and_new)
    for voter in (ALICE, BOB, CAROL, DAVE):
        store.unlike("new", voter)

    assert store.counts(["new"]) == {"new": 0}
    assert store.recount() == 0


def test_renaming_to_an_unregistered_slug_keeps_the_article(store, old_and_new):
    renamed = store.rename("old", "brand-new")

    assert renamed == Renamed("old", "brand-new", "renamed", likes=3)
    assert store.counts(["old", "brand-new"]) == {"old": 3, "brand-new": 3}
    assert {a.slug: a.title for a in store.articles()} == {"brand-new": "Old", "new": "New"}


def test_a_dry_run_reports_and_changes_nothing(store, old_and_new):
    renamed = store.rename(*old_and_new, dry_run=True)

    assert renamed == Renamed("old", "new", "merged", likes=5, moved=3)
    assert store.counts(["old", "new"]) == {"old": 3, "new": 2}
    assert like_rows(store) == 5


def test_renaming_again_changes_nothing(store, old_and_new):
    store.rename(*old_and_new)

    assert store.rename(*old_and_new) == Renamed("old", "new", "unchanged", likes=5)
    assert store.counts(["new"]) == {"new": 5}


def test_renames_in_a_row_all_answer_for_the_last(store, old_and_new):
    store.rename(*old_and_new)
    store.register([ArticleInfo("newest")])
    store.like("newest", ALICE)

    assert store.rename("new", "newest").likes == 6
    assert store.counts(["old", "new", "newest"]) == {"old": 6, "new": 6, "newest": 6}


def test_a_slug_renamed_back_is_the_articles_own_again(store, old_and_new):
    store.rename("old", "interim")
    store.rename("interim", "old")

    assert store.counts(["old", "interim"]) == {"old": 3, "interim": 3}
    assert [a.slug for a in store.articles()] == ["old", "new"]


def test_registering_a_former_slug_again_makes_it_an_article(store, old_and_new):
    store.rename(*old_and_new)

    store.register([ArticleInfo("old", "Old, restored")])

    assert store.counts(["old", "new"]) == {"old": 0, "new": 5}
    assert store.like("old", ALICE) == LikeState("old", 1, True)
    assert store.state("old", BOB) == LikeState("old", 1, False)
    # Renamed again, it is a former slug once more, with the like it got meanwhile.
    assert store.rename("old", "new") == Renamed("old", "new", "merged", likes=6, moved=1)
    assert store.counts(["old"]) == {"old": 6}
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(article_aliases)) == 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("old", "old", "already the article's slug"),
        ("old", "a/b", "invalid article slug 'a/b'"),
        ("", "new", "invalid article slug ''"),
    ],
)
def test_refused_renames_change_nothing(store, old_and_new, old, new, message):
    with pytest.raises(RenameRefused, match=message):
        store.rename(old, new)

    assert store.counts(["old", "new"]) == {"old": 3, "new": 2}


def test_an_unknown_old_slug_is_an_error(store, old_and_new):
    with pytest.raises(UnknownArticle, match="missing"):
        store.rename("missing", "new")


def test_a_former_slug_cannot_be_given_to_another_article(store, old_and_new):
    store.register([ArticleInfo("third")])
    store.rename(*old_and_new)

    with pytest.raises(RenameRefused, match="'old' is already a former slug of 'new'"):
        store.rename("old", "third")
    with pytest.raises(RenameRefused, match="'old' is a former slug of 'new'; rename to 'new'"):
        store.rename("third", "old")


def test_the_builds_renames_leave_unknown_slugs_out(store, old_and_new):
    store.register([ArticleInfo("third")])
    store.rename("old", "new")

    outcomes = store.adopt_former_slugs(
        [("never-registered", "new"), ("old", "new"), ("old", "third")]
    )

    assert outcomes[0] == Renamed("old", "new", "unchanged", likes=5)
    assert isinstance(outcomes[1], RenameRefused)
    assert len(outcomes) == 2
    assert store.counts(["new", "third"]) == {"new": 5, "third": 0}
