"""GET /api/likes: the counts of many articles in one request, shaped to be cached by a CDN.

Listing pages show a count for every article; one request for all of them, answered from a
cache for a few seconds, keeps a popular front page from becoming one query per reader.

Browsers and CDNs may reuse an answer for ``LIKES_CACHE_MAX_AGE`` seconds (Cache-Control). nginx's
cache in front of the API (deploy/nginx.conf) is held to less: ``X-Accel-Expires: @<second>``
lets it keep an answer until the end of the clock's second in which its counts were read from the
database, so that no count it serves is a second old. nginx hides that header from browsers.
"""

import functools
import hashlib
import json
from collections.abc import Sequence
from typing import NamedTuple

import falcon

from pelican_likes.api.count_cache import CountCache
from pelican_likes.api.shared_reads import Read
from pelican_likes.api.slugs import check_slug

MAX_SLUGS = 100
# The header nginx's cache obeys before Cache-Control; "@" and a Unix time: keep it until then.
NGINX_EXPIRES = "X-Accel-Expires"
# Documents kept rendered: a page's counts change far less often than they are read.
RENDERED = 256


class CountsDocument(NamedTuple):
    """The JSON answer and its entity tag, which depends on the counts only (never slug order)."""

    body: bytes
    etag: str


class CountsAnswer(NamedTuple):
    """A document, and its ``NGINX_EXPIRES`` value (None when no cache may keep it)."""

    body: bytes
    etag: str
    nginx_expires: str | None


class LikeCounts:
    """The counts of the articles named by ``slug`` parameters, read by ``read`` (a store's
    ``counts``); unknown slugs are left out."""

    def __init__(self, read: Read, max_age: int, cache: CountCache) -> None:
        self._read = read
        self._cache = cache
        self._shared = max_age > 0
        self.cache_control = f"public, max-age={max_age}" if max_age else "no-cache"

    def document(self, slugs: Sequence[str]) -> CountsAnswer:
        """The answer for ``slugs``, already checked: also what ``read_lane`` sends."""
        counts, read_since = self._cache.counts(slugs, self._read)
        body, etag = _rendered(tuple(sorted(counts.items())))
        # The second the counts were read in: counts read at 12.9 are kept until 13.0.
        expires = f"@{int(read_since)}" if self._shared else None
        return CountsAnswer(body, etag, expires)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        body, etag, expires = self.document(_requested_slugs(req))
        resp.etag = etag
        resp.cache_control = [self.cache_control]
        if expires is not None:  # on a 304 too: nginx renews its copy's time by it
            resp.set_header(NGINX_EXPIRES, expires)
        # Weak comparison, as RFC 9110 asks for If-None-Match: a CDN that compresses the answer
        # may hand the client a weakened W/"..." tag, which must still match.
        if any(tag in ("*", etag) for tag in req.if_none_match or ()):
            resp.status = falcon.HTTP_NOT_MODIFIED
            return
        resp.content_type = falcon.MEDIA_JSON
        resp.data = body

    on_head = on_get


@functools.lru_cache(maxsize=RENDERED)
def _rendered(counts: tuple[tuple[str, int], ...]) -> CountsDocument:
    """The document of these counts, rendered once while they stay the same: its JSON and
    hash were 3% of an uncached read in the worker (docs/performance.md#where-a-read-goes)."""
    body = json.dumps({"likes": dict(counts)}, ensure_ascii=False).encode()
    return CountsDocument(body, hashlib.sha256(body).hexdigest()[:32])


def _requested_slugs(req: falcon.Request) -> list[str]:
    slugs = req.get_param_as_list("slug") or []
    if not slugs:
        raise falcon.HTTPBadRequest(
            description="Name at least one article: /api/likes?slug=first&slug=second."
        )
    if len(slugs) > MAX_SLUGS:
        raise falcon.HTTPBadRequest(
            description=f"At most {MAX_SLUGS} slugs per request; {len(slugs)} were given."
        )
    return [check_slug(slug) for slug in slugs]
