"""Likes over time, for the author: each article's total and likes in a period, and likes per day
for the whole blog and for its top articles, behind ``pelican-likes stats`` and ``report``.

Two aggregate queries, read in one snapshot so that their numbers agree: one row per article, then
one row per (day, top article), the rest of the blog's likes of a day falling in one bucket. A
large blog comes back as rows per day, never as its like rows (docs/performance.md, "Stats and
report on a large blog"; bench/stats.py).
Days are UTC days, as the rows' ``created_at`` is kept in UTC.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TypeAlias

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Engine,
    Row,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    select,
    type_coerce,
)

from pelican_likes.reports.social import SocialLikes
from pelican_likes.storage.connections import connected
from pelican_likes.storage.database import make_engine, parse_url, redacted
from pelican_likes.storage.errors import StorageError, StorageUnavailable, UnknownArticle
from pelican_likes.storage.schema import articles, like_counters, likes

# id, slug, title, url, total, in_period, first_day: a row of article_totals()
ArticleRow: TypeAlias = "Row[int, str, str, str, int, int, date | None]"
# day, article_id (None for the articles not listed), likes: a row of likes_per_day()
DayRow: TypeAlias = "Row[date, int | None, int]"


class NoArticles(StorageError):
    """The database has the tables but no article yet: there is nothing to report on."""


@dataclass(frozen=True)
class ArticleLikes:
    """One article's likes: its total as the blog shows it, and the likes recorded in the period.

    ``total`` includes ``base_likes`` carried over from an older system, which have no date, so
    only ``in_period`` and ``per_day`` count like rows.
    """

    slug: str
    title: str
    url: str
    total: int
    in_period: int
    per_day: Mapping[date, int]  # days without likes are left out


@dataclass(frozen=True)
class LikesStats:
    """The blog's likes in a period, and its top articles, ranked."""

    since: date | None  # None: all time, from the day of the first like recorded
    first_day: date
    last_day: date
    articles: list[ArticleLikes]
    per_day: Mapping[date, int]  # the whole blog's, days without likes left out
    article_count: int
    total: int
    in_period: int
    # Likes where the articles were shared, as the build last fetched them (reports/social.py);
    # None when no build kept any.
    social: SocialLikes | None = None

    @property
    def days(self) -> list[date]:
        """Every day of the period, first to last."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=n) for n in range(count)]

    def series(self, per_day: Mapping[date, int]) -> list[int]:
        """``per_day`` as one number per day of the period, zeros included."""
        return [per_day.get(day, 0) for day in self.days]

    def social_totals(self) -> Mapping[str, int]:
        """Each service's likes over the blog, a column each in the tables; none without
        social counts."""
        return self.social.totals if self.social else {}

    def social_of(self, slug: str) -> list[int]:
        """An article's likes on each service of ``social_totals``, in its order."""
        return list(self.social.of(slug).values()) if self.social else []


def open_stats_engine(url: str) -> Engine:
    """An engine for reading stats that never creates a database: SQLite would make an empty
    file for a mistyped path, and the author would be told about missing tables instead."""
    parsed = parse_url(url)
    path = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if path and path != ":memory:" and not Path(path).is_file():
        raise StorageUnavailable(
            f"no database at {redacted(url)}: run `pelican-likes db upgrade` and build the blog "
            "first"
        )
    return make_engine(url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)


def read_stats(
    engine: Engine,
    since: date | None = None,
    *,
    top: int = 10,
    slugs: Sequence[str] = (),
    today: date | None = None,
) -> LikesStats:
    """The likes of the period from ``since`` (a UTC day; None for all time) to today.

    The ``top`` articles (0: all) are those with the most likes in the period, then the highest
    totals; for all time, the highest totals first. Naming ``slugs`` reports on just those, in
    the same order of rank; an unknown one is an error.
    """
    today = today or datetime.now(UTC).date()
    dialect = engine.dialect.name
    with _snapshot(engine) as conn:
        rows = conn.execute(article_totals(dialect, since)).all()
        if not rows:
            raise NoArticles(
                "no articles in the database yet: build the blog with the plugin, "
                "or add them with `pelican-likes articles add`"
            )
        chosen = _ranked(rows, since, top, slugs)
        ids = [row.id for row in chosen]
        daily = conn.execute(likes_per_day(dialect, since), {"ids": ids}).all()
    return _assemble(rows, chosen, daily, since, today)


def article_totals(
    dialect: str, since: date | None
) -> "Select[int, str, str, str, int, int, date | None]":
    """Every article with its total, its likes in the period and the day of its first one."""
    per_article = select(
        likes.c.article_id,
        func.count().label("likes"),
        func.min(likes.c.created_at).label("first_like"),
    ).group_by(likes.c.article_id)
    if since is not None:
        per_article = per_article.where(_recorded_since(dialect, since))
    recorded = per_article.subquery("recorded")
    counted = (
        select(like_counters.c.article_id, func.sum(like_counters.c.likes).label("likes"))
        .group_by(like_counters.c.article_id)
        .subquery("counted")
    )
    total = articles.c.base_likes + func.coalesce(counted.c.likes, 0)
    return select(
        articles.c.id,
        articles.c.slug,
        articles.c.title,
        articles.c.url,
        total.label("total"),
        func.coalesce(recorded.c.likes, 0).label("in_period"),
        utc_day(dialect, recorded.c.first_like).label("first_day"),
    ).select_from(
        articles.outerjoin(counted, counted.c.article_id == articles.c.id).outerjoin(
            recorded, recorded.c.article_id == articles.c.id
        )
    )


def likes_per_day(dialect: str, since: date | None) -> "Select[date, int | None, int]":
    """Likes per (UTC day, article) for the articles in the ``ids`` parameter, the other
    articles' likes of each day counted under article None."""
    listed = likes.c.article_id.in_(bindparam("ids", expanding=True))
    each_like = select(
        utc_day(dialect, likes.c.created_at).label("day"),
        case((listed, likes.c.article_id)).label("article_id"),
    )
    if since is not None:
        each_like = each_like.where(_recorded_since(dialect, since))
    rows = each_like.subquery("dated")
    return select(rows.c.day, rows.c.article_id, func.count().label("likes")).group_by(
        rows.c.day, rows.c.article_id
    )


def utc_day(dialect: str, moment: ColumnElement[datetime]) -> ColumnElement[date]:
    """The UTC day of a ``created_at`` value, as a date."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", moment), Date)
    # SQLite keeps CURRENT_TIMESTAMP's UTC text; date() also reads any offset written with it.
    return type_coerce(func.date(moment), Date)


def _recorded_since(dialect: str, since: date) -> ColumnElement[bool]:
    """Like rows recorded on or after the start of the UTC day ``since``, by a range the
    ``created_at`` index serves."""
    if dialect == "postgresql":
        return likes.c.created_at >= datetime.combine(since, time(), UTC)
    # The text '2026-01-01' sorts before every time of that day, '2026-01-01 00:00:00' included.
    return type_coerce(likes.c.created_at, String) >= since.isoformat()


def _ranked(
    rows: Sequence[ArticleRow], since: date | None, top: int, slugs: Sequence[str]
) -> list[ArticleRow]:
    if slugs:
        by_slug = {row.slug: row for row in rows}
        wanted = list(dict.fromkeys(slugs))
        unknown = [slug for slug in wanted if slug not in by_slug]
        if unknown:
            raise UnknownArticle(*unknown)
        pool = [by_slug[slug] for slug in wanted]
    elif since is None:
        pool = [row for row in rows if row.total > 0 or row.in_period > 0]
    else:
        pool = [row for row in rows if row.in_period > 0]
    if since is None:
        ranked = sorted(pool, key=lambda row: (-row.total, -row.in_period, row.slug))
    else:
        ranked = sorted(pool, key=lambda row: (-row.in_period, -row.total, row.slug))
    return ranked if slugs or top <= 0 else ranked[:top]


def _assemble(
    rows: Sequence[ArticleRow],
    chosen: Sequence[ArticleRow],
    daily: Sequence[DayRow],
    since: date | None,
    today: date,
) -> LikesStats:
    blog: dict[date, int] = {}
    by_article: dict[int, dict[date, int]] = {row.id: {} for row in chosen}
    for day, article_id, count in daily:
        blog[day] = blog.get(day, 0) + count
        if article_id is not None:
            by_article[article_id][day] = count
    firsts = [row.first_day for row in rows if row.first_day is not None]
    first_day = since if since is not None else min(firsts, default=today)
    last_day = max([today, *blog])
    return LikesStats(
        since=since,
        first_day=min(first_day, last_day),
        last_day=last_day,
        articles=[
            ArticleLikes(row.slug, row.title, row.url, row.total, row.in_period, by_article[row.id])
            for row in chosen
        ],
        per_day=blog,
        article_count=len(rows),
        total=sum(row.total for row in rows),
        in_period=sum(row.in_period for row in rows),
    )


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction on an autocommit engine, so both queries see the same likes.

    pysqlite opens no transaction for a SELECT, hence the explicit BEGIN on both databases.
    """
    if engine.dialect.name == "postgresql":
        begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    else:
        begin = "BEGIN"
    with connected(engine) as conn:
        conn.exec_driver_sql(begin)
        try:
            yield conn
        except BaseException:
            with suppress(Exception):  # a dropped connection must not hide the first error
                conn.exec_driver_sql("ROLLBACK")
            raise
        conn.exec_driver_sql("ROLLBACK")  # nothing was written: ending it is all
