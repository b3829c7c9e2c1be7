"""Once per build, before anything is written: register every article that shows a widget, so the
API accepts likes for it, give renamed articles the likes of their former slugs, and read all
their counts in one query to bake into the pages.

Articles the build sees with likes turned off (``likes: false``, a draft, a hidden article) are
closed to likes in the database, their counts kept, so the API stops taking likes the page no
longer offers. Articles missing from the build are left as they are: several blogs may share one
API. A blog built once per language writes each article's record in one of its builds only
(language_sites.py); the others read its count.
"""

import logging
from collections.abc import Iterable, Mapping
from itertools import chain
from weakref import WeakKeyDictionary

from pelican.contents import Article, Content
from pelican.generators import ArticlesGenerator, Generator

from pelican.plugins.likes.exchange import BuildExchange, article_info
from pelican.plugins.likes.former_slugs import claimed_former_slugs, report_merges
from pelican.plugins.likes.language_sites import LanguageSites, versions_by_slug
from pelican.plugins.likes.settings import LikesSettings
from pelican.plugins.likes.widget import (
    COUNT_ATTRIBUTE,
    RETURN_ATTRIBUTE,
    return_url,
    shows_widget,
    wants_widget,
)
from pelican_likes.builds.publication import Publication
from pelican_likes.storage.slugs import SLUG_RULE, is_valid_slug

logger = logging.getLogger(__name__)


class LikesDatabaseError(RuntimeError):
    """``LIKES_STRICT`` is on and the likes database cannot be used."""


# Each articles generator's exchange with the database, from its start to its use.
_exchanges: WeakKeyDictionary[ArticlesGenerator, BuildExchange] = WeakKeyDictionary()


def start_exchange(generator: Generator) -> None:
    """``generator_init`` receiver: open the exchange of a build's articles generator, which
    reads what the database holds (exchange.py)."""
    settings = LikesSettings.from_pelican(generator.settings)
    if settings.enabled and isinstance(generator, ArticlesGenerator):
        _exchanges[generator] = BuildExchange(
            settings.resolved_database_url(), generator.settings["SITEURL"]
        )


def watch_article(content: Content) -> None:
    """``content_object_init`` receiver: show each article read to its build's exchange, which
    then knows early whether the database has anything to change, and give it the attributes
    bake_counts fills in."""
    if not isinstance(content, Article) or not shows_widget(content):
        return
    for generator, exchange in _exchanges.items():
        if generator.settings is content.settings:
            _reserve_attributes(content)
            exchange.see(content)


def _reserve_attributes(article: Article) -> None:
    """Set the count and return page as the article is made, to their defaults.

    CPython keeps the attributes of a class's instances in one table they share, without a dict
    each, while they are given the same names as they are made; these two names, first set on
    finished articles, gave every article a dict of its own: more objects for the garbage
    collector to walk, and more collections (measured:
    docs/performance.md#article-attributes-and-urls).
    """
    setattr(article, COUNT_ATTRIBUTE, 0)
    setattr(article, RETURN_ATTRIBUTE, None)


def bake_counts(generator: ArticlesGenerator) -> None:
    """``article_generator_finalized`` receiver: set each widget article's count and the page
    its form returns to."""
    settings = LikesSettings.from_pelican(generator.settings)
    if not settings.enabled:
        return
    candidates = list(chain(generator.articles, generator.translations))
    _warn_about_unusable_slugs(candidates)
    articles = [article for article in candidates if shows_widget(article)]
    sites = LanguageSites.of(generator.settings)
    closed = _closed_slugs(generator, sites)
    siteurl = generator.settings["SITEURL"]
    exchange = _exchanges.pop(generator, None) or BuildExchange(
        settings.resolved_database_url(), siteurl
    )
    # Pelican formats article.url anew at each use: once per article here (measured:
    # docs/performance.md#article-attributes-and-urls).
    urls = {article: article.url for article in articles}
    pages = {a: urls[a] for a in _unique_by_slug(articles) if sites.records(a)}
    counted = {article.slug for article in articles}.difference(a.slug for a in pages)
    counts = fetch_counts(settings, pages, siteurl, closed, exchange, counted)
    for article in articles:  # translations sharing a slug share its count
        setattr(article, COUNT_ATTRIBUTE, counts.get(article.slug, 0))
        setattr(article, RETURN_ATTRIBUTE, return_url(urls[article], siteurl))


def fetch_counts(
    settings: LikesSettings,
    pages: Mapping[Article, str],
    siteurl: str,
    closed: Iterable[str],
    exchange: BuildExchange,
    counted: Iterable[str] = (),
) -> dict[str, int]:
    """Register the articles of ``pages`` (each mapped to its ``article.url``), merge in their
    former slugs' likes, close the ``closed`` slugs to likes, and return the counts of the
    articles and of the ``counted`` slugs (registered by another build); {} (with one warning)
    if the database is unusable, unless ``LIKES_STRICT`` makes that an error."""
    claimed = claimed_former_slugs(pages)
    published = exchange.publish(
        Publication(
            database_url=settings.resolved_database_url(),
            articles=tuple(article_info(article, url, siteurl) for article, url in pages.items()),
            former_slugs=tuple((old, article.slug) for old, article in claimed.items()),
            closed=tuple(sorted(closed)),
            counted=tuple(sorted(counted)),
        )
    )
    if published.problem is None:
        report_merges(published, claimed)
        # Which database, since the API likes only articles registered in its own.
        logger.info(
            "Likes: %d article(s) registered in %s, their counts baked",
            len(pages),
            published.database,
        )
        return published.counts
    if settings.strict:
        raise LikesDatabaseError(
            f"LIKES_STRICT is set and the likes database {published.database} "
            f"cannot be used: {published.problem}"
        )
    logger.warning(
        "Likes: every count is shown as 0, the likes database %s cannot be used: %s",
        published.database,
        published.problem,
    )
    return {}


def _closed_slugs(generator: ArticlesGenerator, sites: LanguageSites) -> set[str]:
    """Slugs of the articles this build sees without a widget, but for those another version (a
    translation sharing the slug) wants one, and those another language's site decides on."""
    seen = chain(
        generator.articles,
        generator.translations,
        generator.drafts,
        generator.drafts_translations,
        generator.hidden_articles,
        generator.hidden_translations,
    )
    return {
        slug
        for slug, versions in versions_by_slug(seen).items()
        if is_valid_slug(slug) and sites.closes(versions)
    }


def _unique_by_slug(articles: Iterable[Article]) -> list[Article]:
    """One article per slug, originals before translations (which usually share the slug)."""
    seen: dict[str, Article] = {}
    for article in articles:
        seen.setdefault(article.slug, article)
    return list(seen.values())


def _warn_about_unusable_slugs(articles: Iterable[Article]) -> None:
    for article in articles:
        if wants_widget(article) and not is_valid_slug(article.slug):
            logger.warning(
                "%s: slug %r cannot take likes (a slug is %s): no like widget on this article",
                article.relative_source_path,
                article.slug,
                SLUG_RULE,
            )
