"""A Mastodon status's public counts: ``GET /api/v1/statuses/:id`` on the status's instance,
which answers public statuses without an account (docs.joinmastodon.org/methods/statuses/).
Of its Status entity, ``favourites_count`` and ``reblogs_count`` are read."""

from collections.abc import Mapping

from pelican.plugins.likes.social.fetching import Fetcher, FetchProblem, whole_count
from pelican.plugins.likes.social.posts import Post


async def fetch(fetcher: Fetcher, post: Post, apis: Mapping[str, str]) -> tuple[int, int]:
    """(likes, reposts) of ``post``; its instance is asked at ``https://host`` unless ``apis``
    (LIKES_SOCIAL_MASTODON_APIS) names another address for it."""
    base = apis.get(post.host, f"https://{post.host}").rstrip("/")
    status = await fetcher.get_json(f"{base}/api/v1/statuses/{post.key}")
    if not isinstance(status, Mapping):
        raise FetchProblem("an answer that is no status")
    return whole_count(status.get("favourites_count")), whole_count(status.get("reblogs_count"))
