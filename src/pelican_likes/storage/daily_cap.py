"""The daily cap on likes per client network and article, kept in the database without addresses.

Every API host must count the same likes, so the count lives in the database; and no address
may, so it is counted under a tally id, ``SHA-256(HMAC-SHA256(day key, network | day) | article
id)`` cut to ``TALLY_ID_LENGTH`` bytes. The day key is ``DAY_KEY_LENGTH`` random bytes made by
the first host to need it that UTC day (an INSERT that loses the race reads the winner's). Once
the day is over its key and tallies are deleted (``forget_past_days``, run by a ``Cleanup``
thread in each API worker): without the key, a copy of the database cannot be searched for an
address by hashing candidates.

Hosts' clocks differ, so a day is forgotten only once it is over for a clock ``CLOCK_SKEW``
behind the forgetting host's: until then a slower host may still be counting under its key.
A forgotten day keeps its row with the key blanked (``FORGOTTEN_DAY_KEY``), and no key is made
for it or for any day before it again: a host further behind than that, which would otherwise
make the day a fresh key and with it a fresh allowance, is refused (``DayForgotten``, the API's
503) until its clock reaches a day not forgotten. The row, rather than a rule such as "no key
older than the newest", is what makes this hold against a host making the key at the moment
the day is forgotten: both write the same primary key, so one of them waits for the other and
finds its row. Only the newest forgotten day's row is kept; it stands for every day before it.
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

from sqlalchemy import Connection, Date, exists, literal, select, update

from pelican_likes.storage.errors import StorageError, StorageUnavailable
from pelican_likes.storage.schema import (
    DAY_KEY_LENGTH,
    FORGOTTEN_DAY_KEY,
    TALLY_ID_LENGTH,
    daily_keys,
    daily_tallies,
)
from pelican_likes.storage.statements import day_key_insert, forgotten_day_insert, forgotten_since

Clock = Callable[[], dt.datetime]

# How far behind the forgetting host's clock another host's may be and still find the key of the
# day it is in: a past day's key outlives its midnight by this, plus CLEANUP_INTERVAL.
CLOCK_SKEW = dt.timedelta(minutes=5)

# Seconds between two runs of the cleanup.
CLEANUP_INTERVAL = 60

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StaleDayKey(StorageError):
    """The day key a vote was hashed with is no longer the database's (deleted, or remade)."""


class DayForgotten(StorageUnavailable):
    """The key of a day already forgotten was asked for: this host's clock is more than
    CLOCK_SKEW behind the one that forgot it."""


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

    def first_kept_day(self) -> dt.date:
        """The oldest day another host may still be in: today by a clock CLOCK_SKEW behind."""
        return (self.clock() - CLOCK_SKEW).astimezone(dt.UTC).date()

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
    racing at midnight all end up with the one key that won. DayForgotten if ``day`` is over
    for the hosts that forgot it."""
    conn.execute(day_key_insert(dialect), {"day": day, "key": os.urandom(DAY_KEY_LENGTH)})
    key = conn.scalar(select(daily_keys.c.key).where(daily_keys.c.day == day))
    if key is not None and bytes(key) != FORGOTTEN_DAY_KEY:
        return bytes(key)
    if key is None and not conn.scalar(select(forgotten_since(literal(day, Date)))):
        raise StaleDayKey(f"the key of {day} was deleted as it was made")  # by hand: a fault
    raise DayForgotten(
        f"the daily cap's key of {day} is deleted: this host's clock is behind the database's"
    )


def forget_past_days(conn: Connection, dialect: str, first_kept: dt.date) -> int:
    """Delete the keys and tallies of every day before ``first_kept``, leaving the last of those
    days marked forgotten; the number of keys and tallies deleted.

    Idempotent, so any number of hosts may run it at once; each statement commits on its own,
    the mark first, so that from then on no key of those days can be made.
    """
    last_forgotten = first_kept - dt.timedelta(days=1)
    conn.execute(forgotten_day_insert(dialect), {"day": last_forgotten})
    blanked = conn.execute(
        update(daily_keys)
        .where(daily_keys.c.day < first_kept, daily_keys.c.key != FORGOTTEN_DAY_KEY)
        .values(key=FORGOTTEN_DAY_KEY)
    )
    conn.execute(daily_keys.delete().where(daily_keys.c.day < last_forgotten))
    tallies = conn.execute(daily_tallies.delete().where(daily_tallies.c.day < first_kept))
    return blanked.rowcount + tallies.rowcount


def has_past_days(conn: Connection, today: dt.date) -> bool:
    """Whether any key or tally of a day before ``today`` is still stored."""
    old_key = exists().where(daily_keys.c.day < today, daily_keys.c.key != FORGOTTEN_DAY_KEY)
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
