"""Every read and write of likes: atomic in the database, never read-then-written in Python."""

import functools
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import Connection, Engine, Select, bindparam, exists, func, select, text, true
from sqlalchemy.exc import DBAPIError

from pelican_likes.storage.aliases import article_by_slug, counts_by_former_slug
from pelican_likes.storage.connections import connected, driver_rows
from pelican_likes.storage.daily_cap import (
    Clock,
    DayKeys,
    StaleDayKey,
    Ticket,
    day_key,
    forget_past_days,
    has_past_days,
    utc_now,
)
from pelican_likes.storage.database import make_engine
from pelican_likes.storage.errors import (
    ArticleClosed,
    DailyLimitReached,
    StorageError,
    StorageUnavailable,
    UnknownArticle,
)
from pelican_likes.storage.flood import (
    ANY_TIME,
    Period,
    Removal,
    Window,
    likes_per_period,
    remove_likes,
)
from pelican_likes.storage.records import ArticleInfo, Renamed
from pelican_likes.storage.renames import RenameRefused, lock_out_votes, rename
from pelican_likes.storage.schema import (
    COUNTER_SLOTS,
    MAX_LIKES,
    articles,
    like_counters,
    likes,
)
from pelican_likes.storage.slugs import is_valid_slug
from pelican_likes.storage.sqlite_votes import run, spend, vote_statements
from pelican_likes.storage.statements import (
    capped_like_statement,
    counts_by_own_slug,
    counts_query,
    rebuilt_counters,
    upsert_articles,
    vote_statement,
)

T = TypeVar("T")

__all__ = [
    "ArticleClosed",
    "ArticleInfo",
    "ArticleSummary",
    "DailyLimitReached",
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


@dataclass(frozen=True)
class ArticleSummary:
    """An article as the command line lists it."""

    slug: str
    title: str
    url: str
    likes: int


@dataclass(frozen=True)
class LikeState:
    """An article's count and whether the asking voter is among those who like it."""

    slug: str
    likes: int
    liked: bool


class LikeStore:
    """The likes of every article in one database, shared safely by threads and workers."""

    # How many counter rows an article's likes are spread over, so that a viral article's writers
    # do not all queue on one row (bench/hot_article.py). Reads sum every slot, so a subclass with
    # fewer (that benchmark measures one) still counts exactly.
    counter_slots = COUNTER_SLOTS

    def __init__(self, engine: Engine, autocommit: Engine, *, clock: Clock = utc_now) -> None:
        """``engine`` runs transactions; ``autocommit``, an engine on the same database whose
        connections commit each statement, runs reads and one-statement writes, which then need
        no BEGIN/COMMIT round trips. It must be an engine of its own, not ``engine`` switched per
        checkout: switching back fails on a connection the server dropped, and the pool then
        loses that slot for good (seen in tests/faults during a PostgreSQL restart). ``clock``
        tells the UTC day of the daily cap.
        """
        self.engine = engine
        self._autocommit = autocommit
        self._dialect = engine.dialect.name
        self._day_keys = DayKeys(clock)

    @classmethod
    def from_url(cls, url: str, *, clock: Clock = utc_now, **engine_options: int) -> "LikeStore":
        """A store on its own pooled engines for ``url``; the autocommit one's connections are
        not pinged before use (a dropped one is retried instead, see ``_statement``)."""
        return cls(
            make_engine(url, **engine_options),
            make_engine(url, isolation_level="AUTOCOMMIT", pre_ping=False, **engine_options),
            clock=clock,
        )

    def connect(self) -> None:
        """Open a pooled connection on each engine now, so that the first statements do not wait
        for them (the build's storage process does this while Pelican reads the articles)."""
        for engine in (self.engine, self._autocommit):
            with connected(engine):
                pass

    def dispose(self) -> None:
        """Close every pooled connection (the store opens new ones if used again)."""
        self.engine.dispose()
        self._autocommit.dispose()

    def like(
        self, slug: str, voter: str, *, network: str | None = None, daily_limit: int = 0
    ) -> LikeState:
        """Record that ``voter`` likes ``slug``; liking twice changes nothing.

        With a ``daily_limit``, ``network`` (the client's address, or its IPv6 /64) may add at
        most that many likes to the article per UTC day, on every host sharing this database;
        DailyLimitReached refuses the next, recording nothing.
        """
        if network is None or daily_limit <= 0:
            return self._vote(slug, voter, liked=True)
        for _ in range(2):  # once more if the day's key was deleted or remade meanwhile
            try:
                ticket = self._day_keys.ticket(network, daily_limit, self._day_key)
                return self._vote(slug, voter, liked=True, ticket=ticket)
            except StaleDayKey:
                self._day_keys.forget(self._day_keys.today())
        raise StorageUnavailable("the daily cap's key of today keeps changing; try again")

    def unlike(self, slug: str, voter: str) -> LikeState:
        """Withdraw ``voter``'s like of ``slug``; withdrawing a missing like changes nothing."""
        return self._vote(slug, voter, liked=False)

    def state(self, slug: str, voter: str) -> LikeState:
        """The count of ``slug`` and whether ``voter`` likes it, without changing anything."""
        voted = exists().where(likes.c.article_id == articles.c.id, likes.c.voter == voter)
        named = select(article_by_slug().subquery().c.id)
        query = counts_query().add_columns(voted.label("liked")).where(articles.c.id.in_(named))
        found = self._statement(lambda conn: conn.execute(query, {"slug": slug}).first())
        if found is None:
            raise UnknownArticle(slug)
        return LikeState(slug, found.likes, found.liked)

    def counts(self, slugs: Iterable[str]) -> dict[str, int]:
        """The counts of many articles; unknown slugs are left out, former slugs of renamed
        articles answer with their article's count (looked up only for slugs no article has)."""
        wanted = sorted(set(slugs))
        if not wanted:
            return {}

        def read(conn: Connection) -> dict[str, int]:
            found = dict(driver_rows(conn, *self._counts_sql(counts_by_own_slug, wanted)))
            if missing := [slug for slug in wanted if slug not in found]:
                found.update(driver_rows(conn, *self._counts_sql(counts_by_former_slug, missing)))
            return found

        return self._statement(read)

    def _counts_sql(
        self, query: Callable[[], Select], slugs: list[str]
    ) -> tuple[str, tuple | dict]:
        """``query()`` for ``slugs``, as the SQL and parameters its driver takes."""
        sql, constants, slug_names, order = self._compiled_counts(query, len(slugs))
        named = {**constants, **dict(zip(slug_names, slugs, strict=True))}
        return sql, tuple(named[name] for name in order) if order else named

    @functools.lru_cache(maxsize=128)  # noqa: B019 - one store per process, kept for its life
    def _compiled_counts(
        self, query: Callable[[], Select], how_many: int
    ) -> tuple[str, dict, list[str], tuple[str, ...] | None]:
        """A counts query for ``how_many`` slugs, compiled once: SQLAlchemy would otherwise look
        it up and expand its IN lists at every request, a third of a read's time (profiled).
        Returns the SQL, its parameters' values other than the slugs, the slugs' parameter names
        in order, and for a driver taking positional parameters every name in order."""
        compiled = query().compile(dialect=self._autocommit.dialect)
        markers = {f"\0{n}": n for n in range(how_many)}  # a dict: a build asks for 5,000
        expanded = compiled.construct_expanded_state({"slugs": list(markers)})
        slug_names = sorted(
            (name for name, value in expanded.parameters.items() if value in markers),
            key=lambda name: markers[expanded.parameters[name]],
        )
        constants = {k: v for k, v in expanded.parameters.items() if k not in slug_names}
        order = tuple(expanded.positiontup) if compiled.positional else None
        return expanded.statement, constants, slug_names, order

    def register(self, items: Iterable[ArticleInfo]) -> None:
        """Create or update many articles at once, open to likes (reopened if they were closed);
        a rebuild of an unchanged blog writes nothing. A URL without a host (a local build's)
        never replaces one with a host (the production build's).

        A slug registered again after it became a former slug is an article's own once more
        (articles come first when slugs are looked up: see aliases.py).
        """
        rows = {item.slug: item.fitted() for item in items}
        invalid = sorted(slug for slug in rows if not is_valid_slug(slug))
        if invalid:
            raise ValueError(f"invalid article slug(s): {', '.join(map(repr, invalid))}")
        if not rows:
            return
        values = [{"slug": i.slug, "title": i.title, "url": i.url} for _, i in sorted(rows.items())]
        with self._transaction() as conn:
            conn.execute(upsert_articles(self._dialect), values)

    def close_likes(self, slugs: Iterable[str]) -> None:
        """Refuse new likes and unlikes of these registered articles from now on, keeping their
        counts; slugs never registered are left out (a draft need not exist here)."""
        wanted = sorted(set(slugs))
        if not wanted:
            return
        with self._transaction() as conn:
            conn.execute(
                articles.update()
                .where(articles.c.slug.in_(wanted), ~articles.c.likes_closed)
                .values(likes_closed=true(), updated_at=func.now())
            )

    def set_base_likes(self, base: Mapping[str, int]) -> None:
        """Carry counts over from an older system: all of them, or none if a slug is unknown."""
        out_of_range = sorted(slug for slug, count in base.items() if not 0 <= count <= MAX_LIKES)
        if out_of_range:
            raise ValueError(
                f"base likes must be 0 to {MAX_LIKES:,}: {', '.join(map(repr, out_of_range))}"
            )
        if not base:
            return
        with self._transaction(immediate=True) as conn:
            known = set(
                conn.scalars(select(articles.c.slug).where(articles.c.slug.in_(list(base))))
            )
            unknown = sorted(set(base) - known)
            if unknown:
                raise UnknownArticle(*unknown)
            conn.execute(
                articles.update()
                .where(articles.c.slug == bindparam("b_slug"))
                .values(base_likes=bindparam("b_likes"), updated_at=func.now()),
                [{"b_slug": slug, "b_likes": count} for slug, count in base.items()],
            )

    def articles(self) -> list[ArticleSummary]:
        """Every registered article with its count, most liked first."""
        query = (
            counts_query()
            .add_columns(articles.c.title, articles.c.url)
            .group_by(articles.c.title, articles.c.url)
        )
        summaries = self._statement(
            lambda conn: [
                ArticleSummary(slug=slug, title=title, url=url, likes=count)
                for slug, count, title, url in conn.execute(query)
            ]
        )
        return sorted(summaries, key=lambda a: (-a.likes, a.slug))

    def recount(self) -> int:
        """Rebuild every article's counters from its like rows; return how many counts changed.

        Counters only move with the rows, so they drift only if rows are deleted or added by
        hand (say, to remove a flood of likes found in the logs). The rebuilt count of an article
        sits in its slot 0; later likes and unlikes move the voters' own slots as always, and
        since a count is the sum of the slots, it stays exact. Writes wait meanwhile: on
        PostgreSQL the likes table is locked against them, and SQLite has one writer at a time.
        """
        with self._transaction() as conn:
            if self._dialect == "postgresql":
                conn.execute(text("LOCK TABLE likes IN SHARE MODE"))
            before = {slug: count for slug, count in conn.execute(counts_query())}
            conn.execute(like_counters.delete())
            columns = ["article_id", "slot", "likes"]
            conn.execute(like_counters.insert().from_select(columns, rebuilt_counters()))
            after = {slug: count for slug, count in conn.execute(counts_query())}
        return sum(1 for slug, count in after.items() if before.get(slug) != count)

    def rename(self, old: str, new: str, *, dry_run: bool = False) -> Renamed:
        """Give ``old``'s likes to ``new``, a reader who liked both counting once, in one
        transaction; ``old`` then answers with ``new``'s count, so cached pages still work.

        If ``new`` is not registered, ``old`` simply takes that name. ``dry_run`` reports the
        same outcome and changes nothing.
        """
        return self._with_votes_waiting(lambda conn: rename(conn, self._dialect, old, new), dry_run)

    def adopt_former_slugs(
        self, former: Sequence[tuple[str, str]]
    ) -> list[Renamed | RenameRefused]:
        """The build's renames, (old, new) pairs from frontmatter, in one transaction: pairs
        whose old slug was never registered are left out, refused ones returned as the error."""
        outcomes: list[Renamed | RenameRefused] = []
        if not former:
            return outcomes
        with self._transaction(immediate=True) as conn:
            lock_out_votes(conn, self._dialect)
            for old, new in former:
                try:
                    outcomes.append(rename(conn, self._dialect, old, new))
                except UnknownArticle:
                    continue
                except RenameRefused as refused:
                    outcomes.append(refused)
        return outcomes

    def likes_per_period(
        self, slug: str, by: Period, window: Window = ANY_TIME
    ) -> list[tuple[datetime, int]]:
        """The likes of ``slug`` per UTC hour or day of ``window``, to see a flood (flood.py)."""
        return self._statement(lambda conn: likes_per_period(conn, self._dialect, slug, by, window))

    def remove_likes(self, slug: str, window: Window, *, dry_run: bool = False) -> Removal:
        """Delete the likes of ``slug`` recorded in ``window`` and lower its count by as many, in
        one transaction; votes wait meanwhile. ``dry_run`` reports the same and changes nothing.
        """
        return self._with_votes_waiting(
            lambda conn: remove_likes(conn, self._dialect, slug, window), dry_run
        )

    def forget_past_days(self) -> int:
        """Delete the daily cap's keys and tallies of every day before today (by the store's
        clock); the number of rows deleted. The API runs this by itself (daily_cap.py)."""
        return self._statement(lambda conn: forget_past_days(conn, self._day_keys.today()))

    def holds_past_days(self) -> bool:
        """Whether a key or tally of a day before today is still stored."""
        return self._statement(lambda conn: has_past_days(conn, self._day_keys.today()))

    def ping(self) -> None:
        """Raise StorageUnavailable unless the database answers and has the likes tables."""
        self._statement(lambda conn: conn.execute(select(articles.c.id).limit(1)))

    def _vote(
        self, slug: str, voter: str, *, liked: bool, ticket: Ticket | None = None
    ) -> LikeState:
        """Add or remove one (article, voter) row and move a counter slot by one, together;
        with a ``ticket``, a like only if its network's tally of the day had room for it.

        The counter only moves when the row really changed, in the same atomic unit, so a
        repeated click or a race between two tabs of one reader cannot count twice.
        """
        if self._dialect == "postgresql":
            return self._vote_in_one_statement(slug, voter, liked=liked, ticket=ticket)
        return self._vote_in_transaction(slug, voter, liked=liked, ticket=ticket)

    def _vote_in_one_statement(
        self, slug: str, voter: str, *, liked: bool, ticket: Ticket | None
    ) -> LikeState:
        """PostgreSQL: the whole vote as one statement, one round trip instead of six, the
        daily cap included.

        Measured through gunicorn (docs/performance.md), round trips, not SQL, bound the API.
        """
        parameters = {"slug": slug, "voter": voter, "slot": self._slot(voter)}
        statement = vote_statement(liked)
        if ticket is not None:
            parameters.update(ticket.parameters())
            statement = capped_like_statement()
        found = self._statement(lambda conn: conn.execute(statement, parameters).first())
        if found is None:
            raise UnknownArticle(slug)
        if found.likes_closed:
            raise ArticleClosed(slug)
        if ticket is not None and not found.keyed:
            raise StaleDayKey(f"the key of {ticket.day} changed")
        if ticket is not None and not found.allowed:
            raise DailyLimitReached(slug, ticket.retry_after)
        return LikeState(slug, found.likes, liked)

    def _vote_in_transaction(
        self, slug: str, voter: str, *, liked: bool, ticket: Ticket | None
    ) -> LikeState:
        """SQLite, which has no data-modifying WITH: the same steps in one transaction, their SQL
        compiled once and run on the driver's cursor (sqlite_votes.py)."""
        sql = vote_statements()
        with self._transaction(immediate=True) as conn:
            article = run(conn, sql.article, {"slug": slug}).fetchone()
            if article is None:
                raise UnknownArticle(slug)
            article_id, closed = article
            if closed:
                raise ArticleClosed(slug)
            row = {"article_id": article_id, "voter": voter}
            if ticket is not None:
                already = bool(run(conn, sql.liked, row).fetchone()[0])
                if not spend(conn, ticket, article_id, already_liked=already):
                    raise DailyLimitReached(slug, ticket.retry_after)
            change = run(conn, sql.insert if liked else sql.delete, row)
            if change.rowcount:
                bump = {**row, "slot": self._slot(voter), "delta": 1 if liked else -1}
                run(conn, sql.bump, bump)
            _, count = run(conn, sql.count, row).fetchone()
            return LikeState(slug, count, liked)

    def _with_votes_waiting(self, change: Callable[[Connection], T], dry_run: bool) -> T:
        """``change`` in one transaction that votes wait for (renames.py), rolled back if it is
        a dry run, so that the dry run reports exactly what the change would do."""
        with self._transaction(immediate=True) as conn:
            lock_out_votes(conn, self._dialect)
            outcome = change(conn)
            if dry_run:
                conn.rollback()
        return outcome

    def _day_key(self, day: date) -> bytes:
        return self._statement(lambda conn: day_key(conn, self._dialect, day))

    def _slot(self, voter: str) -> int:
        """A voter's counter slot: fixed per voter, so an unlike moves the slot its like moved."""
        return zlib.crc32(voter.encode()) % self.counter_slots

    def _transaction(self, *, immediate: bool = False) -> AbstractContextManager[Connection]:
        """One transaction, with driver errors that mean "database not usable" translated.

        ``immediate``, for transactions that read before they write: on SQLite it holds the write
        lock from the first statement, as the driver would begin only at the first write, after
        reads that a concurrent merge could make stale (renames.py).
        """
        return connected(self.engine, transaction=True, immediate=immediate)

    def _statement(self, work: Callable[[Connection], T]) -> T:
        """``work``, one statement, on a connection where each statement commits on its own,
        errors translated likewise; once more on a fresh connection if the pooled one was found
        dropped (a restarted server), which is why these connections are not pinged first.

        Only one statement runs, so a retry cannot half-repeat anything: a read reads again, and
        a vote that did commit before its connection dropped changes nothing the second time.
        """
        try:
            with connected(self._autocommit) as conn:
                return work(conn)
        except StorageUnavailable as error:
            cause = error.__cause__
            if not (isinstance(cause, DBAPIError) and cause.connection_invalidated):
                raise
        with connected(self._autocommit) as conn:
            return work(conn)
