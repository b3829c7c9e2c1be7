"""The build's receiver: read where each article was shared, refresh the counts that are due,
and give each article the links and counts its widget shows beside the button.

Nothing here may fail a build: a service that fails leaves the last known count (one warning line
per service), an unreadable cache is started anew (one warning), and builds with
``LIKES_SOCIAL_OFFLINE=1`` use the cache alone.
"""

import logging
import os
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import chain

from pelican.contents import Article
from pelican.generators import ArticlesGenerator

from pelican.plugins.likes.exchange import plain_title
from pelican.plugins.likes.settings import LikesSettings, social_settings
from pelican.plugins.likes.social.links import SERVICE_NAMES, SOCIAL_ATTRIBUTE, SocialLink
from pelican.plugins.likes.social.posts import Post, shared_posts, webmention_target
from pelican.plugins.likes.widget import return_url, shows_widget
from pelican_likes.builds.social_cache import (
    PostCounts,
    SharedArticle,
    SocialCache,
    UnreadableCache,
    cache_file,
    read_cache,
    write_cache,
)

logger = logging.getLogger(__name__)

OFFLINE_VARIABLE = "LIKES_SOCIAL_OFFLINE"


def bake_social_counts(generator: ArticlesGenerator) -> None:
    """``article_generator_finalized`` receiver: set ``likes_social`` on every shared article."""
    settings = social_settings(LikesSettings.from_pelican(generator.settings))
    if not (settings.enabled and settings.social):
        return
    shared = _shared(generator, settings)
    path = cache_file(generator.settings["CACHE_PATH"])
    if not (shared or path.exists()):  # a blog that shares nothing reads nothing
        return
    try:
        cache = read_cache(path)
    except UnreadableCache as error:
        logger.warning("Likes: social counts' cache unreadable, started anew: %s", error)
        cache = SocialCache()
    changed = False  # written only then: a warm build writes nothing (serialising it was 25 ms)
    now = datetime.now(UTC)
    due = _longest_waiting_first(
        [post for post in _unique(shared) if is_due(cache.posts.get(post.url), settings, now)],
        cache,
    )
    if due and _offline():
        logger.info("Likes: %s=1, %d social count(s) not refreshed", OFFLINE_VARIABLE, len(due))
    elif due:
        _refresh(due, cache, settings, now)
        changed = True
    for article, (posts, links) in shared.items():
        if article.in_default_lang or article.slug not in cache.articles:
            entry = SharedArticle(
                article.slug, plain_title(article), tuple(p.url for p in posts), tuple(links)
            )
            if cache.articles.get(article.slug) != entry:
                cache.articles[article.slug] = entry
                changed = True
        setattr(article, SOCIAL_ATTRIBUTE, _links(posts, links, cache))
    changed |= _forget_unshared(generator, shared, cache)
    if changed:
        try:
            write_cache(path, cache)
        except OSError as error:
            logger.warning("Likes: social counts' cache not written: %s", error)


def is_due(known: PostCounts | None, settings: LikesSettings, now: datetime) -> bool:
    """Whether a post's counts are to be fetched: never fetched, or older than
    ``LIKES_SOCIAL_MAX_AGE``, and not while its service asked to wait (429's Retry-After)."""
    if known is None:
        return True
    if known.retry_after is not None and now < known.retry_after:
        return False
    max_age = timedelta(seconds=settings.social_max_age)
    return known.fetched_at is None or now - known.fetched_at >= max_age


def _longest_waiting_first(posts: list[Post], cache: SocialCache) -> list[Post]:
    """``posts``, those never fetched first, then those fetched longest ago: where a service's
    rate limit stops a build partway, the next build asks the posts this one could not."""
    never = datetime.min.replace(tzinfo=UTC)

    def fetched_at(post: Post) -> datetime:
        known = cache.posts.get(post.url)
        return known.fetched_at if known and known.fetched_at else never

    return sorted(posts, key=fetched_at)


def _shared(
    generator: ArticlesGenerator, settings: LikesSettings
) -> dict[Article, tuple[list[Post], list[str]]]:
    """Each article with a widget and somewhere it was shared, with its posts and plain links;
    one warning naming the links recognised as no post."""
    siteurl = generator.settings["SITEURL"]
    webmentions = settings.webmention_io and siteurl.startswith(("http://", "https://"))
    if settings.webmention_io and not webmentions:
        logger.warning(
            "Likes: LIKES_WEBMENTION_IO needs an absolute SITEURL (https://...), not %r: "
            "no webmention.io counts",
            siteurl,
        )
    shared = {}
    unrecognised, ignored = [], []
    for article in _published(generator):
        if not shows_widget(article):
            continue
        posts, links, not_web = shared_posts(article.metadata)
        if webmentions:
            posts.append(webmention_target(return_url(article.url, siteurl)))
        if posts or links:
            shared[article] = (posts, links)
        unrecognised += [f"{link} ({article.relative_source_path})" for link in links]
        ignored += [f"{text!r} ({article.relative_source_path})" for text in not_web]
    if unrecognised:
        logger.warning(
            "Likes: shown as plain links, as no Mastodon status or Bluesky post: %s",
            ", ".join(unrecognised),
        )
    if ignored:
        logger.warning("Likes: left out, as no web address: %s", ", ".join(ignored))
    return shared


def _forget_unshared(
    generator: ArticlesGenerator,
    shared: dict[Article, tuple[list[Post], list[str]]],
    cache: SocialCache,
) -> bool:
    """Drop from ``cache`` the articles no longer shared, then the posts no article names;
    whether anything was dropped. Else ``pelican-likes social`` and the stats would list
    deleted articles for ever, and the file grow with every post ever shared.

    An article is no longer shared when this build has none of its versions (deleted) or
    publishes one without a post (its posts taken out of the frontmatter, likes turned off).
    One this build has only as a draft keeps its counts: it may be published again, and a
    language site's build of i18n_subsites sees the other languages' articles as drafts (each
    language site has a cache folder of its own, unless ``CACHE_PATH`` is set for them all).
    """
    seen = {article.slug for article in _published(generator)}
    seen_anyhow = seen | {
        draft.slug
        for name in ("drafts", "drafts_translations", "hidden_articles", "hidden_translations")
        for draft in getattr(generator, name, ())
    }
    shared_slugs = {article.slug for article in shared}
    gone = [
        slug
        for slug in cache.articles
        if slug not in shared_slugs and (slug in seen or slug not in seen_anyhow)
    ]
    for slug in gone:
        del cache.articles[slug]
    named = {url for article in cache.articles.values() for url in article.posts}
    unnamed = [url for url in cache.posts if url not in named]
    for url in unnamed:
        del cache.posts[url]
    return bool(gone or unnamed)


def _published(generator: ArticlesGenerator) -> Iterable[Article]:
    return chain(generator.articles, generator.translations)


def _unique(shared: dict[Article, tuple[list[Post], list[str]]]) -> list[Post]:
    posts: dict[str, Post] = {}
    for article_posts, _ in shared.values():
        for post in article_posts:
            posts.setdefault(post.url, post)
    return list(posts.values())


def _refresh(due: list[Post], cache: SocialCache, settings: LikesSettings, now: datetime) -> None:
    """Fetch ``due`` into ``cache``, with one warning line per service that failed somewhere."""
    from pelican.plugins.likes.social.refresh import refresh  # imports httpx, for builds that ask

    try:
        problems = refresh(due, cache, settings, now)
    except Exception as error:  # a bug or an oddity of a service must not fail the build
        logger.warning("Likes: social counts not refreshed, last known kept: %r", error)
        return
    for service, reasons in problems.items():
        asked = sum(post.service == service for post in due)
        shown = "; ".join(reasons[:3]) + (
            f"; and {len(reasons) - 3} more" if len(reasons) > 3 else ""
        )
        logger.warning(
            "Likes: %s: %d of %d post(s) keep their last known counts: %s",
            SERVICE_NAMES[service],
            len(reasons),
            asked,
            shown,
        )


def _links(
    posts: Iterable[Post], links: Iterable[str], cache: SocialCache
) -> tuple[SocialLink, ...]:
    counted = [
        SocialLink(
            post.service, post.url, known.likes if (known := cache.posts.get(post.url)) else None
        )
        for post in posts
    ]
    return (*counted, *(SocialLink("", link) for link in links))


def _offline() -> bool:
    return os.environ.get(OFFLINE_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")
