"""The blog's articles as the database knows them: registered by its builds, closed to likes when a
build shows one without its widget, and given base likes carried over from an older system.

Arguments are checked before any connection is opened (``registration``, ``check_base_likes``);
the writes run in the caller's transaction.
"""

from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, bindparam, func, select, true

from pelican_likes.storage.errors import UnknownArticle
from pelican_likes.storage.records import ArticleAddress, ArticleInfo
from pelican_likes.storage.schema import MAX_LIKES, article_aliases, articles
from pelican_likes.storage.slugs import is_valid_slug
from pelican_likes.storage.statements import upsert_articles


def registration(items: Iterable[ArticleInfo]) -> list[dict[str, str]]:
    """The rows that register ``items``, the last of each slug, fitted to their columns, in slug
    order; a ValueError names every invalid slug."""
    rows = {item.slug: item.fitted() for item in items}
    invalid = sorted(slug for slug in rows if not is_valid_slug(slug))
    if invalid:
        raise ValueError(f"invalid article slug(s): {', '.join(map(repr, invalid))}")
    return [{"slug": i.slug, "title": i.title, "url": i.url} for _, i in sorted(rows.items())]


def register(conn: Connection, dialect: str, rows: list[dict[str, str]]) -> None:
    """Create or update the articles of ``rows`` (see statements.upsert_articles)."""
    conn.execute(upsert_articles(dialect), rows)


def close_likes(conn: Connection, slugs: list[str]) -> None:
    """Close these registered articles to likes, keeping their counts; other slugs are left out."""
    conn.execute(
        articles.update()
        .where(articles.c.slug.in_(slugs), ~articles.c.likes_closed)
        .values(likes_closed=true(), updated_at=func.now())
    )


def check_base_likes(base: Mapping[str, int]) -> None:
    """A ValueError naming every count a likes column cannot hold."""
    out_of_range = sorted(slug for slug, count in base.items() if not 0 <= count <= MAX_LIKES)
    if out_of_range:
        raise ValueError(
            f"base likes must be 0 to {MAX_LIKES:,}: {', '.join(map(repr, out_of_range))}"
        )


def check_registered(conn: Connection, slugs: Iterable[str]) -> None:
    """UnknownArticle naming every slug of ``slugs`` that is no article's own slug."""
    wanted = set(slugs)
    known = set(conn.scalars(select(articles.c.slug).where(articles.c.slug.in_(list(wanted)))))
    unknown = sorted(wanted - known)
    if unknown:
        raise UnknownArticle(*unknown)


def set_base_likes(conn: Connection, base: Mapping[str, int]) -> None:
    """Set the base likes of every slug of ``base``, or of none if one is unknown (UnknownArticle);
    in a transaction that holds SQLite's write lock from its first read."""
    check_registered(conn, base)
    conn.execute(
        articles.update()
        .where(articles.c.slug == bindparam("b_slug"))
        .values(base_likes=bindparam("b_likes"), updated_at=func.now()),
        [{"b_slug": slug, "b_likes": count} for slug, count in base.items()],
    )


def addresses(conn: Connection) -> list[ArticleAddress]:
    """Every registered article's slug, URL and former slugs, in slug order."""
    former: dict[int, list[str]] = {}
    aliases = select(article_aliases.c.article_id, article_aliases.c.slug).order_by(
        article_aliases.c.slug
    )
    for article_id, slug in conn.execute(aliases):
        former.setdefault(article_id, []).append(slug)
    query = select(articles.c.id, articles.c.slug, articles.c.url).order_by(articles.c.slug)
    return [
        ArticleAddress(slug, url, tuple(former.get(article_id, ())))
        for article_id, slug, url in conn.execute(query)
    ]
