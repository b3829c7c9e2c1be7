"""Reading counts (one article's as a voter sees it, many at once, every article's) and rebuilding
them from the like rows.

A count is an article's carried-over base plus the sum of its counter slots
(statements.counts_query).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Select, literal, select, text
from sqlalchemy.engine import Dialect

from pelican_likes.storage.aliases import article_by_slug, counts_by_former_slug
from pelican_likes.storage.connections import DriverParameters, Rows
from pelican_likes.storage.errors import UnknownArticle
from pelican_likes.storage.pseudonyms import liked_by
from pelican_likes.storage.records import ArticleSummary, LikeState
from pelican_likes.storage.schema import articles, like_counters, likes
from pelican_likes.storage.statements import counts_by_own_slug, counts_query, rebuilt_counters

SlugCounts = Select[str, int]


def like_state(conn: Connection, slug: str, voter: str) -> LikeState:
    """The count of ``slug`` (or of the article it is a former slug of) and whether ``voter``
    likes it."""
    voted = liked_by(literal(voter, likes.c.voter.type), articles.c.id)
    named = select(article_by_slug().subquery().c.id)
    query = counts_query().add_columns(voted.label("liked")).where(articles.c.id.in_(named))
    found = conn.execute(query, {"slug": slug}).first()
    if found is None:
        raise UnknownArticle(slug)
    return LikeState(slug, found.likes, found.liked)


def slug_counts(rows: Rows, dialect: Dialect, slugs: list[str]) -> dict[str, int]:
    """The counts of ``slugs``, by their articles' own slugs first, then, for those left, by
    former slugs; unknown ones left out. ``rows`` runs each query on ``dialect``'s driver."""
    found: dict[str, int] = dict(rows(*_driver_query(counts_by_own_slug, dialect, slugs)))
    if missing := [slug for slug in slugs if slug not in found]:
        found.update(rows(*_driver_query(counts_by_former_slug, dialect, missing)))
    return found


def summaries(conn: Connection) -> list[ArticleSummary]:
    """Every registered article with its count, most liked first."""
    query = (
        counts_query()
        .add_columns(articles.c.title, articles.c.url)
        .group_by(articles.c.title, articles.c.url)
    )
    listed = [
        ArticleSummary(slug=slug, title=title, url=url, likes=count)
        for slug, count, title, url in conn.execute(query)
    ]
    return sorted(listed, key=lambda a: (-a.likes, a.slug))


def recount(conn: Connection, dialect: str) -> int:
    """Rebuild every article's counters from its like rows, in the caller's transaction; the
    number of counts that changed.

    The rebuilt count of an article sits in its slot 0; later likes and unlikes move
    slots as always, and since a count is the sum of the slots, it stays exact. On PostgreSQL
    the likes table is locked against writes meanwhile; SQLite has one writer at a time.
    """
    if dialect == "postgresql":
        conn.execute(text("LOCK TABLE likes IN SHARE MODE"))
    before = dict(_all_counts(conn))
    conn.execute(like_counters.delete())
    columns = ["article_id", "slot", "likes"]
    conn.execute(like_counters.insert().from_select(columns, rebuilt_counters()))
    after = _all_counts(conn)
    return sum(1 for slug, count in after if before.get(slug) != count)


def _all_counts(conn: Connection) -> list[tuple[str, int]]:
    return [(slug, count) for slug, count in conn.execute(counts_query())]


def _driver_query(
    query: Callable[[], SlugCounts], dialect: Dialect, slugs: list[str]
) -> tuple[str, DriverParameters]:
    """``query()`` for ``slugs``, as the SQL and parameters ``dialect``'s driver takes."""
    compiled = _compiled(query, dialect, len(slugs))
    named = {**compiled.constants, **dict(zip(compiled.slug_names, slugs, strict=True))}
    if compiled.order is None:
        return compiled.sql, named
    return compiled.sql, tuple(named[name] for name in compiled.order)


@dataclass(frozen=True)
class _Compiled:
    """A counts query's SQL for a number of slugs, its parameters' values other than the slugs,
    the slugs' parameter names in order, and for a driver taking positional parameters every
    name in order."""

    sql: str
    constants: dict[str, object]
    slug_names: list[str]
    order: tuple[str, ...] | None


@functools.lru_cache(maxsize=128)
def _compiled(query: Callable[[], SlugCounts], dialect: Dialect, how_many: int) -> _Compiled:
    """A counts query for ``how_many`` slugs, compiled once: SQLAlchemy would otherwise look it
    up and expand its IN lists at every request (docs/performance.md#counts-compiled-once)."""
    compiled = query().compile(dialect=dialect)
    # A dict, not a list searched for each marker: a build asks for every article's count.
    markers = {f"\0{n}": n for n in range(how_many)}
    expanded = compiled.construct_expanded_state({"slugs": list(markers)})
    slug_names = sorted(
        (name for name, value in expanded.parameters.items() if value in markers),
        key=lambda name: markers[expanded.parameters[name]],
    )
    constants = {k: v for k, v in expanded.parameters.items() if k not in slug_names}
    order = tuple(expanded.positiontup or ()) if compiled.positional else None
    return _Compiled(expanded.statement, constants, slug_names, order)
