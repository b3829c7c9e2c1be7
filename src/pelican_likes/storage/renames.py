"""Renamed articles: the likes of an old slug merged into the new one, and old slugs that keep
answering for the article they were merged into, so pages cached with an old widget still count.

A former slug (``article_aliases``) registered again as an article's slug is that article's:
lookups put articles first (aliases.py), and a rename replaces what such a slug pointed to.
"""

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, func, select, union_all

from pelican_likes.storage.errors import StorageError, UnknownArticle
from pelican_likes.storage.records import Renamed
from pelican_likes.storage.rules import (
    AlreadyMerged,
    Merge,
    Refusal,
    TakeName,
    Unknown,
    plan_rename,
)
from pelican_likes.storage.schema import (
    MAX_LIKES,
    article_aliases,
    article_merges,
    articles,
    likes,
)
from pelican_likes.storage.statements import bump_counter, counts_query


class RenameRefused(StorageError, ValueError):
    """A rename that would lose or mix up likes; the message says why."""


def rename(conn: Connection, dialect: str, old: str, new: str) -> Renamed:
    """Give ``old``'s likes to ``new`` and keep ``old`` answering for it; see ``Renamed``.

    What to do is decided before any write (rules.plan_rename), so a refusal leaves the
    transaction usable.
    """
    plan = plan_rename(
        old,
        new,
        own=lambda slug: _article_id(conn, slug),
        former=lambda slug: _former_of(conn, slug),
        slug_of=lambda article_id: _slug_of(conn, article_id),
    )
    match plan:
        case Unknown():
            raise UnknownArticle(old)
        case Refusal(reason):
            raise RenameRefused(reason)
        case AlreadyMerged(article_id):
            return Renamed(old, new, "unchanged", _count(conn, article_id))
        case TakeName(article_id):
            return _take_name(conn, article_id, old, new)
        case Merge(source, target):
            return _merge(conn, dialect, source, target, old, new)


def adopt(
    conn: Connection, dialect: str, former: Sequence[tuple[str, str]]
) -> list[Renamed | RenameRefused]:
    """Each (old, new) pair renamed in turn, in the caller's transaction: pairs whose old slug
    names no article are left out, refused ones returned as the error."""
    outcomes: list[Renamed | RenameRefused] = []
    for old, new in former:
        try:
            outcomes.append(rename(conn, dialect, old, new))
        except UnknownArticle:
            continue
        except RenameRefused as refused:
            outcomes.append(refused)
    return outcomes


def _take_name(conn: Connection, article_id: int, old: str, new: str) -> Renamed:
    """``new`` is not registered: the article simply changes slug, keeping every like."""
    conn.execute(article_aliases.delete().where(article_aliases.c.slug == new))
    conn.execute(
        articles.update().where(articles.c.id == article_id).values(slug=new, updated_at=func.now())
    )
    _point(conn, old, article_id)
    return Renamed(old, new, "renamed", _count(conn, article_id))


def _merge(conn: Connection, dialect: str, source: int, target: int, old: str, new: str) -> Renamed:
    """Move ``source``'s like rows to ``target`` and the count with them, then remove ``source``,
    pointing its slug and its own former slugs at ``target``.

    The rows keep the pseudonyms made under ``source``'s id, which ``target`` lists from now on
    (with those ``source`` listed), so their readers are still recognised. Nothing tells which
    of them also liked ``target``: such a reader counts twice, until an unlike removes both.
    """
    _check_base_likes_fit(conn, source, target, old, new)
    moved = conn.execute(
        likes.insert().from_select(
            ["article_id", "voter", "created_at"],
            select(bindparam("target", target), likes.c.voter, likes.c.created_at).where(
                likes.c.article_id == source
            ),
        )
    ).rowcount
    if moved:
        conn.execute(bump_counter(dialect, target, 0, moved))
    _list_merged_ids(conn, source, target)
    if base_likes := _base_likes(conn, source):
        conn.execute(
            articles.update()
            .where(articles.c.id == target)
            .values(base_likes=articles.c.base_likes + base_likes, updated_at=func.now())
        )
    conn.execute(
        article_aliases.update()
        .where(article_aliases.c.article_id == source)
        .values(article_id=target)
    )
    conn.execute(articles.delete().where(articles.c.id == source))
    _point(conn, old, target)
    return Renamed(old, new, "merged", _count(conn, target), moved)


def _list_merged_ids(conn: Connection, source: int, target: int) -> None:
    """Make ``target`` look readers up under ``source``'s id and the ids merged into it."""
    ids = union_all(
        select(bindparam("source", source)),
        select(article_merges.c.former_id).where(article_merges.c.article_id == source),
    ).subquery()
    listed = select(bindparam("target", target), ids.c[0])
    conn.execute(article_merges.insert().from_select(["article_id", "former_id"], listed))


def _check_base_likes_fit(conn: Connection, source: int, target: int, old: str, new: str) -> None:
    """Refuse, before any write, a merge whose base likes together pass ``MAX_LIKES``: the
    column on PostgreSQL refuses the sum, where SQLite would store it."""
    together = _base_likes(conn, source) + _base_likes(conn, target)
    if together > MAX_LIKES:
        raise RenameRefused(
            f"{old!r} and {new!r} carry {together:,} base likes together, more than the "
            f"{MAX_LIKES:,} an article can hold; lower one with `pelican-likes import-counts`"
        )


def _point(conn: Connection, slug: str, article_id: int) -> None:
    """Make ``slug`` a former slug of ``article_id``, whatever it pointed to while it was an
    article's own slug again."""
    conn.execute(article_aliases.delete().where(article_aliases.c.slug == slug))
    conn.execute(article_aliases.insert().values(slug=slug, article_id=article_id))


def _article_id(conn: Connection, slug: str) -> int | None:
    """The id of the article whose own slug is ``slug``, if one is."""
    return conn.scalar(select(articles.c.id).where(articles.c.slug == slug))


def _former_of(conn: Connection, slug: str) -> int | None:
    """The id of the article ``slug`` is a former slug of, if it is one."""
    query = select(article_aliases.c.article_id).where(article_aliases.c.slug == slug)
    return conn.scalar(query)


def _slug_of(conn: Connection, article_id: int) -> str:
    slug: str = conn.execute(
        select(articles.c.slug).where(articles.c.id == article_id)
    ).scalar_one()
    return slug


def _base_likes(conn: Connection, article_id: int) -> int:
    query = select(articles.c.base_likes).where(articles.c.id == article_id)
    base_likes: int = conn.execute(query).scalar_one()
    return base_likes


def _count(conn: Connection, article_id: int) -> int:
    likes_after: int = conn.execute(counts_query().where(articles.c.id == article_id)).one().likes
    return likes_after
