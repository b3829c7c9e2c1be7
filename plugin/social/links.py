"""What a widget shows of where its article was shared: set on the article by baking.py, drawn
by widget.py (which cannot import baking.py, as baking.py imports it)."""

from dataclasses import dataclass

# The attribute set on each shared article: a tuple of SocialLink, in the frontmatter's order.
SOCIAL_ATTRIBUTE = "likes_social"

# Each service's name where a post's count is not known (never fetched): the link shows it.
SERVICE_NAMES = {"mastodon": "Mastodon", "bluesky": "Bluesky", "webmention": "webmention.io"}


@dataclass(frozen=True)
class SocialLink:
    """One place an article was shared, and its likes there."""

    service: str  # "mastodon", "bluesky", "webmention", or "" for a link not recognised
    url: str
    likes: int | None = None  # None: never fetched
