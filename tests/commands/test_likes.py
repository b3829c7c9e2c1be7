"""``pelican-likes likes list`` and ``likes remove`` as an author runs them after a flood, on
SQLite and PostgreSQL."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from pelican_likes.storage.store import ArticleInfo
from tests.support import FLOOD, assert_one_line_error, liked_at
from tests.support import run_command as run


@pytest.fixture
def blog(store, database_url) -> str:
    """'post': 2 likes the day before, 6 in the flood hour from 10:00 UTC, 1 at 11:00."""
    store.register([ArticleInfo("post", "A post")])
    liked_at(store, "post", [FLOOD - timedelta(days=1, hours=2), FLOOD - timedelta(days=1)])
    liked_at(store, "post", [FLOOD + timedelta(minutes=10 * n) for n in range(6)])
    liked_at(store, "post", [FLOOD + timedelta(hours=1)])
    return database_url


def test_list_by_hour_off_a_terminal_is_a_plain_table_with_bars(blog):
    result = run("likes", "list", "post", "--by", "hour", url=blog)

    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "Likes of 'post' per hour (UTC), at any time"
    rows = [line.split() for line in lines[2:]]
    assert rows == [
        ["2026-11-29", "08:00", "1", "███████"],
        ["2026-11-29", "10:00", "1", "███████"],
        ["2026-11-30", "10:00", "6", "█" * 40],
        ["2026-11-30", "11:00", "1", "███████"],
        ["Total", "9"],
    ]


def test_list_by_day_in_a_window_as_csv_and_json(blog):
    window = ["--from", "2026-11-30T11:00+01:00", "--to", "2026-11-30T11:00"]

    as_csv = run("likes", "list", "post", *window, "--format", "csv", url=blog)
    as_json = run("likes", "list", "post", *window, "--format", "json", url=blog)

    assert as_csv.returncode == 0, as_csv.stderr
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [
        ["period_start", "likes"],
        ["2026-11-30T00:00:00+00:00", "6"],
    ]
    assert json.loads(as_json.stdout) == {
        "article": "post",
        "by": "day",
        "from": "2026-11-30T10:00:00+00:00",
        "to": "2026-11-30T11:00:00+00:00",
        "total": 6,
        "periods": [{"start": "2026-11-30T00:00:00+00:00", "likes": 6}],
    }


def test_remove_a_dry_run_first_then_the_flood_hour(blog, store):
    window = ["--from", "2026-11-30T10:00", "--to", "2026-11-30T11:00Z"]

    dry = run("likes", "remove", "post", *window, "--dry-run", url=blog)

    assert (dry.returncode, dry.stdout) == (
        0,
        "would remove 6 like(s) of 'post' recorded from 2026-11-30 10:00:00 to 2026-11-30 "
        "11:00:00 UTC; its count would go from 9 to 3; nothing changed\n",
    )
    assert store.counts(["post"]) == {"post": 9}

    done = run("likes", "remove", "post", *window, url=blog)

    assert (done.returncode, done.stdout) == (
        0,
        "removed 6 like(s) of 'post' recorded from 2026-11-30 10:00:00 to 2026-11-30 11:00:00 "
        "UTC; its count went from 9 to 3\n",
    )
    assert store.counts(["post"]) == {"post": 3}
    assert run("recount", url=blog).stdout == "recounted; 0 article count(s) changed\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["remove", "missing", "--from", "2026-11-30", "--to", "2026-12-01"], "unknown article"),
        (["list", "missing"], "unknown article: 'missing'"),
        (
            ["remove", "post", "--from", "last night", "--to", "2026-12-01"],
            "--from: expected an ISO 8601 time such as 2026-12-01T10:00 (UTC)",
        ),
        (["list", "post", "--to", "2026-02-30"], "--to: expected an ISO 8601 time"),
        (
            ["list", "post", "--to", "9999-12-31T23:00-05:00"],
            "--to 9999-12-31T23:00-05:00: in UTC that is outside the years 1 to 9999",
        ),
        (
            ["remove", "post", "--from", "0001-01-01T00:30+01:00", "--to", "2026-12-01"],
            "--from 0001-01-01T00:30+01:00: in UTC that is outside the years 1 to 9999",
        ),
        (
            ["remove", "post", "--from", "2026-11-30T11:00", "--to", "2026-11-30T11:00+01:00"],
            "--from 2026-11-30 11:00:00 is not before --to 2026-11-30 10:00:00 (UTC)",
        ),
    ],
)
def test_mistakes_are_one_line_and_remove_nothing(blog, store, arguments, message):
    result = run("likes", *arguments, url=blog)

    assert_one_line_error(result, message)
    assert result.stdout == ""
    assert store.counts(["post"]) == {"post": 9}


def test_remove_a_window_centuries_ago_takes_its_likes_only(blog, store):
    liked_at(store, "post", [datetime(200, 5, 1, 12, tzinfo=UTC)])

    listed = run("likes", "list", "post", "--to", "1000-01-01", url=blog)
    result = run("likes", "remove", "post", "--from", "0100-01-01", "--to", "0300-01-01", url=blog)

    assert listed.stdout.splitlines()[2].split() == ["0200-05-01", "1", "█" * 40]
    assert (result.returncode, result.stdout) == (
        0,
        "removed 1 like(s) of 'post' recorded from 0100-01-01 00:00:00 to 0300-01-01 00:00:00 "
        "UTC; its count went from 10 to 9\n",
    )
    assert store.counts(["post"]) == {"post": 9}


def test_a_window_may_span_every_year_there_is(blog):
    window = ["--from", "0001-01-01", "--to", "9999-12-31T23:59:59.999"]

    result = run("likes", "list", "post", *window, "--format", "json", url=blog)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] == 9


def test_remove_needs_both_ends_of_the_window(blog, store):
    result = run("likes", "remove", "post", "--from", "2026-11-30T10:00", url=blog)

    assert result.returncode == 2
    assert "the following arguments are required: --to" in result.stderr
    assert store.counts(["post"]) == {"post": 9}
