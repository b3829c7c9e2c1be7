"""Counts a worker read within the last second, answered again without asking the database.

A popular page is loaded by many readers at once, each asking for the same counts. The database
round trip is most of what a count read costs (measured: docs/performance.md#reads), so each worker
keeps what it read for a moment: never longer than ``LIKES_CACHE_MAX_AGE``, the staleness the API
already allows a CDN. A like or unlike answered by this worker replaces the entry with the fresh
count. Each answer says how old its oldest count is, so that nginx's cache in front of the API
keeps it no longer than its second (``like_counts.NGINX_EXPIRES``).
"""

import threading
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple

# Entries kept at most; past that the cache starts again empty rather than grow with every slug.
MAX_ENTRIES = 10_000


class CachedCounts(NamedTuple):
    """Counts, and the seconds since the oldest of them was read (0 when all were read now)."""

    counts: dict[str, int]
    age: float


class CountCache:
    """Slug -> (count, or None for an unknown slug; when it was read), per worker process."""

    def __init__(
        self,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._max_entries = max_entries
        self._entries: dict[str, tuple[int | None, float]] = {}
        self._lock = threading.Lock()

    def counts(
        self, slugs: Iterable[str], read: Callable[[list[str]], dict[str, int]]
    ) -> CachedCounts:
        """The counts of ``slugs``, reading with ``read`` only those not fresh in the cache."""
        if self._ttl <= 0:  # LIKES_CACHE_MAX_AGE=0: nothing is kept, every count is read
            return CachedCounts(read(list(slugs)), 0.0)
        now = self._clock()
        oldest = now
        found: dict[str, int] = {}
        missing: list[str] = []
        for slug in slugs:
            entry = self._entries.get(slug)
            if entry is not None and entry[1] + self._ttl > now:
                if entry[0] is not None:
                    found[slug] = entry[0]
                oldest = min(oldest, entry[1])
            else:
                missing.append(slug)
        if missing:
            read_now = read(missing)
            found.update(read_now)
            self._keep({slug: read_now.get(slug) for slug in missing}, now)
        return CachedCounts(found, now - oldest)

    def update(self, slug: str, count: int) -> None:
        """Keep the count a write just returned, the freshest there is."""
        self._keep({slug: count}, self._clock())

    def _keep(self, counts: dict[str, int | None], now: float) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            if len(self._entries) + len(counts) > self._max_entries:
                self._entries.clear()
            self._entries.update((slug, (count, now)) for slug, count in counts.items())
