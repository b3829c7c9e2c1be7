"""Slugs as names of articles, former slugs of renamed articles included: the lookups that the
store's verbs by slug go through, so an old slug keeps answering for its article (renames.py)."""

import functools

from sqlalchemy import CompoundSelect, Select, bindparam, exists, func, select, union_all

from pelican_likes.schema import article_aliases, articles, like_counters


@functools.cache
def article_by_slug() -> CompoundSelect:
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


@functools.cache
def counts_by_slug() -> Select:
    """Slug and count of the articles the slugs in ``slugs`` (an expanding parameter) name,
    former slugs included, each answering with its article's count."""
    wanted = bindparam("slugs", expanding=True)
    named = union_all(
        select(articles.c.slug, articles.c.id.label("article_id")).where(
            articles.c.slug.in_(wanted)
        ),
        select(article_aliases.c.slug, article_aliases.c.article_id).where(
            article_aliases.c.slug.in_(wanted),
            ~exists().where(articles.c.slug == article_aliases.c.slug),
        ),
    ).subquery("named")
    total = articles.c.base_likes + func.coalesce(func.sum(like_counters.c.likes), 0)
    return (
        select(named.c.slug, total.label("likes"))
        .select_from(
            named.join(articles, articles.c.id == named.c.article_id).outerjoin(like_counters)
        )
        .group_by(named.c.slug, articles.c.id, articles.c.base_likes)
    )
