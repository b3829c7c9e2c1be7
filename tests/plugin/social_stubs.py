"""Mastodon, a Bluesky AppView and webmention.io on one local port: the answers their public APIs
document, with whatever latency or failure a test asks for. No test reaches the internet.

The shapes, trimmed to what each service documents and the plugin reads (plugin/social/):
- Mastodon, GET /api/v1/statuses/:id: a Status entity (docs.joinmastodon.org/entities/Status/);
  read: ``favourites_count``, ``reblogs_count``. A deleted or unknown status: 404
  ``{"error": "Record not found"}``. Rate limits (docs.joinmastodon.org/api/rate-limits/): 300
  requests in 5 minutes per address without an account; every answer says so in
  ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (an ISO 8601
  time), and a request past it gets a 429 with the same headers and no ``Retry-After``.
- Bluesky, GET /xrpc/com.atproto.identity.resolveHandle?handle=: ``{"did": ...}`` (lexicon
  com.atproto.identity.resolveHandle); an unknown handle: 400 ``{"error": "InvalidRequest"}``.
  GET /xrpc/app.bsky.feed.getPosts?uris=...: ``{"posts": [postView, ...]}``, at most 25 URIs
  (lexicon app.bsky.feed.getPosts, ``uris.maxLength``), deleted posts left out; of
  app.bsky.feed.defs#postView, read: ``uri``, ``likeCount``, ``repostCount``.
- webmention.io, GET /api/count.json?target=: ``{"count": n, "type": {"like": n, "repost": n}}``
  (github.com/aaronpk/webmention.io, "API"); read: ``type.like``, ``type.repost``.
"""

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.support import free_port

GET_POSTS_MAX = 25


def status(status_id: str, favourites: int, reblogs: int) -> dict[str, object]:
    """A public Status as GET /api/v1/statuses/:id answers it."""
    return {
        "id": status_id,
        "uri": f"https://mastodon.example/users/fieldnotes/statuses/{status_id}",
        "url": f"https://mastodon.example/@fieldnotes/{status_id}",
        "created_at": "2024-03-01T10:00:00.000Z",
        "account": {"id": "1", "username": "fieldnotes", "acct": "fieldnotes"},
        "content": "<p>New post on the blog</p>",
        "visibility": "public",
        "sensitive": False,
        "spoiler_text": "",
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "replies_count": 1,
        "reblogs_count": reblogs,
        "favourites_count": favourites,
        "edited_at": None,
        "reblog": None,
        "poll": None,
        "card": None,
        "language": "en",
    }


def post_view(uri: str, likes: int, reposts: int) -> dict[str, object]:
    """An app.bsky.feed.defs#postView as app.bsky.feed.getPosts answers it."""
    did = uri.removeprefix("at://").split("/")[0]
    return {
        "uri": uri,
        "cid": "bafyreib2rxk3rh6kzwq",
        "author": {"did": did, "handle": "fieldnotes.example", "displayName": "Field Notes"},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "New post on the blog",
            "createdAt": "2024-03-01T10:00:00.000Z",
        },
        "replyCount": 0,
        "repostCount": reposts,
        "likeCount": likes,
        "quoteCount": 0,
        "indexedAt": "2024-03-01T10:00:01.000Z",
    }


@dataclass
class Answer:
    """An answer a test imposes on every request under a path: a failure, or a slow one."""

    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_length: bool = True  # False: the body is streamed with no length, to its end


@dataclass
class SocialStub:
    """The three services' state, which tests change between builds."""

    url: str = ""
    latency: float = 0.0  # seconds before every answer
    statuses: dict[str, dict[str, object]] = field(default_factory=dict)  # id -> Status
    dids: dict[str, str] = field(default_factory=dict)  # handle -> DID
    posts: dict[str, dict[str, object]] = field(default_factory=dict)  # AT URI -> postView
    webmentions: dict[str, dict[str, object]] = field(default_factory=dict)  # target -> counts
    imposed: dict[str, Answer] = field(default_factory=dict)  # path prefix -> answer
    # Mastodon's rate limit, once a test sets one (limit_statuses): statuses left in the window.
    statuses_left: int | None = None
    statuses_limit: int = 300
    statuses_reset: str = ""
    requests: list[str] = field(default_factory=list)  # path and query of each request
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_status(self, status_id: str, favourites: int, reblogs: int = 0) -> None:
        self.statuses[status_id] = status(status_id, favourites, reblogs)

    def add_post(self, did: str, rkey: str, likes: int, reposts: int = 0) -> None:
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        self.posts[uri] = post_view(uri, likes, reposts)

    def limit_statuses(self, limit: int, reset: str) -> None:
        """A new rate-limit window for statuses: ``limit`` answers until ``reset`` (ISO 8601)."""
        with self._lock:
            self.statuses_limit, self.statuses_left, self.statuses_reset = limit, limit, reset

    def asked(self, path: str) -> int:
        """How many requests went to paths starting with ``path``."""
        with self._lock:
            return sum(request.startswith(path) for request in self.requests)

    def answer(self, target: str) -> tuple[Answer, bytes]:
        with self._lock:
            self.requests.append(target)
        parts = urlsplit(target)
        for prefix, imposed in self.imposed.items():
            if target.startswith(prefix):
                return imposed, imposed.body
        query = parse_qs(parts.query)
        path = parts.path
        if path.startswith("/api/v1/statuses/"):
            refused, headers = self._count_status()
            found = self.statuses.get(path.rsplit("/", 1)[1])
            if refused:
                answer = _json({"error": "Too many requests"}, 429)
            else:
                answer = _json(found) if found else _json({"error": "Record not found"}, 404)
            answer[0].headers.update(headers)
            return answer
        if path == "/xrpc/com.atproto.identity.resolveHandle":
            did = self.dids.get(query.get("handle", [""])[0])
            if did is None:
                return _json(
                    {"error": "InvalidRequest", "message": "Unable to resolve handle"}, 400
                )
            return _json({"did": did})
        if path == "/xrpc/app.bsky.feed.getPosts":
            uris = query.get("uris", [])
            if len(uris) > GET_POSTS_MAX:
                return _json({"error": "InvalidRequest", "message": "uris too long"}, 400)
            return _json({"posts": [self.posts[uri] for uri in uris if uri in self.posts]})
        if path == "/api/count.json":
            target_url = query.get("target", [""])[0]
            return _json(self.webmentions.get(target_url, {"count": 0, "type": {}}))
        return _json({"error": "not found"}, 404)

    def _count_status(self) -> tuple[bool, dict[str, str]]:
        """Count a status request against the rate limit: whether it is past it, and the
        headers of its answer."""
        with self._lock:
            if self.statuses_left is None:
                return False, {}
            refused = self.statuses_left == 0
            self.statuses_left -= not refused
            return refused, {
                "X-RateLimit-Limit": str(self.statuses_limit),
                "X-RateLimit-Remaining": str(self.statuses_left),
                "X-RateLimit-Reset": self.statuses_reset,
            }


def _json(value: object, status: int = 200) -> tuple[Answer, bytes]:
    body = json.dumps(value).encode()
    return Answer(status, body, {"Content-Type": "application/json; charset=utf-8"}), body


class _Handler(BaseHTTPRequestHandler):
    stub: SocialStub
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        answer, body = self.stub.answer(self.path)
        time.sleep(self.stub.latency + answer.delay)
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if answer.content_length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        # The client may give up (a body too large, a timeout), as a real server sees it.
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def social_stub(latency: float = 0.0) -> Iterator[SocialStub]:
    """The stub services on a free local port, stopped (its threads with it) on exit."""
    stub = SocialStub(latency=latency)
    handler = type("Handler", (_Handler,), {"stub": stub})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    server.daemon_threads = True
    server.block_on_close = False
    stub.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
