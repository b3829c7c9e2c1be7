"""The like widget's markup, with the article's count already in it.

This markup is the contract the widget's script and stylesheet are written against: the root's
``data-likes-*`` attributes, a real button whose accessible name carries the count, the count as
visible text, and a live region for announcements.
"""

from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape
from pelican.contents import Content
from pelican.generators import Generator

from pelican.plugins.likes.field_mapping import as_flag
from pelican.plugins.likes.icons import DEFAULT, shipped_icon, widget_icon
from pelican.plugins.likes.settings import LikesSettings, social_settings
from pelican.plugins.likes.social.links import SERVICE_NAMES, SOCIAL_ATTRIBUTE, SocialLink
from pelican.plugins.likes.texts import WidgetTexts, catalog_for
from pelican_likes.storage.slugs import is_valid_slug

# The attribute the build sets on each article that shows a widget (see baked_counts.py); themes may
# read it too, e.g. ``{{ article.likes_count }}``.
COUNT_ATTRIBUTE = "likes_count"
# And the page the widget's form sends the reader back to: Pelican computes ``article.url`` anew
# at each use, too slow to do again for every widget (measured:
# docs/performance.md#article-attributes-and-urls).
RETURN_ATTRIBUTE = "likes_return_url"

# The API's form endpoint, under LIKES_API_URL: what the widget posts to without JavaScript.
FORM_PATH = "/form-likes"

THUMB = shipped_icon(DEFAULT)

# The id of the text a reader without JavaScript is sent back to once the form's like counted,
# ending in the slug: the API's 303 names it as the URL's fragment (api/form_likes.py).
COUNTED_ID = "likes-counted-"

# Plain text with ``{fields}``: widget_markup escapes each value it puts in.
_WIDGET = (
    '<form class="likes" method="post" action="{action}" lang="{lang}" dir="{direction}"'
    ' data-likes-slug="{slug}" data-likes-count="{count}" data-likes-api="{api}"'
    ' data-likes-texts="{texts}"{hide_below}{social_count}>\n'
    '  <button type="submit" class="likes-button" aria-pressed="false" aria-label="{label}">\n'
    "    {icon}\n"
    '    <span class="likes-count"{hidden}>{shown}</span>\n'
    "  </button>\n"
    '  <span class="likes-status" role="status" aria-live="polite"></span>\n'
    '  <span class="likes-counted" id="{counted_id}" hidden="">{counted}</span>\n'
    "{social}"
    "</form>"
)
# Where the article was shared (plugin/social/): microformats' u-syndication links, which readers
# without JavaScript follow the same.
_SOCIAL = '  <span class="likes-social">{links}</span>\n'
_SOCIAL_LINK = '<a class="u-syndication" href="{url}">{text}</a>'
_SOCIAL_SEPARATOR = " · "


def widget_markup(
    slug: str,
    count: int,
    api_url: str,
    texts: WidgetTexts,
    back: str,
    *,
    icon: Markup = THUMB,
    hide_below: int = 0,
    social: tuple[SocialLink, ...] = (),
    social_display: str = "beside",
) -> Markup:
    """The widget for ``slug`` in the language of ``texts``, a form that likes through the API
    and sends the reader back to ``back``; every value put into it is escaped but ``icon``.
    A count under ``hide_below`` is in the page but hidden, and the button's name then says
    what it does without it; the script does the same as the count changes.

    ``str.format`` over escaped values, not ``Markup.format``, whose formatter is pure Python:
    that was most of the widget's cost in a build (measured:
    docs/performance.md#widget-texts-and-markup).

    ``social`` are the places the article was shared: with ``social_display`` "beside", linked
    beside the button with their counts; with "sum", their likes added into the button's count
    (and named in ``data-likes-social``, for the script to add to live counts), linked by name.
    """
    summed = social_likes(social) if social_display == "sum" else 0
    count += summed
    path = f"{api_url.rstrip('/')}{FORM_PATH}/{quote(slug, safe='')}"
    action = f"{path}?return={quote(back, safe='/:')}&lang={quote(texts.lang)}"
    shown = texts.count(count)
    hidden = count < hide_below
    values = {
        "action": action,
        "lang": texts.lang,
        "direction": texts.direction,
        "slug": slug,
        "count": count,
        "api": api_url,
        "texts": texts.for_script(hiding=hide_below > 0),
        # The name starts with the visible text (the count), as WCAG's "label in name" asks;
        # likes.js writes the same words, formatted the same way, when the count changes.
        "label": texts.action if hidden else texts.label(count, shown),
        "shown": shown,
        "counted_id": f"{COUNTED_ID}{slug}",
        "counted": texts.counted,
    }
    escaped: dict[str, str] = {name: escape(value) for name, value in values.items()}
    escaped["icon"] = icon
    escaped["hide_below"] = f' data-likes-hide-below="{hide_below:d}"' if hide_below else ""
    escaped["hidden"] = ' hidden=""' if hidden else ""
    escaped["social_count"] = f' data-likes-social="{summed:d}"' if summed else ""
    escaped["social"] = _social_markup(social, texts, social_display)
    return Markup(_WIDGET.format_map(escaped))  # noqa: S704 - escaped above, or ours


def social_likes(social: tuple[SocialLink, ...]) -> int:
    """The likes of the posts an article was shared in, all services together."""
    return sum(link.likes or 0 for link in social)


def _social_markup(social: tuple[SocialLink, ...], texts: WidgetTexts, display: str) -> str:
    """The line of links beside the button, escaped; "" if none is to be shown."""
    if display not in ("beside", "sum"):
        return ""
    shown = []
    for link in social:
        if link.service == "webmention":  # no post to link to: the likes came to the article
            if display == "beside" and link.likes is not None:
                shown.append(f"<span>{escape(texts.social_count(link.service, link.likes))}</span>")
            continue
        if not link.service:
            text = urlsplit(link.url).hostname or link.url
        elif display == "beside" and link.likes is not None:
            text = texts.social_count(link.service, link.likes)
        else:
            text = SERVICE_NAMES[link.service]
        shown.append(_SOCIAL_LINK.format(url=escape(link.url), text=escape(text)))
    return _SOCIAL.format(links=_SOCIAL_SEPARATOR.join(shown)) if shown else ""


def return_url(url: str, siteurl: str) -> str:
    """The article's page (``url`` is ``article.url``): under an absolute or root-relative
    ``SITEURL``, else (``SITEURL = ""``, or a relative one with ``RELATIVE_URLS``) from the root
    of the blog's origin. Where the form sends the reader back to when the browser does not name
    the page (api/form_origins.py), and the URL the database keeps.

    An ``ARTICLE_URL`` may start with ``/`` (``'/{category}/{slug}'``): joined as Pelican's themes
    join it, ``//blog/...`` would name a host, not a path.
    """
    base = siteurl if siteurl.startswith(("http://", "https://", "/")) else ""
    return f"{base.rstrip('/')}/{url.lstrip('/')}"


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
    """The ``likes_widget(article)`` Jinja global: the widget, or nothing where none belongs.

    One per generator, so per build: it keeps each widget it drew, as an article's widget is
    drawn on its page and on every listing that shows it. Kept as plain text under keys of plain
    values, which the garbage collector stops tracking: a cache shared by the whole process
    (``functools.lru_cache``) kept thousands of objects it walks in every full collection, and
    brought on more of them (docs/performance.md, "Build").
    """

    def __init__(
        self, settings: LikesSettings, *, default_lang: str | None = None, siteurl: str = ""
    ) -> None:
        self.settings = settings
        self._catalog = catalog_for(settings.texts)
        self._default_lang = default_lang
        self._siteurl = siteurl
        self._icon = widget_icon(settings.icon).markup  # warned about once, at the build's start
        self._hide_below = settings.shown_from()
        self._social_display = (
            social_settings(settings).social_display if settings.social else "hidden"
        )
        self._drawn: dict[tuple[object, ...], str] = {}

    @classmethod
    def from_pelican(cls, settings: Mapping[str, object]) -> "LikesWidget":
        """The widget for Pelican's settings, or a page context (which holds them)."""
        return cls(
            LikesSettings.from_pelican(settings),
            default_lang=lang if isinstance(lang := settings.get("DEFAULT_LANG"), str) else None,
            siteurl=str(settings.get("SITEURL") or ""),
        )

    def __call__(self, article: Content) -> Markup:
        if not self.settings.enabled or not shows_widget(article):
            return Markup("")
        count = getattr(article, COUNT_ATTRIBUTE, 0)
        lang = getattr(article, "lang", None)
        back = getattr(article, RETURN_ATTRIBUTE, None) or return_url(article.url, self._siteurl)
        social: tuple[SocialLink, ...] = getattr(article, SOCIAL_ATTRIBUTE, ())
        # Plain values only, which the garbage collector stops tracking (see above).
        key = (article.slug, count, lang, back, *((s.service, s.url, s.likes) for s in social))
        drawn = self._drawn.get(key)
        if drawn is None:
            texts = self._catalog.for_language(lang, self._default_lang)
            markup = widget_markup(
                article.slug,
                count,
                self.settings.api_url,
                texts,
                back,
                icon=self._icon,
                hide_below=self._hide_below,
                social=social,
                social_display=self._social_display,
            )
            drawn = self._drawn[key] = str(markup)
        return Markup(drawn)  # noqa: S704 - drawn by widget_markup, every value escaped


def add_jinja_global(generator: Generator) -> None:
    """``generator_init`` receiver: give every template ``likes_widget``, enabled or not, so a
    theme's call never breaks a build that turned likes off."""
    generator.env.globals["likes_widget"] = LikesWidget.from_pelican(generator.settings)
