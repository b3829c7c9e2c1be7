"""The widget where a reader expects it in popular themes: in the article's text column, below
its last paragraph, above the comments, sharing links and navigation that follow.

Each theme's blog is built with Disqus on (tests/support.build_theme_site), served over HTTP and
measured in headless Chromium, so the theme's own stylesheet decides where boxes land.
"""

from collections.abc import Iterator

import pytest

from pelican_likes.storage import migrate
from tests.support import THEME_ARTICLE, THEMES, build_theme_site, static_files

# What follows the article's text in each theme's article page, all of which must come below
# the widget: comments (Disqus), tags, sharing links, author box, post navigation.
FOLLOWING = {
    "notmyidea": [".comments", "#disqus_thread"],
    "simple": ["article footer"],
    "flex": [".tag-cloud", "#disqus_thread"],
    "attila": [".post-footer", ".post-nav", "#disqus_thread"],
    "elegant": ["#comment-message", ".accordion"],
}
SLACK = 1  # px: sub-pixel layout rounding

BOXES = """() => {
    const box = (element) => {
        const rect = element.getBoundingClientRect();
        return {left: rect.left + scrollX, right: rect.right + scrollX,
                top: rect.top + scrollY, bottom: rect.bottom + scrollY};
    };
    const paragraphs = [...document.querySelectorAll("p")]
        .filter((p) => p.textContent.trim().startsWith("Body paragraph"));
    const count = document.querySelector(".likes-count");
    return {widget: box(document.querySelector("form.likes")), paragraphs: paragraphs.map(box),
            countSize: parseFloat(getComputedStyle(count).fontSize)};
}"""


@pytest.fixture(scope="module")
def theme_sites(tmp_path_factory) -> Iterator[str]:
    """Every theme's blog under one served folder: ``{base}/{theme}/``."""
    root = tmp_path_factory.mktemp("themes")
    url = f"sqlite:///{root / 'likes.sqlite3'}"
    migrate.upgrade(url)
    served = root / "served"
    served.mkdir()
    for theme in THEMES:
        build_theme_site(theme, root / theme, url).rename(served / theme)
    with static_files(served) as base:
        yield base


@pytest.mark.parametrize("theme", THEMES)
def test_the_widget_sits_in_the_text_column_below_the_text_above_what_follows(
    theme_sites, page, theme
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{theme_sites}/{theme}/{THEME_ARTICLE}.html")

    boxes = page.evaluate(BOXES)
    widget, paragraphs = boxes["widget"], boxes["paragraphs"]
    assert len(paragraphs) == 4
    assert widget["right"] - widget["left"] >= 44 and widget["bottom"] - widget["top"] >= 44
    assert boxes["countSize"] >= 14, "the count is too small to read"
    assert widget["left"] >= min(p["left"] for p in paragraphs) - SLACK
    assert widget["right"] <= max(p["right"] for p in paragraphs) + SLACK
    assert widget["top"] >= paragraphs[-1]["bottom"] - SLACK
    for selector in FOLLOWING[theme]:
        following = page.locator(selector).first
        assert following.count() == 1, f"{theme} has no {selector}: the check would be empty"
        top = following.evaluate("(e) => e.getBoundingClientRect().top + scrollY")
        assert widget["bottom"] <= top + SLACK, f"the widget is below {selector}"
