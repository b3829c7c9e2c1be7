"""The one HTTP client of a build's social counts: httpx, with its limits set for a build that
must never wait long on someone else's server.

Every answer is read as a stream and dropped past MAX_BODY; a request that times out or cannot
connect marks its host down for the rest of the build, as does a 429, and each host's first
request is answered before the others are sent, so a build whose network is gone, or whose service
is overloaded, waits for one timeout per host rather than one per post.

A host that says its rate limit is used up (``X-RateLimit-Remaining: 0``, Mastodon's, or
``RateLimit-Remaining: 0``, Bluesky's) is asked no more until the reset it names: Mastodon allows
300 requests in 5 minutes from an address without an account, fewer than a blog with many
shared articles would send.
"""

import asyncio
import email.utils
import json
from datetime import UTC, datetime, timedelta
from importlib.metadata import version

import httpx

from pelican.plugins.likes.settings import LikesSettings

# A status, a page of 25 Bluesky posts or a webmention count is a few KiB; a body past this is
# no answer of the API asked.
MAX_BODY = 256 * 1024
# Requests in flight at once, over every service: enough to fetch 500 posts behind 50 ms of
# latency in about a second (docs/performance.md#social-counts), few enough for any server.
MAX_CONNECTIONS = 16


class FetchProblem(Exception):
    """Why a count could not be fetched, in words for the build's warning."""

    def __init__(self, reason: str, retry_after: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class Fetcher:
    """One build's client: its connection pool, and the hosts it stopped asking."""

    def __init__(self, settings: LikesSettings, now: datetime) -> None:
        self._now = now
        self._default_wait = timedelta(seconds=settings.social_max_age)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.social_timeout, connect=settings.social_connect_timeout),
            limits=httpx.Limits(
                max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS
            ),
            headers={
                "User-Agent": f"pelican-likes/{version('pelican-likes')} (build-time counts)",
                "Accept": "application/json",
            },
            follow_redirects=False,
        )
        self._down: dict[str, FetchProblem] = {}
        # Requests wait here rather than in httpcore's pool, whose every turn walks its whole
        # queue: with 500 requests queued there, that was most of a cold fetch's CPU
        # (docs/performance.md#social-counts).
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
        self._first: dict[str, asyncio.Future[None]] = {}  # each host's first request, answered

    async def close(self) -> None:
        await self._client.aclose()

    async def get_json(self, url: str, params: dict[str, str | list[str]] | None = None) -> object:
        """The JSON answer of a GET to ``url``; raises FetchProblem for anything else.

        The first request to a host goes alone, the others wait for its answer: were they sent
        together, a host that is down would cost every one of them its own failed connection.
        """
        host = httpx.URL(url).netloc.decode("ascii")
        first = self._first.get(host)
        if first is None:
            self._first[host] = asyncio.get_running_loop().create_future()
            try:
                return await self._get_json(host, url, params)
            finally:
                self._first[host].set_result(None)
        await first
        return await self._get_json(host, url, params)

    async def _get_json(
        self, host: str, url: str, params: dict[str, str | list[str]] | None
    ) -> object:
        if host in self._down:
            raise self._down[host]
        try:
            async with self._slots, self._client.stream("GET", url, params=params) as response:
                if response.status_code == 429:
                    wait = _retry_after(response.headers.get("Retry-After"), self._now)
                    until = self._now + wait if wait is not None else self._reset(response)
                    raise self._mark_down(
                        host, FetchProblem(f"rate-limited (429) by {host}", until)
                    )
                if response.status_code != 200:
                    raise FetchProblem(_status_reason(response.status_code))
                body = await _limited_body(response)
                if _limit_used_up(response):
                    self._mark_down(
                        host,
                        FetchProblem(f"{host}'s rate limit used up", self._reset(response)),
                    )
        except httpx.TimeoutException as error:
            raise self._mark_down(host, FetchProblem(f"{host} timed out")) from error
        except httpx.HTTPError as error:
            raise self._mark_down(host, FetchProblem(f"{host} unreachable")) from error
        try:
            return json.loads(body)
        except ValueError as error:
            raise FetchProblem("an answer that is not JSON") from error

    def _reset(self, response: httpx.Response) -> datetime:
        """When a rate-limited host may be asked again: the reset it names, else after
        ``LIKES_SOCIAL_MAX_AGE`` (Mastodon's 429 carries no ``Retry-After``)."""
        value = response.headers.get("X-RateLimit-Reset") or response.headers.get("RateLimit-Reset")
        return _rate_limit_reset(value, self._now) or self._now + self._default_wait

    def _mark_down(self, host: str, problem: FetchProblem) -> FetchProblem:
        self._down.setdefault(host, problem)
        return problem


async def _limited_body(response: httpx.Response) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise FetchProblem(f"an answer over {MAX_BODY // 1024} KiB")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > MAX_BODY:
            raise FetchProblem(f"an answer over {MAX_BODY // 1024} KiB")
    return bytes(body)


def _status_reason(status: int) -> str:
    if status in (404, 410):
        return f"not found ({status}: deleted?)"
    if status in (401, 403):
        return f"refused ({status}: not public?)"
    return f"HTTP {status}"


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After`` as a wait: seconds, or an HTTP date (RFC 9110); None if neither."""
    if not value:
        return None
    if value.strip().isdigit():
        return timedelta(seconds=int(value.strip()))
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(moment - now, timedelta(0))


def _limit_used_up(response: httpx.Response) -> bool:
    remaining = response.headers.get("X-RateLimit-Remaining") or response.headers.get(
        "RateLimit-Remaining"
    )
    return remaining is not None and remaining.strip() == "0"


# Below this, a reset in whole seconds is a wait (the IETF draft's RateLimit-Reset); above, a
# Unix time (Bluesky's).
_UNIX_TIME_FROM = 1_000_000_000


def _rate_limit_reset(value: str | None, now: datetime) -> datetime | None:
    """A rate limit's reset as a moment: an ISO 8601 time (Mastodon's), a Unix time, or seconds
    from now; None if it is none of them, or past."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = int(value)
        if seconds >= _UNIX_TIME_FROM:
            try:
                moment = datetime.fromtimestamp(seconds, UTC)
            except (OverflowError, OSError, ValueError):  # past the year 9999
                return None
        else:
            moment = now + timedelta(seconds=seconds)
    else:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    return moment if moment > now else None


def whole_count(value: object) -> int:
    """A count from an answer; FetchProblem if it is none (garbage in the right shape)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise FetchProblem(f"an answer without its counts ({value!r})")
