"""Counts a worker read in the current second, answered again without asking the database.

A popular page is loaded by many readers at once, each asking for the same counts. The database
round trip is most of what a count read costs (measured: docs/performance.md#reads), so each worker
keeps what it read for a moment: never longer than ``LIKES_CACHE_MAX_AGE``, the staleness the API
already allows a CDN. A like or unlike answered by this worker replaces the entry with the fresh
count.

Entries last until the end of the clock's second they were read in, not a second from their read:
nginx's cache counts in the same seconds (``like_counts.NGINX_EXPIRES``), so that a renewal in a
new second always finds the database. With a second from each read, the workers' copies from the
second before made nginx renew 21 times a second instead of once (docs/performance.md#nginxs-cache).
The wall clock, then: set back or forward, it only empties the cache (an entry matches one second).
"""

import threading
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple

# Entries kept at most; past that the cache starts again empty rather than grow with every slug.
MAX_ENTRIES = 10_000


class CachedCounts(NamedTuple):
    """Counts, and a time (the cache's clock) no earlier than the oldest of them was read."""

    counts: dict[str, int]
    read_since: float


class CountCache:
    """Slug -> (count, or None for an unknown slug; the window it was read in), per worker process;
    a window is ``ttl`` seconds of the clock, a second by default."""

    def __init__(
        self,
        ttl: float,
        clock: Callable[[], float] = time.time,
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
        """The counts of ``slugs``, reading with ``read`` only those not kept in this window."""
        now = self._clock()
        if self._ttl <= 0:  # LIKES_CACHE_MAX_AGE=0: nothing is kept, every count is read
            return CachedCounts(read(list(slugs)), now)
        window = now // self._ttl
        found: dict[str, int] = {}
        missing: list[str] = []
        for slug in slugs:
            entry = self._entries.get(slug)
            if entry is not None and entry[1] == window:
                if entry[0] is not None:
                    found[slug] = entry[0]
            else:
                missing.append(slug)
        if missing:
            read_now = read(missing)
            found.update(read_now)
            self._keep({slug: read_now.get(slug) for slug in missing}, window)
        return CachedCounts(found, window * self._ttl)

    def update(self, slug: str, count: int) -> None:
        """Keep the count a write just returned, the freshest there is."""
        if self._ttl > 0:
            self._keep({slug: count}, self._clock() // self._ttl)

    def _keep(self, counts: dict[str, int | None], window: float) -> None:
        with self._lock:
            if len(self._entries) + len(counts) > self._max_entries:
                self._entries.clear()
            self._entries.update((slug, (count, window)) for slug, count in counts.items())
