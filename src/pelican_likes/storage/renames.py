"""Renamed articles: the likes of an old slug merged into the new one, and old slugs that keep
answering for the article they were merged into, so pages cached with an old widget still count.

A former slug (``article_aliases``) registered again as an article's slug is that article's:
lookups put articles first (aliases.py), and a rename replaces what such a slug pointed to.
"""

from sqlalchemy import Connection, bindparam, func, select, text

from pelican_likes.storage.errors import StorageError, UnknownArticle
from pelican_likes.storage.records import Renamed
from pelican_likes.storage.schema import article_aliases, articles, likes
from pelican_likes.storage.slugs import SLUG_RULE, is_valid_slug
from pelican_likes.storage.statements import bump_counter, counts_query, insert_for


class RenameRefused(StorageError, ValueError):
    """A rename that would lose or mix up likes; the message says why."""


def lock_out_votes(conn: Connection, dialect: str) -> None:
    """Make votes wait until this transaction ends, and see what it did once they run.

    PostgreSQL takes a statement's table locks before its snapshot, so a vote that waited here
    resolves its slug after the merge: none is written to an article the merge removed. The
    mode also excludes a second merge. SQLite transactions of the store are already exclusive.
    """
    if dialect == "postgresql":
        conn.execute(text("LOCK TABLE likes IN SHARE ROW EXCLUSIVE MODE"))


def rename(conn: Connection, dialect: str, old: str, new: str) -> Renamed:
    """Give ``old``'s likes to ``new`` and keep ``old`` answering for it; see ``Renamed``.

    Every check comes before any write, so a refusal leaves the transaction usable.
    """
    _check_slugs(old, new)
    source = _article(conn, old)
    target = _article(conn, new)
    target_id = target.id if target else _former_of(conn, new)
    if source is None:
        owner = _former_of(conn, old)
        if owner is None:
            raise UnknownArticle(old)
        if owner != target_id:
            raise RenameRefused(f"{old!r} is already a former slug of {_slug_of(conn, owner)!r}")
        return Renamed(old, new, "unchanged", _count(conn, owner))
    if target is None:
        if target_id is not None and target_id != source.id:
            owner = _slug_of(conn, target_id)
            raise RenameRefused(f"{new!r} is a former slug of {owner!r}; rename to {owner!r}")
        return _take_name(conn, source.id, old, new)
    return _merge(conn, dialect, source, target, old, new)


def _check_slugs(old: str, new: str) -> None:
    for slug in (old, new):
        if not is_valid_slug(slug):
            raise RenameRefused(f"invalid article slug {slug!r}: a slug is {SLUG_RULE}")
    if old == new:
        raise RenameRefused(f"{old!r} is already the article's slug")


def _take_name(conn: Connection, article_id: int, old: str, new: str) -> Renamed:
    """``new`` is not registered: the article simply changes slug, keeping every like."""
    conn.execute(article_aliases.delete().where(article_aliases.c.slug == new))
    conn.execute(
        articles.update().where(articles.c.id == article_id).values(slug=new, updated_at=func.now())
    )
    _point(conn, old, article_id)
    return Renamed(old, new, "renamed", _count(conn, article_id))


def _merge(conn: Connection, dialect: str, source, target, old: str, new: str) -> Renamed:
    """Copy the like rows ``target`` lacks, move the count by as many, then remove ``source``,
    pointing its slug and its own former slugs at ``target``."""
    total = conn.scalar(select(func.count()).where(likes.c.article_id == source.id))
    copied = conn.execute(
        insert_for(dialect)(likes)
        .from_select(
            ["article_id", "voter", "created_at"],
            select(bindparam("target", target.id), likes.c.voter, likes.c.created_at).where(
                likes.c.article_id == source.id
            ),
        )
        .on_conflict_do_nothing()
    ).rowcount
    if copied:
        conn.execute(bump_counter(dialect, target.id, 0, copied))
    if source.base_likes:
        conn.execute(
            articles.update()
            .where(articles.c.id == target.id)
            .values(base_likes=articles.c.base_likes + source.base_likes, updated_at=func.now())
        )
    conn.execute(
        article_aliases.update()
        .where(article_aliases.c.article_id == source.id)
        .values(article_id=target.id)
    )
    conn.execute(articles.delete().where(articles.c.id == source.id))
    _point(conn, old, target.id)
    return Renamed(old, new, "merged", _count(conn, target.id), copied, total - copied)


def _point(conn: Connection, slug: str, article_id: int) -> None:
    """Make ``slug`` a former slug of ``article_id``, whatever it pointed to while it was an
    article's own slug again."""
    conn.execute(article_aliases.delete().where(article_aliases.c.slug == slug))
    conn.execute(article_aliases.insert().values(slug=slug, article_id=article_id))


def _article(conn: Connection, slug: str):
    query = select(articles.c.id, articles.c.base_likes).where(articles.c.slug == slug)
    return conn.execute(query).first()


def _former_of(conn: Connection, slug: str) -> int | None:
    """The id of the article ``slug`` is a former slug of, if it is one."""
    query = select(article_aliases.c.article_id).where(article_aliases.c.slug == slug)
    return conn.scalar(query)


def _slug_of(conn: Connection, article_id: int) -> str:
    return conn.scalar(select(articles.c.slug).where(articles.c.id == article_id))


def _count(conn: Connection, article_id: int) -> int:
    return conn.execute(counts_query().where(articles.c.id == article_id)).one().likes
