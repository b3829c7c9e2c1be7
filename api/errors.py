"""How the API fails a request: JSON problem details, with a message a person can act on.

Every error answer is an RFC 9457 ``application/problem+json`` document whatever the client's
``Accept`` says (Falcon's default would answer XML to an XML-preferring client, or nothing).
"""

import json
import logging
import threading
import time
from collections.abc import Callable
from http import HTTPStatus

import falcon

from pelican_likes.storage.errors import (
    ArticleClosed,
    DailyLimitReached,
    SchemaNotMigrated,
    StorageUnavailable,
    UnknownArticle,
)

PROBLEM_JSON = "application/problem+json"
# The problem type of a like over LIKES_DAILY_LIMIT, which the widget tells from other 429s.
DAILY_LIMIT_TYPE = "tag:pelican-likes,2026:daily-limit"
DAILY_LIMIT_MESSAGE = "Too many likes from your network today; more are counted from midnight UTC."

# Seconds a client should wait before retrying while the database is unreachable.
UNAVAILABLE_RETRY_AFTER = 5

_DEFAULT_DETAILS = {
    400: "The request is malformed.",
    404: "There is nothing at this address; see /api/openapi.json for the routes.",
    405: "This method is not allowed here; the Allow header lists those that are.",
}

# Seconds between two log lines about likes of unregistered articles: anyone can send those, so
# the hint for the operator must not become a way to flood the log.
UNREGISTERED_LOG_INTERVAL = 60.0

log = logging.getLogger(__name__)


class Throttle:
    """Says yes at most once per ``interval`` seconds (per worker process)."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval
        self._clock = clock
        self._next = float("-inf")
        self._lock = threading.Lock()

    def ready(self) -> bool:
        with self._lock:
            now = self._clock()
            if now < self._next:
                return False
            self._next = now + self._interval
            return True


_unregistered_likes = Throttle(UNREGISTERED_LOG_INTERVAL)


def serialize_problem(req: falcon.Request, resp: falcon.Response, error: falcon.HTTPError) -> None:
    """Write ``error`` as problem details, with a message a person can act on."""
    code = error.status_code
    phrase = falcon.code_to_http_status(code).partition(" ")[2]  # as on the status line
    detail = error.description or _DEFAULT_DETAILS.get(code, HTTPStatus(code).description + ".")
    kind = DAILY_LIMIT_TYPE if isinstance(error, DailyLimitRefusal) else "about:blank"
    problem = {"type": kind, "title": phrase, "status": code, "detail": detail}
    resp.content_type = PROBLEM_JSON
    resp.data = json.dumps(problem).encode()


def unknown_article(
    req: falcon.Request, resp: falcon.Response, error: UnknownArticle, params: dict[str, object]
) -> None:
    """A slug the blog never registered: the article does not exist as far as likes go. A like
    of one most often means the blog was built against another database than the API's, which
    only the operator's log can tell them."""
    if req.method in ("PUT", "POST") and _unregistered_likes.ready():
        log.warning(
            "a like of %r was refused: no build registered that article in this API's database; "
            "build the blog with the same DATABASE_URL (or LIKES_DATABASE_URL) as the API "
            "(said at most once a minute)",
            error.slug,
        )
    raise falcon.HTTPNotFound(
        description=f"No article is registered under the slug {error.slug!r}."
    )


def article_closed(
    req: falcon.Request, resp: falcon.Response, error: ArticleClosed, params: dict[str, object]
) -> None:
    """The blog turned likes off for this article (``likes: false``, or a draft again)."""
    raise falcon.HTTPConflict(
        description=f"Likes are closed for the article {error.slug!r}; its count is kept."
    )


class DailyLimitRefusal(falcon.HTTPTooManyRequests):
    """A 429 for a like over LIKES_DAILY_LIMIT, as distinct from the per-worker rate limit's."""


def daily_limit_reached(
    req: falcon.Request, resp: falcon.Response, error: DailyLimitReached, params: dict[str, object]
) -> None:
    """The network's likes of this article for today are spent: retry after midnight UTC."""
    raise DailyLimitRefusal(description=DAILY_LIMIT_MESSAGE, retry_after=error.retry_after)


def storage_unavailable(
    req: falcon.Request, resp: falcon.Response, error: StorageUnavailable, params: dict[str, object]
) -> None:
    """Never the reader's fault: log why for the operator, tell the reader when to retry."""
    log.warning("%s %s answered 503: %s", req.method, req.path, error)
    raise falcon.HTTPServiceUnavailable(
        description="The likes database is unavailable; please try again in a few seconds.",
        retry_after=UNAVAILABLE_RETRY_AFTER,
    )


def schema_not_migrated(
    req: falcon.Request, resp: falcon.Response, error: SchemaNotMigrated, params: dict[str, object]
) -> None:
    """Tables missing or older than the code: retrying will not help until the operator migrates,
    so the answer says what to run (gunicorn's start-up check has said it once already)."""
    log.warning("%s %s answered 503: %s", req.method, req.path, error)
    raise falcon.HTTPServiceUnavailable(
        description="The likes database has no likes tables yet, or older ones: the site's "
        "operator has to run `pelican-likes db upgrade` on it.",
        retry_after=UNAVAILABLE_RETRY_AFTER,
    )


def install(app: falcon.App[falcon.Request, falcon.Response]) -> None:
    """Make ``app`` answer every error, its own and the store's, as problem details."""
    app.set_error_serializer(serialize_problem)
    app.add_error_handler(UnknownArticle, unknown_article)
    app.add_error_handler(ArticleClosed, article_closed)
    app.add_error_handler(DailyLimitReached, daily_limit_reached)
    app.add_error_handler(StorageUnavailable, storage_unavailable)
    app.add_error_handler(SchemaNotMigrated, schema_not_migrated)
