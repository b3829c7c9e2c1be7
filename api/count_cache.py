"""Counts a worker read within the last second, answered again without asking the database.

A popular page is loaded by many readers at once, each asking for the same counts. The database
round trip is most of what a count read costs (measured: docs/performance.md#reads), so each worker
keeps what it read for a moment: never longer than ``LIKES_CACHE_MAX_AGE``, the staleness the API
already allows a CDN. A like or unlike answered by this worker replaces the entry with the fresh
count.
"""

import threading
import time
from collections.abc import Callable, Iterable

# Entries kept at most; past that the cache starts again empty rather than grow with every slug.
MAX_ENTRIES = 10_000


class CountCache:
    """Slug -> (count, or None for an unknown slug; when it expires), per worker process."""

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
    ) -> dict[str, int]:
        """The counts of ``slugs``, reading with ``read`` only those not fresh in the cache."""
        if self._ttl <= 0:  # LIKES_CACHE_MAX_AGE=0: nothing is kept, every count is read
            return read(list(slugs))
        now = self._clock()
        found: dict[str, int] = {}
        missing: list[str] = []
        for slug in slugs:
            entry = self._entries.get(slug)
            if entry is not None and entry[1] > now:
                if entry[0] is not None:
                    found[slug] = entry[0]
            else:
                missing.append(slug)
        if missing:
            read_now = read(missing)
            found.update(read_now)
            self._keep({slug: read_now.get(slug) for slug in missing}, now)
        return found

    def update(self, slug: str, count: int) -> None:
        """Keep the count a write just returned, the freshest there is."""
        self._keep({slug: count}, self._clock())

    def _keep(self, counts: dict[str, int | None], now: float) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            if len(self._entries) + len(counts) > self._max_entries:
                self._entries.clear()
            expires = now + self._ttl
            self._entries.update((slug, (count, expires)) for slug, count in counts.items())
