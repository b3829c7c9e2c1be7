"""Every way a service can fail a build's fetch: the build goes on, each post keeps its last
known count, and each failing service gets one warning line saying why."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from pelican.plugins.likes.settings import LikesSettings
from pelican.plugins.likes.social.fetching import (
    MAX_BODY,
    Fetcher,
    FetchProblem,
    _rate_limit_reset,
    _retry_after,
)
from pelican_likes.builds.social_cache import cache_file, read_cache
from tests.plugin.pelican_builds import likes_warnings
from tests.plugin.social.conftest import BLUESKY_1, MASTODON_1
from tests.plugin.social.test_baking import social_line
from tests.plugin.social_stubs import Answer

STATUS_1 = "/api/v1/statuses/113000000000000001"
STATUSES = "/api/v1/statuses/"
# Three articles shared on Mastodon, a status each.
THREE_SHARED = ("shared-post.md", "shared-fields.md", "shared-native.md")
GET_POSTS = "/xrpc/app.bsky.feed.getPosts"


def warnings_of(caplog, service: str) -> list[str]:
    return [
        w.getMessage()
        for w in likes_warnings(caplog)
        if w.getMessage().startswith(f"Likes: {service}")
    ]


@pytest.fixture
def warmed(build_shared, caplog):
    """A build whose cache holds every count (12 and 5 for shared-post.md), then a clean log."""
    build_shared()
    caplog.clear()
    return build_shared


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(401, b'{"error": "This method requires an authenticated user"}'), "refused (401"),
        (Answer(404, b'{"error": "Record not found"}'), "not found (404: deleted?)"),
        (Answer(500, b"Internal Server Error"), "HTTP 500"),
        (Answer(200, b"<html><body>Maintenance</body></html>"), "not JSON"),
        (Answer(200, b'{"id": "1", "favourites_count": "many"}'), "without its counts"),
        (Answer(200, b"[1, 2, 3]"), "no status"),
        (Answer(200, b'{"a": "' + b"x" * (MAX_BODY + 10) + b'"}'), "over 256 KiB"),
        (Answer(200, b'{"a": "' + b"x" * (MAX_BODY + 10) + b'"}', content_length=False),
         "over 256 KiB"),
    ],
)  # fmt: skip
def test_a_mastodon_failure_keeps_the_last_count_with_one_warning(
    warmed, stub, caplog, answer, reason
):
    stub.imposed["/api/v1/statuses/"] = answer

    site = warmed(LIKES_SOCIAL_MAX_AGE=0)

    assert social_line(site.page("shared-far-and-wide.html")) == (
        "12 on Mastodon · 5 on Bluesky · forum.example.net"
    )
    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"
    [warning] = warnings_of(caplog, "Mastodon")
    assert "2 of 2 post(s) keep their last known counts" in warning
    assert MASTODON_1 in warning and reason in warning
    assert warnings_of(caplog, "Bluesky") == []


def test_a_failure_before_any_count_links_the_post_by_its_service(build_shared, stub, caplog):
    stub.imposed["/api/v1/statuses/"] = Answer(404, b'{"error": "Record not found"}')

    site = build_shared()

    assert social_line(site.page("shared-far-and-wide.html")) == (
        "Mastodon · 5 on Bluesky · forum.example.net"
    )
    assert len(warnings_of(caplog, "Mastodon")) == 1


def test_a_timeout_keeps_the_last_counts_and_that_host_is_asked_no_more(warmed, stub, caplog):
    stub.imposed["/api/v1/statuses/"] = Answer(200, b"{}", delay=3)

    site = warmed(LIKES_SOCIAL_MAX_AGE=0, LIKES_SOCIAL_TIMEOUT=0.3)

    assert stub.asked("/api/v1/statuses/") == 2 + 1  # the warming build's two, then the first
    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"
    [warning] = warnings_of(caplog, "Mastodon")
    assert "timed out" in warning


def test_an_unreachable_host_warns_once_and_the_build_goes_on(warmed, stub, caplog):
    from tests.support import free_port

    nobody = f"http://127.0.0.1:{free_port()}"

    site = warmed(
        LIKES_SOCIAL_MAX_AGE=0,
        LIKES_SOCIAL_MASTODON_APIS={"mastodon.example": nobody},
        LIKES_SOCIAL_BLUESKY_API=nobody,
    )

    assert social_line(site.page("shared-far-and-wide.html")).startswith("12 on Mastodon · 5 on")
    [mastodon] = warnings_of(caplog, "Mastodon")
    [bluesky] = warnings_of(caplog, "Bluesky")
    assert "unreachable" in mastodon and "unreachable" in bluesky


def test_a_429_is_honoured_until_its_retry_after(warmed, stub, caplog, tmp_path):
    stub.imposed["/api/v1/statuses/"] = Answer(429, b'{"error": "Too many requests"}',
                                               {"Retry-After": "600"})  # fmt: skip

    before = datetime.now(UTC)
    warmed(LIKES_SOCIAL_MAX_AGE=0)
    after = datetime.now(UTC)

    [warning] = warnings_of(caplog, "Mastodon")
    assert "rate-limited (429)" in warning
    retry = read_cache(cache_file(tmp_path / "cache")).posts[MASTODON_1].retry_after
    assert before + timedelta(seconds=600) <= retry <= after + timedelta(seconds=600)
    asked = stub.asked("/api/v1/statuses/")
    del stub.imposed["/api/v1/statuses/"]
    caplog.clear()

    site = warmed(LIKES_SOCIAL_MAX_AGE=0)

    assert stub.asked("/api/v1/statuses/") == asked  # not before Retry-After
    assert warnings_of(caplog, "Mastodon") == []
    assert social_line(site.page("shared-far-and-wide.html")).startswith("12 on Mastodon")


@pytest.mark.parametrize(
    "answer",
    [Answer(429, b"{}", {"Retry-After": "60"}), Answer(200, b"{}", delay=2)],
    ids=["429", "timeout"],
)
def test_a_host_that_refused_or_timed_out_is_asked_no_more_in_that_build(stub, answer):
    stub.imposed["/api/v1/statuses/"] = answer
    fetcher_settings = LikesSettings(social_timeout=0.3)

    async def ask_twice() -> list[str]:
        fetcher = Fetcher(fetcher_settings, datetime.now(UTC))
        reasons = []
        for status_id in ("1", "2"):
            with pytest.raises(FetchProblem) as raised:
                await fetcher.get_json(f"{stub.url}/api/v1/statuses/{status_id}")
            reasons.append(raised.value.reason)
        await fetcher.close()
        return reasons

    with ThreadPoolExecutor(max_workers=1) as thread:  # a loop of its own, as the build's
        first, second = thread.submit(asyncio.run, ask_twice()).result()

    assert stub.asked("/api/v1/statuses/") == 1
    assert first == second


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("120", 120), ("Wed, 21 Oct 2015 07:28:00 GMT", 3600), ("soon", None), (None, None)],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(value, seconds):
    now = datetime(2015, 10, 21, 6, 28, tzinfo=UTC)

    wait = _retry_after(value, now)

    assert wait == (None if seconds is None else timedelta(seconds=seconds))


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        ("2015-10-21T06:33:00.019685Z", datetime(2015, 10, 21, 6, 33, 0, 19685, tzinfo=UTC)),
        ("1445409180", datetime(2015, 10, 21, 6, 33, tzinfo=UTC)),  # Unix time, Bluesky's
        ("300", datetime(2015, 10, 21, 6, 33, tzinfo=UTC)),  # seconds, the IETF draft's
        ("2015-10-21T06:00:00Z", None),  # past
        ("soon", None),
        ("9" * 30, None),
        (None, None),
    ],
)
def test_a_rate_limit_reset_is_read_as_a_time_or_seconds(value, moment):
    now = datetime(2015, 10, 21, 6, 28, tzinfo=UTC)

    assert _rate_limit_reset(value, now) == moment


def mastodon_posts(tmp_path) -> list:
    posts = read_cache(cache_file(tmp_path / "cache")).posts.values()
    return [post for post in posts if post.service == "mastodon"]


def test_mastodon_is_asked_no_more_once_its_rate_limit_is_used_up(
    build_shared, stub, caplog, tmp_path
):
    reset = datetime.now(UTC) + timedelta(minutes=5)
    stub.limit_statuses(1, reset.isoformat())

    build_shared(THREE_SHARED)

    assert stub.asked(STATUSES) == 1  # none past the limit, so no 429
    [warning] = warnings_of(caplog, "Mastodon")
    assert "2 of 3 post(s)" in warning and "rate limit used up" in warning
    waiting = [post for post in mastodon_posts(tmp_path) if post.likes is None]
    assert len(waiting) == 2 and all(post.retry_after == reset for post in waiting)


def test_a_429_without_retry_after_waits_for_the_rate_limit_s_reset(warmed, stub, tmp_path):
    reset = datetime.now(UTC) + timedelta(minutes=4)
    stub.limit_statuses(0, reset.isoformat())

    warmed(LIKES_SOCIAL_MAX_AGE=0)

    assert all(post.retry_after == reset for post in mastodon_posts(tmp_path))
    assert all(post.likes is not None for post in mastodon_posts(tmp_path))  # the last known


def test_posts_a_rate_limit_left_out_are_asked_first_by_the_next_build(
    build_shared, stub, tmp_path
):
    """One status per window: each build asks one never fetched, so three builds fetch all
    three, rather than the same first one each time."""
    window = 0.3
    for _ in THREE_SHARED:
        stub.limit_statuses(1, (datetime.now(UTC) + timedelta(seconds=window)).isoformat())
        build_shared(THREE_SHARED, LIKES_SOCIAL_MAX_AGE=0)
        time.sleep(window)  # to the window's reset

    assert sorted(post.likes for post in mastodon_posts(tmp_path)) == [1, 7, 12]


def test_a_deleted_bluesky_post_keeps_its_last_count(warmed, stub, caplog):
    del stub.posts["at://did:plc:fieldnotes1/app.bsky.feed.post/3kshared001"]

    site = warmed(LIKES_SOCIAL_MAX_AGE=0)

    assert social_line(site.page("shared-far-and-wide.html")).startswith("12 on Mastodon · 5 on")
    [warning] = warnings_of(caplog, "Bluesky")
    assert "1 of 2 post(s)" in warning and BLUESKY_1 in warning and "not found" in warning


def test_an_unknown_bluesky_handle_is_named(build_shared, stub, caplog):
    del stub.dids["fieldnotes.example"]

    site = build_shared()

    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"
    [warning] = warnings_of(caplog, "Bluesky")
    assert "handle fieldnotes.example: HTTP 400" in warning


@pytest.mark.parametrize(
    "body",
    [b'{"posts": "none"}', b'{"posts": [{"uri": "at://x", "likeCount": -1}]}', b"garbage"],
)
def test_garbage_from_the_appview_keeps_the_last_counts(warmed, stub, caplog, body):
    stub.imposed[GET_POSTS] = Answer(200, body)

    site = warmed(LIKES_SOCIAL_MAX_AGE=0)

    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"
    assert len(warnings_of(caplog, "Bluesky")) == 1


def test_garbage_from_webmention_io_keeps_the_last_count(build_shared, stub, caplog):
    settings = {"LIKES_WEBMENTION_IO": True, "SITEURL": "https://blog.example"}
    stub.webmentions["https://blog.example/shared-by-field.html"] = {
        "count": 1,
        "type": {"like": 1},
    }
    build_shared(("shared-fields.md",), **settings)
    stub.imposed["/api/count.json"] = Answer(200, b'{"type": {"like": 1}}')
    caplog.clear()

    site = build_shared(("shared-fields.md",), LIKES_SOCIAL_MAX_AGE=0, **settings)

    assert social_line(site.page("shared-by-field.html")).endswith("1 on the web")
    [warning] = warnings_of(caplog, "webmention.io")
    assert "no count" in warning


def test_an_unreadable_cache_is_started_anew_with_one_warning(build_shared, stub, caplog, tmp_path):
    path = cache_file(tmp_path / "cache")
    path.parent.mkdir()
    path.write_text("{not json")

    site = build_shared(("shared-fields.md",))

    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"
    [warning] = likes_warnings(caplog)
    assert "cache unreadable" in warning.getMessage() and str(path) in warning.getMessage()
    assert read_cache(path).posts  # written anew


def test_a_cache_that_cannot_be_written_warns_and_the_build_goes_on(build_shared, caplog, tmp_path):
    (tmp_path / "cache").write_text("a file where the folder should be")

    site = build_shared(("shared-fields.md",))

    assert social_line(site.page("shared-by-field.html")) == "7 on Mastodon · 2 on Bluesky"
    assert any("cache not written" in w.getMessage() for w in likes_warnings(caplog))
