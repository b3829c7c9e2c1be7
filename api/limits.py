"""Rate limiting of writes per client address, in this process's memory only.

Each gunicorn worker counts on its own (a client may reach ``workers x limit`` in the worst
case); nothing is stored, so addresses never reach the database.
"""

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

import falcon

from pelican_likes.api.clients import Network, client_address

# Clients remembered at once; beyond this the least recently seen is forgotten, which at worst
# hands that client a fresh budget. It bounds each worker's memory (measured:
# docs/performance.md#rate-limiter-memory).
MAX_CLIENTS = 65_536


class RateLimiter:
    """A token bucket per key: ``limit`` actions at once, refilled evenly over ``window`` s."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs at least one action per positive window")
        self.limit = limit
        self._rate = limit / window
        self._max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()  # gthread workers serve requests from several threads

    def acquire(self, key: str) -> float:
        """Spend one action of ``key``: 0 if allowed, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.pop(key, (self.limit, now))
            tokens = min(self.limit, tokens + (now - then) * self._rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self._rate
            self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
            if len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)


class WriteLimit:
    """The budget of likes and unlikes each client address gets; no limiter, no limit."""

    def __init__(self, limiter: RateLimiter | None, trusted_proxies: Iterable[Network]) -> None:
        self._limiter = limiter
        self._trusted = tuple(trusted_proxies)

    def check(self, req: falcon.Request) -> None:
        """Let the write through, or answer 429 saying when the client may try again."""
        if self._limiter is None:
            return
        key = client_address(req.remote_addr, req.get_header("X-Forwarded-For"), self._trusted)
        wait = self._limiter.acquire(key)
        if wait:
            seconds = max(1, math.ceil(wait))
            raise falcon.HTTPTooManyRequests(
                description=f"Too many likes from your address; try again in {seconds} s.",
                retry_after=seconds,
            )
