"""Slugs as names of articles, former slugs of renamed articles included: the lookups that the
store's verbs by slug go through, so an old slug keeps answering for its article (renames.py)."""

import functools

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    bindparam,
    exists,
    func,
    select,
    union_all,
)

from pelican_likes.storage.schema import article_aliases, articles, like_counters


@functools.cache
def article_by_slug() -> CompoundSelect[int, int, bool]:
    """The id, base likes and closed flag of the article ``slug`` names, as its slug or a former
    one.

    Parameter ``slug``; at most one row: an article's own slug comes first, so a former slug
    registered again as an article's is that article's (and no register() has to clean up).
    """
    slug = bindparam("slug", type_=articles.c.slug.type)
    columns = (articles.c.id, articles.c.base_likes, articles.c.likes_closed)
    current = select(*columns).where(articles.c.slug == slug)
    former = (
        select(*columns)
        .join(article_aliases, article_aliases.c.article_id == articles.c.id)
        .where(article_aliases.c.slug == slug, ~exists().where(articles.c.slug == slug))
    )
    return union_all(current, former)


def total_likes() -> ColumnElement[int]:
    """An article's count: its carried-over base plus the sum of its counter slots, for a query
    that groups by the article."""
    return articles.c.base_likes + func.coalesce(func.sum(like_counters.c.likes), 0)


@functools.cache
def counts_by_former_slug() -> Select[str, int]:
    """Slug and count of the articles that the former slugs in ``slugs`` (an expanding
    parameter) name; for slugs that no article has as its own, which come first."""
    return (
        select(article_aliases.c.slug, total_likes().label("likes"))
        .select_from(
            article_aliases.join(articles, articles.c.id == article_aliases.c.article_id).outerjoin(
                like_counters
            )
        )
        .where(article_aliases.c.slug.in_(bindparam("slugs", expanding=True)))
        .group_by(article_aliases.c.slug, articles.c.id, articles.c.base_likes)
    )
