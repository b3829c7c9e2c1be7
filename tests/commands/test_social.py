"""``pelican-likes social``, and the likes of shared posts beside ours in ``stats`` and
``report``: read from the cache a build keeps in its CACHE_PATH."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from pelican_likes.builds.social_cache import (
    PostCounts,
    SharedArticle,
    SocialCache,
    cache_file,
    write_cache,
)
from pelican_likes.storage.store import ArticleInfo
from tests.support import ReportData, assert_one_line_error, record_likes
from tests.support import run_command as run

FETCHED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
TOOT = "https://mastodon.example/@fieldnotes/1"
SKEET = "https://bsky.app/profile/fieldnotes.example/post/3k"
TOOT_2 = "https://mastodon.example/@fieldnotes/2"
FORUM = "https://forum.example/t/1"


@pytest.fixture
def cache_folder(tmp_path):
    """The cache a build left: "evergreen" shared on both networks and a forum, "this-week" on
    Mastodon, where its count was never fetched."""
    cache = SocialCache(
        posts={
            TOOT: PostCounts("mastodon", TOOT, 12, 4, FETCHED),
            SKEET: PostCounts("bluesky", SKEET, 5, 2, FETCHED),
            TOOT_2: PostCounts("mastodon", TOOT_2),
        },
        articles={
            "evergreen": SharedArticle("evergreen", "An evergreen post", (TOOT, SKEET), (FORUM,)),
            "this-week": SharedArticle("this-week", "This week's post", (TOOT_2,)),
        },
    )
    folder = tmp_path / "cache"
    write_cache(cache_file(folder), cache)
    return folder


@pytest.fixture
def blog(store, database_url) -> str:
    store.register(
        [
            ArticleInfo("evergreen", "An evergreen post", "https://blog.example/evergreen.html"),
            ArticleInfo("this-week", "This week's post", "https://blog.example/this-week.html"),
        ]
    )
    record_likes(database_url, [("evergreen", FETCHED)] * 3 + [("this-week", FETCHED)])
    return database_url


def test_social_lists_each_post_with_its_counts_and_when_they_were_fetched(cache_folder):
    result = run("social", "--cache", str(cache_folder))

    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines[1] == ["An", "evergreen", "post", "Mastodon", TOOT, "12", "4", "2026-12-01",
                        "09:30", "UTC"]  # fmt: skip
    assert lines[2][3:7] == ["Bluesky", SKEET, "5", "2"]
    assert lines[3][3:] == ["link", FORUM, "-", "-", "never"]
    assert lines[4] == ["This", "week's", "post", "Mastodon", TOOT_2, "-", "-", "never"]


def test_social_as_csv_and_json_carries_every_post(cache_folder):
    rows = list(csv.reader(io.StringIO(run("social", "--cache", str(cache_folder),
                                           "--format", "csv").stdout)))  # fmt: skip
    document = json.loads(run("social", "--cache", str(cache_folder), "--format", "json").stdout)

    assert rows[0] == ["slug", "title", "service", "url", "likes", "reposts", "fetched_at"]
    assert rows[1] == ["evergreen", "An evergreen post", "mastodon", TOOT, "12", "4",
                       FETCHED.isoformat()]  # fmt: skip
    assert len(rows) == 5
    assert document["articles"][3] == {
        "slug": "this-week", "title": "This week's post", "service": "mastodon", "url": TOOT_2,
        "likes": None, "reposts": None, "fetched_at": None,
    }  # fmt: skip


def test_social_without_a_cache_says_where_it_looked(tmp_path):
    result = run("social", "--cache", str(tmp_path / "nowhere"))

    assert_one_line_error(result, f"no social counts in {tmp_path / 'nowhere'}")


def test_a_cache_that_is_not_one_is_named_in_one_line(tmp_path, blog):
    (tmp_path / "cache").mkdir()
    cache_file(tmp_path / "cache").write_text('{"format": 1, "posts": []}')

    for command in (["social"], ["stats"], ["report", "-o", str(tmp_path / "r.html")]):
        result = run(*command, "--cache", str(tmp_path / "cache"), url=blog)
        assert_one_line_error(result, "likes-social.json")
    assert not (tmp_path / "r.html").exists()


def test_stats_shows_each_service_s_likes_beside_ours_with_totals(blog, cache_folder):
    result = run("stats", "--cache", str(cache_folder), url=blog)

    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines[1][-2:] == ["Mastodon", "Bluesky"]
    assert lines[2][:2] == ["1", "An"] and lines[2][-2:] == ["12", "5"]
    assert lines[3][:2] == ["2", "This"] and lines[3][-2:] == ["0", "0"]
    assert lines[4][:4] == ["All", "2", "articles", "4"] and lines[4][-2:] == ["12", "5"]


def test_stats_as_csv_and_json_carry_the_social_likes(blog, cache_folder):
    rows = list(csv.reader(io.StringIO(run("stats", "--cache", str(cache_folder), "--format",
                                           "csv", url=blog).stdout)))  # fmt: skip
    document = json.loads(
        run("stats", "--cache", str(cache_folder), "--format", "json", url=blog).stdout
    )

    assert rows[0][6:8] == ["mastodon_likes", "bluesky_likes"]
    assert rows[1][:2] == ["1", "evergreen"] and rows[1][6:8] == ["12", "5"]
    assert document["blog"]["social"] == {"mastodon": 12, "bluesky": 5}
    assert document["articles"][0]["social"] == {"mastodon": 12, "bluesky": 5}
    assert document["articles"][1]["social"] == {"mastodon": 0, "bluesky": 0}


def test_stats_without_a_cache_shows_ours_alone(blog, tmp_path):
    result = run("stats", "--cache", str(tmp_path / "none"), "--format", "json", url=blog)

    assert "social" not in json.loads(result.stdout)["blog"]


def test_the_report_has_a_column_per_service_with_totals(blog, cache_folder, tmp_path):
    target = tmp_path / "likes.html"

    result = run("report", "--cache", str(cache_folder), "-o", str(target), url=blog)

    assert result.returncode == 0, result.stderr
    html = target.read_text()
    assert '<th scope="col">Mastodon</th><th scope="col">Bluesky</th></tr></thead>' in html
    assert "<td>12</td><td>5</td>\n" in html
    assert "<td></td><td>12</td><td>5</td></tr></tfoot>" in html
    assert json.loads(ReportData(html).text)["blog"]["social"] == {"mastodon": 12, "bluesky": 5}
