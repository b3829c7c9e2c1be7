"""Real builds against the stub services: the counts baked beside each widget, from a cold cache
and a warm one, offline, turned off, and with webmention.io."""

import json
import re
from datetime import UTC, datetime, timedelta

from pelican_likes.builds.social_cache import cache_file, read_cache
from tests.plugin.pelican_builds import likes_warnings
from tests.plugin.social.conftest import BLUESKY_1, BLUESKY_2, FORUM_LINK, MASTODON_1, MASTODON_2


def social_line(html: str) -> str:
    """The text of the widget's line of social counts, tags removed."""
    found = re.search(r'<span class="likes-social">(.*?)</span>\n', html)
    assert found, "no social counts in the page"
    return re.sub(r"<[^>]+>", "", found[1])


def test_a_cold_build_shows_each_post_s_likes_linked_beside_the_widget(
    build_shared, stub, caplog, tmp_path
):
    site = build_shared()

    page = site.page("shared-far-and-wide.html")
    assert social_line(page) == "12 on Mastodon · 5 on Bluesky · forum.example.net"
    assert f'<a class="u-syndication" href="{MASTODON_1}">12 on Mastodon</a>' in page
    assert f'<a class="u-syndication" href="{BLUESKY_1}">5 on Bluesky</a>' in page
    assert f'<a class="u-syndication" href="{FORUM_LINK}">forum.example.net</a>' in page
    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"
    assert 'data-likes-count="0"' in page  # the blog's own count, as before
    [warning] = likes_warnings(caplog)  # the forum link, once
    assert FORUM_LINK in warning.getMessage() and "shared-post.md" in warning.getMessage()


def test_the_cache_keeps_counts_and_the_time_they_were_fetched(build_shared, tmp_path):
    before = datetime.now(UTC)
    build_shared()

    cache = read_cache(cache_file(tmp_path / "cache"))
    mastodon = cache.posts[MASTODON_1]
    assert (mastodon.likes, mastodon.reposts) == (12, 4)
    assert before <= mastodon.fetched_at <= datetime.now(UTC)
    assert cache.posts[BLUESKY_2].uri == "at://did:plc:fieldnotes2/app.bsky.feed.post/3kshared002"
    assert cache.articles["shared-far-and-wide"].posts == (MASTODON_1, BLUESKY_1)
    assert cache.articles["shared-far-and-wide"].links == (FORUM_LINK,)
    assert set(cache.articles) == {"shared-far-and-wide", "shared-by-field"}


def test_only_counts_are_stored_never_who_liked(build_shared, tmp_path):
    build_shared()

    stored = json.loads(cache_file(tmp_path / "cache").read_text())
    fields = {name for post in stored["posts"].values() for name in post}
    assert fields == {"service", "url", "likes", "reposts", "fetched_at", "retry_after", "uri"}


def test_a_warm_build_asks_no_service_and_shows_the_cached_counts(build_shared, stub, tmp_path):
    build_shared()
    written = cache_file(tmp_path / "cache").stat().st_mtime_ns
    asked = len(stub.requests)
    stub.add_status("113000000000000001", favourites=99)

    site = build_shared()

    assert len(stub.requests) == asked
    assert social_line(site.page("shared-far-and-wide.html")).startswith("12 on Mastodon")
    assert cache_file(tmp_path / "cache").stat().st_mtime_ns == written  # nothing rewritten


def test_counts_older_than_the_max_age_are_fetched_again(build_shared, stub):
    build_shared()
    stub.add_status("113000000000000001", favourites=99)

    site = build_shared(LIKES_SOCIAL_MAX_AGE=0)

    assert social_line(site.page("shared-far-and-wide.html")).startswith("99 on Mastodon")


def test_a_handle_is_resolved_once_then_its_post_s_uri_is_kept(build_shared, stub):
    build_shared()
    build_shared(LIKES_SOCIAL_MAX_AGE=0)

    assert stub.asked("/xrpc/com.atproto.identity.resolveHandle") == 1
    assert stub.asked("/xrpc/app.bsky.feed.getPosts") == 2


def test_bluesky_posts_are_asked_25_at_a_time(stub, tmp_path, social_settings, monkeypatch):
    from pelican.plugins.likes.settings import LikesSettings
    from pelican.plugins.likes.social.posts import recognised
    from pelican.plugins.likes.social.refresh import refresh
    from pelican_likes.builds.social_cache import SocialCache

    posts = []
    for n in range(60):
        stub.add_post("did:plc:many", f"3k{n:03d}", likes=n)
        posts.append(recognised(f"https://bsky.app/profile/did:plc:many/post/3k{n:03d}"))
    cache = SocialCache()
    settings = LikesSettings(social_bluesky_api=stub.url)

    problems = refresh(posts, cache, settings, datetime.now(UTC))

    assert problems == {}
    assert stub.asked("/xrpc/app.bsky.feed.getPosts") == 3
    assert [cache.posts[post.url].likes for post in posts] == list(range(60))


def test_an_offline_build_uses_the_cache_alone(build_shared, stub, monkeypatch):
    build_shared()
    asked = len(stub.requests)
    monkeypatch.setenv("LIKES_SOCIAL_OFFLINE", "1")

    site = build_shared(
        ("shared-post.md", "shared-fields.md", "shared-native.md"), LIKES_SOCIAL_MAX_AGE=0
    )

    assert len(stub.requests) == asked
    assert social_line(site.page("shared-far-and-wide.html")).startswith("12 on Mastodon")
    # Never fetched: linked by the service's name alone.
    assert social_line(site.page("shared-natively.html")) == "Mastodon · Bluesky"


def test_likes_social_false_asks_nothing_writes_nothing_shows_nothing(build_shared, stub, tmp_path):
    site = build_shared(LIKES_SOCIAL=False)

    assert stub.requests == []
    assert not cache_file(tmp_path / "cache").exists()
    assert "likes-social" not in site.page("shared-far-and-wide.html")


def test_articles_shared_nowhere_ask_nothing(build_site, social_settings, stub, tmp_path):
    build_site(["astro-post.md"], **social_settings)

    assert stub.requests == []
    assert not cache_file(tmp_path / "cache").exists()


def test_native_pelican_metadata_is_read_too(build_shared):
    site = build_shared(("shared-native.md",))

    assert social_line(site.page("shared-natively.html")) == "1 on Mastodon · 1 on Bluesky"


def test_sum_adds_the_social_likes_into_the_one_count_and_links_by_name(build_shared):
    site = build_shared(LIKES_SOCIAL_DISPLAY="sum")

    page = site.page("shared-far-and-wide.html")
    assert 'data-likes-count="17"' in page and 'data-likes-social="17"' in page
    assert '<span class="likes-count">17</span>' in page
    assert social_line(page) == "Mastodon · Bluesky · forum.example.net"


def test_hidden_fetches_for_the_author_but_shows_nothing(build_shared, stub, tmp_path):
    site = build_shared(LIKES_SOCIAL_DISPLAY="hidden")

    assert "likes-social" not in site.page("shared-far-and-wide.html")
    assert read_cache(cache_file(tmp_path / "cache")).posts[MASTODON_1].likes == 12


def test_an_unknown_display_warns_once_and_shows_them_beside(build_shared, caplog):
    site = build_shared(("shared-fields.md",), LIKES_SOCIAL_DISPLAY="both")

    [warning] = likes_warnings(caplog)
    assert "LIKES_SOCIAL_DISPLAY 'both'" in warning.getMessage()
    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"


def test_webmention_io_counts_the_likes_of_the_article_s_own_url(build_shared, stub):
    target = "https://blog.example/shared-by-field.html"
    stub.webmentions[target] = {"count": 6, "type": {"like": 3, "repost": 2, "reply": 1}}

    site = build_shared(
        ("shared-fields.md",), LIKES_WEBMENTION_IO=True, SITEURL="https://blog.example"
    )

    assert social_line(site.page("shared-by-field.html")) == (
        "7 on Mastodon · 2 on Bluesky · 3 on the web"
    )
    assert (
        stub.asked(f"/api/count.json?target={target.replace(':', '%3A').replace('/', '%2F')}") == 1
    )


def test_webmention_io_without_an_absolute_siteurl_warns_once(build_shared, stub, caplog):
    build_shared(("shared-fields.md",), LIKES_WEBMENTION_IO=True)

    [warning] = likes_warnings(caplog)
    assert "LIKES_WEBMENTION_IO needs an absolute SITEURL" in warning.getMessage()
    assert stub.asked("/api/count.json") == 0


def test_translations_share_the_widget_texts_of_their_language(build_shared, stub):
    site = build_shared(("shared-fields.md",), DEFAULT_LANG="fr")

    assert social_line(site.page("shared-by-field.html")) == "7 sur Mastodon · 2 sur Bluesky"


def test_a_retry_after_in_the_cache_is_honoured_even_past_the_max_age(build_shared, stub, tmp_path):
    from dataclasses import replace

    from pelican_likes.builds.social_cache import write_cache

    build_shared()
    path = cache_file(tmp_path / "cache")
    cache = read_cache(path)
    later = datetime.now(UTC) + timedelta(hours=1)
    cache.posts[MASTODON_2] = replace(cache.posts[MASTODON_2], retry_after=later)
    write_cache(path, cache)
    asked = stub.asked("/api/v1/statuses/113000000000000002")

    build_shared(LIKES_SOCIAL_MAX_AGE=0)

    assert stub.asked("/api/v1/statuses/113000000000000002") == asked
    assert stub.asked("/api/v1/statuses/113000000000000001") == 2


def test_what_is_no_web_address_is_left_out_of_the_page_with_one_warning(build_shared, caplog):
    site = build_shared(("shared-odd-links.md",))

    page = site.page("shared-oddly.html")
    assert "javascript:" not in page
    assert social_line(page) == "1 on Mastodon"
    [warning] = likes_warnings(caplog)
    assert warning.getMessage() == (
        "Likes: left out, as no web address: 'javascript:alert(1)' (shared-odd-links.md)"
    )


def test_social_settings_that_are_no_seconds_warn_and_their_defaults_are_used(build_shared, caplog):
    site = build_shared(
        ("shared-fields.md",),
        LIKES_SOCIAL_MAX_AGE="an hour",
        LIKES_SOCIAL_TIMEOUT=-1,
        LIKES_SOCIAL_CONNECT_TIMEOUT=None,
    )

    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"
    messages = [w.getMessage() for w in likes_warnings(caplog)]
    expected = "expected a number of seconds, 0 or more"
    assert messages == [
        f"likes: LIKES_SOCIAL_MAX_AGE 'an hour': {expected}; 3600 is used",
        f"likes: LIKES_SOCIAL_TIMEOUT -1: {expected}; 5.0 is used",
        f"likes: LIKES_SOCIAL_CONNECT_TIMEOUT None: {expected}; 2.0 is used",
    ]


def test_a_build_run_where_an_event_loop_runs_still_fetches(build_shared):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def build_inside_a_loop():
        return build_shared(("shared-fields.md",))

    # In a thread of its own, with a loop of its own: this process may run one already (a
    # browser test's, on the same pytest worker).
    with ThreadPoolExecutor(max_workers=1) as thread:
        site = thread.submit(asyncio.run, build_inside_a_loop()).result()

    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"


ONLY_POST = ("shared-post.md",)


def rewrite_fields_article(tmp_path, drop: str = "", add: str = "") -> None:
    """shared-fields.md as the author edited it: lines starting with ``drop`` taken out of its
    frontmatter, ``add`` put in. Build with ``ONLY_POST`` then, which copies no fixture over it."""
    source = tmp_path / "content" / "shared-fields.md"
    lines = [
        line for line in source.read_text().splitlines() if not (drop and line.startswith(drop))
    ]
    if add:
        lines.insert(1, add)
    source.write_text("\n".join(lines) + "\n")


def test_a_deleted_article_and_its_posts_leave_the_cache(build_shared, tmp_path):
    build_shared()
    (tmp_path / "content" / "shared-fields.md").unlink()

    build_shared(ONLY_POST)

    cache = read_cache(cache_file(tmp_path / "cache"))
    assert set(cache.articles) == {"shared-far-and-wide"}
    assert set(cache.posts) == {MASTODON_1, BLUESKY_1}


def test_an_article_no_longer_shared_leaves_the_cache(build_shared, tmp_path):
    build_shared()
    rewrite_fields_article(tmp_path, drop="bluesky:")
    build_shared(ONLY_POST)
    assert set(read_cache(cache_file(tmp_path / "cache")).posts) == {
        MASTODON_1,
        BLUESKY_1,
        MASTODON_2,
    }

    rewrite_fields_article(tmp_path, drop="mastodon:")
    site = build_shared(ONLY_POST)

    cache = read_cache(cache_file(tmp_path / "cache"))
    assert set(cache.articles) == {"shared-far-and-wide"}
    assert set(cache.posts) == {MASTODON_1, BLUESKY_1}
    assert 'class="likes-social"' not in site.page("shared-by-field.html")


def test_the_last_shared_article_gone_empties_the_cache(build_shared, tmp_path):
    build_shared()
    for name in ("shared-post.md", "shared-fields.md"):
        (tmp_path / "content" / name).unlink()

    build_shared(("astro-post.md",))

    cache = read_cache(cache_file(tmp_path / "cache"))
    assert (cache.articles, cache.posts) == ({}, {})


def test_an_article_turned_into_a_draft_keeps_its_counts(build_shared, stub, tmp_path):
    """As each language site's build of i18n_subsites turns the other languages' articles into
    drafts: what those were shared to stays, for the build that publishes them."""
    build_shared()
    rewrite_fields_article(tmp_path, add="draft: true")
    build_shared(ONLY_POST)
    assert set(read_cache(cache_file(tmp_path / "cache")).articles) == {
        "shared-far-and-wide",
        "shared-by-field",
    }
    asked = len(stub.requests)

    rewrite_fields_article(tmp_path, drop="draft:")
    site = build_shared(ONLY_POST)

    assert len(stub.requests) == asked
    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"
