"""The social counts a build fetched, kept in Pelican's ``CACHE_PATH`` as ``likes-social.json``:
each post's counts with the time they were fetched, and which articles were shared where.

Builds read it to fetch only what is older than ``LIKES_SOCIAL_MAX_AGE`` and to keep the last
known count when a service fails; ``pelican-likes social`` and ``stats`` read it to show the
author where each article was liked. It holds counts only, never who liked.

A file, not the likes database: a rebuild with a warm cache then touches neither the network
nor the database for social counts, and the build's database exchange stays the one it was
(pelican_likes.builds.unchanged answers unchanged rebuilds from the driver alone).
"""

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

FILE_NAME = "likes-social.json"
FORMAT = 1

SERVICES = ("mastodon", "bluesky", "webmention")


@dataclass(frozen=True)
class PostCounts:
    """One post's public counts, as last fetched; None where never fetched."""

    service: str  # one of SERVICES
    url: str  # the post's page (for webmention.io, the article's own URL)
    likes: int | None = None
    reposts: int | None = None
    fetched_at: datetime | None = None
    # Not asked again before this time: the service answered 429 with Retry-After.
    retry_after: datetime | None = None
    # Bluesky's at:// URI once the post's handle is resolved, so that it is resolved once.
    uri: str | None = None


@dataclass(frozen=True)
class SharedArticle:
    """Where an article was shared: its recognised posts' URLs, and links not recognised."""

    slug: str
    title: str
    posts: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


@dataclass
class SocialCache:
    """The whole file: posts by URL, shared articles by slug."""

    posts: dict[str, PostCounts] = field(default_factory=dict)
    articles: dict[str, SharedArticle] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "posts": {url: _post_json(post) for url, post in sorted(self.posts.items())},
                "articles": {slug: asdict(a) for slug, a in sorted(self.articles.items())},
            },
            indent=1,
            ensure_ascii=False,
        )


class UnreadableCache(ValueError):
    """The cache file exists but is not one this version wrote."""


def cache_file(cache_path: str | os.PathLike[str]) -> Path:
    """The file in Pelican's ``CACHE_PATH`` folder."""
    return Path(cache_path) / FILE_NAME


def read_cache(path: Path) -> SocialCache:
    """The cache at ``path``; empty if there is none yet. Raises UnreadableCache, naming the
    file, if it cannot be read as one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return SocialCache()
    except (OSError, UnicodeDecodeError) as error:
        raise UnreadableCache(f"{path}: {error}") from error
    try:
        data = json.loads(text)
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise ValueError(f"not format {FORMAT}")
        posts = {url: _post(value) for url, value in data["posts"].items()}
        articles = {slug: _article(value) for slug, value in data["articles"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnreadableCache(f"{path}: {error}") from error
    return SocialCache(posts, articles)


def write_cache(path: Path, cache: SocialCache) -> None:
    """Write ``cache`` to ``path`` whole or not at all (a build killed mid-write leaves the
    previous file), creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=".likes-social-", delete=False
    ) as file:
        file.write(cache.to_json())
    os.replace(file.name, path)


def _post_json(post: PostCounts) -> dict[str, object]:
    data = asdict(post)
    for name in ("fetched_at", "retry_after"):
        moment = data[name]
        data[name] = moment.isoformat() if moment else None
    return data


def _post(data: Mapping[str, object]) -> PostCounts:
    service = data["service"]
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    return PostCounts(
        service=str(service),
        url=str(data["url"]),
        likes=_count(data.get("likes")),
        reposts=_count(data.get("reposts")),
        fetched_at=_moment(data.get("fetched_at")),
        retry_after=_moment(data.get("retry_after")),
        uri=str(data["uri"]) if data.get("uri") else None,
    )


def _article(data: Mapping[str, object]) -> SharedArticle:
    posts, links = data.get("posts", []), data.get("links", [])
    if not isinstance(posts, list) or not isinstance(links, list):
        raise ValueError("posts and links are lists")
    return SharedArticle(
        slug=str(data["slug"]),
        title=str(data.get("title", "")),
        posts=tuple(map(str, posts)),
        links=tuple(map(str, links)),
    )


def _count(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"a count is a whole number, not {value!r}")
    return value


def _moment(value: object) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment
