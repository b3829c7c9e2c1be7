"""The reads of a rebuild's shortcut (``pelican_likes.builds.unchanged``), as SQL text that the
database's own driver runs: the shortcut exists to spare a build SQLAlchemy's import.

Each text is a query of statements.py compiled for that backend's driver (``stored_articles``,
``former_slugs``, ``open_titles``), so the count it reads is the one the store reads.
tests/storage/test_driver_sql.py compiles them again and, when one no longer matches, fails with
the text to put here.
"""

from dataclasses import dataclass
from typing import Literal

Backend = Literal["sqlite", "postgresql"]


@dataclass(frozen=True)
class Reads:
    """One backend's text of each read, named as its query in statements.py."""

    stored_articles: str
    former_slugs: str
    open_titles: str


_STORED_ARTICLES = """
    SELECT articles.slug, articles.base_likes + coalesce(sum(like_counters.likes), 0) AS likes,
        articles.id, articles.title, articles.url, articles.likes_closed
    FROM articles LEFT OUTER JOIN like_counters ON articles.id = like_counters.article_id
    GROUP BY articles.id, articles.slug, articles.base_likes, articles.title, articles.url,
        articles.likes_closed
"""
_FORMER_SLUGS = "SELECT article_aliases.slug, article_aliases.article_id FROM article_aliases"
_OPEN_TITLES = "SELECT articles.slug, articles.title FROM articles WHERE "

READS: dict[Backend, Reads] = {
    "sqlite": Reads(_STORED_ARTICLES, _FORMER_SLUGS, _OPEN_TITLES + "articles.likes_closed = 0"),
    "postgresql": Reads(
        _STORED_ARTICLES, _FORMER_SLUGS, _OPEN_TITLES + "NOT articles.likes_closed"
    ),
}
