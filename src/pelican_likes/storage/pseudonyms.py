"""Like rows that cannot be joined into a reader's history: each row stores a pseudonym of its
reader made for its article alone.

The API hands storage the voter, HMAC-SHA256(secret, token), one value per reader across every
article. A row stores ``SHA-256(voter ":" article id)`` in hex instead, computed in the database,
so the voter itself is never stored: a reader is recognised on an article by computing it again,
and two rows of one reader, on two articles, hold nothing that a copy of the database could join
on (docs/security.md#no-reading-profiles).

An article merged into another (renames.py) brings rows made under its own id; the target lists
that id in ``article_merges``, and a reader is looked up under each id of the article.
"""

import hashlib
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    String,
    Text,
    cast,
    exists,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from pelican_likes.storage.schema import VOTER_LENGTH, article_merges, likes

# The SQL function SQLite calls: the database module registers ``pseudonym`` under this name on
# every connection (SQLite has no SHA-256 of its own).
SQLITE_FUNCTION = "likes_pseudonym"


def pseudonym(voter: str, article_id: int) -> str:
    """The stored form of ``voter``'s like of the article ``article_id``; ``Pseudonym`` is the
    same in SQL."""
    return hashlib.sha256(f"{voter}:{article_id}".encode()).hexdigest()


class Pseudonym(FunctionElement[str]):
    """``pseudonym(voter, article_id)`` in SQL: ``Pseudonym(voter, article_id)``."""

    type = String(VOTER_LENGTH)
    name = "pseudonym"
    inherit_cache = True


@compiles(Pseudonym, "postgresql")
def _in_postgresql(element: Pseudonym, compiler: SQLCompiler, **kw: Any) -> str:
    voter, article_id = element.clauses
    text = voter.op("||")(literal_column("':'")).op("||")(cast(article_id, Text))
    digest = func.sha256(func.convert_to(text, literal_column("'UTF8'")))
    return compiler.process(func.encode(digest, literal_column("'hex'")), **kw)


@compiles(Pseudonym, "sqlite")
def _in_sqlite(element: Pseudonym, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(getattr(func, SQLITE_FUNCTION)(*element.clauses), **kw)


def pseudonyms_of(voter: ColumnElement[str], article_id: ColumnElement[int]) -> CompoundSelect[str]:
    """Every form ``voter``'s like of ``article_id`` can be stored in, as column ``voter``:
    under the article's own id, and under the id of each article merged into it."""
    # A union's selects are not correlated by themselves: each would otherwise read the table of
    # ``article_id`` whole (every article's pseudonym, for a lookup of one).
    own = select(Pseudonym(voter, article_id).label("voter")).correlate_except(article_merges)
    merged = (
        select(Pseudonym(voter, article_merges.c.former_id).label("voter"))
        .where(article_merges.c.article_id == article_id)
        .correlate_except(article_merges)
    )
    return union_all(own, merged)


def liked_by(voter: ColumnElement[str], article_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether ``voter`` likes ``article_id``: a row in any form of ``pseudonyms_of``.

    Two EXISTS, each finding its row by the whole primary key; ``voter IN (pseudonyms_of)``
    inside one EXISTS made PostgreSQL hash every like of the article, for each vote (5 s a like
    on an article of 200,000 likes, measured)."""
    own, merged = likes.alias("own"), likes.alias("merged")
    as_own = exists().where(
        own.c.article_id == article_id, own.c.voter == Pseudonym(voter, article_id)
    )
    as_merged = exists().where(
        article_merges.c.article_id == article_id,
        merged.c.article_id == article_id,
        merged.c.voter == Pseudonym(voter, article_merges.c.former_id),
    )
    return as_own.correlate_except(own) | as_merged.correlate_except(article_merges, merged)
