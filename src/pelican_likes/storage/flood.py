"""Cleaning up after a flood of likes: an article's likes per hour or day, so that a burst shows,
and the removal of the likes recorded in a window of time, counters fixed in the same transaction.

Times are UTC, as ``created_at`` is kept. A window runs from its start up to, not including, its
end, so that ``--from 10:00 --to 11:00`` removes exactly the likes the 10:00 row of the hourly list
counts, and two windows that meet never share a like.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import ColumnElement, Connection, String, func, literal_column, select, type_coerce

from pelican_likes.storage.aliases import article_by_slug
from pelican_likes.storage.errors import UnknownArticle
from pelican_likes.storage.schema import articles, in_utc, likes
from pelican_likes.storage.statements import bump_counter, counts_query

Period = Literal["hour", "day"]
PERIODS: tuple[Period, ...] = ("hour", "day")

# SQLite keeps CURRENT_TIMESTAMP's text; strftime() reads it (and any offset written with it) and
# writes it back in one form, to the millisecond, that sorts as time does: its years always have 4
# digits, so a bound must too (Python's %Y writes the year 100 as "100", after "2026" as text).
_SQLITE_MOMENT = "%Y-%m-%d %H:%M:%f"
_SQLITE_PERIOD = {"hour": "%Y-%m-%d %H:00:00", "day": "%Y-%m-%d 00:00:00"}


class BadTime(ValueError):
    """A ``--from`` or ``--to`` that is not a time, or a window that ends before it starts."""


@dataclass(frozen=True)
class Window:
    """From ``start`` up to, not including, ``end``, kept in UTC; None leaves that side open."""

    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            moment = getattr(self, name)
            if moment is not None:
                object.__setattr__(self, name, in_utc(moment))
        if self.start and self.end and self.start >= self.end:
            raise BadTime(
                f"--from {_shown(self.start)} is not before --to {_shown(self.end)} (UTC): "
                "the window would hold no like"
            )

    def describe(self) -> str:
        """The window in words, e.g. ``from 2026-12-01 10:00:00 to 2026-12-01 11:00:00 UTC``."""
        parts = []
        if self.start:
            parts.append(f"from {_shown(self.start)}")
        if self.end:
            parts.append(f"to {_shown(self.end)}")
        return " ".join(parts) + " UTC" if parts else "at any time"


@dataclass(frozen=True)
class Removal:
    """What removing a window's likes did, or would do (``dry_run``)."""

    slug: str
    window: Window
    removed: int
    likes: int  # the article's count afterwards


ANY_TIME = Window()


def parse_time(text: str, option: str) -> datetime:
    """An ISO 8601 time (``2026-12-01T10:00``, ``2026-12-01 10:00:00+02:00``, ``...Z``, or a
    date alone, its midnight) as an aware UTC datetime; a time without an offset is UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadTime(
            f"{option}: expected an ISO 8601 time such as 2026-12-01T10:00 (UTC) or "
            f"2026-12-01T11:00+01:00, got {text!r}"
        ) from None
    try:
        return in_utc(moment)
    except OverflowError:  # 9999-12-31T23:00-05:00 is in the year 10000 in UTC
        raise BadTime(
            f"{option} {text.strip()}: in UTC that is outside the years 1 to 9999, the times "
            "a like can have"
        ) from None


def _shown(moment: datetime) -> str:
    """``moment`` as ``2026-12-01 10:00:00``, its year in 4 digits as ISO 8601 writes it."""
    return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def likes_per_period(
    conn: Connection, dialect: str, slug: str, by: Period, window: Window = ANY_TIME
) -> list[tuple[datetime, int]]:
    """The likes of ``slug`` (or the article it is a former slug of) per UTC hour or day of
    ``window``, as (start of the period, likes); periods without likes are left out."""
    if by not in PERIODS:
        raise ValueError(f"likes are listed by {' or '.join(PERIODS)}, not {by!r}")
    article_id = _article_id(conn, slug)
    period = _period_start(dialect, by).label("period")
    query = (
        select(period, func.count().label("likes"))
        .where(likes.c.article_id == article_id, *_within(dialect, window))
        .group_by(period)
        .order_by(period)
    )
    return [(_as_utc(start), count) for start, count in conn.execute(query)]


def remove_likes(conn: Connection, dialect: str, slug: str, window: Window) -> Removal:
    """Delete the like rows of ``slug``'s article recorded in ``window`` and lower its count by
    as many, in the caller's transaction.

    The count is the sum of the counter slots, so moving slot 0 by the number of rows deleted
    keeps it exact, as ``recount`` and merges do; a slot may then go below zero. The rows deleted
    are those this statement itself deleted, so a reader's unlike racing it is not counted twice.
    """
    article_id = _article_id(conn, slug)
    deleted = conn.execute(
        likes.delete().where(likes.c.article_id == article_id, *_within(dialect, window))
    ).rowcount
    if deleted:
        conn.execute(bump_counter(dialect, article_id, 0, -deleted))
    count = conn.execute(counts_query().where(articles.c.id == article_id)).one().likes
    return Removal(slug, window, deleted, count)


def _article_id(conn: Connection, slug: str) -> int:
    found = conn.execute(select(article_by_slug().subquery().c.id), {"slug": slug}).first()
    if found is None:
        raise UnknownArticle(slug)
    article_id: int = found.id
    return article_id


def _within(dialect: str, window: Window) -> list[ColumnElement[bool]]:
    moment = _moment(dialect)
    conditions = []
    if window.start:
        conditions.append(moment >= _bound(dialect, window.start))
    if window.end:
        conditions.append(moment < _bound(dialect, window.end))
    return conditions


def _moment(dialect: str) -> ColumnElement[datetime | str]:
    if dialect == "postgresql":
        return likes.c.created_at
    return type_coerce(func.strftime(_SQLITE_MOMENT, likes.c.created_at), String)


def _bound(dialect: str, moment: datetime) -> datetime | str:
    if dialect == "postgresql":
        return moment
    return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="milliseconds")


def _period_start(dialect: str, by: Period) -> ColumnElement[datetime | str]:
    # Literals, not parameters: PostgreSQL groups by the select's expression only if it is the
    # same text, and two parameters are two texts.
    if dialect == "postgresql":
        utc = func.timezone(literal_column("'UTC'"), likes.c.created_at)
        return func.date_trunc(literal_column(f"'{by}'"), utc)
    form = literal_column(f"'{_SQLITE_PERIOD[by]}'", String)
    return type_coerce(func.strftime(form, likes.c.created_at), String)


def _as_utc(start: datetime | str) -> datetime:
    """A period's start as PostgreSQL (a naive UTC timestamp) or SQLite (its text) returns it."""
    if isinstance(start, str):
        start = datetime.fromisoformat(start)
    return start.replace(tzinfo=UTC)
