"""Count reads of the same articles, asked while one is at the database, answered by one query.

On PostgreSQL a worker waits for the server's answer, and meanwhile parses other readers'
requests; on a page many readers open at once, they ask for the same counts. Each of them waits
for the query in flight to end, then a single query answers all who waited. Nobody is answered
by a query that started before their request arrived, so a shared read is as fresh as a read of
one's own (with ``LIKES_CACHE_MAX_AGE=0`` every count is still read after it was asked for).
Uncached reads of one page on PostgreSQL: docs/performance.md#shared-reads.

A query that fails, or is not answered within ``WAIT_SECONDS``, leaves each reader who waited
for it to read alone, as without sharing.
"""

import threading
from collections.abc import Callable

Read = Callable[[list[str]], dict[str, int]]

# A reader waits this long for a shared query, then reads alone.
WAIT_SECONDS = 5.0


class _Query:
    """One query for a set of slugs: started, or waiting for the one in flight to end."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.counts: dict[str, int] | None = None


class _Slot:
    """The query in flight for a set of slugs, and the next one, which readers join."""

    def __init__(self, running: _Query) -> None:
        self.running = running
        self.next: _Query | None = None


class SharedReads:
    """``read``, with concurrent reads of the same slugs, in the same order, sharing queries."""

    def __init__(self, read: Read, wait: float = WAIT_SECONDS) -> None:
        self._read = read
        self._wait = wait
        self._lock = threading.Lock()
        self._slots: dict[tuple[str, ...], _Slot] = {}

    def counts(self, slugs: list[str]) -> dict[str, int]:
        """The counts of ``slugs``, from a query that started after this call did."""
        key = tuple(slugs)
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                query, ahead, joined = _Query(), None, False
                self._slots[key] = _Slot(query)
            elif slot.next is None:
                query, ahead, joined = _Query(), slot.running, False
                slot.next = query
            else:
                query, ahead, joined = slot.next, None, True
        if joined:
            if query.done.wait(self._wait) and query.counts is not None:
                return dict(query.counts)
            return self._read(slugs)  # failed or late: read alone
        try:
            if ahead is not None:
                ahead.done.wait(self._wait)
            query.counts = self._read(slugs)
            return dict(query.counts)
        finally:
            query.done.set()
            self._finish(key, query)

    def _finish(self, key: tuple[str, ...], query: _Query) -> None:
        """``query`` has ended: the next one, if readers joined it, is now the one in flight."""
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                return
            if slot.running is query:
                if slot.next is None:
                    del self._slots[key]
                else:
                    slot.running, slot.next = slot.next, None
            elif slot.next is query:  # it ran without waiting for a stuck one: join it no more
                slot.next = None
