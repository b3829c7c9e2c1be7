"""The widget as a blogger sets it up, in headless Chromium: low counts hidden (baked and live),
and the theme snippets of plugin/README.md restyling it through its custom properties."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pelican.plugins.likes.icons import widget_icon
from pelican.plugins.likes.texts import catalog_for
from pelican.plugins.likes.widget import widget_markup
from pelican_likes.storage.store import ArticleInfo
from tests.support import click_and_settle

ENGLISH = catalog_for(None).for_language("en", None)
README = Path(__file__).parents[2] / "plugin" / "README.md"


def readme_snippets() -> dict[str, str]:
    """The CSS blocks of the README's section on colours, by the theme each is for."""
    section = README.read_text().split("## Colours, size and spacing")[1].split("\n## ")[0]
    blocks = re.findall(r"A (\w+) theme.*?```css\n(.*?)```", section, re.DOTALL)
    return dict(blocks)


def open_page(page: Page, site, name: str, body: str) -> None:
    """Open ``body`` as a page of the blog, with the widget's files, once live counts arrived."""
    page.route(
        f"{site.blog}/{name}",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!doctype html><html lang="en"><link rel="stylesheet" href="/likes/likes.css">'
            f'<script src="/likes/likes.js" defer></script><body>{body}</body></html>',
        ),
    )
    with page.expect_response(re.compile(r"/api/likes\?")):
        page.goto(f"{site.blog}/{name}")


def test_a_count_under_likes_hide_below_stays_hidden_until_a_like_brings_it_there(page, site):
    site.store.register([ArticleInfo("quiet-post")])
    site.store.like("quiet-post", "q" * 64)
    widget = widget_markup("quiet-post", 1, "/api", ENGLISH, "/quiet.html", hide_below=2)
    theme = "<style>form span { display: inline-block }</style>"  # as themes restyle spans
    open_page(page, site, "quiet.html", theme + widget)
    count = page.locator(".likes-count")
    button = page.locator(".likes-button")

    expect(count).to_be_hidden()
    expect(button).to_have_accessible_name("Like this article")
    assert page.locator(".likes").bounding_box()["width"] < 100  # the icon alone

    click_and_settle(page, button, "PUT")
    expect(count).to_be_visible()
    expect(count).to_have_text("2")
    expect(button).to_have_accessible_name("2 likes, like this article")

    click_and_settle(page, button, "DELETE")
    expect(count).to_be_hidden()
    expect(button).to_have_accessible_name("Like this article")
    assert site.store.counts(["quiet-post"]) == {"quiet-post": 1}
    assert page.console_errors == []


def styles(page: Page) -> dict[str, str]:
    """The computed look of the first button, as it is and once liked."""
    return page.evaluate(
        """() => {
            const button = document.querySelector(".likes-button");
            const look = (b) => {
                const s = getComputedStyle(b), icon = getComputedStyle(b.querySelector("svg"));
                return {color: s.color, background: s.backgroundColor, border: s.borderTopColor,
                        radius: s.borderTopLeftRadius, size: s.fontSize, gap: s.columnGap,
                        icon: Math.round(parseFloat(icon.width) * 10) / 10};
            };
            const liked = button.cloneNode(true);
            liked.setAttribute("aria-pressed", "true");
            button.after(liked);
            const both = {plain: look(button), liked: look(liked)};
            liked.remove();
            return both;
        }"""
    )


@pytest.fixture
def themed_page(page, site):
    site.store.register([ArticleInfo("themed-post")])
    page.emulate_media(reduced_motion="reduce")  # no transition: a new style applies at once
    icon = widget_icon("heart").markup
    widget = widget_markup("themed-post", 5, "/api", ENGLISH, "/themed.html", icon=icon)
    open_page(page, site, "themed.html", f'<main style="color: rgb(20, 30, 40)">{widget}</main>')
    return page


def test_by_default_the_widget_looks_as_it_always_did(themed_page):
    look = styles(themed_page)

    assert look["plain"] == {
        "color": "rgb(20, 30, 40)",  # the text's colour
        "background": "rgba(0, 0, 0, 0)",
        "border": "rgb(20, 30, 40)",
        "radius": "999px",
        "size": "16px",
        "gap": "6.4px",
        "icon": 18.4,  # 1.15em
    }
    assert (look["liked"]["background"], look["liked"]["color"]) == (
        "rgb(194, 24, 91)",
        "rgb(255, 255, 255)",
    )


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_readmes_snippets_restyle_the_widget(themed_page, theme):
    snippet = readme_snippets()[theme]
    before = styles(themed_page)
    assert 2 <= snippet.count("--likes-") <= 3

    themed_page.add_style_tag(content=snippet)
    after = styles(themed_page)

    given = dict(re.findall(r"(--likes-[\w-]+):\s*([^;]+);", snippet))
    colour = themed_page.evaluate(
        """(value) => { const probe = document.createElement("i");
            probe.style.color = value; document.body.append(probe);
            const c = getComputedStyle(probe).color; probe.remove(); return c; }""",
        given["--likes-color"],
    )
    assert after["plain"]["color"] == colour != before["plain"]["color"]
    assert after["plain"]["border"] == colour  # the border follows the text
    changed = {
        (state, name) for state in after for name in after[state]
        if after[state][name] != before[state][name]
    }  # fmt: skip
    assert len(changed) >= 3
    assert after["liked"] != before["liked"] or after["plain"]["radius"] != "999px"
