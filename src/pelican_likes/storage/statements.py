"""The SQL behind the store's verbs, built once each: composing a query costs more than running
these (measured with cProfile), so the store keeps to calling them."""

import functools
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Delete,
    Insert,
    Integer,
    Label,
    LargeBinary,
    Select,
    SmallInteger,
    Text,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.schema import Table
from sqlalchemy.sql.selectable import ScalarSelect

from pelican_likes.storage.aliases import article_by_slug, total_likes
from pelican_likes.storage.errors import StorageError
from pelican_likes.storage.pseudonyms import Pseudonym, liked_by, pseudonyms_of
from pelican_likes.storage.schema import (
    FORGOTTEN_DAY_KEY,
    TALLY_ID_LENGTH,
    article_aliases,
    article_merges,
    articles,
    daily_keys,
    daily_tallies,
    like_counters,
    likes,
)

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

# An INSERT that knows ON CONFLICT, of either database the store supports.
UpsertInsert: TypeAlias = "PostgresqlInsert | SqliteInsert"


@functools.cache
def insert_for(dialect: str) -> Callable[[Table], UpsertInsert]:
    """The INSERT of ``dialect`` that knows ON CONFLICT; the store supports no other databases.

    Imported on first use: SQLAlchemy's PostgreSQL dialect brings every one of its drivers' modules
    (asyncio included), import time and memory that an SQLite deployment would never use
    (docs/performance.md#the-postgresql-dialect-on-first-use).
    """
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    raise StorageError(f"unsupported database: {dialect}")


@functools.cache
def counts_query() -> Select[str, int]:
    """Slug and count (carried-over base plus the sum of the counter slots) of articles."""
    return (
        select(articles.c.slug, total_likes().label("likes"))
        .select_from(articles.outerjoin(like_counters))
        .group_by(articles.c.id, articles.c.slug, articles.c.base_likes)
    )


@functools.cache
def counts_by_own_slug() -> Select[str, int]:
    """Slug and count of the articles whose own slugs are in ``slugs`` (an expanding parameter),
    each article's slots summed in a subquery of its own: no join to group, which took SQLite
    a third longer and PostgreSQL a little longer for 20 slugs
    (docs/performance.md#where-a-read-goes).

    Former slugs are looked up apart (aliases.counts_by_former_slug), for the slugs this leaves
    unanswered: a union of both in one query took PostgreSQL longer to plan than to run, at every
    uncached read, and this one plans in much less (docs/performance.md#counts-by-own-slug-first).
    """
    slots = (
        select(func.coalesce(func.sum(like_counters.c.likes), 0))
        .where(like_counters.c.article_id == articles.c.id)
        .scalar_subquery()
    )
    return select(articles.c.slug, (articles.c.base_likes + slots).label("likes")).where(
        articles.c.slug.in_(bindparam("slugs", expanding=True))
    )


@functools.cache
def stored_articles() -> Select[str, int, int, str, str, bool]:
    """Slug, count, id, title, URL and closed flag of every article: what a rebuild's shortcut
    compares the build's articles with (driver_sql.py holds it as text)."""
    return (
        counts_query()
        .add_columns(articles.c.id, articles.c.title, articles.c.url, articles.c.likes_closed)
        .group_by(articles.c.title, articles.c.url, articles.c.likes_closed)
    )


def former_slugs() -> Select[str, int]:
    """Each former slug and the id of its article (driver_sql.py holds it as text)."""
    return select(article_aliases.c.slug, article_aliases.c.article_id)


def open_titles() -> Select[str, str]:
    """Slug and title of the articles open to likes (driver_sql.py holds it as text)."""
    return select(articles.c.slug, articles.c.title).where(~articles.c.likes_closed)


@functools.cache
def upsert_articles(dialect: str) -> Insert:
    """Create articles open to likes, or update those that registering changes (and only those,
    so a rebuild of an unchanged blog writes nothing).

    rules.py in SQL: the URL kept is ``kept_url``'s (one without a host never replaces one with
    a host), and a row is left alone where ``registers_nothing`` holds, which a rebuild's
    shortcut asks without SQLAlchemy; tests/storage/test_rules.py holds the two together.
    """
    statement = insert_for(dialect)(articles)
    if dialect == "sqlite":
        statement = statement.values(id=next_article_id())
    url = case(
        (_has_host(articles.c.url) & ~_has_host(statement.excluded.url), articles.c.url),
        else_=statement.excluded.url,
    )
    return statement.on_conflict_do_update(
        index_elements=[articles.c.slug],
        set_={
            "title": statement.excluded.title,
            "url": url,
            "likes_closed": false(),
            "updated_at": func.now(),
        },
        where=articles.c.title.is_distinct_from(statement.excluded.title)
        | articles.c.url.is_distinct_from(url)
        | articles.c.likes_closed,
    )


def next_article_id() -> ScalarSelect[int]:
    """The id of a new article: past every article's and every merged one's. SQLite would
    otherwise give a merged article's id, the largest, to the next new one, whose likes would be
    stored under the same pseudonyms as those the merge kept (pseudonyms.py); PostgreSQL's
    sequence never gives an id twice, and an import moves it past this (imports.py)."""
    taken = union_all(
        select(func.max(articles.c.id).label("id")), select(func.max(article_merges.c.former_id))
    ).subquery()
    return select(func.coalesce(func.max(taken.c.id), 0) + 1).scalar_subquery()


def _has_host(url: ColumnElement[str]) -> ColumnElement[bool]:
    """rules.has_host in SQL."""
    return or_(url.like("%://%"), url.like("//%"))


def bump_counter(dialect: str, article_id: int, slot: int, delta: int) -> Insert:
    """Move one counter slot of an article by ``delta``, creating the slot if it is new."""
    statement = insert_for(dialect)(like_counters).values(
        article_id=article_id, slot=slot, likes=delta
    )
    return statement.on_conflict_do_update(
        index_elements=[like_counters.c.article_id, like_counters.c.slot],
        set_={"likes": like_counters.c.likes + delta},
    )


def rebuilt_counters() -> Select[int, int, int]:
    """Each article's count from its like rows, as the rows of counter slot 0."""
    return select(likes.c.article_id, literal(0, SmallInteger), func.count()).group_by(
        likes.c.article_id
    )


@functools.cache
def vote_statement(liked: bool) -> Select[int, bool]:
    """Add or remove a like and move its counter slot, in one PostgreSQL statement.

    Parameters: ``slug``, ``voter`` and ``slot``; it returns the article's count after the vote
    (``likes``) and ``likes_closed``, or no row for an unknown slug. An article closed to likes is
    left as it is. The row is stored under the voter's pseudonym for the article, and an unlike
    removes every form of it (pseudonyms.py): two, for a reader who liked both articles of a
    merge. Every part of a WITH query sees the same snapshot, so the final sum cannot see the
    slot this statement moved: it adds its own change (``moved``) instead.
    """
    article = article_by_slug().cte("article")
    voter = bindparam("voter", type_=likes.c.voter.type)
    change: UpsertInsert | Delete
    if liked:
        new = select(article.c.id, Pseudonym(voter, article.c.id)).where(
            ~article.c.likes_closed, ~liked_by(voter, article.c.id)
        )
        change = (
            insert_for("postgresql")(likes)
            .from_select(["article_id", "voter"], new)
            .on_conflict_do_nothing()
        )
    else:
        open_id = select(article.c.id).where(~article.c.likes_closed).scalar_subquery()
        # DELETE ... USING the voter's few pseudonyms: each row found by its primary key.
        theirs = pseudonyms_of(voter, open_id).subquery("theirs")
        change = likes.delete().where(
            likes.c.article_id == open_id, likes.c.voter == theirs.c.voter
        )
    changed = change.returning(likes.c.article_id).cte("changed")
    return select(_count_after(article, changed, 1 if liked else -1), article.c.likes_closed)


@functools.cache
def capped_like_statement() -> Select[int, bool, bool, bool]:
    """A like counted against the daily cap of the voter's network, in one PostgreSQL statement.

    Parameters: those of ``vote_statement`` and a Ticket's (``day``, ``key``, ``client``,
    ``limit``). The network's tally of the article goes up by one unless it is at ``limit``, and
    the like is recorded only if it did: ON CONFLICT DO UPDATE ... WHERE takes the tally's row
    lock and tests the latest count, so concurrent likes never pass the cap. A voter who already
    likes the article spends nothing. Besides ``likes`` and ``likes_closed`` it returns ``keyed``
    (the day's key is still ``key``: if not, nothing was done) and ``allowed`` (counted, or
    already liked); without both, nothing changed.
    """
    article = article_by_slug().cte("article")
    day = bindparam("day", type_=Date)
    voter = bindparam("voter", type_=likes.c.voter.type)
    keyed = exists().where(
        daily_keys.c.day == day, daily_keys.c.key == bindparam("key", type_=LargeBinary)
    )
    already = liked_by(voter, article.c.id)
    # Ticket.tally_id's formula, in SQL.
    salted = bindparam("client", type_=LargeBinary).op("||", return_type=LargeBinary)(
        func.convert_to(cast(article.c.id, Text), "UTF8")
    )
    tally_id = func.substring(func.sha256(salted), 1, TALLY_ID_LENGTH)
    tally = insert_for("postgresql")(daily_tallies).from_select(
        ["day", "client", "likes"],
        select(day, tally_id, literal(1, Integer)).where(~article.c.likes_closed, keyed, ~already),
    )
    tallied = (
        tally.on_conflict_do_update(
            index_elements=[daily_tallies.c.day, daily_tallies.c.client],
            set_={"likes": daily_tallies.c.likes + 1},
            where=daily_tallies.c.likes < bindparam("limit", type_=Integer),
        )
        .returning(daily_tallies.c.likes)
        .cte("tallied")
    )
    counted = exists(select(tallied.c.likes))
    new = select(article.c.id, Pseudonym(voter, article.c.id)).where(counted)
    changed = (
        insert_for("postgresql")(likes)
        .from_select(["article_id", "voter"], new)
        .on_conflict_do_nothing()
        .returning(likes.c.article_id)
        .cte("changed")
    )
    return select(
        _count_after(article, changed, 1),
        article.c.likes_closed,
        keyed.label("keyed"),
        (already | counted).label("allowed"),
    )


def _count_after(article: CTE, changed: CTE, delta: int) -> Label[int]:
    """The article's count once the rows in ``changed`` moved the vote's slot by ``delta`` each
    (one row, or none; an unlike after a merge may remove two)."""
    bump = insert_for("postgresql")(like_counters).from_select(
        ["article_id", "slot", "likes"],
        select(
            changed.c.article_id,
            bindparam("slot", type_=like_counters.c.slot.type),
            func.count() * delta,
        ).group_by(changed.c.article_id),
    )
    bumped = (
        bump.on_conflict_do_update(
            index_elements=[like_counters.c.article_id, like_counters.c.slot],
            set_={"likes": like_counters.c.likes + bump.excluded.likes},
        )
        .returning(like_counters.c.article_id)
        .cte("bumped")
    )
    counted = (
        select(func.coalesce(func.sum(like_counters.c.likes), 0))
        .where(like_counters.c.article_id == article.c.id)
        .scalar_subquery()
    )
    # Rows changed times counter rows bumped (one, if any row changed): naming ``bumped`` here is
    # what puts its upsert into the statement.
    moved = select(func.count()).select_from(changed.join(bumped, true())).scalar_subquery()
    return (article.c.base_likes + counted + moved * delta).label("likes")


def forgotten_since(day: ColumnElement[date]) -> ColumnElement[bool]:
    """Whether ``day`` or a later day was forgotten: a day before a forgotten one is forgotten too,
    though only the newest forgotten day keeps its row."""
    return exists().where(daily_keys.c.day >= day, daily_keys.c.key == _forgotten_key())


def _forgotten_key() -> ColumnElement[bytes]:
    return bindparam("forgotten", FORGOTTEN_DAY_KEY, type_=LargeBinary)


@functools.cache
def day_key_insert(dialect: str) -> Insert:
    """Store a new day key (``day``, ``key``) unless that day has a row already (its key, or
    FORGOTTEN_DAY_KEY), or a later day was forgotten."""
    day = bindparam("day", type_=Date)
    new = select(day, bindparam("key", type_=LargeBinary)).where(~forgotten_since(day))
    statement = insert_for(dialect)(daily_keys).from_select(["day", "key"], new)
    return statement.on_conflict_do_nothing(index_elements=[daily_keys.c.day])


@functools.cache
def forgotten_day_insert(dialect: str) -> Insert:
    """Mark ``day`` forgotten, unless it has a row already (the caller then blanks its key): a
    host making the day's key at the same moment then finds this row and makes none."""
    row = {"day": bindparam("day", type_=Date), "key": _forgotten_key()}
    statement = insert_for(dialect)(daily_keys).values(row)
    return statement.on_conflict_do_nothing(index_elements=[daily_keys.c.day])


@functools.cache
def tally_upsert(dialect: str) -> Insert:
    """One like more on the tally ``client`` of ``day``, unless it is at ``limit`` (then no row
    changes: the caller reads that from the row count)."""
    statement = insert_for(dialect)(daily_tallies).values(
        day=bindparam("day"), client=bindparam("client"), likes=1
    )
    return statement.on_conflict_do_update(
        index_elements=[daily_tallies.c.day, daily_tallies.c.client],
        set_={"likes": daily_tallies.c.likes + 1},
        where=daily_tallies.c.likes < bindparam("limit", type_=Integer),
    )
