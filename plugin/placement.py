"""Automatic placement: the widget into article pages whose theme did not place it, and the
widget's stylesheet and script into the ``<head>`` of every page that shows a widget.

Pages are finished as Pelican renders them, so any theme works unchanged, its default one too.
Themes render ``{{ article.content }}`` as is, so the content is found in the page by plain search
and the landmarks around it by looking at the tags just before and after it: no parse of the page,
for parsing each one with ``HTMLParser`` was a large share of a build (measured:
docs/performance.md#placing-widgets-without-parsing-pages). The insertions are plain text, so the
rest of the page is untouched.

Where the widget goes, first rule that applies:

1. right after the element that holds the article's content and nothing else (Flex's ``<div>``,
   attila's ``<section class="post-content">``): inside the theme's text column, before the
   tags, sharing links, comments and navigation that follow;
2. right after the content, if the element around it holds more (notmyidea's entry-content,
   elegant's column, which go on with comments and navigation);
3. before ``</body>``, with a warning naming the page, if the content is not in the page as is
   (a theme that filters it);
4. at the end of the page.
"""

import logging
import re
from collections.abc import Callable
from typing import Any

from jinja2 import Template
from markupsafe import Markup
from pelican.generators import Generator

from pelican.plugins.likes.assets import SCRIPT, STYLESHEET, script_tag, stylesheet_tag
from pelican.plugins.likes.widget import LikesWidget

logger = logging.getLogger(__name__)

WIDGET_ATTRIBUTE = "data-likes-slug"
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
_OPENING_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?>")
_CLOSING_TAG = re.compile(r"\s*</([a-zA-Z][a-zA-Z0-9-]*)\s*>")


def place(
    html: str, widget: Markup, slug: str | None, content: str, siteurl: str, name: str = "page"
) -> str:
    """``html`` with ``widget`` added unless the page has one for ``slug`` already, and with the
    stylesheet and script added to its head if it shows a widget and lacks them; ``name`` is the
    page's file, for the warning when its content cannot be found."""
    widget_at = None
    if widget and f'{WIDGET_ATTRIBUTE}="{slug}"' not in html:
        widget_at = widget_offset(html, content, name)
    elif WIDGET_ATTRIBUTE not in html:
        return html
    assets_at = _assets_offset(html, widget_at)
    tags = _asset_tags(siteurl, lambda asset: f"/{asset}" in html[:assets_at])
    if widget_at is not None:
        # Widget first: it comes at or after the tags' offset, which stays valid.
        html = f"{html[:widget_at]}\n{widget}\n{html[widget_at:]}"
    return f"{html[:assets_at]}{tags}{html[assets_at:]}"


def widget_offset(html: str, content: str, name: str = "page") -> int:
    """Where the widget goes, by the rules in this module's docstring."""
    head_end = _HEAD_END.search(html)
    start = html.find(content, head_end.end() if head_end else 0) if content else -1
    if start != -1:
        end = start + len(content)
        holder = _holding_element_end(html, start, end)
        return end if holder is None else holder
    logger.warning(
        "likes: the article's content is not in %s as written (a theme filter?); "
        "the widget goes at the end of the page",
        name,
    )
    body_end = _BODY_END.search(html, head_end.end() if head_end else 0)
    return body_end.start() if body_end else len(html)


def _holding_element_end(html: str, start: int, end: int) -> int | None:
    """The end of the element around ``html[start:end]`` if it holds that and only whitespace
    besides (its opening tag just before, its closing tag just after), else None."""
    before = html[max(0, start - 1000) : start].rstrip()
    if not before.endswith(">"):
        return None
    opening = _OPENING_TAG.fullmatch(before, before.rfind("<"))
    closing = _CLOSING_TAG.match(html, end)
    if opening is None or closing is None or before.endswith("/>"):
        return None
    if opening.group(1).lower() != closing.group(1).lower():
        return None
    return closing.end()


def _assets_offset(html: str, widget_at: int | None) -> int:
    """The end of ``<head>``; in a page without one, just before the first widget."""
    first = html.find(WIDGET_ATTRIBUTE)
    first_widget = html.rfind("<", 0, first) if first != -1 else len(html)
    if widget_at is not None:
        first_widget = min(first_widget, widget_at)
    head_end = _HEAD_END.search(html, 0, first_widget)
    return head_end.start() if head_end else max(first_widget, 0)


def _asset_tags(siteurl: str, present: Callable[[str], bool]) -> str:
    # str.join, not "+": a str plus Markup is Markup, which would escape the whole page.
    return "".join(
        tag(siteurl)
        for asset, tag in ((STYLESHEET, stylesheet_tag), (SCRIPT, script_tag))
        if not present(asset)
    )


class PlacingTemplate(Template):
    """Pelican's page templates, rendering pages with the widget and its assets in place.

    Set as the generators' ``template_class``, so a page is finished as it is rendered: editing
    files after Pelican wrote them meant reading and writing every page twice.
    """

    def render(self, *args: object, **kwargs: object) -> str:
        html = super().render(*args, **kwargs)
        # The generator's likes_widget global (widget.py), made once for all its pages.
        widget_for = self.globals.get("likes_widget")
        if not isinstance(widget_for, LikesWidget):
            widget_for = None
        return place_in_page(html, dict(*args, **kwargs), widget_for)


def place_in_page(html: str, context: dict[str, Any], widget_for: LikesWidget | None = None) -> str:
    """A rendered page with, where it needs them, the widget (drawn by ``widget_for``, else by
    one made from ``context``) and the assets."""
    widget_for = widget_for or LikesWidget.from_pelican(context)
    settings = widget_for.settings
    if not settings.enabled or "SITEURL" not in context:
        return html
    article = context.get("article")
    widget, content = Markup(""), ""
    if settings.auto_inject and article is not None:
        widget = widget_for(article)
        content = (article.content or "") if widget else ""
    if not widget and WIDGET_ATTRIBUTE not in html:
        return html
    name = str(context.get("output_file", "page"))
    return place(html, widget, getattr(article, "slug", None), content, context["SITEURL"], name)


def use_placing_templates(generator: Generator) -> None:
    """``generator_init`` receiver: render this generator's pages with PlacingTemplate."""
    generator.env.template_class = PlacingTemplate
