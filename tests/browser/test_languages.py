"""The widget in the blog's languages, in headless Chromium: the demo's slow-reading article in
English, French and Arabic, with a count large enough to be grouped, baked and live alike."""

import pytest
from babel import Locale
from playwright.sync_api import Page, expect

from pelican.plugins.likes.texts import catalog_for, shipped_languages
from pelican_likes.storage.store import LikeStore
from tests.support import api_env, build_blog, click_and_settle, sqlite_database

SLUG = "reading-notes-slow-reading"
CARRIED_OVER = 1233  # likes from an older system, so that the count needs grouping
CATALOG = catalog_for(None)
# Counts whose digits or plural forms differ somewhere among the shipped languages.
COUNTS = [0, 1, 2, 3, 5, 11, 12, 21, 22, 25, 100, 101, 102, 111, 999, 1000, 1001, 1234, 9999,
          10000, 12345, 100000, 1000000, 1234567, 2000000, 10_000_000]  # fmt: skip


@pytest.fixture(scope="module")
def blog(tmp_path_factory, start_gunicorn) -> tuple[str, LikeStore]:
    """The demo blog, built once its article carries CARRIED_OVER likes, served with the API."""
    tmp = tmp_path_factory.mktemp("languages")
    url = sqlite_database(tmp)
    build_blog(tmp / "output", url, "/api")
    store = LikeStore.from_url(url)
    store.set_base_likes({SLUG: CARRIED_OVER})
    build_blog(tmp / "output", url, "/api")
    return start_gunicorn(api_env(url, LIKES_SITE_DIR=str(tmp / "output"))).url, store


def widget(page: Page):
    return page.locator(f'.likes[data-likes-slug="{SLUG}"]').first


def open_page(page: Page, url: str) -> None:
    with page.expect_response(lambda r: "/api/likes?" in r.url):
        page.goto(url)


@pytest.mark.parametrize(
    "lang", [*shipped_languages(), "pt-BR", "zh-Hans-CN", "ar-EG", "fr-CA", "en-IN"]
)
def test_the_browser_writes_and_chooses_as_the_build_does(page, lang):
    """Intl in the browser against Babel at build time: the same digits and plural forms."""
    texts = CATALOG.for_language(lang, None)
    browser = page.evaluate(
        """([lang, counts]) => {
            const options = {numberingSystem: "latn", useGrouping: "always"};
            const digits = new Intl.NumberFormat(lang, options);
            const plural = new Intl.PluralRules(lang);
            return counts.map(n => [digits.format(n), plural.select(n)]);
        }""",
        [texts.lang, COUNTS],
    )

    babel = Locale.parse(texts.lang, sep="-")
    assert browser == [[texts.count(n), babel.plural_form(n)] for n in COUNTS]


@pytest.mark.parametrize(
    ("path", "lang", "direction"),
    [
        (f"{SLUG}.html", "en", "ltr"),
        (f"{SLUG}-fr.html", "fr", "ltr"),
        (f"{SLUG}-ar.html", "ar", "rtl"),
    ],
)
def test_baked_and_live_widgets_say_the_same_in_the_articles_language(
    browser, page, blog, path, lang, direction
):
    base, store = blog
    texts = CATALOG.for_language(lang, None)
    count = store.counts([SLUG])[SLUG]
    button_name = texts.label(count)

    baked = browser.new_context(java_script_enabled=False).new_page()
    baked.goto(f"{base}/{path}")
    expect(widget(baked)).to_have_attribute("lang", lang)
    expect(widget(baked)).to_have_attribute("dir", direction)
    expect(widget(baked).get_by_role("button")).to_have_accessible_name(button_name)
    expect(widget(baked).locator(".likes-count")).to_have_text(texts.count(count))
    baked.context.close()

    open_page(page, f"{base}/{path}")  # the live count is the baked one: nothing may change
    expect(widget(page).get_by_role("button")).to_have_accessible_name(button_name)
    expect(widget(page).locator(".likes-count")).to_have_text(texts.count(count))

    click_and_settle(page, widget(page).get_by_role("button"), "PUT")
    expect(widget(page).get_by_role("button")).to_have_accessible_name(texts.label(count + 1))
    expect(widget(page).locator(".likes-count")).to_have_text(texts.count(count + 1))
    click_and_settle(page, widget(page).get_by_role("button"), "DELETE")
    expect(widget(page).get_by_role("button")).to_have_accessible_name(button_name)
    assert page.console_errors == []


def test_french_words_as_a_reader_hears_them(page, blog):
    base, _store = blog
    open_page(page, f"{base}/{SLUG}-fr.html")

    button = widget(page).get_by_role("button")
    expect(button).to_have_accessible_name("1\u202f233 j\u2019aime, aimer cet article")
    click_and_settle(page, button, "PUT")
    expect(button).to_have_accessible_name("1\u202f234 j\u2019aime, aimer cet article")
    page.route("**/api/articles/**", lambda route: route.abort())
    button.click()
    expect(widget(page).get_by_role("status")).to_have_text(
        "Votre j\u2019aime n\u2019a pas pu \u00eatre enregistr\u00e9. Veuillez r\u00e9essayer."
    )
    page.unroute("**/api/articles/**")
    click_and_settle(page, button, "DELETE")


def test_arabic_reads_right_to_left(page, blog):
    base, _store = blog
    open_page(page, f"{base}/{SLUG}-ar.html")

    box = widget(page)
    assert box.evaluate("el => getComputedStyle(el).direction") == "rtl"
    icon = box.locator(".likes-icon").bounding_box()
    count = box.locator(".likes-count").bounding_box()
    assert icon["x"] > count["x"]  # the icon leads, on the right
    expect(box.get_by_role("button")).to_have_accessible_name(
        CATALOG.for_language("ar", None).label(CARRIED_OVER)
    )
    assert "\u0625\u0639\u062c\u0627\u0628" in box.get_by_role("button").get_attribute("aria-label")
