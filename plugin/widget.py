"""The like widget's markup, with the article's count already in it.

This markup is the contract the widget's script and stylesheet are written against: the root's
``data-likes-*`` attributes, a real button whose accessible name carries the count, the count as
visible text, and a live region for announcements.
"""

import functools

from markupsafe import Markup
from pelican.contents import Content
from pelican.generators import Generator

from pelican.plugins.likes.field_mapping import as_flag
from pelican.plugins.likes.settings import LikesSettings
from pelican_likes.slugs import is_valid_slug

# The attribute the build sets on each article that shows a widget (see baked_counts.py); themes may
# read it too, e.g. ``{{ article.likes_count }}``.
COUNT_ATTRIBUTE = "likes_count"

_WIDGET = Markup(
    '<div class="likes" data-likes-slug="{slug}" data-likes-count="{count}"'
    ' data-likes-api="{api}">\n'
    '  <button type="button" class="likes-button" aria-pressed="false" aria-label="{label}">\n'
    '    <svg class="likes-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24">'
    '<path d="M7 11v10H3V11zm0 0 4-8c1.5 0 3 1 3 3v3h5a2 2 0 0 1 2 2.4l-1.5 7.2A2 2 0 0 1 17.5'
    ' 21H7"/></svg>\n'
    '    <span class="likes-count">{count}</span>\n'
    "  </button>\n"
    '  <span class="likes-status" role="status" aria-live="polite"></span>\n'
    "</div>"
)


@functools.lru_cache(maxsize=4096)
def widget_markup(slug: str, count: int, api_url: str) -> Markup:
    """The widget for ``slug``; ``Markup.format`` escapes every value put into it.

    Cached: an article's widget is drawn on its page and on every listing that shows it, and
    escaping it anew each time was a tenth of the plugin's cost in a build (bench/build.py).
    """
    return _WIDGET.format(slug=slug, count=count, api=api_url, label=button_label(count))


def button_label(count: int) -> str:
    """The button's accessible name: what it does and the count a screen reader announces."""
    # It starts with the visible text (the count), as WCAG's "label in name" asks; likes.js
    # writes the same words when the count changes.
    return f"{count} {'like' if count == 1 else 'likes'}, like this article"


def wants_widget(article: Content) -> bool:
    """Whether ``article`` should get a widget: published and not opted out with ``likes: false``.

    Drafts and hidden articles are never registered, so a widget on them could not be used.
    """
    if getattr(article, "status", None) != "published":
        return False
    return as_flag(getattr(article, "likes", True)) is not False


def shows_widget(article: Content) -> bool:
    """Whether ``article`` gets a widget: it wants one and has a slug the API accepts."""
    return wants_widget(article) and is_valid_slug(getattr(article, "slug", None))


class LikesWidget:
    """The ``likes_widget(article)`` Jinja global: the widget, or nothing where none belongs."""

    def __init__(self, settings: LikesSettings) -> None:
        self.settings = settings

    def __call__(self, article: Content) -> Markup:
        if not self.settings.enabled or not shows_widget(article):
            return Markup("")
        count = getattr(article, COUNT_ATTRIBUTE, 0)
        return widget_markup(article.slug, count, self.settings.api_url)


def add_jinja_global(generator: Generator) -> None:
    """``generator_init`` receiver: give every template ``likes_widget``, enabled or not, so a
    theme's call never breaks a build that turned likes off."""
    settings = LikesSettings.from_pelican(generator.settings)
    generator.env.globals["likes_widget"] = LikesWidget(settings)
