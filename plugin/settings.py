"""The plugin's ``LIKES_*`` settings: each one's default and meaning, side by side, in one place."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

from pelican_likes.storage.environment import database_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LikesSettings:
    """The likes settings of one build, as written in pelicanconf.py (``LIKES_`` + field name)."""

    enabled: bool = True
    """``LIKES_ENABLED``: add widgets, register articles and bake counts. When False the plugin
    only reads frontmatter: no widget, no database, no script or stylesheet."""

    api_url: str = "/api"
    """``LIKES_API_URL``: base URL of the likes API, handed to the widget's script through the
    ``data-likes-api`` attribute. A path for an API on the blog's own host, or a full URL."""

    auto_inject: bool = True
    """``LIKES_AUTO_INJECT``: place the widget at the end of every published article page whose
    theme did not call ``likes_widget(article)`` itself. False leaves placement to the theme."""

    strict: bool = False
    """``LIKES_STRICT``: fail the build when the likes database cannot be used, instead of one
    warning and every count shown as 0. For deployments where a wrong count must not ship."""

    texts: Mapping[str, Mapping[str, object]] | None = None
    """``LIKES_TEXTS``: the widget's words by language, over those shipped (translations.toml):
    ``{"fr": {"label": {"one": "...", "other": "..."}, "error": "..."}}``. Any text of any
    language; a language not shipped gets English words where it gives none."""

    database_url: str | None = None
    """``LIKES_DATABASE_URL``: the database articles are registered in and counts read from.
    None means the ``DATABASE_URL`` environment variable, else ``sqlite:///likes.sqlite3``."""

    icon: str = "thumb"
    """``LIKES_ICON``: the button's icon: ``"thumb"``, ``"heart"``, ``"star"``, or the path of an
    ``.svg`` file (relative to the folder ``pelican`` runs in), checked and inlined (icons.py)."""

    hide_below: int = 0
    """``LIKES_HIDE_BELOW``: counts under this number are not shown, in the page as built nor
    live; the button works the same. For a blog that would rather show no count than a low one."""

    slug_source: str = "title"
    """``LIKES_SLUG_SOURCE``: where the slug of a file with frontmatter comes from, when its
    frontmatter names none. ``"title"``: Pelican's way (``SLUGIFY_SOURCE``, the title by
    default). ``"generator"``: the slug Jekyll, Hugo or Astro gave the file (generator_slugs.py),
    so that a migrated blog keeps its URLs and slugs."""

    social: bool = True
    """``LIKES_SOCIAL``: fetch, at build time, the public like counts of the posts an article was
    shared in (frontmatter ``syndication``, ``mastodon``, ``bluesky``) and show them beside the
    widget (plugin/social/). False: no request, no cache, no social counts shown. Builds with the
    environment variable ``LIKES_SOCIAL_OFFLINE=1`` show the cached counts and fetch nothing."""

    social_display: str = "beside"
    """``LIKES_SOCIAL_DISPLAY``: ``"beside"``, small links under the button ("12 on Mastodon ·
    5 on Bluesky"); ``"sum"``, added into the button's one number (a reader who liked in two
    places counts twice); ``"hidden"``, fetched for ``pelican-likes social`` but not shown."""

    social_max_age: float = 3600
    """``LIKES_SOCIAL_MAX_AGE``: seconds a fetched count is used before a build asks again."""

    social_timeout: float = 5.0
    """``LIKES_SOCIAL_TIMEOUT``: seconds each request may take to answer, after connecting."""

    social_connect_timeout: float = 2.0
    """``LIKES_SOCIAL_CONNECT_TIMEOUT``: seconds to connect to a service; a host that cannot be
    reached is not asked again in that build, so an offline build waits this long once."""

    social_bluesky_api: str = "https://public.api.bsky.app"
    """``LIKES_SOCIAL_BLUESKY_API``: the Bluesky AppView asked for posts and handles, public and
    without an account; a self-hosted AppView's base URL works the same."""

    social_mastodon_apis: Mapping[str, str] | None = None
    """``LIKES_SOCIAL_MASTODON_APIS``: ``{"instance host": "base URL"}`` for instances whose API
    is reached at another address than ``https://<host>`` (a proxy, a test server); others are
    asked at the host of the status's URL."""

    webmention_io: bool = False
    """``LIKES_WEBMENTION_IO``: also count the likes webmention.io received for each article's
    own URL (which needs an absolute ``SITEURL``)."""

    social_webmention_api: str = "https://webmention.io"
    """``LIKES_SOCIAL_WEBMENTION_API``: the webmention.io instance asked for counts."""

    @classmethod
    def from_pelican(cls, settings: Mapping[str, Any]) -> "LikesSettings":
        """The likes settings found in Pelican's settings (or a page context, which holds them),
        as pelicanconf.py wrote them: Pelican checks none of a plugin's settings."""
        given = {
            field.name: settings[f"LIKES_{field.name.upper()}"]
            for field in fields(cls)
            if f"LIKES_{field.name.upper()}" in settings
        }
        return cls(**given)

    def shown_from(self) -> int:
        """``LIKES_HIDE_BELOW`` if it is a whole number 0 or more, else 0 (every count shown)."""
        return 0 if hide_below_problem(self.hide_below) else self.hide_below

    def resolved_database_url(self) -> str:
        """``LIKES_DATABASE_URL`` or, read at build time rather than import, the environment's."""
        return self.database_url or database_url()


def api_url_problem(api_url: str) -> str | None:
    """Why the widget could not reach the API at ``api_url``, or None if it can.

    Browsers read a URL with neither a scheme nor a leading ``/`` (``127.0.0.1:8202/api``) as
    relative to each page, and the API answers only under ``/api``: either mistake leaves every
    widget failing in readers' browsers while the build itself succeeds.
    """
    parts = urlsplit(api_url)
    full = parts.scheme in ("http", "https") and parts.netloc
    from_root = not parts.scheme and (parts.netloc or parts.path.startswith("/"))
    if not (full or from_root):
        return (
            f'LIKES_API_URL {api_url!r} is neither a path from the blog\'s root ("/api") nor a '
            f'full URL ("https://likes.example.com/api"): browsers would read it relative to '
            "each page"
        )
    if not parts.path.rstrip("/").endswith("/api"):
        return (
            f"LIKES_API_URL {api_url!r} does not end in /api, under which the API answers "
            f"(/api/likes, /api/articles/...): expected e.g. "
            f"{api_url.rstrip('/') + '/api'!r}"
        )
    return None


def warn_about_api_url(settings: LikesSettings) -> None:
    """One warning per build if the widget could not reach the API at ``LIKES_API_URL``."""
    problem = api_url_problem(settings.api_url)
    if problem is not None:
        logger.warning("likes: %s; every like would fail", problem)


def hide_below_problem(hide_below: object) -> str | None:
    """Why ``LIKES_HIDE_BELOW`` cannot be used, or None if it can."""
    if isinstance(hide_below, int) and not isinstance(hide_below, bool) and hide_below >= 0:
        return None
    return f"LIKES_HIDE_BELOW {hide_below!r}: expected a whole number, 0 or more"


def warn_about_hide_below(settings: LikesSettings) -> None:
    """One warning per build if ``LIKES_HIDE_BELOW`` is no count to hide below."""
    problem = hide_below_problem(settings.hide_below)
    if problem is not None:
        logger.warning("likes: %s; every count is shown", problem)


SOCIAL_DISPLAYS = ("beside", "sum", "hidden")

# The social settings that are seconds, each with the name pelicanconf.py gives it.
_SOCIAL_SECONDS = {
    "social_max_age": "LIKES_SOCIAL_MAX_AGE",
    "social_timeout": "LIKES_SOCIAL_TIMEOUT",
    "social_connect_timeout": "LIKES_SOCIAL_CONNECT_TIMEOUT",
}


def social_settings(settings: LikesSettings) -> LikesSettings:
    """``settings`` with each social setting that cannot be used replaced by its default (as
    Pelican checks none of a plugin's settings): what the build fetches and shows with."""
    fixes = _social_fixes(settings)
    if not fixes:
        return settings
    return replace(settings, **{name: value for name, (value, _) in fixes.items()})


def warn_about_social_settings(settings: LikesSettings) -> None:
    """One warning per build for each social setting that cannot be used."""
    if settings.social:
        for _, problem in _social_fixes(settings).values():
            logger.warning("likes: %s", problem)


def _social_fixes(settings: LikesSettings) -> dict[str, tuple[Any, str]]:
    """Each social setting that cannot be used: the value used instead, and why, in words."""
    defaults = LikesSettings()
    fixes: dict[str, tuple[Any, str]] = {}
    if settings.social_display not in SOCIAL_DISPLAYS:
        choices = ", ".join(map(repr, SOCIAL_DISPLAYS))
        fixes["social_display"] = (
            defaults.social_display,
            f"LIKES_SOCIAL_DISPLAY {settings.social_display!r}: expected one of {choices}; "
            f"shown as {defaults.social_display!r}",
        )
    for name, setting in _SOCIAL_SECONDS.items():
        value, default = getattr(settings, name), getattr(defaults, name)
        if not _is_seconds(value):
            fixes[name] = (
                default,
                f"{setting} {value!r}: expected a number of seconds, 0 or more; "
                f"{default!r} is used",
            )
    if not _is_mapping(settings.social_mastodon_apis):
        fixes["social_mastodon_apis"] = (
            None,
            f"LIKES_SOCIAL_MASTODON_APIS {settings.social_mastodon_apis!r}: expected "
            "{'instance host': 'base URL'}; every instance is asked at its own host",
        )
    return fixes


def _is_mapping(value: object) -> bool:
    """Whether ``value`` is None or a mapping: pelicanconf.py may hold anything."""
    return value is None or isinstance(value, Mapping)


def _is_seconds(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
