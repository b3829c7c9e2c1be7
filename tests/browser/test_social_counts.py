"""The demo's shared article (content/posting-the-blog-elsewhere.md, and its French translation)
built with `pelican content` against the stub services, served with the API, in Chromium: the
social counts beside the widget in English and French, the same without JavaScript, and summed
into the live count the script shows."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.plugin.social_stubs import SocialStub, social_stub
from tests.support import api_env, build_blog, click_and_settle, sqlite_database

SLUG = "posting-the-blog-elsewhere"
DID = "did:plc:fieldnotesdemo"
# The demo's posts (content/posting-the-blog-elsewhere*.md): status id or record key -> likes.
STATUSES = {"113571234567890123": 12, "113571234567890124": 3}
RECORDS = {"3lcxyz2abcd2k": 5, "3lcxyz2abcd3k": 1}
PAGES = {"en": f"{SLUG}.html", "fr": f"{SLUG}-fr.html"}
SHOWN = {
    "en": ["12 on Mastodon", "5 on Bluesky"],
    "fr": ["3 sur Mastodon", "1 sur Bluesky"],
}


@dataclass
class Blog:
    url: str
    stub: SocialStub


def demo_stub() -> Iterator[SocialStub]:
    with social_stub(latency=0.05) as stub:
        for status_id, likes in STATUSES.items():
            stub.add_status(status_id, favourites=likes)
        stub.dids["fieldnotes.example"] = DID
        for rkey, likes in RECORDS.items():
            stub.add_post(DID, rkey, likes=likes)
        yield stub


def served(tmp, stub: SocialStub, start_gunicorn, **settings: object) -> Blog:
    database = sqlite_database(tmp)
    output = tmp / "output"
    build_blog(
        output, database, "/api", offline=False,
        LIKES_SOCIAL_MASTODON_APIS={"mastodon.example": stub.url},
        LIKES_SOCIAL_BLUESKY_API=stub.url, **settings,
    )  # fmt: skip
    return Blog(start_gunicorn(api_env(database, LIKES_SITE_DIR=str(output))).url, stub)


@pytest.fixture(scope="module")
def stub() -> Iterator[SocialStub]:
    yield from demo_stub()


@pytest.fixture(scope="module")
def beside(tmp_path_factory, stub, start_gunicorn) -> Blog:
    return served(tmp_path_factory.mktemp("beside"), stub, start_gunicorn)


@pytest.fixture(scope="module")
def summed(tmp_path_factory, stub, start_gunicorn) -> Blog:
    tmp = tmp_path_factory.mktemp("sum")
    return served(tmp, stub, start_gunicorn, LIKES_SOCIAL_DISPLAY="sum")


def article_widget(page):
    return page.locator(f'.likes[data-likes-slug="{SLUG}"]').first


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_the_article_shows_each_post_s_likes_linked_in_its_language(
    browser, beside, lang, javascript
):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{beside.url}/{PAGES[lang]}")

    links = article_widget(page).locator(".likes-social a.u-syndication")
    expect(links).to_have_text(SHOWN[lang])
    for link in links.all():
        expect(link).to_be_visible()
        assert link.get_attribute("href").startswith(
            ("https://mastodon.example/", "https://bsky.app/")
        )
    expect(article_widget(page).locator(".likes-social")).to_have_text(" · ".join(SHOWN[lang]))
    expect(article_widget(page).locator(".likes-count")).to_have_text("0")
    context.close()


def test_sum_shows_the_social_likes_in_the_live_count_and_counts_a_like_on_top(page, summed):
    page.goto(f"{summed.url}/{PAGES['en']}")
    widget = article_widget(page)

    with page.expect_response(lambda r: "/api/likes?" in r.url):
        page.reload()  # the script's count read, answered
    expect(widget.locator(".likes-count")).to_have_text("17")
    click_and_settle(page, widget.locator("button"), "PUT")

    expect(widget.locator(".likes-count")).to_have_text("18")
    expect(widget.locator("button")).to_have_attribute("aria-label", "18 likes, like this article")
    expect(widget.locator(".likes-social a")).to_have_text(["Mastodon", "Bluesky"])
    assert page.console_errors == []
