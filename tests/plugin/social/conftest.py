"""The stub services (tests/plugin/social_stubs.py) and the settings pointing a build at them."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.plugin.pelican_builds import Site
from tests.plugin.social_stubs import SocialStub, social_stub

# The fixture articles' posts (fixtures/articles/shared-*.md), and the counts the stubs give them.
MASTODON_1 = "https://mastodon.example/@fieldnotes/113000000000000001"
BLUESKY_1 = "https://bsky.app/profile/fieldnotes.example/post/3kshared001"
FORUM_LINK = "https://forum.example.net/t/shared-far-and-wide/42"
MASTODON_2 = "https://mastodon.example/users/fieldnotes/statuses/113000000000000002"
BLUESKY_2 = "https://bsky.app/profile/did:plc:fieldnotes2/post/3kshared002"
DID = "did:plc:fieldnotes1"


@pytest.fixture
def stub() -> Iterator[SocialStub]:
    """The services, knowing the fixture articles' posts: 12 and 5 likes for shared-post.md,
    7 and 2 for shared-fields.md."""
    with social_stub() as services:
        services.add_status("113000000000000001", favourites=12, reblogs=4)
        services.add_status("113000000000000002", favourites=7, reblogs=1)
        services.add_status("113000000000000003", favourites=1, reblogs=0)
        services.dids["fieldnotes.example"] = DID
        services.add_post(DID, "3kshared001", likes=5, reposts=2)
        services.add_post("did:plc:fieldnotes2", "3kshared002", likes=2, reposts=0)
        services.add_post(DID, "3kshared003", likes=1, reposts=0)
        yield services


@pytest.fixture
def social_settings(stub: SocialStub, tmp_path: Path, sqlite_url: str) -> dict[str, object]:
    """Settings of a build whose services are the stubs, with a cache of its own."""
    return {
        "LIKES_DATABASE_URL": sqlite_url,
        "CACHE_PATH": str(tmp_path / "cache"),
        "LIKES_SOCIAL_MASTODON_APIS": {"mastodon.example": stub.url},
        "LIKES_SOCIAL_BLUESKY_API": stub.url,
        "LIKES_SOCIAL_WEBMENTION_API": stub.url,
    }


@pytest.fixture
def build_shared(
    build_site: Callable[..., Site], social_settings: dict[str, object]
) -> Callable[..., Site]:
    """Build the shared fixture articles against the stubs, with extra settings."""

    def build(
        articles: tuple[str, ...] = ("shared-post.md", "shared-fields.md"), **settings: object
    ) -> Site:
        return build_site(articles, **{**social_settings, **settings})

    return build
