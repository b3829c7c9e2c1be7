"""The demo blog built into a temporary folder, served with the API, and a headless Chromium.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright, one per worker. Without it these
tests skip, saying why, except under ``CI=true``, where a missing browser is a failure.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pelican_likes.storage.store import LikeStore
from tests.support import (
    CHROMIUM,
    api_env,
    build_blog,
    free_port,
    launch_chromium,
    sqlite_database,
    static_files,
    unavailable,
)

SEEDED_LIKES = 3

# A state the page reaches is waited for this long: on a machine running the suite's other
# workers, a reload's live read took longer than Playwright's default of 5 s to be shown.
expect.set_options(timeout=15_000)


@dataclass
class Site:
    """A built blog and where it is served."""

    blog: str  # base URL of the static pages
    article: str  # URL of the article whose count was seeded before the build
    slug: str
    store: LikeStore
    output: Path | None = None  # the built blog, where the API serves it


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser profile (empty localStorage) whose console errors fail the test."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()


def first_article(output: Path) -> tuple[str, str]:
    """The path and slug of the first article listed on the index: its own page is the one the
    theme shows its widget on twice."""
    index = (output / "index.html").read_text()
    slug = re.search(r'data-likes-slug="([^"]+)"', index).group(1)
    marker = f'data-likes-slug="{slug}"'
    for html in sorted(output.rglob("*.html")):
        if html.read_text().count(marker) == 2:
            return html.relative_to(output).as_posix(), slug
    raise AssertionError(f"no article page found for {slug}")


def seeded_site(tmp: Path, url: str, api_url: str) -> tuple[Path, str, str, LikeStore]:
    """Build once to register the articles, seed likes on one, build again to bake them."""
    output = tmp / "output"
    build_blog(output, url, api_url)
    path, slug = first_article(output)
    store = LikeStore.from_url(url)
    for n in range(SEEDED_LIKES):
        store.like(slug, f"seed-{n}".ljust(64, "0"))
    build_blog(output, url, api_url)
    return output, path, slug, store


@pytest.fixture(scope="module")
def site(tmp_path_factory, start_gunicorn) -> Site:
    """The blog and the API on one origin, as ``make run`` serves them."""
    tmp = tmp_path_factory.mktemp("site")
    database_url = sqlite_database(tmp)
    output, path, slug, store = seeded_site(tmp, database_url, "/api")
    base = start_gunicorn(api_env(database_url, LIKES_SITE_DIR=str(output))).url
    return Site(blog=base, article=f"{base}/{path}", slug=slug, store=store, output=output)


@pytest.fixture(scope="module")
def capped_site(site: Site, start_gunicorn) -> Site:
    """``site``'s blog and database, served by a second API whose daily cap is one like."""
    url = site.store.engine.url.render_as_string(hide_password=False)
    env = api_env(url, LIKES_SITE_DIR=str(site.output), LIKES_DAILY_LIMIT="1")
    base = start_gunicorn(env).url
    article = base + site.article.removeprefix(site.blog)
    return Site(blog=base, article=article, slug=site.slug, store=site.store, output=site.output)


@pytest.fixture(scope="module")
def cross_origin_site(tmp_path_factory, start_gunicorn) -> Iterator[Site]:
    """The blog on one port and the API on another, allowed by CORS."""
    tmp = tmp_path_factory.mktemp("cross")
    blog_port = free_port()
    blog = f"http://127.0.0.1:{blog_port}"
    database_url = sqlite_database(tmp)
    api = start_gunicorn(api_env(database_url, LIKES_ALLOWED_ORIGINS=blog)).url
    output, path, slug, store = seeded_site(tmp, database_url, f"{api}/api")
    with static_files(output, port=blog_port):
        yield Site(blog=blog, article=f"{blog}/{path}", slug=slug, store=store)
