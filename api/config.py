"""The API's settings, read once from the environment; docs/api.md is the reference for users."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

from pelican_likes.api.clients import Network
from pelican_likes.api.form_origins import serialised_origin
from pelican_likes.api.secret import check_secret, load_secret
from pelican_likes.api.setting_checks import ConfigError, whole_number
from pelican_likes.storage.database import check_url
from pelican_likes.storage.environment import database_url
from pelican_likes.storage.errors import InvalidDatabaseURL
from pelican_likes.storage.schema import MAX_LIKES

__all__ = ["Config", "ConfigError"]


@dataclass(frozen=True)
class Config:
    """Everything ``create_app`` needs; tests build one directly, servers use ``from_environ``."""

    # DATABASE_URL: where likes are kept (default: likes.sqlite3 in the working folder).
    database_url: str = field(repr=False)  # it may hold a password
    # LIKES_SECRET: the HMAC key that turns a reader's token into the stored voter hash.
    secret: bytes = field(repr=False)
    # LIKES_ALLOWED_ORIGINS: blog origins allowed to call the API from a browser; "*" for any.
    allowed_origins: tuple[str, ...] = ()
    # LIKES_PUBLIC_ORIGIN: the origin readers' browsers reach the API at, whose pages may send
    # the widget's form; none: only LIKES_ALLOWED_ORIGINS may. Never taken from a request's Host.
    public_origin: str | None = None
    # LIKES_TRUSTED_PROXIES: proxies whose X-Forwarded-For is believed (addresses or CIDRs).
    trusted_proxies: tuple[Network, ...] = ()
    # LIKES_RATE_LIMIT writes per LIKES_RATE_WINDOW seconds per client address; 0 turns it off.
    rate_limit: int = 30
    rate_window: int = 60
    # LIKES_DAILY_LIMIT likes per client network (IPv4 address, IPv6 /64) per article per UTC
    # day, shared by every host on the database; 0 turns the cap off. Read at start-up only.
    daily_limit: int = 20
    # LIKES_CACHE_MAX_AGE: seconds a browser or CDN may reuse an answer of GET /api/likes.
    cache_max_age: int = 5
    # LIKES_SITE_DIR: a built blog to serve outside /api, for previews; none in production.
    site_dir: Path | None = None
    # LIKES_READ_DATABASE_URL: a read-only replica for GET /api/likes; none reads DATABASE_URL.
    read_database_url: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_secret(self.secret, "the secret")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> "Config":
        """Read and check every setting, failing with one line that names the bad one."""
        url = _database_url(environ)
        return cls(
            database_url=url,
            secret=load_secret(environ, url),
            allowed_origins=_origins(environ.get("LIKES_ALLOWED_ORIGINS", "")),
            public_origin=_public_origin(environ.get("LIKES_PUBLIC_ORIGIN", "")),
            trusted_proxies=_networks(environ.get("LIKES_TRUSTED_PROXIES", "")),
            rate_limit=whole_number(environ, "LIKES_RATE_LIMIT", cls.rate_limit),
            rate_window=whole_number(environ, "LIKES_RATE_WINDOW", cls.rate_window, minimum=1),
            daily_limit=whole_number(
                environ, "LIKES_DAILY_LIMIT", cls.daily_limit, maximum=MAX_LIKES
            ),
            cache_max_age=whole_number(environ, "LIKES_CACHE_MAX_AGE", cls.cache_max_age),
            site_dir=_folder(environ.get("LIKES_SITE_DIR", "")),
            read_database_url=_read_database_url(environ),
        )


def _database_url(environ: Mapping[str, str]) -> str:
    """The URL, checked now so that a typo stops the start rather than every request."""
    return _checked_url("DATABASE_URL", database_url(environ))


def _read_database_url(environ: Mapping[str, str]) -> str | None:
    url = environ.get("LIKES_READ_DATABASE_URL", "").strip()
    return _checked_url("LIKES_READ_DATABASE_URL", url) if url else None


def _checked_url(name: str, url: str) -> str:
    """Driver imported, options parsed, no connection: a database that is down is not a bad
    setting, and the API starts to answer 503 until it is back."""
    try:
        check_url(url)
    except InvalidDatabaseURL as error:
        raise ConfigError(f"{name}: {error}") from None
    return url


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _origins(text: str) -> tuple[str, ...]:
    """Origins exactly as browsers send them: Falcon compares them as strings, scheme included,
    so ``blog.example.com`` or ``https://blog.example.com/`` would silently never match."""
    origins = _items(text)
    if origins == ["*"]:
        return ("*",)
    for origin in origins:
        parts = urlsplit(origin)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or origin.endswith("/")
            or (parts.path or parts.query or parts.fragment or parts.username)
        ):
            raise ConfigError(
                f"LIKES_ALLOWED_ORIGINS: {origin!r} is not an origin; write scheme://host[:port] "
                "with no path or trailing slash, e.g. https://blog.example.com"
            )
    return tuple(origins)


def _public_origin(text: str) -> str | None:
    """One origin, compared as a string with what browsers send: so written as they serialise
    it (lower case, no default port, no path), or it would silently never match."""
    origin = text.strip()
    if not origin:
        return None
    serialised = serialised_origin(origin)
    if serialised != origin:
        hint = f"write {serialised}" if serialised else "write scheme://host[:port]"
        raise ConfigError(
            f"LIKES_PUBLIC_ORIGIN: {origin!r} is not an origin as browsers send it; {hint}"
        )
    return origin


def _networks(text: str) -> tuple[Network, ...]:
    try:
        return tuple(ip_network(item, strict=False) for item in _items(text))
    except ValueError as error:
        raise ConfigError(f"LIKES_TRUSTED_PROXIES: {error}") from None


def _folder(text: str) -> Path | None:
    if not text.strip():
        return None
    folder = Path(text.strip())
    if not folder.is_dir():
        raise ConfigError(f"LIKES_SITE_DIR: {folder} is not a folder; build the blog first")
    return folder
