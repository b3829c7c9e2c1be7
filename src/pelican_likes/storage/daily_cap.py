"""The daily cap on likes per client network and article, kept in the database without addresses.

Every API host must count the same likes, so the count lives in the database; and no address
may, so it is counted under a tally id, ``SHA-256(HMAC-SHA256(day key, network | day) | article
id)`` cut to ``TALLY_ID_LENGTH`` bytes. The day key is ``DAY_KEY_LENGTH`` random bytes made by
the first host to need it that UTC day (an INSERT that loses the race reads the winner's). Once
the day is over its key and tallies are deleted (``forget_past_days``, run by a ``Cleanup``
thread in each API worker): without the key, a copy of the database cannot be searched for an
address by hashing candidates.
"""

import datetime as dt
import hashlib
import hmac
import logging
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy import Connection, exists, select

from pelican_likes.storage.errors import StorageError
from pelican_likes.storage.schema import DAY_KEY_LENGTH, TALLY_ID_LENGTH, daily_keys, daily_tallies
from pelican_likes.storage.statements import day_key_insert

Clock = Callable[[], dt.datetime]

# Seconds between two runs of the cleanup: a past day's key outlives its midnight by at most this.
CLEANUP_INTERVAL = 60

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StaleDayKey(StorageError):
    """The day key a vote was hashed with is no longer the database's (deleted, or remade)."""


@dataclass(frozen=True)
class Ticket:
    """What a like from one network needs to be counted against the day's cap."""

    day: dt.date
    key: bytes = field(repr=False)
    client: bytes = field(repr=False)  # HMAC of the network under the day key: never stored
    limit: int
    retry_after: int  # seconds until the next UTC midnight, when a new day's allowance starts

    def tally_id(self, article_id: int) -> bytes:
        """The stored id of this network's tally of ``article_id``; its twin in SQL is in
        statements.capped_like_statement."""
        digest = hashlib.sha256(self.client + str(article_id).encode())
        return digest.digest()[:TALLY_ID_LENGTH]

    def parameters(self) -> dict[str, object]:
        """The bound parameters of the capped vote statement."""
        return {"day": self.day, "key": self.key, "client": self.client, "limit": self.limit}


class DayKeys:
    """Today's key, read from the database once per process and day, then kept in memory."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self.clock = clock
        self._known: dict[dt.date, bytes] = {}
        self._lock = threading.Lock()

    def today(self) -> dt.date:
        return self.clock().astimezone(dt.UTC).date()

    def ticket(self, network: str, limit: int, fetch: Callable[[dt.date], bytes]) -> Ticket:
        """A ticket for ``network`` (an address, or an IPv6 /64, as text) today; ``fetch`` reads
        or makes the day's key when this process does not know it yet."""
        now = self.clock().astimezone(dt.UTC)
        day = now.date()
        with self._lock:
            key = self._known.get(day)
        if key is None:
            key = fetch(day)
            with self._lock:
                self._known = {day: key}  # yesterday's key is of no more use here
        client = hmac.new(key, f"{network}|{day.isoformat()}".encode(), hashlib.sha256).digest()
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
        retry_after = max(1, int((midnight - now).total_seconds() + 0.999))
        return Ticket(day, key, client, limit, retry_after)

    def forget(self, day: dt.date) -> None:
        """Drop ``day``'s key from memory, so that the next ticket reads it afresh."""
        with self._lock:
            self._known.pop(day, None)


def day_key(conn: Connection, dialect: str, day: dt.date) -> bytes:
    """``day``'s key, made now if no host made it yet: insert-or-nothing, then read, so hosts
    racing at midnight all end up with the one key that won."""
    conn.execute(day_key_insert(dialect), {"day": day, "key": os.urandom(DAY_KEY_LENGTH)})
    key = conn.scalar(select(daily_keys.c.key).where(daily_keys.c.day == day))
    if key is None:  # deleted between the two statements by a cleanup with a clock ahead
        raise StaleDayKey(f"the key of {day} was deleted as it was made")
    return bytes(key)


def forget_past_days(conn: Connection, today: dt.date) -> int:
    """Delete the keys and tallies of every day before ``today``; the number of rows deleted.

    Idempotent, so any number of hosts may run it at once.
    """
    tallies = conn.execute(daily_tallies.delete().where(daily_tallies.c.day < today))
    keys = conn.execute(daily_keys.delete().where(daily_keys.c.day < today))
    return tallies.rowcount + keys.rowcount


def has_past_days(conn: Connection, today: dt.date) -> bool:
    """Whether any key or tally of a day before ``today`` is still stored."""
    old_key = exists().where(daily_keys.c.day < today)
    old_tally = exists().where(daily_tallies.c.day < today)
    return bool(conn.scalar(select(old_key | old_tally)))


class Cleanup:
    """``forget`` (a store's ``forget_past_days``) run every ``interval`` seconds in a daemon
    thread (a greenlet under gevent's patching), for as long as its store is alive.

    Each worker of each host runs one: a DELETE of no rows is an index probe, and a failure (the
    database away) is logged and tried again at the next run. A server's workers end with their
    process; whoever builds apps in a process that goes on (a test) stops theirs, found through
    ``running()``: left going, one deletes past days from a database others go on using.
    """

    _started: ClassVar["weakref.WeakSet[Cleanup]"] = weakref.WeakSet()

    def __init__(self, forget: Callable[[], int], interval: float = CLEANUP_INTERVAL) -> None:
        self._forget = weakref.WeakMethod(forget)  # an unused store is not kept alive by this
        self._interval = interval
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="likes-daily-cleanup", daemon=True)
        self.thread.start()
        Cleanup._started.add(self)

    @classmethod
    def running(cls) -> list["Cleanup"]:
        """The cleanups of this process whose thread has not ended: ``create_app`` keeps none
        where its caller could reach it."""
        return [cleanup for cleanup in list(cls._started) if cleanup.thread.is_alive()]

    def stop(self) -> None:
        """End the thread now, not at its next run, and return once it has ended."""
        self._stop.set()
        self.thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            forget = self._forget()
            if forget is None:
                return
            try:
                forget()
            except StorageError as error:
                log.warning("the daily cap's cleanup failed, tried again in %d s: %s",
                            self._interval, error)  # fmt: skip
            del forget
