"""Reading a whole database as exchange records (exchange.py), in one snapshot, like rows
streamed: a million of them pass through in the memory of a few thousand
(bench/export_memory.py).
"""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Row, select

from pelican_likes.storage.exchange import (
    AliasRecord,
    ArticleRecord,
    End,
    Header,
    LikeRecord,
    MergeRecord,
    Record,
)
from pelican_likes.storage.migrate import require_head
from pelican_likes.storage.schema import (
    article_aliases,
    article_merges,
    articles,
    in_utc,
    likes,
)

# Like rows fetched per round trip: PostgreSQL's server-side cursor hands them over this many at
# a time, and SQLite's cursor steps through its rows as they are read.
BATCH = 5_000


def records(conn: Connection) -> Iterator[Record]:
    """Every record of the database on ``conn``, which the caller keeps in one read-only
    transaction (a snapshot: REPEATABLE READ on PostgreSQL, one read transaction on SQLite)."""
    yield Header(require_head(conn))
    counted = {"articles": 0, "aliases": 0, "merges": 0, "likes": 0}
    for row in conn.execute(select(articles).order_by(articles.c.id)):
        counted["articles"] += 1
        yield ArticleRecord(
            row.id, row.slug, row.title, row.url, row.base_likes, bool(row.likes_closed)
        )
    for slug, article in conn.execute(
        select(article_aliases.c.slug, article_aliases.c.article_id).order_by(
            article_aliases.c.slug
        )
    ):
        counted["aliases"] += 1
        yield AliasRecord(slug, article)
    for article, former in conn.execute(select(article_merges).order_by(*article_merges.c)):
        counted["merges"] += 1
        yield MergeRecord(article, former)
    for article, voter, at in _like_rows(conn):
        counted["likes"] += 1
        yield LikeRecord(article, voter, in_utc(at))
    yield End(**counted)


def _like_rows(conn: Connection) -> Iterator[Row[int, str, datetime]]:
    """Every like row in the order an import checks (article, then voter by code point: the
    "C" collation on PostgreSQL, whatever the database's), streamed."""
    voter: ColumnElement[str] = likes.c.voter
    if conn.dialect.name == "postgresql":
        voter = voter.collate("C")
    query = select(likes.c.article_id, likes.c.voter, likes.c.created_at).order_by(
        likes.c.article_id, voter
    )
    for batch in conn.execution_options(yield_per=BATCH).execute(query).partitions():
        yield from batch
