"""Every read and write of likes: atomic in the database, never read-then-written in Python."""

import functools
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Select,
    SmallInteger,
    bindparam,
    exists,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from pelican_likes.database import make_engine
from pelican_likes.errors import StorageError, StorageUnavailable, UnknownArticle
from pelican_likes.schema import (
    COUNTER_SLOTS,
    TITLE_LENGTH,
    URL_LENGTH,
    articles,
    like_counters,
    likes,
)
from pelican_likes.slugs import is_valid_slug

__all__ = [
    "ArticleInfo",
    "ArticleSummary",
    "LikeState",
    "LikeStore",
    "StorageError",
    "StorageUnavailable",
    "UnknownArticle",
]


@dataclass(frozen=True)
class ArticleInfo:
    """What the blog tells the database about an article when it is built."""

    slug: str
    title: str = ""
    url: str = ""


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


_MISSING_TABLE_CODES = {"42P01"}  # PostgreSQL's undefined_table


class LikeStore:
    """The likes of every article in one database, shared safely by threads and workers."""

    def __init__(
        self, engine: Engine, autocommit: Engine, *, counter_slots: int = COUNTER_SLOTS
    ) -> None:
        """``engine`` runs transactions; ``autocommit``, an engine on the same database whose
        connections commit each statement, runs reads and one-statement writes, which then need
        no BEGIN/COMMIT round trips. It must be an engine of its own, not ``engine`` switched per
        checkout: switching back fails on a connection the server dropped, and the pool then
        loses that slot for good (seen in tests/faults during a PostgreSQL restart).

        ``counter_slots`` below the default only serves to measure the single-row design:
        reads sum every slot, so any value keeps counts exact.
        """
        if not 1 <= counter_slots <= COUNTER_SLOTS:
            raise ValueError(f"counter_slots must be between 1 and {COUNTER_SLOTS}")
        self.engine = engine
        self._autocommit = autocommit
        self.counter_slots = counter_slots
        dialects = {"postgresql": postgresql, "sqlite": sqlite}
        if engine.dialect.name not in dialects:
            raise StorageError(f"unsupported database: {engine.dialect.name}")
        self._insert = dialects[engine.dialect.name].insert

    @classmethod
    def from_url(
        cls, url: str, *, counter_slots: int = COUNTER_SLOTS, **engine_options: int
    ) -> "LikeStore":
        """A store on its own pooled engines for ``url``."""
        return cls(
            make_engine(url, **engine_options),
            make_engine(url, isolation_level="AUTOCOMMIT", **engine_options),
            counter_slots=counter_slots,
        )

    def dispose(self) -> None:
        """Close every pooled connection (the store opens new ones if used again)."""
        self.engine.dispose()
        self._autocommit.dispose()

    def like(self, slug: str, voter: str) -> LikeState:
        """Record that ``voter`` likes ``slug``; liking twice changes nothing."""
        return self._vote(slug, voter, liked=True)

    def unlike(self, slug: str, voter: str) -> LikeState:
        """Withdraw ``voter``'s like of ``slug``; withdrawing a missing like changes nothing."""
        return self._vote(slug, voter, liked=False)

    def state(self, slug: str, voter: str) -> LikeState:
        """The count of ``slug`` and whether ``voter`` likes it, without changing anything."""
        voted = exists().where(likes.c.article_id == articles.c.id, likes.c.voter == voter)
        query = _counts_query().add_columns(voted.label("liked")).where(articles.c.slug == slug)
        with self._connection() as conn:
            found = conn.execute(query).first()
        if found is None:
            raise UnknownArticle(slug)
        return LikeState(slug, found.likes, found.liked)

    def counts(self, slugs: Iterable[str]) -> dict[str, int]:
        """The counts of many articles in one query; unknown slugs are left out."""
        wanted = sorted(set(slugs))
        if not wanted:
            return {}
        query = _counts_query().where(articles.c.slug.in_(wanted))
        with self._connection() as conn:
            return {slug: count for slug, count in conn.execute(query)}

    def register(self, items: Iterable[ArticleInfo]) -> None:
        """Create or update many articles at once; rows whose title and URL did not change are
        left alone, so a rebuild of an unchanged blog writes nothing."""
        rows = {item.slug: item for item in items}
        invalid = sorted(slug for slug in rows if not is_valid_slug(slug))
        if invalid:
            raise ValueError(f"invalid article slug(s): {', '.join(map(repr, invalid))}")
        if not rows:
            return
        statement = self._insert(articles)
        statement = statement.on_conflict_do_update(
            index_elements=[articles.c.slug],
            set_={
                "title": statement.excluded.title,
                "url": statement.excluded.url,
                "updated_at": func.now(),
            },
            where=articles.c.title.is_distinct_from(statement.excluded.title)
            | articles.c.url.is_distinct_from(statement.excluded.url),
        )
        values = [
            {"slug": i.slug, "title": _fit(i.title, TITLE_LENGTH), "url": _fit(i.url, URL_LENGTH)}
            for _, i in sorted(rows.items())
        ]
        with self._transaction() as conn:
            conn.execute(statement, values)

    def set_base_likes(self, base: Mapping[str, int]) -> None:
        """Carry counts over from an older system: all of them, or none if a slug is unknown."""
        if not base:
            return
        with self._transaction() as conn:
            known = set(
                conn.scalars(select(articles.c.slug).where(articles.c.slug.in_(list(base))))
            )
            unknown = sorted(set(base) - known)
            if unknown:
                raise UnknownArticle(", ".join(unknown))
            conn.execute(
                articles.update()
                .where(articles.c.slug == bindparam("b_slug"))
                .values(base_likes=bindparam("b_likes"), updated_at=func.now()),
                [{"b_slug": slug, "b_likes": count} for slug, count in base.items()],
            )

    def articles(self) -> list[ArticleSummary]:
        """Every registered article with its count, most liked first."""
        query = (
            _counts_query()
            .add_columns(articles.c.title, articles.c.url)
            .group_by(articles.c.title, articles.c.url)
        )
        with self._connection() as conn:
            summaries = [
                ArticleSummary(slug=slug, title=title, url=url, likes=count)
                for slug, count, title, url in conn.execute(query)
            ]
        return sorted(summaries, key=lambda a: (-a.likes, a.slug))

    def recount(self) -> int:
        """Rebuild every article's counters from its like rows; return how many counts changed.

        Counters only move with the rows, so they drift only if rows are deleted or added by
        hand (say, to remove a flood of likes found in the logs). The rebuilt count of an article
        sits in its slot 0; later likes and unlikes move the voters' own slots as always, and
        since a count is the sum of the slots, it stays exact. Writes wait meanwhile: on
        PostgreSQL the likes table is locked against them, and SQLite has one writer at a time.
        """
        rebuilt = select(likes.c.article_id, literal(0, SmallInteger), func.count()).group_by(
            likes.c.article_id
        )
        with self._transaction() as conn:
            if self.engine.dialect.name == "postgresql":
                conn.execute(text("LOCK TABLE likes IN SHARE MODE"))
            before = {slug: count for slug, count in conn.execute(_counts_query())}
            conn.execute(like_counters.delete())
            conn.execute(
                like_counters.insert().from_select(["article_id", "slot", "likes"], rebuilt)
            )
            after = {slug: count for slug, count in conn.execute(_counts_query())}
        return sum(1 for slug, count in after.items() if before.get(slug) != count)

    def ping(self) -> None:
        """Raise StorageUnavailable unless the database answers and has the likes tables."""
        with self._connection() as conn:
            conn.execute(select(articles.c.id).limit(1))

    def _vote(self, slug: str, voter: str, *, liked: bool) -> LikeState:
        """Add or remove one (article, voter) row and move a counter slot by one, together.

        The counter only moves when the row really changed, in the same atomic unit, so a
        repeated click or a race between two tabs of one reader cannot count twice.
        """
        if self.engine.dialect.name == "postgresql":
            return self._vote_in_one_statement(slug, voter, liked=liked)
        return self._vote_in_transaction(slug, voter, liked=liked)

    def _vote_in_one_statement(self, slug: str, voter: str, *, liked: bool) -> LikeState:
        """PostgreSQL: the whole vote as one statement, one round trip instead of six.

        Measured through gunicorn (docs/performance.md), round trips, not SQL, bound the API.
        """
        parameters = {"slug": slug, "voter": voter, "slot": self._slot(voter)}
        with self._connection() as conn:
            likes_now = conn.scalar(_vote_statement(liked), parameters)
        if likes_now is None:
            raise UnknownArticle(slug)
        return LikeState(slug, likes_now, liked)

    def _vote_in_transaction(self, slug: str, voter: str, *, liked: bool) -> LikeState:
        """SQLite, which has no data-modifying WITH: the same steps in one transaction."""
        with self._transaction() as conn:
            article_id = self._article_id(conn, slug)
            if liked:
                change = self._insert(likes).on_conflict_do_nothing()
                result = conn.execute(change, {"article_id": article_id, "voter": voter})
            else:
                change = likes.delete().where(
                    likes.c.article_id == article_id, likes.c.voter == voter
                )
                result = conn.execute(change)
            if result.rowcount:
                self._bump(conn, article_id, self._slot(voter), 1 if liked else -1)
            return LikeState(slug, self._count(conn, article_id), liked)

    def _bump(self, conn: Connection, article_id: int, slot: int, delta: int) -> None:
        statement = self._insert(like_counters).values(
            article_id=article_id, slot=slot, likes=delta
        )
        statement = statement.on_conflict_do_update(
            index_elements=[like_counters.c.article_id, like_counters.c.slot],
            set_={"likes": like_counters.c.likes + delta},
        )
        conn.execute(statement)

    def _slot(self, voter: str) -> int:
        """A voter's counter slot: fixed per voter, so an unlike moves the slot its like moved."""
        return zlib.crc32(voter.encode()) % self.counter_slots

    @staticmethod
    def _article_id(conn: Connection, slug: str) -> int:
        article_id = conn.scalar(select(articles.c.id).where(articles.c.slug == slug))
        if article_id is None:
            raise UnknownArticle(slug)
        return article_id

    @staticmethod
    def _count(conn: Connection, article_id: int) -> int:
        return conn.execute(_counts_query().where(articles.c.id == article_id)).one().likes

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One transaction, with driver errors that mean "database not usable" translated."""
        with self._translated_errors(), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A connection where each statement commits on its own, errors translated likewise."""
        with self._translated_errors(), self._autocommit.connect() as conn:
            yield conn

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        """Errors that mean "the database is not usable" become StorageUnavailable.

        Most arrive wrapped by SQLAlchemy; a connection the server dropped can also fail bare
        while the pool resets it on return (seen in tests/faults during a PostgreSQL restart).
        """
        driver = self.engine.dialect.loaded_dbapi
        try:
            yield
        except DBAPIError as error:
            if _is_unavailable(error):
                raise StorageUnavailable(_describe(error)) from error
            raise
        except (driver.OperationalError, driver.InterfaceError) as error:
            raise StorageUnavailable(f"database unavailable: {_first_line(error)}") from error
        except PoolTimeout as error:
            raise StorageUnavailable(f"database unavailable: {_first_line(error)}") from error


@functools.cache
def _vote_statement(liked: bool) -> Select:
    """Add or remove a like and move its counter slot by one, in one PostgreSQL statement.

    Every part of a WITH query sees the same snapshot, so the final sum cannot see the slot this
    statement moved: the statement adds its own change (``moved``) to the sum instead.
    """
    article = (
        select(articles.c.id, articles.c.base_likes)
        .where(articles.c.slug == bindparam("slug"))
        .cte("article")
    )
    voter = bindparam("voter", type_=likes.c.voter.type)
    delta = 1 if liked else -1
    if liked:
        change = (
            postgresql.insert(likes)
            .from_select(["article_id", "voter"], select(article.c.id, voter))
            .on_conflict_do_nothing()
        )
    else:
        change = likes.delete().where(
            likes.c.article_id == select(article.c.id).scalar_subquery(), likes.c.voter == voter
        )
    changed = change.returning(likes.c.article_id).cte("changed")
    bump = postgresql.insert(like_counters).from_select(
        ["article_id", "slot", "likes"],
        select(
            changed.c.article_id,
            bindparam("slot", type_=like_counters.c.slot.type),
            literal(delta, Integer),
        ),
    )
    bumped = (
        bump.on_conflict_do_update(
            index_elements=[like_counters.c.article_id, like_counters.c.slot],
            set_={"likes": like_counters.c.likes + delta},
        )
        .returning(like_counters.c.article_id)
        .cte("bumped")
    )
    counted = (
        select(func.coalesce(func.sum(like_counters.c.likes), 0))
        .where(like_counters.c.article_id == article.c.id)
        .scalar_subquery()
    )
    moved = select(func.count()).select_from(bumped).scalar_subquery()
    return select(article.c.base_likes + counted + moved * delta)


@functools.cache
def _counts_query() -> Select:
    """Slug and count (carried-over base plus the sum of the counter slots) of articles.

    Built once: composing a query costs more than running this one (measured with cProfile).
    """
    total = articles.c.base_likes + func.coalesce(func.sum(like_counters.c.likes), 0)
    return (
        select(articles.c.slug, total.label("likes"))
        .select_from(articles.outerjoin(like_counters))
        .group_by(articles.c.id, articles.c.slug, articles.c.base_likes)
    )


def _fit(text: str, length: int) -> str:
    """Shorten ``text`` to a column's length: titles and URLs only label an article here, so an
    overlong one is cut rather than allowed to fail a whole build."""
    return text if len(text) <= length else text[: length - 1] + "…"


def _is_unavailable(error: DBAPIError) -> bool:
    if error.connection_invalidated or isinstance(error, OperationalError):
        return True
    return getattr(error.orig, "pgcode", None) in _MISSING_TABLE_CODES


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _describe(error: DBAPIError) -> str:
    message = _first_line(error.orig if error.orig else error)
    if "no such table" in message or getattr(error.orig, "pgcode", None) in _MISSING_TABLE_CODES:
        return f"the likes tables are missing ({message}); run `pelican-likes db upgrade`"
    return f"database unavailable: {message}"
