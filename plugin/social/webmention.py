"""The webmentions webmention.io received for an article's URL: ``GET /api/count.json?target=``,
public (github.com/aaronpk/webmention.io, "API"), answering ``{"count": n, "type": {"like": n,
"repost": n, ...}}``; of it, ``type.like`` and ``type.repost`` are read (absent when 0)."""

from collections.abc import Mapping

from pelican.plugins.likes.social.fetching import Fetcher, FetchProblem, whole_count
from pelican.plugins.likes.social.posts import Post


async def fetch(fetcher: Fetcher, post: Post, api: str) -> tuple[int, int]:
    """(likes, reposts) of the article whose URL is ``post.key``."""
    answer = await fetcher.get_json(f"{api.rstrip('/')}/api/count.json", {"target": post.key})
    if not isinstance(answer, Mapping) or "count" not in answer:
        raise FetchProblem("an answer that is no count")
    kinds = answer.get("type") or {}
    if not isinstance(kinds, Mapping):
        raise FetchProblem("an answer that is no count")
    return whole_count(kinds.get("like", 0)), whole_count(kinds.get("repost", 0))
