"""Fetch the posts whose counts are due, all services at once, into the cache: a post fetched
gets its counts and the time; a post that failed keeps its last known counts, and its reason is
returned for the build's one warning line per service."""

import asyncio
from collections import defaultdict
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import Any

from pelican.plugins.likes.settings import LikesSettings
from pelican.plugins.likes.social import bluesky, mastodon, webmention
from pelican.plugins.likes.social.fetching import Fetcher, FetchProblem
from pelican.plugins.likes.social.posts import Post
from pelican_likes.builds.social_cache import PostCounts, SocialCache

# (likes, reposts, Bluesky's AT URI or None) of a post, or why it has none.
Outcome = tuple[int, int, str | None] | FetchProblem


def refresh(
    posts: list[Post], cache: SocialCache, settings: LikesSettings, now: datetime
) -> dict[str, list[str]]:
    """Fetch ``posts`` into ``cache.posts``; return "url: reason" of each failure, by service."""
    # In a thread of its own: the build may run where an event loop already runs (Pelican
    # called from an asyncio application, a test runner), in which asyncio.run fails.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="likes-social") as thread:
        outcomes = thread.submit(asyncio.run, _fetch(posts, cache, settings, now)).result()
    problems: dict[str, list[str]] = defaultdict(list)
    for post in posts:
        outcome = outcomes[post.url]
        known = cache.posts.get(post.url) or PostCounts(post.service, post.url)
        if isinstance(outcome, FetchProblem):
            cache.posts[post.url] = replace(known, retry_after=outcome.retry_after)
            problems[post.service].append(f"{post.url}: {outcome.reason}")
        else:
            likes, reposts, uri = outcome
            cache.posts[post.url] = PostCounts(
                post.service, post.url, likes, reposts, now, None, uri or known.uri
            )
    return dict(problems)


async def _fetch(
    posts: list[Post], cache: SocialCache, settings: LikesSettings, now: datetime
) -> dict[str, Outcome]:
    fetcher = Fetcher(settings, now)
    apis = dict(settings.social_mastodon_apis or {})
    singles: list[tuple[Post, Coroutine[Any, Any, tuple[int, int]]]] = []
    for post in posts:
        if post.service == "mastodon":
            singles.append((post, mastodon.fetch(fetcher, post, apis)))
        elif post.service == "webmention":
            singles.append((post, webmention.fetch(fetcher, post, settings.social_webmention_api)))
    on_bluesky = [
        (post, known.uri if (known := cache.posts.get(post.url)) else None)
        for post in posts
        if post.service == "bluesky"
    ]
    try:
        on_bluesky_answers, single_answers = await asyncio.gather(
            bluesky.fetch_all(fetcher, on_bluesky, settings.social_bluesky_api),
            asyncio.gather(*(_outcome(asked) for _, asked in singles)),
        )
    finally:
        await fetcher.close()
    outcomes: dict[str, Outcome] = dict(on_bluesky_answers)
    outcomes.update(
        (post.url, answer) for (post, _), answer in zip(singles, single_answers, strict=True)
    )
    return outcomes


async def _outcome(asked: Coroutine[Any, Any, tuple[int, int]]) -> Outcome:
    try:
        likes, reposts = await asked
    except FetchProblem as problem:
        return problem
    return likes, reposts, None
