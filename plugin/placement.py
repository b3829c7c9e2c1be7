"""Automatic placement: the widget into article pages whose theme did not place it, and the
widget's stylesheet and script into the ``<head>`` of every page that shows a widget.

Pages are finished as Pelican renders them, so any theme works unchanged, its default one too.
Themes render ``{{ article.content }}`` as is, so the content is found in the page by plain search
and the landmarks around it by their tags (landmarks.py): no parse of the page, for parsing each
one with ``HTMLParser`` was a large share of a build (measured:
docs/performance.md#placing-widgets-without-parsing-pages). The insertions are plain text, so the
rest of the page is untouched.

Where the widget goes, first rule that applies:

1. right after the article's text, inside the element holding it (Flex's ``<div>``, attila's
   ``<section class="post-content">``, a floated column): in the text column and its padding,
   before whatever follows the text. Placing it after that element made it a column of its own
   in floated and grid layouts, pushing the sidebar below the article. When the text is in the
   page more than once (a short article's summary is its whole text, and m.css prints the
   summary in the article's header), the copy taken is the last one outside headers, footers,
   sidebars and menus, preferring those in ``<article>`` or ``<main>``;
2. for an article without text, where the theme prints the text: the page is rendered again
   with a marker standing for the text (``EmptyBody``), and the widget goes where the marker is;
3. at the end of the article's ``<article>`` element, else of ``<main>``, if the text is not in
   the page (the theme shows no text for an empty article; a theme filters the text, which gets
   a warning naming the page);
4. before ``</body>``, else at the end of the page.
"""

import logging
import re
from collections.abc import Callable
from typing import Any

from jinja2 import Template
from markupsafe import Markup
from pelican.generators import Generator

from pelican.plugins.likes.assets import SCRIPT, STYLESHEET, script_tag, stylesheet_tag
from pelican.plugins.likes.empty_body import EmptyBody, with_empty_body_marked
from pelican.plugins.likes.landmarks import BESIDE_BODY, article_end, open_at
from pelican.plugins.likes.widget import LikesWidget

logger = logging.getLogger(__name__)

WIDGET_ATTRIBUTE = "data-likes-slug"
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def place(
    html: str, widget: Markup, slug: str | None, content: str, siteurl: str, name: str = "page"
) -> str:
    """``html`` with ``widget`` added unless the page has one for ``slug`` already, and with the
    stylesheet and script added to its head if it shows a widget and lacks them; ``name`` is the
    page's file, for the warning when its content cannot be found."""
    widget_at = None
    if widget and _lacks_widget(html, slug):
        widget_at = widget_offset(html, content, name)
    elif WIDGET_ATTRIBUTE not in html:
        return html
    assets_at = _assets_offset(html, widget_at)
    tags = _asset_tags(siteurl, lambda asset: f"/{asset}" in html[:assets_at])
    if widget_at is not None:
        # Widget first: it comes at or after the tags' offset, which stays valid.
        html = f"{html[:widget_at]}\n{widget}\n{html[widget_at:]}"
    return f"{html[:assets_at]}{tags}{html[assets_at:]}"


def _lacks_widget(html: str, slug: str | None) -> bool:
    return f'{WIDGET_ATTRIBUTE}="{slug}"' not in html


def widget_offset(html: str, content: str, name: str = "page") -> int:
    """Where the widget goes, by the rules in this module's docstring."""
    head_end = _HEAD_END.search(html)
    after_head = head_end.end() if head_end else 0
    body = _body_copy(html, content, after_head) if content else None
    if body is not None:
        return body + len(content)
    if content:
        logger.warning(
            "likes: the article's content is not in %s as written (a theme filter?); "
            "the widget goes at the end of its <article> or <main>, else of the page",
            name,
        )
    article_at = article_end(html, after_head)
    if article_at is not None:
        return article_at
    body_end = _BODY_END.search(html, after_head)
    return body_end.start() if body_end else len(html)


def _body_copy(html: str, content: str, start: int) -> int | None:
    """Where the article's body is among the copies of ``content`` after ``start``: the only
    one, else the last one outside headers, footers, sidebars and menus, in ``<article>`` or
    ``<main>`` if one is; None if there is no copy."""
    first = html.find(content, start)
    if first == -1:
        return None
    copies = [first]
    while (following := html.find(content, copies[-1] + len(content))) != -1:
        copies.append(following)
    if len(copies) == 1:
        return first
    opened = {copy: open_at(html, start, copy) for copy in copies}
    outside = [c for c in copies if not any(opened[c][name] for name in BESIDE_BODY)] or copies
    inside = [c for c in outside if opened[c]["article"] or opened[c]["main"]]
    return (inside or outside)[-1]


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
        context = dict(*args, **kwargs)
        html = super().render(context)
        # The generator's likes_widget global (widget.py), made once for all its pages.
        widget_for = self.globals.get("likes_widget")
        if not isinstance(widget_for, LikesWidget):
            widget_for = None
        return place_in_page(html, context, widget_for, super().render)


def place_in_page(
    html: str,
    context: dict[str, Any],
    widget_for: LikesWidget | None = None,
    render: Callable[[dict[str, Any]], str] | None = None,
) -> str:
    """A rendered page with, where it needs them, the widget (drawn by ``widget_for``, else by
    one made from ``context``) and the assets; ``render`` renders the page again from a context,
    for an article without text."""
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
    slug = getattr(article, "slug", None)
    if widget and not content and render is not None and _lacks_widget(html, slug):
        html, content = with_empty_body_marked(html, context, render)
    name = str(context.get("output_file", "page"))
    placed = place(html, widget, slug, content, context["SITEURL"], name)
    return placed.replace(EmptyBody.MARKER, "") if content == EmptyBody.MARKER else placed


def use_placing_templates(generator: Generator) -> None:
    """``generator_init`` receiver: render this generator's pages with PlacingTemplate."""
    generator.env.template_class = PlacingTemplate
