"""SQLite's vote, as SQL compiled once and run on the driver's own cursor.

A like on SQLite is four statements in one transaction, three more with the daily cap. SQLite
runs each in far less time than SQLAlchemy spends on it in Python (cache keys, execution
contexts, result objects), nearly all of it while the write lock is held; run here, a like costs
a fraction of that (docs/performance.md#sqlites-vote-on-the-drivers-cursor), and its errors are
translated as any other statement's (connections.on_driver).
"""

import functools
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Integer, Select, Text, bindparam, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import SelectBase

from pelican_likes.storage.aliases import article_by_slug
from pelican_likes.storage.connections import on_driver
from pelican_likes.storage.daily_cap import StaleDayKey, Ticket
from pelican_likes.storage.pseudonyms import Pseudonym, liked_by, pseudonyms_of
from pelican_likes.storage.schema import articles, daily_keys, like_counters, likes
from pelican_likes.storage.statements import counts_query, tally_upsert


@dataclass(frozen=True)
class Compiled:
    """A statement's SQL, the names of its parameters in the order of its ``?`` markers, and
    the values of those the statement itself sets (constants such as COALESCE's 0)."""

    sql: str
    names: tuple[str, ...]
    constants: Mapping[str, object]

    @classmethod
    def of(cls, statement: UpdateBase | SelectBase) -> "Compiled":
        compiled = statement.compile(dialect=sqlite.dialect())
        constants = {k: v for k, v in compiled.params.items() if v is not None}
        return cls(compiled.string, tuple(compiled.positiontup or ()), constants)


def run(conn: Connection, statement: Compiled, values: Mapping[str, object]) -> sqlite3.Cursor:
    """``statement`` with ``values`` on the connection's sqlite3 connection, in its transaction."""
    given = {**statement.constants, **values}
    return on_driver(conn, statement.sql, tuple(given[name] for name in statement.names))


@dataclass(frozen=True)
class VoteStatements:
    """Parameters: ``slug`` for ``article`` (id and likes_closed, no row if unknown);
    ``article_id`` and ``voter`` for ``insert`` (the voter's pseudonym for the article, unless
    the voter likes it already), ``delete`` (every form of it) and ``liked`` (1 if the voter likes
    it, else 0): see pseudonyms.py; ``article_id``, ``slot`` and ``delta`` for ``bump``;
    ``article_id`` for ``count``.
    The daily cap's: ``day`` (ISO text, as SQLAlchemy stores a date in SQLite) for ``day_key``;
    ``day``, ``client`` and ``limit`` for ``tally`` (see statements.tally_upsert)."""

    article: Compiled
    insert: Compiled
    delete: Compiled
    bump: Compiled
    count: Compiled
    liked: Compiled
    day_key: Compiled
    tally: Compiled


@functools.cache
def vote_statements() -> VoteStatements:
    named = article_by_slug().subquery()
    article_id = bindparam("article_id", type_=Integer)
    voter = bindparam("voter", type_=likes.c.voter.type)
    delta = bindparam("delta", type_=Integer)
    liked = liked_by(voter, article_id)
    new = select(article_id, Pseudonym(voter, article_id)).where(~liked)
    theirs = likes.c.voter.in_(pseudonyms_of(voter, article_id))
    day = bindparam("day", type_=Text)
    bump = sqlite.insert(like_counters).values(
        article_id=article_id, slot=bindparam("slot", type_=Integer), likes=delta
    )
    count: Select[str, int] = counts_query().where(articles.c.id == article_id)
    return VoteStatements(
        article=Compiled.of(select(named.c.id, named.c.likes_closed)),
        insert=Compiled.of(
            sqlite.insert(likes).from_select(["article_id", "voter"], new).on_conflict_do_nothing()
        ),
        delete=Compiled.of(likes.delete().where(likes.c.article_id == article_id, theirs)),
        bump=Compiled.of(
            bump.on_conflict_do_update(
                index_elements=[like_counters.c.article_id, like_counters.c.slot],
                set_={"likes": like_counters.c.likes + delta},
            )
        ),
        count=Compiled.of(count),
        liked=Compiled.of(select(liked)),
        day_key=Compiled.of(select(daily_keys.c.key).where(daily_keys.c.day == day)),
        tally=Compiled.of(tally_upsert("sqlite")),
    )


def spend(conn: Connection, ticket: Ticket, article_id: int, *, already_liked: bool) -> bool:
    """Count one like against ``ticket``'s tally of ``article_id``, in the caller's transaction;
    False if the day's cap is reached. A like the voter already gave costs nothing. SQLite's
    vote is a transaction; PostgreSQL's vote statement does the same in SQL."""
    sql = vote_statements()
    day = ticket.day.isoformat()
    stored = run(conn, sql.day_key, {"day": day}).fetchone()
    if stored is None or bytes(stored[0]) != ticket.key:
        raise StaleDayKey(f"the key of {ticket.day} changed")
    if already_liked:
        return True
    row = {"day": day, "client": ticket.tally_id(article_id), "limit": ticket.limit}
    return bool(run(conn, sql.tally, row).rowcount)
