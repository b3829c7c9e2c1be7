"""Every read and write of likes: atomic in the database, never read-then-written in Python.

``LikeStore`` is the list of what storage does; each verb calls the module that owns its concern.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Unpack

from sqlalchemy import Engine, select

from pelican_likes.storage import (
    counts,
    daily_cap,
    flood,
    registry,
    renames,
    votes,
)
from pelican_likes.storage.daily_cap import Clock, DayKeys, utc_now
from pelican_likes.storage.database import PoolOptions, make_engine
from pelican_likes.storage.engines import StoreEngines
from pelican_likes.storage.errors import (
    ArticleClosed,
    DailyLimitReached,
    StorageError,
    StorageUnavailable,
    UnknownArticle,
)
from pelican_likes.storage.exchange import Imported, ImportRefused, Record
from pelican_likes.storage.flood import ANY_TIME, Period, Removal, Window
from pelican_likes.storage.records import (
    ArticleAddress,
    ArticleInfo,
    ArticleSummary,
    LikeState,
    Renamed,
)
from pelican_likes.storage.renames import RenameRefused
from pelican_likes.storage.schema import COUNTER_SLOTS, articles

__all__ = [
    "ArticleAddress",
    "ArticleClosed",
    "ArticleInfo",
    "ArticleSummary",
    "DailyLimitReached",
    "ImportRefused",
    "Imported",
    "LikeState",
    "LikeStore",
    "Removal",
    "RenameRefused",
    "Renamed",
    "StorageError",
    "StorageUnavailable",
    "UnknownArticle",
    "Window",
]


class LikeStore:
    """The likes of every article in one database, shared safely by threads and workers."""

    # How many counter rows an article's likes are spread over, so that a viral article's writers
    # do not all queue on one row (bench/hot_article.py). Reads sum every slot, so a subclass with
    # fewer (that benchmark measures one) still counts exactly.
    counter_slots = COUNTER_SLOTS

    def __init__(self, engine: Engine, autocommit: Engine, *, clock: Clock = utc_now) -> None:
        """``engine`` runs transactions, ``autocommit`` (an engine of its own on the same
        database, whose connections commit each statement) reads and one-statement writes: see
        engines.StoreEngines. ``clock`` tells the UTC day of the daily cap."""
        self.engine = engine
        self._engines = StoreEngines(engine, autocommit)
        self._day_keys = DayKeys(clock)

    @classmethod
    def from_url(
        cls, url: str, *, clock: Clock = utc_now, **engine_options: Unpack[PoolOptions]
    ) -> "LikeStore":
        """A store on its own pooled engines for ``url``; the autocommit one's connections are
        not pinged before use (a dropped one is retried instead: StoreEngines.statement)."""
        return cls(
            make_engine(url, **engine_options),
            make_engine(url, isolation_level="AUTOCOMMIT", pre_ping=False, **engine_options),
            clock=clock,
        )

    def connect(self) -> None:
        """Open a pooled connection on each engine now, so that the first statements do not wait
        for them (the build's storage process does this while Pelican reads the articles)."""
        self._engines.connect()

    def dispose(self) -> None:
        """Close every pooled connection (the store opens new ones if used again)."""
        self._engines.dispose()

    def __enter__(self) -> "LikeStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        """A store used for one task (a command) closes its connections when the task ends."""
        self.dispose()

    def like(
        self, slug: str, voter: str, *, network: str | None = None, daily_limit: int = 0
    ) -> LikeState:
        """Record that ``voter`` likes ``slug``; liking twice changes nothing.

        With a ``daily_limit``, ``network`` (the client's address, or its IPv6 /64) may add at
        most that many likes to the article per UTC day, on every host sharing this database;
        DailyLimitReached refuses the next, recording nothing. A clock more than CLOCK_SKEW
        behind the host that forgot its day gets StorageUnavailable (daily_cap.DayForgotten).
        """
        slot = votes.any_slot(self.counter_slots)
        if network is None or daily_limit <= 0:
            return votes.vote(self._engines, slug, voter, liked=True, slot=slot)
        return votes.capped_like(
            self._engines,
            self._day_keys,
            slug,
            voter,
            network=network,
            limit=daily_limit,
            slot=slot,
        )

    def unlike(self, slug: str, voter: str) -> LikeState:
        """Withdraw ``voter``'s like of ``slug``; withdrawing a missing like changes nothing."""
        slot = votes.any_slot(self.counter_slots)
        return votes.vote(self._engines, slug, voter, liked=False, slot=slot)

    def state(self, slug: str, voter: str) -> LikeState:
        """The count of ``slug`` and whether ``voter`` likes it, without changing anything."""
        return self._engines.statement(lambda conn: counts.like_state(conn, slug, voter))

    def counts(self, slugs: Iterable[str]) -> dict[str, int]:
        """The counts of many articles; unknown slugs are left out, former slugs of renamed
        articles answer with their article's count (looked up only for slugs no article has)."""
        wanted = sorted(set(slugs))
        if not wanted:
            return {}
        dialect = self._engines.autocommit.dialect
        return self._engines.driver_reads(lambda rows: counts.slug_counts(rows, dialect, wanted))

    def register(self, items: Iterable[ArticleInfo]) -> None:
        """Create or update many articles at once, open to likes (reopened if they were closed);
        a rebuild of an unchanged blog writes nothing. A URL without a host (a local build's)
        never replaces one with a host (the production build's): see rules.py.

        A slug registered again after it became a former slug is an article's own once more
        (articles come first when slugs are looked up: see aliases.py).
        """
        rows = registry.registration(items)
        if rows:
            with self._engines.transaction() as conn:
                registry.register(conn, self._engines.dialect, rows)

    def close_likes(self, slugs: Iterable[str]) -> None:
        """Refuse new likes and unlikes of these registered articles from now on, keeping their
        counts; slugs never registered are left out (a draft need not exist here)."""
        wanted = sorted(set(slugs))
        if wanted:
            with self._engines.transaction() as conn:
                registry.close_likes(conn, wanted)

    def set_base_likes(self, base: Mapping[str, int], *, dry_run: bool = False) -> None:
        """Carry counts over from an older system: all of them, or none if a slug is unknown.
        Each replaces the article's base, so importing a file again changes nothing. ``dry_run``
        checks the same and changes nothing."""
        registry.check_base_likes(base)
        if not base:
            return
        if dry_run:
            self._engines.statement(lambda conn: registry.check_registered(conn, base))
            return
        with self._engines.transaction(immediate=True) as conn:
            registry.set_base_likes(conn, base)

    def addresses(self) -> list[ArticleAddress]:
        """Every registered article's slug, URL and former slugs: what counts kept by another
        system under page addresses are matched against."""
        return self._engines.statement(registry.addresses)

    def articles(self) -> list[ArticleSummary]:
        """Every registered article with its count, most liked first."""
        return self._engines.statement(counts.summaries)

    def recount(self) -> int:
        """Rebuild every article's counters from its like rows; return how many counts changed.

        Counters only move with the rows, so they drift only if rows are deleted or added by
        hand (say, to remove a flood of likes found in the logs). Writes wait meanwhile.
        """
        with self._engines.transaction() as conn:
            return counts.recount(conn, self._engines.dialect)

    def rename(self, old: str, new: str, *, dry_run: bool = False) -> Renamed:
        """Give ``old``'s likes to ``new``, in one transaction, their readers still recognised
        (one who liked both counts twice: renames._merge); ``old`` then answers with ``new``'s
        count, so cached pages still work.

        If ``new`` is not registered, ``old`` simply takes that name. ``dry_run`` reports the
        same outcome and changes nothing.
        """
        dialect = self._engines.dialect
        return self._engines.change(
            lambda conn: renames.rename(conn, dialect, old, new), dry_run=dry_run
        )

    def adopt_former_slugs(
        self, former: Sequence[tuple[str, str]]
    ) -> list[Renamed | RenameRefused]:
        """The build's renames, (old, new) pairs from frontmatter, in one transaction: pairs
        whose old slug was never registered are left out, refused ones returned as the error."""
        if not former:
            return []
        with self._engines.votes_waiting() as conn:
            return renames.adopt(conn, self._engines.dialect, former)

    def likes_per_period(
        self, slug: str, by: Period, window: Window = ANY_TIME
    ) -> list[tuple[datetime, int]]:
        """The likes of ``slug`` per UTC hour or day of ``window``, to see a flood (flood.py)."""
        dialect = self._engines.dialect
        return self._engines.statement(
            lambda conn: flood.likes_per_period(conn, dialect, slug, by, window)
        )

    def remove_likes(self, slug: str, window: Window, *, dry_run: bool = False) -> Removal:
        """Delete the likes of ``slug`` recorded in ``window`` and lower its count by as many, in
        one transaction; votes wait meanwhile. ``dry_run`` reports the same and changes nothing.
        """
        dialect = self._engines.dialect
        return self._engines.change(
            lambda conn: flood.remove_likes(conn, dialect, slug, window), dry_run=dry_run
        )

    def export(self) -> Iterator[Record]:
        """Every article, former slug, merged id and like row, as records (exchange.py), read
        in one snapshot while likes go on; like rows streamed, a batch in memory at a time."""
        from pelican_likes.storage import exports  # here, not above: see import_records

        with self._engines.snapshot() as conn:
            yield from exports.records(conn)

    def import_records(self, stream: Iterable[Record], *, dry_run: bool = False) -> Imported:
        """Merge an export's records into this database, in one transaction that votes wait
        for: all of them, or none if one is refused (ImportRefused). Importing the same records
        again changes nothing; counts are rebuilt from the rows, never read (imports.py).
        ``dry_run`` reports the same outcome and changes nothing."""
        # Imported here, as exports above: both check the schema's revision with Alembic, which
        # the API never needs; imported with the store, it cost every API worker 10 MiB.
        from pelican_likes.storage import imports

        dialect = self._engines.dialect
        return self._engines.change(
            lambda conn: imports.merge(conn, dialect, stream, dry_run=dry_run), dry_run=dry_run
        )

    def forget_past_days(self) -> int:
        """Delete the daily cap's keys and tallies of every day over for a clock CLOCK_SKEW (5
        minutes) behind the store's; the number of rows deleted. The API runs this by itself,
        and no key of those days is made again (daily_cap.py)."""
        first_kept = self._day_keys.first_kept_day()
        dialect = self._engines.dialect
        return self._engines.statement(
            lambda conn: daily_cap.forget_past_days(conn, dialect, first_kept)
        )

    def holds_past_days(self) -> bool:
        """Whether a key or tally of a day before today is still stored (past days are
        deleted CLOCK_SKEW after their midnight)."""
        today = self._day_keys.today()
        return self._engines.statement(lambda conn: daily_cap.has_past_days(conn, today))

    def ping(self) -> None:
        """Raise StorageUnavailable unless the database answers and has the likes tables."""
        self._engines.statement(lambda conn: conn.execute(select(articles.c.id).limit(1)))
