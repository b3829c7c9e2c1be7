"""The application: ``create_app(config)`` wires resources to their dependencies.

``gunicorn api.app:app`` serves the app built from the environment; it is built on first access
(PEP 562), so that importing ``create_app`` in tests or tools reads no settings and creates no
secret file.
"""

import functools

import falcon

from api import errors
from api.articles import ArticleLike
from api.config import Config
from api.count_cache import CountCache
from api.counts import LikeCounts
from api.health import Health
from api.limits import RateLimiter, WriteLimit
from api.middleware import BodyPolicy, ResponseHeaders
from api.openapi import OpenAPIDocument
from api.site import SITE_PATHS, SiteFiles
from api.voters import Voters
from likes.store import LikeStore

# How long a worker answers a count it read without asking the database again.
COUNT_CACHE_SECONDS = 1.0


def create_app(config: Config, store: LikeStore | None = None) -> falcon.App:
    """The likes API for ``config``, on ``store`` if given (else one built from the config)."""
    store = store or LikeStore.from_url(config.database_url)
    cors = falcon.CORSMiddleware(
        allow_origins="*" if config.allowed_origins == ("*",) else config.allowed_origins,
        expose_headers=["Retry-After"],
    )
    # Falcon runs process_response in reverse order: ResponseHeaders sees CORS's result.
    app = falcon.App(middleware=[ResponseHeaders(), cors, BodyPolicy()])
    app.req_options.keep_blank_qs_values = True  # so that ?slug= is refused, not ignored
    errors.install(app)

    limiter = RateLimiter(config.rate_limit, config.rate_window) if config.rate_limit else None
    write_limit = WriteLimit(limiter, config.trusted_proxies)
    # Each worker reuses a count for up to a second, never longer than a CDN may.
    cache = CountCache(ttl=min(COUNT_CACHE_SECONDS, config.cache_max_age))
    # Counts may come from a read-only replica: they are cached for seconds anyway.
    counts_store = (
        LikeStore.from_url(config.read_database_url) if config.read_database_url else store
    )
    app.add_route("/api/likes", LikeCounts(counts_store, config.cache_max_age, cache))
    app.add_route(
        "/api/articles/{slug}/like", ArticleLike(store, Voters(config.secret), write_limit, cache)
    )
    app.add_route("/api/health", Health(store))
    app.add_route("/api/openapi.json", OpenAPIDocument())
    if config.site_dir is not None:
        app.add_sink(SiteFiles(config.site_dir), prefix=SITE_PATHS)
    return app


@functools.cache
def _environment_app() -> falcon.App:
    return create_app(Config.from_environ())


def __getattr__(name: str) -> falcon.App:
    if name == "app":
        return _environment_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
