"""Counts in the HTML from a real database, articles registered, and a build that survives the
database being down (unless told to be strict)."""

import logging
import shutil

import pytest

from pelican.plugins.likes.baked_counts import LikesDatabaseError
from pelican_likes.storage import migrate
from pelican_likes.storage.store import ArticleClosed, ArticleInfo
from tests.plugin.pelican_builds import ARTICLES, PUBLISHED, UNPUBLISHED, count_in, likes_warnings

UNREACHABLE = "postgresql://postgres:s3cret@127.0.0.1:1/none"


def test_counts_from_the_database_are_in_the_html(build_site, store, database_url):
    store.register([ArticleInfo("first-post", "First post", "/first-post.html")])
    for voter in range(3):
        store.like("first-post", f"{voter:064x}")

    site = build_site(PUBLISHED, LIKES_DATABASE_URL=database_url)

    html = site.page("first-post.html")
    assert count_in(html, "first-post") == 3
    assert 'aria-label="3 likes, like this article"' in html
    assert '<span class="likes-count">3</span>' in html
    assert count_in(site.page("json-post.html"), "json-post") == 0


def test_the_build_registers_every_published_article(build_site, store, database_url):
    build_site(PUBLISHED + UNPUBLISHED, LIKES_DATABASE_URL=database_url)

    registered = {article.slug: article for article in store.articles()}
    assert sorted(registered) == ["first-post", "json-post", "script-title"]
    assert registered["script-title"].title == "Why <script>alert(1)</script> stays text"
    assert registered["first-post"].url == "/first-post.html"


def test_registered_urls_are_absolute_when_siteurl_is_set(build_site, store, database_url):
    build_site(["astro-post.md"], SITEURL="https://blog.example", LIKES_DATABASE_URL=database_url)

    [article] = store.articles()
    assert article.url == "https://blog.example/first-post.html"


def test_an_article_url_from_the_root_is_stored_and_returned_to_as_one_path(
    build_site, store, database_url
):
    """``ARTICLE_URL = '/{category}/{slug}'`` with ``SITEURL = ''``, as real blogs set it: the
    page is ``/misc/first-post``, never ``//misc/first-post`` (a host named ``misc``)."""
    site = build_site(
        ["astro-post.md"],
        ARTICLE_URL="/{category}/{slug}",
        ARTICLE_SAVE_AS="{category}/{slug}.html",
        LIKES_DATABASE_URL=database_url,
    )

    [article] = store.articles()
    assert article.url == "/misc/first-post"
    html = site.page("misc/first-post.html")
    assert 'action="/api/form-likes/first-post?return=/misc/first-post&amp;lang=en"' in html


def test_without_likes_database_url_the_environment_decides(build_site, store, monkeypatch):
    store.register([ArticleInfo("first-post")])
    store.like("first-post", "a" * 64)
    monkeypatch.setenv("DATABASE_URL", store.engine.url.render_as_string(hide_password=False))

    site = build_site(["astro-post.md"])

    assert count_in(site.page("first-post.html"), "first-post") == 1


def test_a_database_that_is_down_costs_one_warning_and_zeros(build_site, caplog):
    site = build_site(PUBLISHED, LIKES_DATABASE_URL=UNREACHABLE)

    [warning] = likes_warnings(caplog)
    message = warning.getMessage()
    assert "every count is shown as 0" in message
    assert "postgresql://postgres:***@127.0.0.1:1/none" in message
    assert "s3cret" not in message
    assert "\n" not in message
    assert count_in(site.page("first-post.html"), "first-post") == 0
    assert count_in(site.page("json-post.html"), "json-post") == 0


def test_missing_tables_tell_how_to_create_them(build_site, caplog, tmp_path):
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"

    site = build_site(["astro-post.md"], LIKES_DATABASE_URL=empty)

    [warning] = likes_warnings(caplog)
    assert "pelican-likes db upgrade" in warning.getMessage()
    assert count_in(site.page("first-post.html"), "first-post") == 0


def test_strict_makes_an_unusable_database_fail_the_build(build_site):
    with pytest.raises(LikesDatabaseError, match=r"LIKES_STRICT is set .* cannot be used") as error:
        build_site(PUBLISHED, LIKES_DATABASE_URL=UNREACHABLE, LIKES_STRICT=True)

    # One line says it all: no driver traceback chained to bury it.
    assert error.value.__cause__ is None
    assert error.value.__context__ is None or error.value.__suppress_context__


def _not_a_database(tmp_path) -> str:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("these are notes, not a database\n")
    return f"sqlite:///{notes}"


UNUSABLE = {
    "mysql": lambda tmp_path: "mysql://likes:s3cret@127.0.0.1/likes",
    "asyncpg": lambda tmp_path: "postgresql+asyncpg://likes:s3cret@127.0.0.1/likes",
    "unknown option": lambda tmp_path: "postgresql://likes:s3cret@127.0.0.1/likes?colour=blue",
    "not a database": _not_a_database,
}


@pytest.mark.parametrize("kind", UNUSABLE)
def test_a_database_url_that_cannot_work_costs_one_warning_not_the_build(
    build_site, caplog, tmp_path, kind
):
    site = build_site(PUBLISHED, LIKES_DATABASE_URL=UNUSABLE[kind](tmp_path))

    [warning] = likes_warnings(caplog)
    assert "every count is shown as 0" in warning.getMessage()
    assert "s3cret" not in warning.getMessage()
    assert count_in(site.page("first-post.html"), "first-post") == 0


@pytest.mark.parametrize("kind", UNUSABLE)
def test_strict_fails_on_a_database_url_that_cannot_work_in_one_error(build_site, tmp_path, kind):
    with pytest.raises(LikesDatabaseError, match="cannot be used") as error:
        build_site(PUBLISHED, LIKES_DATABASE_URL=UNUSABLE[kind](tmp_path), LIKES_STRICT=True)

    assert "\n" not in str(error.value)
    assert error.value.__cause__ is None


def test_likes_turned_off_touch_no_database_and_add_nothing(build_site, caplog):
    site = build_site(PUBLISHED, LIKES_ENABLED=False, LIKES_DATABASE_URL=UNREACHABLE)

    assert likes_warnings(caplog) == []
    assert "data-likes-slug" not in site.page("first-post.html")
    assert "likes/likes.js" not in site.page("first-post.html")
    assert not (site.output / "likes").exists()


def test_a_slug_the_api_would_refuse_is_named_and_gets_no_widget(
    build_site, caplog, tmp_path, store, database_url
):
    content = tmp_path / "content"
    content.mkdir()
    text = (ARTICLES / "astro-post.md").read_text(encoding="utf-8")
    (content / "spaced-slug.md").write_text(
        text.replace("title: 'First post'", "title: 'First post'\nslug: 'first post'"),
        encoding="utf-8",
    )
    shutil.copy(ARTICLES / "hugo-json.md", content / "hugo-json.md")

    site = build_site([], LIKES_DATABASE_URL=database_url)

    [warning] = likes_warnings(caplog)
    assert "spaced-slug.md: slug 'first post' cannot take likes" in warning.getMessage()
    assert "data-likes-slug" not in site.page("first post.html")
    assert [article.slug for article in store.articles()] == ["json-post"]


def test_a_translation_shares_its_articles_count(build_site, store, database_url):
    store.register([ArticleInfo("first-post")])
    store.like("first-post", "b" * 64)
    store.like("first-post", "c" * 64)

    site = build_site(["astro-post.md", "astro-post-fr.md"], LIKES_DATABASE_URL=database_url)

    assert count_in(site.page("first-post.html"), "first-post") == 2
    assert count_in(site.page("first-post-fr.html"), "first-post") == 2
    [registered] = store.articles()
    assert registered.title == "First post"


@pytest.mark.parametrize("turned_off", ["astro-post-likes-off.md", "astro-post-draft.md"])
def test_likes_turned_off_stay_off_until_turned_on_again(
    build_site, store, database_url, tmp_path, turned_off
):
    def rebuild(article: str) -> None:
        shutil.rmtree(tmp_path / "content", ignore_errors=True)  # the earlier copy goes
        build_site([article, "hugo-json.md"], LIKES_DATABASE_URL=database_url)

    rebuild("astro-post.md")
    store.like("first-post", "a" * 64)

    rebuild(turned_off)
    with pytest.raises(ArticleClosed):
        store.like("first-post", "b" * 64)
    assert store.counts(["first-post"]) == {"first-post": 1}
    store.like("json-post", "b" * 64)  # an article the build left on is untouched

    rebuild("astro-post.md")
    assert store.like("first-post", "b" * 64).likes == 2


def test_articles_absent_from_a_build_stay_open(build_site, store, database_url):
    store.register([ArticleInfo("another-blogs-post")])

    build_site(["astro-post-likes-off.md"], LIKES_DATABASE_URL=database_url)

    assert store.like("another-blogs-post", "a" * 64).likes == 1
    assert [article.slug for article in store.articles()] == ["another-blogs-post"]


def test_a_local_build_keeps_the_production_builds_urls(build_site, store, database_url):
    build_site(["astro-post.md"], SITEURL="https://blog.example", LIKES_DATABASE_URL=database_url)
    build_site(["astro-post.md"], SITEURL="", LIKES_DATABASE_URL=database_url)

    [article] = store.articles()
    assert article.url == "https://blog.example/first-post.html"


def test_a_production_build_replaces_a_local_builds_urls(build_site, store, database_url):
    build_site(["astro-post.md"], SITEURL="", LIKES_DATABASE_URL=database_url)
    build_site(["astro-post.md"], SITEURL="https://blog.example", LIKES_DATABASE_URL=database_url)

    [article] = store.articles()
    assert article.url == "https://blog.example/first-post.html"


def test_the_build_says_which_database_it_registered_its_articles_in(build_site, caplog, tmp_path):
    url = f"sqlite:///{tmp_path / 'blog-likes.sqlite3'}"
    migrate.upgrade(url)
    caplog.set_level(logging.INFO, logger="pelican.plugins.likes")

    build_site(PUBLISHED, LIKES_DATABASE_URL=url)

    said = [r.getMessage() for r in caplog.records if r.name.startswith("pelican.plugins.likes")]
    assert f"Likes: {len(PUBLISHED)} article(s) registered in {url}, their counts baked" in said
