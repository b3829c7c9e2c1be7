"""The application: ``create_app(config)`` wires resources to their dependencies.

Importing this module reads no settings and creates no secret file; ``pelican_likes.api.wsgi`` is
the module servers load, which builds the app from the environment.
"""

from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import falcon

from pelican_likes.api import errors
from pelican_likes.api.articles import ArticleLike
from pelican_likes.api.config import Config
from pelican_likes.api.count_cache import CountCache
from pelican_likes.api.daily_limit import DailyLimit
from pelican_likes.api.form_likes import FORM_PATH, FormLike
from pelican_likes.api.form_origins import FormOrigins
from pelican_likes.api.form_pages import FormPages
from pelican_likes.api.health import Health
from pelican_likes.api.like_counts import LikeCounts
from pelican_likes.api.like_writes import LikeWrites
from pelican_likes.api.limits import RateLimiter, WriteLimit
from pelican_likes.api.middleware import EXPOSED_HEADERS, BodyPolicy, ResponseHeaders
from pelican_likes.api.openapi import OpenAPIDocument
from pelican_likes.api.read_lane import ReadLane
from pelican_likes.api.refused_origins import RefusedOrigins
from pelican_likes.api.shared_reads import Read, SharedReads
from pelican_likes.api.site import SITE_PATHS, SiteFiles
from pelican_likes.api.voters import Voters
from pelican_likes.storage.daily_cap import Cleanup
from pelican_likes.storage.store import LikeStore

# How long a worker answers a count it read without asking the database again.
COUNT_CACHE_SECONDS = 1.0

# Database connections a worker may hold per database. A gevent worker serves any number of
# requests at once, so its pool is the bound: 4, what a 4-thread worker used, keeps a host's
# connections to PostgreSQL where they were; requests beyond it wait for a connection.
POOL_SIZE = 4


class LikesApp(falcon.App[falcon.Request, falcon.Response]):
    """Falcon's app, with page views' count reads answered by a ``ReadLane`` first."""

    def __init__(self, read_lane: ReadLane, **options: Any) -> None:
        super().__init__(**options)
        self._read_lane = read_lane

    def __call__(self, env: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        answer = self._read_lane.answer(env)
        if answer is None:
            return super().__call__(env, start_response)
        headers, body = answer
        start_response(falcon.HTTP_200, headers)
        return [body]


def create_app(config: Config, store: LikeStore | None = None) -> LikesApp:
    """The likes API for ``config``, on ``store`` if given (else one built from the config)."""
    store = store or LikeStore.from_url(config.database_url, pool_size=POOL_SIZE, max_overflow=0)
    # Each worker reuses a count for up to a second, never longer than a CDN may.
    cache = CountCache(ttl=min(COUNT_CACHE_SECONDS, config.cache_max_age))
    # Counts may come from a read-only replica: they are cached for seconds anyway.
    counts_store = (
        LikeStore.from_url(config.read_database_url, pool_size=POOL_SIZE, max_overflow=0)
        if config.read_database_url
        else store
    )
    read: Read = counts_store.counts
    if counts_store.engine.dialect.name == "postgresql":  # on SQLite a read never waits
        read = SharedReads(read).counts
    counts = LikeCounts(read, config.cache_max_age, cache)

    # Typed by the ASGI request and response it can also serve, as Falcon declares it.
    cors: falcon.CORSMiddleware[falcon.asgi.Request, falcon.asgi.Response] = falcon.CORSMiddleware(
        allow_origins="*" if config.allowed_origins == ("*",) else config.allowed_origins,
        expose_headers=EXPOSED_HEADERS,
    )
    refused = RefusedOrigins(config.allowed_origins, config.public_origin)
    # Falcon runs process_response in reverse order: ResponseHeaders and RefusedOrigins see
    # CORS's result.
    app = LikesApp(
        ReadLane(counts, config.allowed_origins),
        middleware=[ResponseHeaders(), refused, cors, BodyPolicy()],
    )
    app.req_options.keep_blank_qs_values = True  # so that ?slug= is refused, not ignored
    errors.install(app)

    limiter = RateLimiter(config.rate_limit, config.rate_window) if config.rate_limit else None
    write_limit = WriteLimit(limiter, config.trusted_proxies)
    app.add_route("/api/likes", counts)
    voters = Voters(config.secret)
    daily_limit = DailyLimit(config.daily_limit, config.trusted_proxies)
    if config.daily_limit:
        Cleanup(store.forget_past_days)  # past days' keys and tallies, deleted without cron
    writes = LikeWrites(store, write_limit, daily_limit, cache)
    app.add_route("/api/articles/{slug}/like", ArticleLike(store, voters, writes))
    origins = FormOrigins(config.allowed_origins, config.public_origin)
    app.set_error_serializer(FormPages(origins).serialize)
    app.add_route(FORM_PATH + "/{slug}", FormLike(voters, writes, origins))
    app.add_route("/api/health", Health(store))
    app.add_route("/api/openapi.json", OpenAPIDocument())
    if config.site_dir is not None:
        app.add_sink(SiteFiles(config.site_dir), prefix=SITE_PATHS)
    return app
