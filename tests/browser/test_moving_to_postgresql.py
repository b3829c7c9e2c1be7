"""A blog moved from SQLite to PostgreSQL as docs/deploy.md tells: readers who liked articles on
SQLite find them still liked after the move, and the API still knows them."""

import json
import re
import urllib.request

from playwright.sync_api import Page

from pelican_likes.storage.store import LikeStore
from tests.browser.conftest import first_article
from tests.support import (
    api_env,
    build_blog,
    click_and_settle,
    expect_state,
    free_port,
    gunicorn,
    run_process,
    sqlite_database,
    wait_until,
)


def open_page(page: Page, url: str, slug: str) -> int:
    """Open ``url`` once its live counts arrived; the count the API answered for ``slug``."""
    with page.expect_response(re.compile(r"/api/likes\?")) as answer:
        page.goto(url)
    return answer.value.json()["likes"][slug]


def live_count(base: str, slug: str) -> int:
    with urllib.request.urlopen(f"{base}/api/likes?slug={slug}", timeout=5) as answer:
        return json.load(answer)["likes"][slug]


def counts_reach(base: str, slug: str, count: int) -> None:
    """Until the API answers ``count``: the worker asked may answer a count it read in the
    current second, before the other worker took the last like."""
    wait_until(lambda: live_count(base, slug) == count, timeout=5)


def like_in_a_new_browser(browser, url: str, slug: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    open_page(page, url, slug)
    click_and_settle(page, page.locator(f'.likes[data-likes-slug="{slug}"] button').first, "PUT")
    context.close()


def test_a_reader_s_likes_are_still_theirs_after_a_copy_to_postgresql(
    browser, tmp_path, make_postgres_database
):
    sqlite_url = sqlite_database(tmp_path)
    output = tmp_path / "output"
    build_blog(output, sqlite_url, "/api")
    path, slug = first_article(output)
    # The blog keeps its address across the move: the reader's browser keeps its storage.
    port = free_port()
    reader = browser.new_context()
    page = reader.new_page()

    with gunicorn(api_env(sqlite_url, LIKES_SITE_DIR=str(output)), port=port) as server:
        article = f"{server.url}/{path}"
        assert open_page(page, article, slug) == 0
        click_and_settle(page, page.locator(".likes button").first, "PUT")
        expect_state(page, slug, liked=True, count=1)
        like_in_a_new_browser(browser, article, slug)
        counts_reach(server.url, slug, 2)

    postgres_url = make_postgres_database()
    assert run_process("db", "upgrade", url=postgres_url).returncode == 0
    copied = run_process("copy", "--to", postgres_url, url=sqlite_url)
    assert copied.returncode == 0, copied.stderr

    with gunicorn(api_env(postgres_url, LIKES_SITE_DIR=str(output)), port=port) as server:
        with page.expect_response(re.compile(r"/api/likes\?")) as answer:
            page.reload()
        assert answer.value.json()["likes"][slug] == 2
        expect_state(page, slug, liked=True, count=2)

        # The API knows the reader: their unlike takes their like away, a like counts it once.
        click_and_settle(page, page.locator(".likes button").first, "DELETE")
        expect_state(page, slug, liked=False, count=1)
        click_and_settle(page, page.locator(".likes button").last, "PUT")
        expect_state(page, slug, liked=True, count=2)
        counts_reach(server.url, slug, 2)

    reader.close()
    with LikeStore.from_url(postgres_url) as postgres, LikeStore.from_url(sqlite_url) as sqlite:
        assert postgres.articles() == sqlite.articles()
