"""Automatic placement: the widget into article pages whose theme did not place it, and the
widget's stylesheet and script into the ``<head>`` of every page that shows a widget.

Pages are finished as Pelican renders them, so any theme works unchanged, its default one too. The
page is read with the standard library's HTML parser (which knows comments and script bodies from
markup) only to find offsets; the insertions are plain text, so the rest of the page is untouched.

Where the widget goes, first rule that applies:

1. before the ``</article>`` of the innermost ``<article>`` element holding the article's content;
2. right after the article's content, if no ``<article>`` element holds it;
3. before ``</body>``, if the content is not in the page as is (a theme that filters it);
4. at the end of the page.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from jinja2 import Template
from markupsafe import Markup
from pelican.generators import Generator

from pelican.plugins.likes.assets import SCRIPT, STYLESHEET, script_tag, stylesheet_tag
from pelican.plugins.likes.settings import LikesSettings
from pelican.plugins.likes.widget import LikesWidget

WIDGET_ATTRIBUTE = "data-likes-slug"
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """An element, from the start of its opening tag to the start of its closing tag."""

    start: int
    end: int


class PageOutline(HTMLParser):
    """The landmarks placement needs in a written page, as offsets into its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        # getpos() counts lines by "\n" only (str.splitlines() would also split on \r, \f...).
        self._line_starts = [0, *(newline.end() for newline in re.finditer("\n", html))]
        self.head_end: int | None = None
        self.body_start = 0
        self.body_end: int | None = None
        self.articles: list[Span] = []
        self._open_articles: list[int] = []
        self.widget_slugs: set[str] = set()
        self.first_widget: int | None = None
        self.asset_urls: set[str] = set()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "article":
            self._open_articles.append(self._offset())
        elif tag == "body":
            self.body_start = self._offset() + len(self.get_starttag_text() or "")
        elif tag == "link" and values.get("href"):
            self.asset_urls.add(values["href"])
        elif tag == "script" and values.get("src"):
            self.asset_urls.add(values["src"])
        slug = values.get(WIDGET_ATTRIBUTE)
        if slug is not None:
            self.widget_slugs.add(slug)
            if self.first_widget is None:
                self.first_widget = self._offset()

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self._open_articles:
            self.articles.append(Span(self._open_articles.pop(), self._offset()))
        elif tag == "head" and self.head_end is None:
            self.head_end = self._offset()
        elif tag == "body":
            self.body_end = self._offset()

    def has_asset(self, asset: str) -> bool:
        return any(url.endswith(asset) for url in self.asset_urls)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column


def place(html: str, widget: Markup, slug: str | None, content: str, siteurl: str) -> str:
    """``html`` with ``widget`` added unless the page has one for ``slug`` already, and with the
    stylesheet and script added to its head if it shows a widget and lacks them."""
    outline = PageOutline(html)
    insertions: list[tuple[int, int, str]] = []  # offset, order among equal offsets, text
    if widget and slug not in outline.widget_slugs:
        insertions.append((widget_offset(html, outline, content), 1, f"\n{widget}\n"))
    if outline.widget_slugs or insertions:
        tags = _asset_tags(siteurl, outline.has_asset)
        if tags:
            insertions.append((_assets_offset(outline, insertions), 0, tags))
    # From the end backwards, so earlier offsets stay valid; at one offset the tags come first.
    for offset, _order, text in sorted(insertions, key=lambda i: i[:2], reverse=True):
        html = f"{html[:offset]}{text}{html[offset:]}"
    return html


def add_assets(html: str, siteurl: str) -> str | None:
    """``html`` with the stylesheet and script added before ``</head>``, found without parsing
    the page; None when that shortcut is unsafe (no ``</head>`` ahead of the first widget).

    Most pages need only this, their theme having placed the widget; parsing each one took
    most of a 1,000-article build's time (bench/build.py).
    """
    head_end = _HEAD_END.search(html)
    if head_end is None or head_end.start() > html.find(WIDGET_ATTRIBUTE):
        return None
    head = html[: head_end.start()]
    tags = _asset_tags(siteurl, lambda asset: f"/{asset}" in head)
    return f"{head}{tags}{html[head_end.start() :]}"


def _asset_tags(siteurl: str, present: Callable[[str], bool]) -> str:
    # str.join, not "+": a str plus Markup is Markup, which would escape the whole page.
    return "".join(
        tag(siteurl)
        for asset, tag in ((STYLESHEET, stylesheet_tag), (SCRIPT, script_tag))
        if not present(asset)
    )


def widget_offset(html: str, outline: PageOutline, content: str) -> int:
    """Where the widget goes, by the rules in this module's docstring."""
    start = html.find(content, outline.body_start) if content else -1
    if start != -1:
        end = start + len(content)
        holding = [span for span in outline.articles if span.start <= start and end <= span.end]
        if holding:
            return max(holding, key=lambda span: span.start).end
        return end
    if outline.body_end is not None:
        return outline.body_end
    return len(html)


def _assets_offset(outline: PageOutline, insertions: list[tuple[int, int, str]]) -> int:
    """The end of ``<head>``; in a page without one, just before the first widget."""
    if outline.head_end is not None:
        return outline.head_end
    widgets = [offset for offset, _order, _text in insertions]
    if outline.first_widget is not None:
        widgets.append(outline.first_widget)
    return min(widgets)


class PlacingTemplate(Template):
    """Pelican's page templates, rendering pages with the widget and its assets in place.

    Set as the generators' ``template_class``, so a page is finished as it is rendered: editing
    files after Pelican wrote them meant reading and writing every page twice.
    """

    def render(self, *args: object, **kwargs: object) -> str:
        html = super().render(*args, **kwargs)
        return place_in_page(html, dict(*args, **kwargs))


def place_in_page(html: str, context: dict) -> str:
    """A rendered page with, where it needs them, the widget and the assets."""
    settings = LikesSettings.from_pelican(context)
    if not settings.enabled or "SITEURL" not in context:
        return html
    article = context.get("article")
    widget = Markup("")
    if settings.auto_inject and article is not None:
        widget = LikesWidget.from_pelican(context)(article)
    if not widget and WIDGET_ATTRIBUTE not in html:
        return html
    slug = getattr(article, "slug", None)
    if widget and f'{WIDGET_ATTRIBUTE}="{slug}"' in html:
        widget = Markup("")  # the theme placed it (slugs need no escaping: see likes.slugs)
    placed = add_assets(html, context["SITEURL"]) if not widget else None
    if placed is None:
        content = (article.content or "") if widget else ""
        placed = place(html, widget, slug, content, context["SITEURL"])
    return placed


def use_placing_templates(generator: Generator) -> None:
    """``generator_init`` receiver: render this generator's pages with PlacingTemplate."""
    generator.env.template_class = PlacingTemplate
