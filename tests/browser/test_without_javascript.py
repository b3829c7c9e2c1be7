"""A like with JavaScript turned off: the widget's form, in headless Chromium against the built
demo blog and the API under gunicorn, on one origin and on two, and from a page whose host name
was pointed at the API (DNS rebinding)."""

import re
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from pelican.plugins.likes.texts import catalog_for
from pelican_likes.api.form_likes import VOTER_COOKIE
from tests.support import CHROMIUM, CHROMIUM_ARGS

REBOUND = "evil.example"  # a name its owner points at the API's address


@pytest.fixture
def no_script(browser):
    """A page of a fresh profile with JavaScript disabled."""
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def rebound_no_script(browser):
    """A page without JavaScript in a Chromium that resolves REBOUND to this machine, as a DNS
    rebinding attacker's name resolves to the API's address once the reader is on their page."""
    rules = f"--host-resolver-rules=MAP {REBOUND} 127.0.0.1"
    rebound = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, rules]
    )
    yield rebound.new_context(java_script_enabled=False).new_page()
    rebound.close()


def thanked(site) -> str:
    """The article's URL at the widget's "your like is counted", as the API sends readers back."""
    return f"{site.article}#likes-counted-{quote(site.slug, safe='')}"


def widget_texts(page, site):
    """The words the article's widget speaks, by its language."""
    lang = page.locator(f'.likes[data-likes-slug="{site.slug}"]').first.get_attribute("lang")
    return catalog_for(None).for_language(lang, None)


def like_without_script(page, site) -> None:
    """Open the article, press the like button, and land back on the article."""
    page.goto(site.article)
    button = page.locator(f'.likes[data-likes-slug="{site.slug}"] button').first
    with page.expect_navigation(url=thanked(site)):
        button.click()


def voter_cookie(page) -> dict:
    [cookie] = [c for c in page.context.cookies() if c["name"] == VOTER_COOKIE]
    return cookie


def test_a_like_without_javascript_counts_once_and_comes_back(no_script, site):
    before = site.store.counts([site.slug])[site.slug]

    like_without_script(no_script, site)

    assert no_script.url == thanked(site)
    assert site.store.counts([site.slug])[site.slug] == before + 1
    cookie = voter_cookie(no_script)
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (
        True,
        "Lax",
        "/api/form-likes",
    )
    assert cookie["secure"] is False  # plain HTTP here; HTTPS sets Secure

    like_without_script(no_script, site)  # the same reader again: the cookie says who

    assert site.store.counts([site.slug])[site.slug] == before + 1
    assert voter_cookie(no_script)["value"] == cookie["value"]


def test_the_reader_is_told_their_like_counted_by_the_page_they_come_back_to(no_script, site):
    no_script.goto(site.article)
    thanks = no_script.locator(f'.likes[data-likes-slug="{site.slug}"] .likes-counted').first
    expect(thanks).to_be_hidden()

    like_without_script(no_script, site)

    expect(thanks).to_be_visible()
    expect(thanks).to_have_text(widget_texts(no_script, site).counted)
    no_script.goto(site.article)  # the page again, from its link: no thanks
    expect(thanks).to_be_hidden()


def test_a_like_over_the_daily_cap_is_a_page_saying_so_with_a_link_back(browser, capped_site):
    site = capped_site
    first, second = (browser.new_context(java_script_enabled=False) for _ in range(2))
    like_without_script(first.new_page(), site)
    page = second.new_page()
    page.goto(site.article)
    texts = widget_texts(page, site)

    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator(f'.likes[data-likes-slug="{site.slug}"] button').first.click()

    assert answer.value.status == 429
    expect(page.locator("html")).to_have_attribute("lang", texts.lang)
    expect(page.locator("p").first).to_have_text(texts.limit)
    with page.expect_navigation(url=site.article):
        page.get_by_role("link").click()
    first.close()
    second.close()


def test_the_page_sends_no_cookie_and_stores_nothing_before_the_click(no_script, site):
    no_script.goto(site.article)

    assert no_script.context.cookies() == []


def test_a_like_without_javascript_across_origins(no_script, cross_origin_site):
    site = cross_origin_site
    before = site.store.counts([site.slug])[site.slug]

    like_without_script(no_script, site)

    assert no_script.url == thanked(site)  # back on the blog's origin, not the API's
    assert site.store.counts([site.slug])[site.slug] == before + 1


def test_a_page_on_a_rebound_host_name_cannot_like(rebound_no_script, site):
    """The attacker's page, under their name but served from the API's address, sends the form
    with its own name as Host and Origin alike: the API's own origin is its setting, not that."""
    page = rebound_no_script
    before = site.store.counts([site.slug])[site.slug]
    port = urlsplit(site.blog).port
    page.goto(f"http://{REBOUND}:{port}{urlsplit(site.article).path}")
    button = page.locator(f'.likes[data-likes-slug="{site.slug}"] button').first

    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        button.click()

    assert answer.value.status == 403
    assert site.store.counts([site.slug])[site.slug] == before
    assert page.context.cookies() == []
    refused = "This blog’s like server does not accept likes from this page."  # noqa: RUF001
    expect(page.locator("p").first).to_have_text(refused)  # a page, not raw JSON


def test_with_javascript_the_script_takes_the_form_over(page, site):
    posts = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    page.goto(site.article)
    button = page.locator(f'.likes[data-likes-slug="{site.slug}"] button').first
    expect(button).to_have_attribute("aria-pressed", "false")

    with page.expect_response(lambda r: r.request.method == "PUT"):
        button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    with page.expect_response(lambda r: r.request.method == "DELETE"):
        button.click()

    assert posts == [] and page.url == site.article
    assert not re.search(VOTER_COOKIE, str(page.context.cookies()))
    assert page.console_errors == []
