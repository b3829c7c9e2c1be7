"""The like widget as a reader uses it, in headless Chromium against the built demo blog."""

import re

from playwright.sync_api import Page, expect

from pelican.plugins.likes.texts import catalog_for
from pelican.plugins.likes.widget import widget_markup
from pelican_likes.api.app import COUNT_CACHE_SECONDS
from pelican_likes.storage.store import ArticleInfo
from tests.support import click_and_settle, expect_state, wait_until, widgets

ENGLISH = catalog_for(None).for_language("en", None)


def open_article(page: Page, site) -> int:
    """Open the seeded article once its live counts arrived; return the server's count.

    Opened again until the live count is the stored one: a worker may answer a count it read
    before the previous test's last click, for up to COUNT_CACHE_SECONDS.
    """
    count = site.store.counts([site.slug])[site.slug]

    def shows_stored_count() -> bool:
        with page.expect_response(re.compile(r"/api/likes\?")) as answer:
            page.goto(site.article)
        return answer.value.json()["likes"][site.slug] == count

    wait_until(shows_stored_count, timeout=COUNT_CACHE_SECONDS * 10)
    expect_state(page, site.slug, liked=False, count=count)
    return count


def test_like_survives_a_reload_and_unlike_takes_it_back(page, site):
    before = open_article(page, site)
    assert widgets(page, site.slug).count() == 2

    click_and_settle(page, widgets(page, site.slug).first.locator("button"), "PUT")
    expect_state(page, site.slug, liked=True, count=before + 1)
    assert site.store.counts([site.slug])[site.slug] == before + 1

    page.reload()
    expect_state(page, site.slug, liked=True, count=before + 1)

    click_and_settle(page, widgets(page, site.slug).last.locator("button"), "DELETE")
    expect_state(page, site.slug, liked=False, count=before)
    assert site.store.counts([site.slug])[site.slug] == before
    assert page.console_errors == []


def test_keyboard_enter_and_space_toggle(page, site):
    before = open_article(page, site)
    button = widgets(page, site.slug).first.locator("button")
    button.focus()
    with page.expect_response(lambda r: r.request.method == "PUT"):
        page.keyboard.press("Enter")
    expect_state(page, site.slug, liked=True, count=before + 1)
    with page.expect_response(lambda r: r.request.method == "DELETE"):
        page.keyboard.press("Space")
    expect_state(page, site.slug, liked=False, count=before)


def test_focus_ring_and_target_size(page, site):
    open_article(page, site)
    button = widgets(page, site.slug).first.locator("button")
    page.keyboard.press("Tab")  # keyboard modality, so :focus-visible applies
    button.focus()
    outline = button.evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline not in ("none", "")
    box = button.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24


def test_rapid_clicks_end_in_step_with_the_server(page, site):
    before = open_article(page, site)
    button = widgets(page, site.slug).first.locator("button")
    for _ in range(7):
        button.click()
    # An odd number of clicks: the reader wants it liked, and the server must agree.
    expect_state(page, site.slug, liked=True, count=before + 1)
    page.wait_for_load_state("networkidle")
    assert site.store.counts([site.slug])[site.slug] == before + 1
    expect_state(page, site.slug, liked=True, count=before + 1)
    click_and_settle(page, button, "DELETE")


def test_index_page_reads_every_count_in_one_request(page, site):
    requests = []
    page.on("request", lambda r: "/api/" in r.url and requests.append((r.method, r.url)))
    page.goto(f"{site.blog}/index.html")
    page.wait_for_load_state("networkidle")
    slugs = page.locator(".likes[data-likes-slug]").evaluate_all(
        "els => [...new Set(els.map(e => e.dataset.likesSlug))]"
    )
    assert len(slugs) > 1
    assert len(requests) == 1
    method, url = requests[0]
    assert method == "GET" and "/api/likes?" in url
    assert all(f"slug={slug}" in url for slug in slugs)
    assert page.console_errors == []


def test_page_views_store_nothing_until_the_first_like(page, site):
    open_article(page, site)
    assert page.evaluate("() => localStorage.length") == 0
    click_and_settle(page, widgets(page, site.slug).first.locator("button"), "PUT")
    token = page.evaluate("() => JSON.parse(localStorage.getItem('pelican-likes')).token")
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,128}", token)
    click_and_settle(page, widgets(page, site.slug).first.locator("button"), "DELETE")


def test_a_like_whose_answer_was_lost_is_not_counted_twice(page, site):
    """The like reached the API but the reader left before its answer came back: on the next
    visit the page is not pressed, and pressing it again is the same reader's like, not a second.
    """
    before = open_article(page, site)
    reached = []

    def lose_the_answer(route) -> None:
        reached.append(route.fetch().status)
        route.abort()

    page.route("**/api/articles/**", lose_the_answer)
    with page.expect_event("requestfailed"):
        widgets(page, site.slug).first.locator("button").click()
    assert reached == [200]
    assert site.store.counts([site.slug])[site.slug] == before + 1

    page.unroute("**/api/articles/**")
    page.reload()
    button = widgets(page, site.slug).first.locator("button")
    expect(button).to_have_attribute("aria-pressed", "false")
    click_and_settle(page, button, "PUT")
    expect_state(page, site.slug, liked=True, count=before + 1)
    assert site.store.counts([site.slug])[site.slug] == before + 1
    click_and_settle(page, button, "DELETE")
    expect_state(page, site.slug, liked=False, count=before)


def test_a_widget_is_busy_from_a_click_until_its_answer_is_kept(page, site):
    open_article(page, site)
    box = widgets(page, site.slug).first
    held = []
    page.route("**/api/articles/**", lambda route: held.append(route))

    box.locator("button").click()
    expect(box).to_have_attribute("aria-busy", "true")
    for _ in range(750):  # the route is handed over while Playwright waits; 15 s at most
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "the like was never sent"
    expect(box).to_have_attribute("aria-busy", "true")
    held[0].continue_()
    expect(box).to_have_attribute("aria-busy", "false")
    expect(box.locator("button")).to_have_attribute("aria-pressed", "true")
    page.unroute("**/api/articles/**")
    click_and_settle(page, box.locator("button"), "DELETE")


def test_api_down_on_click_rolls_back_and_says_so(page, site):
    before = open_article(page, site)
    page.route("**/api/articles/**", lambda route: route.abort())
    button = widgets(page, site.slug).first.locator("button")
    button.click()
    expect_state(page, site.slug, liked=False, count=before)
    expect(widgets(page, site.slug).first.locator("[aria-live]")).to_contain_text("could not")
    assert site.store.counts([site.slug])[site.slug] == before

    page.unroute("**/api/articles/**")
    click_and_settle(page, button, "PUT")
    expect_state(page, site.slug, liked=True, count=before + 1)
    expect(widgets(page, site.slug).first.locator("[aria-live]")).to_have_text("")
    click_and_settle(page, button, "DELETE")


def test_a_like_over_the_daily_cap_rolls_back_and_says_why(page, browser, capped_site):
    """The cap is one like: a first reader spends it, a second reader on the same address is
    refused, the widget goes back to the count and says why in the page's language."""
    before = open_article(page, capped_site)
    click_and_settle(page, widgets(page, capped_site.slug).first.locator("button"), "PUT")
    expect_state(page, capped_site.slug, liked=True, count=before + 1)

    second = browser.new_context()  # a second reader, behind the same address
    try:
        reader = second.new_page()
        open_article(reader, capped_site)
        with reader.expect_response(lambda r: r.status == 429):
            widgets(reader, capped_site.slug).first.locator("button").click()

        expect_state(reader, capped_site.slug, liked=False, count=before + 1)
        status = widgets(reader, capped_site.slug).first.locator("[aria-live]")
        expect(status).to_have_text(ENGLISH.limit)
    finally:
        second.close()
    assert capped_site.store.counts([capped_site.slug])[capped_site.slug] == before + 1


def test_api_unreachable_on_load_keeps_the_baked_counts(page, site):
    page.route("**/api/**", lambda route: route.abort())
    page.goto(site.article)
    baked = widgets(page, site.slug).first.get_attribute("data-likes-count")
    assert int(baked) >= 3
    expect(widgets(page, site.slug).first.locator(".likes-count")).to_have_text(baked)


def test_without_javascript_the_baked_count_is_shown(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.article)
    box = widgets(page, site.slug).first
    assert int(box.get_attribute("data-likes-count")) >= 3  # seeded before the build
    expect(box.locator(".likes-count")).to_have_text(box.get_attribute("data-likes-count"))
    expect(box.locator("button")).to_have_attribute("aria-pressed", "false")
    context.close()


def test_blog_and_api_on_different_origins(page, cross_origin_site):
    site = cross_origin_site
    before = open_article(page, site)
    click_and_settle(page, widgets(page, site.slug).first.locator("button"), "PUT")
    expect_state(page, site.slug, liked=True, count=before + 1)
    assert site.store.counts([site.slug])[site.slug] == before + 1
    assert page.console_errors == []


def open_widgets(page: Page, site, name: str, slugs: list[str], count: int = 0) -> None:
    """Open a page of the blog holding only the plugin's widgets for ``slugs``, as built with
    ``count``, once their live counts arrived."""
    body = "".join(widget_markup(slug, count, "/api", ENGLISH, f"/{name}") for slug in slugs)
    page.route(
        f"{site.blog}/{name}",
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<!doctype html><script src="/likes/likes.js" defer></script>{body}',
        ),
    )
    with page.expect_response(re.compile(r"/api/likes\?")):
        page.goto(f"{site.blog}/{name}")


def test_slugs_named_like_object_properties_work(page, site):
    """A post titled "Constructor" gets the slug ``constructor``: the script must not mistake it
    for a property every JavaScript object has."""
    slugs = ["constructor", "__proto__"]
    site.store.register([ArticleInfo(slug) for slug in slugs])
    open_widgets(page, site, "special-slugs.html", slugs)
    for slug in slugs:
        click_and_settle(page, widgets(page, slug).locator("button"), "PUT")
        expect_state(page, slug, liked=True, count=1)
    assert site.store.counts(slugs) == dict.fromkeys(slugs, 1)
    assert page.console_errors == []


def test_a_page_cached_before_a_rename_still_counts(page, site):
    """A CDN still serves the article under its old slug: its widget reads and likes the
    article the old slug was merged into."""
    site.store.register([ArticleInfo("typo-slug"), ArticleInfo("fixed-slug")])
    site.store.like("typo-slug", "f" * 64)
    site.store.like("fixed-slug", "e" * 64)
    site.store.rename("typo-slug", "fixed-slug")
    open_widgets(page, site, "typo-slug.html", ["typo-slug"], count=1)  # as built before
    expect_state(page, "typo-slug", liked=False, count=2)

    click_and_settle(page, widgets(page, "typo-slug").locator("button"), "PUT")

    expect_state(page, "typo-slug", liked=True, count=3)
    assert site.store.counts(["fixed-slug"]) == {"fixed-slug": 3}
    assert page.console_errors == []
