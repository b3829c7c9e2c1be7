"""Which URLs of an article's frontmatter are posts a service can count."""

import pytest

from pelican.plugins.likes.social.posts import recognised, shared_posts, shared_urls


@pytest.mark.parametrize(
    ("url", "host", "status_id"),
    [
        ("https://mastodon.social/@gargron/1130000000001", "mastodon.social", "1130000000001"),
        ("https://fosstodon.org/@someone@mastodon.social/42/", "fosstodon.org", "42"),
        ("https://hachyderm.io/users/someone/statuses/123", "hachyderm.io", "123"),
        ("https://Social.Example:8443/@a/9", "social.example:8443", "9"),
    ],
)  # fmt: skip
def test_mastodon_status_urls_are_recognised_with_their_instance_and_id(url, host, status_id):
    post = recognised(url)

    assert post is not None
    assert (post.service, post.host, post.key) == ("mastodon", host, status_id)


@pytest.mark.parametrize(
    ("url", "actor", "rkey"),
    [
        ("https://bsky.app/profile/jay.bsky.team/post/3kabcde2f", "jay.bsky.team", "3kabcde2f"),
        ("https://bsky.app/profile/did:plc:z72i7hdynmk6r/post/3l4", "did:plc:z72i7hdynmk6r", "3l4"),
        ("https://bsky.app/profile/Jay.Bsky.Team/post/3k/", "jay.bsky.team", "3k"),
        ("https://bsky.app/profile/did:web:Blog.Example/post/3k", "did:web:Blog.Example", "3k"),
    ],
)  # fmt: skip
def test_bluesky_post_urls_are_recognised_with_their_author_and_record_key(url, actor, rkey):
    post = recognised(url)

    assert post is not None
    assert (post.service, post.key, post.rkey) == ("bluesky", actor, rkey)


@pytest.mark.parametrize(
    "url",
    [
        "https://mastodon.social/@gargron",  # a profile, not a status
        "https://mastodon.social/@gargron/abc",
        "https://bsky.app/profile/jay.bsky.team",
        "https://bsky.app/profile/jay.bsky.team/feed/aaa",
        "https://news.ycombinator.com/item?id=1",
        "ftp://mastodon.social/@a/1",
        "not a url",
        "",
    ],
)
def test_other_urls_are_not_posts(url):
    assert recognised(url) is None


def test_syndication_lists_and_single_fields_are_read_in_order_each_url_once():
    metadata = {
        "syndication": ["https://m.example/@a/1", "https://elsewhere.example/x"],
        "mastodon": "https://m.example/@a/1",
        "bluesky": "https://bsky.app/profile/a.example/post/3k",
    }

    posts, links, ignored = shared_posts(metadata)

    assert [post.url for post in posts] == ["https://m.example/@a/1", metadata["bluesky"]]
    assert links == ["https://elsewhere.example/x"]
    assert ignored == []


def test_native_metadata_text_is_split_at_commas_and_spaces():
    text = "https://m.example/@a/1, https://bsky.app/profile/a.example/post/3k"

    assert shared_urls({"syndication": text}) == text.split(", ")


def test_a_url_under_the_wrong_service_field_is_a_plain_link():
    posts, links, ignored = shared_posts({"bluesky": "https://m.example/@a/1"})

    assert (posts, links, ignored) == ([], ["https://m.example/@a/1"], [])


def test_what_is_no_web_address_is_left_out():
    metadata = {"syndication": ["javascript:alert(1)", "mailto:a@b.example", "https://x.example/"]}

    posts, links, ignored = shared_posts(metadata)

    assert (posts, links, ignored) == ([], ["https://x.example/"], metadata["syndication"][:2])
