"""A vote: one (article, voter) like row added or removed and a counter slot moved by one, together.

The counter only moves when the row really changed, in the same atomic unit, so a repeated click
or a race between two tabs of one reader cannot count twice. PostgreSQL runs a vote as one
statement, SQLite (which has no data-modifying WITH) as a transaction; a like counted against the
daily cap runs the same way, its network's tally checked and moved in the same unit.
"""

import secrets
from datetime import date

from sqlalchemy import Executable

from pelican_likes.storage.daily_cap import DayKeys, StaleDayKey, Ticket, day_key
from pelican_likes.storage.engines import StoreEngines
from pelican_likes.storage.errors import (
    ArticleClosed,
    DailyLimitReached,
    StorageUnavailable,
    UnknownArticle,
)
from pelican_likes.storage.records import LikeState
from pelican_likes.storage.sqlite_votes import run, spend, vote_statements
from pelican_likes.storage.statements import capped_like_statement, vote_statement


def any_slot(slots: int) -> int:
    """A vote's counter slot, drawn afresh for each: a count is the sum of its slots, so an
    unlike need not move the slot its like moved, and a slot derived from the voter would tie
    the reader's likes of different articles together through the counter rows they moved
    (docs/security.md#no-reading-profiles)."""
    return secrets.randbelow(slots)


def vote(
    engines: StoreEngines,
    slug: str,
    voter: str,
    *,
    liked: bool,
    slot: int,
    ticket: Ticket | None = None,
) -> LikeState:
    """Like (``liked``) or unlike ``slug`` as ``voter``, moving counter ``slot``; with a
    ``ticket``, a like only if its network's tally of the day had room for it."""
    if engines.dialect == "postgresql":
        return _in_one_statement(engines, slug, voter, liked=liked, slot=slot, ticket=ticket)
    return _in_transaction(engines, slug, voter, liked=liked, slot=slot, ticket=ticket)


def capped_like(
    engines: StoreEngines,
    day_keys: DayKeys,
    slug: str,
    voter: str,
    *,
    network: str,
    limit: int,
    slot: int,
) -> LikeState:
    """A like that ``network`` may add only ``limit`` times a UTC day to ``slug``; tried once
    more if the day's key was deleted or remade meanwhile."""

    def fetch(day_of_key: date) -> bytes:
        return engines.statement(lambda conn: day_key(conn, engines.dialect, day_of_key))

    for _ in range(2):
        try:
            ticket = day_keys.ticket(network, limit, fetch)
            return vote(engines, slug, voter, liked=True, slot=slot, ticket=ticket)
        except StaleDayKey:
            day_keys.forget(day_keys.today())
    raise StorageUnavailable("the daily cap's key of today keeps changing; try again")


def _in_one_statement(
    engines: StoreEngines, slug: str, voter: str, *, liked: bool, slot: int, ticket: Ticket | None
) -> LikeState:
    """PostgreSQL: the whole vote as one statement, the daily cap included: round trips, not
    SQL, bound the API (measured through gunicorn: docs/performance.md#writes-through-the-api)."""
    parameters: dict[str, object] = {"slug": slug, "voter": voter, "slot": slot}
    statement: Executable = vote_statement(liked)
    if ticket is not None:
        parameters.update(ticket.parameters())
        statement = capped_like_statement()
    found = engines.statement(lambda conn: conn.execute(statement, parameters).first())
    if found is None:
        raise UnknownArticle(slug)
    if found.likes_closed:
        raise ArticleClosed(slug)
    if ticket is not None and not found.keyed:
        raise StaleDayKey(f"the key of {ticket.day} changed")
    if ticket is not None and not found.allowed:
        raise DailyLimitReached(slug, ticket.retry_after)
    return LikeState(slug, found.likes, liked)


def _in_transaction(
    engines: StoreEngines, slug: str, voter: str, *, liked: bool, slot: int, ticket: Ticket | None
) -> LikeState:
    """SQLite: the same steps in one transaction, their SQL compiled once and run on the
    driver's cursor (sqlite_votes.py)."""
    sql = vote_statements()
    with engines.transaction(immediate=True) as conn:
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
        if moved := change.rowcount:
            delta = moved if liked else -moved
            run(conn, sql.bump, {"article_id": article_id, "slot": slot, "delta": delta})
        _, count = run(conn, sql.count, {"article_id": article_id}).fetchone()
        return LikeState(slug, count, liked)
