"""Where an article says it was shared: the IndieWeb ``syndication`` field (a URL or a list),
and ``mastodon`` and ``bluesky`` (one URL each), read as the posts each service can count.

A URL none of them matches is kept as a plain link beside the counts, and named in one warning.
"""

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

# Frontmatter fields, in the order their URLs are shown.
FIELDS = ("syndication", "mastodon", "bluesky")

# Mastodon's two public forms of a status URL: /@user/123 (also /@user@remote.host/123, a
# remote account's status seen on this instance), and ActivityPub's /users/user/statuses/123.
_MASTODON_PATHS = (
    re.compile(r"/@[^/@\s]+(?:@[^/\s]+)?/(\d+)/?"),
    re.compile(r"/users/[^/\s]+/statuses/(\d+)/?"),
)
# bsky.app/profile/<handle or DID>/post/<record key>
_BLUESKY_HOSTS = ("bsky.app", "www.bsky.app")
_BLUESKY_PATH = re.compile(r"/profile/([^/\s]+)/post/([A-Za-z0-9._:~-]{1,512})/?")


@dataclass(frozen=True)
class Post:
    """A post a service can count: ``key`` is what its API is asked about."""

    service: str  # "mastodon", "bluesky" or "webmention"
    url: str  # as written in the frontmatter (or the article's URL, for webmention.io)
    host: str = ""  # Mastodon: the instance the status is asked of
    key: str = ""  # Mastodon: the status id; Bluesky: the handle or DID; webmention: the target
    rkey: str = ""  # Bluesky: the post's record key


def recognised(url: str) -> Post | None:
    """The post at ``url``, or None if it is no Mastodon status or Bluesky post."""
    parts = _web_address(url)
    if parts is None:
        return None
    host = parts.netloc.lower()
    if parts.hostname in _BLUESKY_HOSTS:
        found = _BLUESKY_PATH.fullmatch(parts.path)
        if found:
            actor = found[1] if found[1].startswith("did:") else found[1].lower()  # DIDs keep case
            return Post("bluesky", url.strip(), key=actor, rkey=found[2])
        return None
    for pattern in _MASTODON_PATHS:
        found = pattern.fullmatch(parts.path)
        if found:
            return Post("mastodon", url.strip(), host=host, key=found[1])
    return None


def shared_urls(metadata: dict[str, object]) -> list[str]:
    """The URLs of an article's ``syndication``, ``mastodon`` and ``bluesky`` fields, each once:
    lists as written, text split at whitespace and commas (a Pelican-native metadata line)."""
    urls: list[str] = []
    for name in FIELDS:
        value = metadata.get(name)
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if isinstance(item, str):
                urls.extend(u for u in re.split(r"[\s,]+", item) if u and u not in urls)
    return urls


def shared_posts(metadata: dict[str, object]) -> tuple[list[Post], list[str], list[str]]:
    """The posts an article was shared in, the web addresses recognised as none (plain links),
    and what is no web address at all (left out: a ``javascript:`` link would run in the page).
    A URL under ``mastodon`` or ``bluesky`` must be that service's."""
    posts, links, ignored = [], [], []
    expected = {
        url: name for name in ("mastodon", "bluesky") if isinstance(url := metadata.get(name), str)
    }
    for url in shared_urls(metadata):
        post = recognised(url)
        if post is not None and expected.get(url, post.service) == post.service:
            posts.append(post)
        elif _web_address(url):
            links.append(url)
        else:
            ignored.append(url)
    return posts, links, ignored


def _web_address(url: str) -> SplitResult | None:
    """The parts of ``url`` if it is an http(s) address with a host, else None."""
    parts = urlsplit(url.strip())
    return parts if parts.scheme in ("http", "https") and parts.hostname else None


def webmention_target(article_url: str) -> Post:
    """The article's own URL, as a webmention.io target."""
    return Post("webmention", article_url, key=article_url)
