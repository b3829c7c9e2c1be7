"""The likes each article got where it was shared, for ``stats``, ``report`` and ``social``: read
from the cache the build keeps in Pelican's ``CACHE_PATH`` (pelican_likes.builds.social_cache),
as the build last fetched them. The database never holds them (that module says why)."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pelican_likes.builds.social_cache import SERVICES, SocialCache, cache_file, read_cache

# Column names, in SERVICES' order.
SERVICE_LABELS = {"mastodon": "Mastodon", "bluesky": "Bluesky", "webmention": "Webmentions"}
# Pelican's CACHE_PATH when pelicanconf.py names none, relative to where ``pelican`` runs.
DEFAULT_CACHE = Path("cache")


@dataclass(frozen=True)
class SocialLikes:
    """Each shared article's likes by service, and every service's total over the blog."""

    services: tuple[str, ...]  # the services any article was counted on, in SERVICES' order
    by_slug: Mapping[str, Mapping[str, int]]
    totals: Mapping[str, int]

    @classmethod
    def of_cache(cls, cache: SocialCache) -> "SocialLikes":
        """The likes of each article of ``cache``, summed by service over its posts."""
        by_slug: dict[str, dict[str, int]] = {}
        for slug, article in cache.articles.items():
            counts: dict[str, int] = {}
            for url in article.posts:
                post = cache.posts.get(url)
                if post is not None and post.likes is not None:
                    counts[post.service] = counts.get(post.service, 0) + post.likes
            by_slug[slug] = counts
        services = tuple(s for s in SERVICES if any(s in counts for counts in by_slug.values()))
        totals = {s: sum(counts.get(s, 0) for counts in by_slug.values()) for s in services}
        return cls(services, by_slug, totals)

    def of(self, slug: str) -> dict[str, int]:
        """An article's likes on each service, 0 where it has none."""
        known = self.by_slug.get(slug, {})
        return {service: known.get(service, 0) for service in self.services}


def read_social(cache_folder: Path) -> SocialCache | None:
    """The cache in ``cache_folder``; None if no build wrote one there. Raises UnreadableCache
    (a ValueError naming the file) for a file that is not one."""
    path = cache_file(cache_folder)
    return read_cache(path) if path.exists() else None
