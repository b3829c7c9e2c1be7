"""The social counts' cache file: what a build writes, it reads back; anything else is refused,
naming the file, rather than read as counts."""

from datetime import UTC, datetime

import pytest

from pelican_likes.builds.social_cache import (
    PostCounts,
    SharedArticle,
    SocialCache,
    UnreadableCache,
    cache_file,
    read_cache,
    write_cache,
)

FETCHED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_a_cache_reads_back_as_written(tmp_path):
    cache = SocialCache(
        posts={
            "https://m.example/@a/1": PostCounts("mastodon", "https://m.example/@a/1", 12, 3,
                                                 FETCHED),
            "https://bsky.app/profile/a/post/3k": PostCounts(
                "bluesky", "https://bsky.app/profile/a/post/3k", None, None, None, FETCHED,
                "at://did:plc:a/app.bsky.feed.post/3k",
            ),
        },
        articles={"a": SharedArticle("a", "Été", ("https://m.example/@a/1",), ("https://x",))},
    )  # fmt: skip
    path = cache_file(tmp_path / "cache")

    write_cache(path, cache)

    assert read_cache(path) == cache
    assert [p.name for p in path.parent.iterdir()] == ["likes-social.json"]  # no temporary left


def test_no_file_is_an_empty_cache(tmp_path):
    assert read_cache(tmp_path / "missing.json") == SocialCache()


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"format": 2, "posts": {}, "articles": {}}',
        '{"format": 1, "posts": {"u": {"service": "myspace", "url": "u"}}, "articles": {}}',
        '{"format": 1, "posts": {"u": {"service": "mastodon", "url": "u", "likes": -1}},'
        ' "articles": {}}',
        '{"format": 1, "posts": {"u": {"service": "mastodon", "url": "u",'
        ' "fetched_at": "2026-01-01T00:00:00"}}, "articles": {}}',
        '{"format": 1, "posts": {}}',
    ],
)
def test_a_file_this_version_did_not_write_is_refused_naming_it(tmp_path, text):
    path = tmp_path / "likes-social.json"
    path.write_text(text)

    with pytest.raises(UnreadableCache, match=r"likes-social\.json"):
        read_cache(path)
