"""Renamed articles keep their likes: former slugs from frontmatter, merged by real builds on
SQLite and PostgreSQL."""

import logging

from pelican_likes.storage.store import ArticleInfo
from tests.plugin.pelican_builds import count_in, likes_warnings

TYPO_READERS = ["a" * 64, "b" * 64, "c" * 64]


def seed_old_slugs(store) -> None:
    """Likes collected under slugs the articles no longer have; reader "c" liked both, and
    counts twice once they are merged (docs/security.md)."""
    store.register(
        [ArticleInfo(slug) for slug in ("typo-slug", "undated-urls", "urls", "fixed-slug")]
    )
    for voter in TYPO_READERS:
        store.like("typo-slug", voter)
    store.like("fixed-slug", "c" * 64)
    store.like("undated-urls", "d" * 64)
    store.like("urls", "e" * 64)


def test_likes_aliases_merge_the_old_slugs_likes(build_site, store, database_url, caplog):
    seed_old_slugs(store)
    caplog.set_level(logging.INFO)

    site = build_site(["renamed-post.md"], LIKES_DATABASE_URL=database_url)

    assert count_in(site.page("fixed-slug.html"), "fixed-slug") == 4
    assert store.counts(["typo-slug", "fixed-slug"]) == {"typo-slug": 4, "fixed-slug": 4}
    [warning] = likes_warnings(caplog)
    assert "renamed-post.md: likes_aliases: 'not a slug' cannot be a slug" in warning.getMessage()
    assert any(
        "renamed-post.md: the likes of 'typo-slug' now count for 'fixed-slug' (3 moved): 4 in all"
        in record.getMessage()
        for record in caplog.records
    )


def test_hugo_aliases_that_end_in_a_slug_bring_their_likes(build_site, store, database_url):
    seed_old_slugs(store)

    site = build_site(["hugo-aliases.md"], LIKES_DATABASE_URL=database_url)

    assert count_in(site.page("dated-urls.html"), "dated-urls") == 2
    assert store.counts(["undated-urls", "urls"]) == {"undated-urls": 2, "urls": 2}


def test_rebuilding_changes_nothing_more(build_site, store, database_url):
    seed_old_slugs(store)
    build_site(["renamed-post.md"], LIKES_DATABASE_URL=database_url)

    site = build_site(["renamed-post.md"], LIKES_DATABASE_URL=database_url)

    assert count_in(site.page("fixed-slug.html"), "fixed-slug") == 4


def test_a_former_slug_two_articles_claim_is_merged_into_neither(
    build_site, store, database_url, caplog
):
    seed_old_slugs(store)

    build_site(["renamed-post.md", "claims-typo-slug-too.md"], LIKES_DATABASE_URL=database_url)

    assert store.counts(["typo-slug", "fixed-slug", "other-post"]) == {
        "typo-slug": 3,
        "fixed-slug": 1,
        "other-post": 0,
    }
    messages = [record.getMessage() for record in likes_warnings(caplog)]
    assert any(
        "former slug 'typo-slug' not merged: " in m and "claim(s) it too" in m for m in messages
    )


def test_a_former_slug_still_published_keeps_its_likes(
    build_site, store, database_url, caplog, tmp_path
):
    seed_old_slugs(store)
    content = tmp_path / "content"
    content.mkdir()
    (content / "typo.md").write_text(
        "---\ntitle: Typo\nslug: typo-slug\npubDate: 2024-01-01\n---\n\nStill here.\n"
    )

    build_site(["renamed-post.md"], LIKES_DATABASE_URL=database_url)

    assert store.counts(["typo-slug", "fixed-slug"]) == {"typo-slug": 3, "fixed-slug": 1}
    assert any(
        "former slug 'typo-slug' not merged: it is still the slug of typo.md" in r.getMessage()
        for r in likes_warnings(caplog)
    )
