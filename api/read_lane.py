"""GET /api/likes as every page view sends it, answered without Falcon's request and response.

A page view's count read is a query string of slugs and, from a browser, an ``Origin``: no body,
no ``If-None-Match``, nothing to refuse. Falcon's request and response objects, its routing and
the three middlewares' hooks took as much of such a read's time in the worker as the query
(measured: docs/performance.md#where-a-read-goes). This lane answers that read with the
same document and headers; any other request, or one this lane has a doubt about, goes to Falcon
untouched. ``tests/api/test_read_lane.py`` holds the two answers equal.
"""

import functools
from collections.abc import Iterable
from wsgiref.types import WSGIEnvironment

import falcon.uri

from pelican_likes.api.like_counts import MAX_SLUGS, NGINX_EXPIRES, LikeCounts
from pelican_likes.api.middleware import EXPOSED_HEADERS, SECURITY_HEADERS
from pelican_likes.storage.slugs import is_valid_slug

PATH = "/api/likes"
# Query strings kept parsed, a page's set of slugs each: about 2 MiB at most (gunicorn's longest
# request line, 4 KiB, and its slugs), however many distinct ones a client sends.
PARSED = 256

Headers = list[tuple[str, str]]


class ReadLane:
    """Answers plain count reads for ``counts``, with CORS as ``allowed_origins`` say."""

    def __init__(self, counts: LikeCounts, allowed_origins: Iterable[str]) -> None:
        self._counts = counts
        origins = tuple(allowed_origins)
        self._any_origin = origins == ("*",)
        self._origins = frozenset(origins)
        self._headers: Headers = [
            ("cache-control", counts.cache_control),
            ("content-type", falcon.MEDIA_JSON),
            *((name.lower(), value) for name, value in SECURITY_HEADERS.items()),
            ("vary", "Origin"),
        ]

    def answer(self, env: WSGIEnvironment) -> tuple[Headers, bytes] | None:
        """The headers and body of a 200 for this request, or None to leave it to Falcon."""
        if (
            env.get("PATH_INFO") != PATH
            or env.get("REQUEST_METHOD") != "GET"
            or env.get("CONTENT_LENGTH")  # BodyPolicy's to judge, as any Transfer-Encoding
            or "HTTP_TRANSFER_ENCODING" in env
            or "HTTP_IF_NONE_MATCH" in env
        ):
            return None
        origin = env.get("HTTP_ORIGIN")
        allowed = self._any_origin or origin in self._origins
        if origin is not None and not allowed:
            return None  # refused: Falcon answers it, and RefusedOrigins tells the operator
        try:
            slugs = _plain_slugs(env.get("QUERY_STRING"))
            if slugs is None:
                return None
            body, etag, expires = self._counts.document(slugs)
        except Exception:  # Falcon parses and reads again, and answers as for any request
            return None
        headers = [*self._headers, ("etag", f'"{etag}"'), ("content-length", str(len(body)))]
        if expires is not None:
            headers.append((NGINX_EXPIRES.lower(), expires))
        if isinstance(origin, str):
            headers.append(("access-control-allow-origin", "*" if self._any_origin else origin))
            headers.append(("access-control-expose-headers", EXPOSED_HEADERS))
        return headers, body


def _plain_slugs(query: object) -> tuple[str, ...] | None:
    """The slugs of a query string Falcon would accept, parsed as Falcon parses it (blank
    values kept, commas not split); None when Falcon is to answer, a 400 above all."""
    if not isinstance(query, str) or not query:
        return None
    return _parsed_slugs(query)


@functools.lru_cache(maxsize=PARSED)
def _parsed_slugs(query: str) -> tuple[str, ...] | None:
    """``_plain_slugs`` of a query string, parsed once: every view of a page sends the same."""
    slugs = falcon.uri.parse_query_string(query, keep_blank=True).get("slug")
    if isinstance(slugs, str):
        slugs = [slugs]
    if not slugs or len(slugs) > MAX_SLUGS or not all(map(is_valid_slug, slugs)):
        return None
    return tuple(slugs)
