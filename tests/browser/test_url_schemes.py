"""A like without JavaScript on blogs whose URLs are not the demo's, in headless Chromium: the
reader comes back to the page they were on, and the database keeps the article's real path.

- Under a subpath (``/myblog/``, as GitHub Pages serves a project's site) with ``RELATIVE_URLS``
  and ``SITEURL = ""``: the build knows its articles only from the blog's own root.
- With ``ARTICLE_URL = "/{category}/{slug}/"`` and ``SITEURL = ""``, the API on another origin:
  joined as themes join it, the page's URL would be ``//craft/...``.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from pelican_likes.storage.store import LikeStore
from tests.browser.conftest import Site
from tests.support import api_env, build_blog, free_port, sqlite_database, static_files

SLUG = "writing-a-static-blog"  # in the demo blog's category Craft


@pytest.fixture
def no_script(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory, start_gunicorn) -> Site:
    """The demo blog, as pelicanconf.py sets it (``RELATIVE_URLS``, ``SITEURL = ""``), served
    under /myblog/ with the API on the same origin."""
    tmp = tmp_path_factory.mktemp("subpath")
    database_url = sqlite_database(tmp)
    root = tmp / "root"
    build_blog(root / "myblog", database_url, "/api")
    base = start_gunicorn(api_env(database_url, LIKES_SITE_DIR=str(root))).url
    return Site(
        blog=f"{base}/myblog/",
        article=f"{base}/myblog/{SLUG}.html",
        slug=SLUG,
        store=LikeStore.from_url(database_url),
    )


@pytest.fixture(scope="module")
def root_url_site(tmp_path_factory, start_gunicorn) -> Iterator[Site]:
    """The demo blog with articles at ``/{category}/{slug}/`` and ``SITEURL = ""``, served on
    one port, the API on another."""
    tmp = tmp_path_factory.mktemp("root-url")
    database_url = sqlite_database(tmp)
    blog = f"http://127.0.0.1:{free_port()}"
    api = start_gunicorn(api_env(database_url, LIKES_ALLOWED_ORIGINS=blog)).url
    output = tmp / "output"
    build_blog(
        output,
        database_url,
        f"{api}/api",
        RELATIVE_URLS=False,
        ARTICLE_URL="/{category}/{slug}/",
        ARTICLE_SAVE_AS="{category}/{slug}/index.html",
    )
    with static_files(output, port=int(blog.rsplit(":", 1)[1])):
        yield Site(
            blog=blog,
            article=f"{blog}/craft/{SLUG}/",
            slug=SLUG,
            store=LikeStore.from_url(database_url),
            output=Path(output),
        )


def like_on(page, site: Site, url: str) -> None:
    """Open ``url``, press the like button of ``site``'s article, and wait to land back there,
    at the widget's thanks."""
    page.goto(url)
    button = page.locator(f'.likes[data-likes-slug="{site.slug}"] button').first
    with page.expect_navigation(url=thanked(site, url)):
        button.click()


def thanked(site: Site, url: str) -> str:
    """``url`` at the thanks of ``site``'s article's widget, where a counted like lands."""
    return f"{url}#likes-counted-{site.slug}"


def stored_url(site: Site) -> str:
    return next(a.url for a in site.store.articles() if a.slug == site.slug)


def test_under_a_subpath_with_relative_urls_the_reader_comes_back(no_script, subpath_site):
    site = subpath_site

    like_on(no_script, site, site.article)

    assert no_script.url == thanked(site, site.article)
    assert no_script.locator(f'.likes[data-likes-slug="{site.slug}"]').count() > 0
    assert site.store.counts([site.slug]) == {site.slug: 1}
    assert stored_url(site) == f"/{SLUG}.html"  # all the build knows: the path from the root


def test_a_like_from_a_listing_comes_back_to_the_listing(no_script, subpath_site):
    site = subpath_site
    before = site.store.counts([site.slug])[site.slug]

    like_on(no_script, site, site.blog)

    assert no_script.url == thanked(site, site.blog)
    assert site.store.counts([site.slug])[site.slug] == before + 1


def test_an_article_url_from_the_root_comes_back_to_the_article(no_script, root_url_site):
    site = root_url_site

    like_on(no_script, site, site.article)

    assert no_script.url == thanked(site, site.article)
    assert site.store.counts([site.slug]) == {site.slug: 1}
    assert stored_url(site) == f"/craft/{SLUG}/"
