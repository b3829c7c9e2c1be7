"""The widget where a reader expects it in popular themes and in the layouts real themes use
(floated columns, a grid with a sidebar, the summary printed above the text): in the article's
text column, below its last paragraph, above the comments, sharing links and navigation that
follow; and nothing else on the page moved by it.

Each theme's blog is built with Disqus on (tests/support.build_theme_site), once with likes and
once without (``LIKES_ENABLED = False``), served over HTTP and measured in headless Chromium, so
the theme's own stylesheet decides where boxes land. Requests off the test's server are refused,
so that no web font or comment embed changes a page between its two builds.
"""

from collections.abc import Iterator

import pytest

from pelican_likes.storage import migrate
from tests.support import (
    EMPTY_ARTICLE,
    SHORT_ARTICLE,
    SHORT_TEXT,
    THEME_ARTICLE,
    THEMES,
    build_theme_site,
    static_files,
)

# What follows the article's text in each theme's article page, all of which must come below
# the widget: comments (Disqus), tags, sharing links, author box, post navigation, footers.
FOLLOWING = {
    "notmyidea": [".comments", "#disqus_thread"],
    "simple": ["article footer"],
    "flex": [".tag-cloud", "#disqus_thread"],
    "attila": [".post-footer", ".post-nav", "#disqus_thread"],
    "elegant": ["#comment-message", ".accordion"],
    "float-columns": [".site-footer"],
    "grid-columns": [".site-footer"],
    "summary-first": [".post-footer", ".site-footer"],
}
BOX = """(e) => {
    const rect = e.getBoundingClientRect();
    return {left: rect.left + scrollX, right: rect.right + scrollX,
            top: rect.top + scrollY, bottom: rect.bottom + scrollY};
}"""
SLACK = 1  # px: sub-pixel layout rounding
SIDES = ("left", "right", "top", "bottom")

BOXES = """() => {
    const box = (element) => {
        const rect = element.getBoundingClientRect();
        return {left: rect.left + scrollX, right: rect.right + scrollX,
                top: rect.top + scrollY, bottom: rect.bottom + scrollY};
    };
    const paragraphs = [...document.querySelectorAll("p")]
        .filter((p) => p.textContent.trim().startsWith("Body paragraph") && !p.closest("header"));
    const count = document.querySelector(".likes-count");
    return {widget: box(document.querySelector("form.likes")), paragraphs: paragraphs.map(box),
            countSize: parseFloat(getComputedStyle(count).fontSize)};
}"""

# Every element of the body but the widget's own, in document order, with its box, its parent's
# index in the list, and where it stands to the widget: holding it, or after it in the document.
ELEMENTS = """() => {
    const widget = document.querySelector("form.likes");
    const elements = [...document.body.querySelectorAll("*")]
        .filter((element) => !(widget && widget.contains(element)));
    const index = new Map(elements.map((element, n) => [element, n]));
    return elements.map((element) => {
        const rect = element.getBoundingClientRect();
        const holds = Boolean(widget && element.contains(widget));
        const after = Boolean(widget && !holds &&
            widget.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING);
        return {tag: element.tagName, id: element.id, cls: String(element.className),
                left: rect.left + scrollX, right: rect.right + scrollX,
                top: rect.top + scrollY, bottom: rect.bottom + scrollY, holds, after,
                parent: index.get(element.parentElement) ?? -1};
    });
}"""
# Margins that met where the widget now is collapsed into one before it came between them: the
# bottom margins of what comes before it in the flow (the element it follows and that element's
# last descendants; if it is a first child, its parents' top margins and what they follow) and
# the top margins of what comes after it, mirrored. It frees at most the largest of them.
FREED_MARGIN = """(widget) => {
    const margins = [0];
    const style = (e, side) => parseFloat(getComputedStyle(e)[side]) || 0;
    const sides = [["previousElementSibling", "lastElementChild", "marginBottom", "marginTop"],
                   ["nextElementSibling", "firstElementChild", "marginTop", "marginBottom"]];
    for (const [sibling, child, facing, own] of sides) {
        let e = widget;
        while (e.parentElement && !e[sibling]) {
            e = e.parentElement;
            margins.push(style(e, own));
        }
        for (e = e[sibling]; e; e = e[child]) margins.push(style(e, facing));
    }
    return Math.max(...margins);
}"""


@pytest.fixture(scope="module")
def theme_sites(tmp_path_factory) -> Iterator[str]:
    """Every theme's blog under one served folder: ``{base}/{theme}/`` with likes and
    ``{base}/{theme}-without/`` without."""
    root = tmp_path_factory.mktemp("themes")
    url = f"sqlite:///{root / 'likes.sqlite3'}"
    migrate.upgrade(url)
    served = root / "served"
    served.mkdir()
    for theme in THEMES:
        build_theme_site(theme, root / theme, url).rename(served / theme)
        without = f"{theme}-without"
        build_theme_site(theme, root / without, url, likes=False).rename(served / without)
    with static_files(served) as base:
        yield base


def open_page(page, url: str) -> None:
    """``url`` at 1280 x 900, with requests off the test's server refused."""
    origin = url.split("/", 3)[:3]
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.split("/", 3)[:3] == origin else route.abort()
        ),
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)


def box_of(page, selector: str) -> dict[str, float]:
    """The box of the first element ``selector`` finds, in page coordinates."""
    return page.locator(selector).first.evaluate(BOX)


@pytest.mark.parametrize("theme", THEMES)
def test_the_widget_sits_in_the_text_column_below_the_text_above_what_follows(
    theme_sites, page, theme
):
    open_page(page, f"{theme_sites}/{theme}/{THEME_ARTICLE}.html")

    boxes = page.evaluate(BOXES)
    widget, paragraphs = boxes["widget"], boxes["paragraphs"]
    assert len(paragraphs) == 4
    assert widget["right"] - widget["left"] >= 44 and widget["bottom"] - widget["top"] >= 44
    assert boxes["countSize"] >= 14, "the count is too small to read"
    assert widget["left"] >= min(p["left"] for p in paragraphs) - SLACK
    assert widget["right"] <= max(p["right"] for p in paragraphs) + SLACK
    assert widget["top"] >= paragraphs[-1]["bottom"] - SLACK
    for selector in FOLLOWING[theme]:
        assert page.locator(selector).count() >= 1, f"{theme} has no {selector}"
        assert widget["bottom"] <= box_of(page, selector)["top"] + SLACK, f"below {selector}"


@pytest.mark.parametrize("article", [THEME_ARTICLE, SHORT_ARTICLE, EMPTY_ARTICLE])
@pytest.mark.parametrize("theme", THEMES)
def test_the_widget_moves_nothing_but_what_follows_it_in_its_column(
    theme_sites, page, theme, article
):
    """Each element of the page with likes against the same element (by document order) of the
    page without them, the widget's own elements left out:

    - an element holding the widget keeps its top, left and right; only its bottom may grow;
    - a follower keeps its left, right and height, and moves straight down, by at most the
      widget's height plus FREED_MARGIN. Followers are what comes after the widget in the
      document and started, without likes, at or below the widget's top, either overlapping
      the widget's holder horizontally (the rest of its column, full-width footers) or inside
      another follower;
    - every other element (above the widget, in other columns: a sidebar, a header) keeps its
      whole box.

    All within SLACK px.
    """
    open_page(page, f"{theme_sites}/{theme}-without/{article}.html")
    before = page.evaluate(ELEMENTS)
    open_page(page, f"{theme_sites}/{theme}/{article}.html")
    after = page.evaluate(ELEMENTS)
    widget = box_of(page, "form.likes")
    holder = page.locator("form.likes").locator("xpath=..").evaluate(BOX)
    freed = page.locator("form.likes").evaluate(FREED_MARGIN)

    assert [e["tag"] for e in before] == [e["tag"] for e in after]
    most_down = widget["bottom"] - widget["top"] + freed
    followers: set[int] = set()
    moved = []
    for number, (old, new) in enumerate(zip(before, after, strict=True)):
        name = f"{new['tag']}#{new['id']}.{new['cls']}"
        same = {side: abs(new[side] - old[side]) <= SLACK for side in SIDES}
        beside = old["left"] < holder["right"] and old["right"] > holder["left"]
        if new["holds"]:
            if not (same["top"] and same["left"] and same["right"]):
                moved.append(f"{name} (holds the widget) {old} -> {new}")
        elif (
            new["after"]
            and old["top"] >= widget["top"] - SLACK
            and (beside or new["parent"] in followers)
        ):
            followers.add(number)
            down = new["top"] - old["top"]
            height = (new["bottom"] - new["top"]) - (old["bottom"] - old["top"])
            if not (same["left"] and same["right"] and abs(height) <= SLACK):
                moved.append(f"{name} (below the widget) {old} -> {new}")
            elif not -SLACK <= down <= most_down + SLACK:
                moved.append(f"{name} (below the widget) moved down {down} px")
        elif not all(same.values()):
            moved.append(f"{name} {old} -> {new}")
    assert moved == [], "\n".join(moved)


@pytest.mark.parametrize("theme", THEMES)
def test_a_short_articles_widget_follows_its_text_not_its_summary(theme_sites, page, theme):
    """A one-sentence article's summary is its whole text: themes printing the summary above
    the text have it twice."""
    open_page(page, f"{theme_sites}/{theme}/{SHORT_ARTICLE}.html")

    widget = box_of(page, "form.likes")
    copies = page.locator("p", has_text=SHORT_TEXT)
    assert copies.count() >= 1
    text = copies.nth(copies.count() - 1).evaluate(BOX)
    assert page.locator("form.likes").evaluate("(e) => e.closest('header')") is None
    assert widget["top"] >= text["bottom"] - SLACK
    assert widget["left"] >= text["left"] - SLACK and widget["right"] <= text["right"] + SLACK
    for selector in FOLLOWING[theme]:
        assert widget["bottom"] <= box_of(page, selector)["top"] + SLACK, f"below {selector}"


@pytest.mark.parametrize("theme", THEMES)
def test_an_empty_articles_widget_stays_in_the_article(theme_sites, page, theme):
    """An article without text: the widget where its text would be, or at the end of the
    article's element when the theme shows none; below the title, never after the page's
    footer."""
    open_page(page, f"{theme_sites}/{theme}/{EMPTY_ARTICLE}.html")

    widget = box_of(page, "form.likes")
    holders = page.locator("form.likes").locator("xpath=ancestor::*[self::article or self::main]")
    assert holders.count() >= 1, "the widget is outside every <article> and <main>"
    article = holders.last.evaluate(BOX)
    assert article["left"] - SLACK <= widget["left"] and widget["right"] <= article["right"] + SLACK
    assert article["top"] - SLACK <= widget["top"] and widget["bottom"] <= article["bottom"] + SLACK
    title = page.locator("h1, h2", has_text="Photos from the bank").last
    assert widget["top"] >= title.evaluate(BOX)["bottom"] - SLACK
