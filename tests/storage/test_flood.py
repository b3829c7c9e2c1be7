"""Seeing and removing a flood of likes: per-period counts, and a window's likes removed with the
count fixed in the same transaction, exact whatever slots the counters are in."""

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from pelican_likes.storage.flood import BadTime, Window, parse_time
from pelican_likes.storage.schema import likes
from pelican_likes.storage.store import ArticleInfo, LikeStore, UnknownArticle
from tests.support import FLOOD, liked_at


def rows_of(store: LikeStore) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(likes))


@pytest.fixture
def flooded(store: LikeStore) -> LikeStore:
    """'post', 18 likes: 3 the day before, 12 in the flood hour (from 10:00 to 10:59:59.5), 2 after,
    and 1 recorded now; 'other': 5 likes in the same flood hour."""
    store.register([ArticleInfo("post"), ArticleInfo("other")])
    liked_at(store, "post", [FLOOD - timedelta(days=1, minutes=n) for n in range(3)])
    flood = [FLOOD + timedelta(minutes=5 * n) for n in range(11)]
    liked_at(store, "post", [*flood, FLOOD + timedelta(minutes=59, seconds=59.5)])
    liked_at(store, "post", [FLOOD + timedelta(hours=1), FLOOD + timedelta(hours=3)])
    store.like("post", "n" * 64)  # recorded now, by the database's own clock
    liked_at(store, "other", [FLOOD + timedelta(minutes=n) for n in range(5)])
    return store


def test_likes_per_hour_show_the_flood(flooded):
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    day_before = FLOOD - timedelta(days=1)

    assert flooded.likes_per_period("post", "hour") == [
        (day_before - timedelta(hours=1), 2),
        (day_before, 1),
        (FLOOD, 12),
        (FLOOD + timedelta(hours=1), 1),
        (FLOOD + timedelta(hours=3), 1),
        (now, 1),
    ]


def test_likes_per_day_within_a_window(flooded):
    day = FLOOD.replace(hour=0)
    assert flooded.likes_per_period("post", "day") == [
        (day - timedelta(days=1), 3),
        (day, 14),
        (datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0), 1),
    ]
    window = Window(FLOOD + timedelta(minutes=30), FLOOD + timedelta(hours=3))
    assert flooded.likes_per_period("post", "day", window) == [(day, 7)]


def test_removing_the_flood_hour_fixes_the_count_in_the_same_transaction(flooded):
    removal = flooded.remove_likes("post", Window(FLOOD, FLOOD + timedelta(hours=1)))

    assert (removal.removed, removal.likes) == (12, 6)
    assert flooded.counts(["post", "other"]) == {"post": 6, "other": 5}
    assert rows_of(flooded) == 6 + 5
    assert flooded.recount() == 0  # the counters already said what the rows say
    assert (FLOOD, 12) not in flooded.likes_per_period("post", "hour")


def test_a_window_holds_its_start_and_not_its_end(flooded):
    start = FLOOD + timedelta(minutes=5)  # a like exactly then
    end = FLOOD + timedelta(minutes=50)  # and one exactly then, left for the next window
    assert flooded.remove_likes("post", Window(start, end), dry_run=True).removed == 9
    end = FLOOD + timedelta(minutes=59, seconds=59)
    assert flooded.remove_likes("post", Window(FLOOD, end), dry_run=True).removed == 11


def test_a_dry_run_says_the_same_and_changes_nothing(flooded):
    window = Window(FLOOD, FLOOD + timedelta(hours=1))

    dry = flooded.remove_likes("post", window, dry_run=True)

    assert (dry.removed, dry.likes) == (12, 6)
    assert flooded.counts(["post"]) == {"post": 18}
    assert rows_of(flooded) == 18 + 5


def test_counters_stay_exact_after_a_recount_moved_them_to_one_slot(flooded):
    flooded.recount()  # every count in slot 0, as after rows changed by hand
    flooded.remove_likes("post", Window(FLOOD, FLOOD + timedelta(hours=1)))
    flooded.like("post", "z" * 64)
    assert flooded.counts(["post"]) == {"post": 7}
    assert flooded.recount() == 0


def test_likes_and_unlikes_after_a_removal_move_the_count_by_one(flooded):
    voters = liked_at(flooded, "post", [FLOOD + timedelta(minutes=1), FLOOD - timedelta(days=5)])
    flooded.remove_likes("post", Window(FLOOD, FLOOD + timedelta(hours=1)))
    assert flooded.unlike("post", voters[0]).likes == 7  # removed already: nothing to withdraw
    assert flooded.unlike("post", voters[1]).likes == 6
    assert flooded.like("post", voters[0]).likes == 7  # a reader may like again
    assert flooded.recount() == 0


def test_a_former_slug_lists_and_removes_its_article_s_likes(flooded):
    flooded.register([ArticleInfo("post-renamed")])
    flooded.rename("post", "post-renamed")
    hour = Window(FLOOD, FLOOD + timedelta(hours=1))

    assert flooded.likes_per_period("post", "hour", hour) == [(FLOOD, 12)]
    assert flooded.remove_likes("post", hour).likes == 6
    assert flooded.counts(["post-renamed", "other"]) == {"post-renamed": 6, "other": 5}


def test_an_unknown_article_is_an_error_that_removes_nothing(flooded):
    with pytest.raises(UnknownArticle):
        flooded.remove_likes("missing", Window(FLOOD, FLOOD + timedelta(hours=1)))
    with pytest.raises(UnknownArticle):
        flooded.likes_per_period("missing", "day")
    assert rows_of(flooded) == 18 + 5


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-11-30T10:00", FLOOD),
        ("2026-11-30 10:00:00", FLOOD),
        ("2026-11-30T10:00:00Z", FLOOD),
        ("2026-11-30T11:00+01:00", FLOOD),
        ("2026-11-30T05:30:00-04:30", FLOOD),
        ("2026-11-30", FLOOD.replace(hour=0)),
        (" 2026-11-30T10:00:00.250 ", FLOOD + timedelta(milliseconds=250)),
    ],
)
def test_times_are_iso_8601_and_utc_without_an_offset(text, moment):
    parsed = parse_time(text, "--from")
    assert parsed == moment
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", ["yesterday", "", "2026-13-01", "10:00", "2026-11-30T25:00"])
def test_what_is_not_a_time_is_refused_naming_the_option(text):
    with pytest.raises(BadTime, match=f"--to: expected an ISO 8601 time .* got {text!r}"):
        parse_time(text, "--to")


@pytest.mark.parametrize("end", [FLOOD, FLOOD - timedelta(seconds=1)])
def test_a_window_must_end_after_it_starts(end):
    with pytest.raises(BadTime, match="is not before --to"):
        Window(FLOOD, end)


def test_an_offset_time_is_the_same_moment_in_a_window(flooded):
    paris = timezone(timedelta(hours=1))
    window = Window(FLOOD.astimezone(paris), (FLOOD + timedelta(hours=1)).astimezone(paris))
    assert flooded.remove_likes("post", window, dry_run=True).removed == 12


def test_windows_before_the_year_1000_and_in_9999_hold_their_likes_only(flooded):
    """SQLite compares the bounds as text: each year is written in 4 digits, as it keeps them."""
    dated = [datetime(200, 5, 1, tzinfo=UTC), datetime(999, 12, 31, 23, tzinfo=UTC)]
    liked_at(flooded, "post", [*dated, datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)])
    centuries = Window(datetime(100, 1, 1, tzinfo=UTC), datetime(300, 1, 1, tzinfo=UTC))

    assert flooded.likes_per_period(
        "post", "day", Window(end=datetime(1000, 1, 1, tzinfo=UTC))
    ) == [
        (datetime(200, 5, 1, tzinfo=UTC), 1),
        (datetime(999, 12, 31, tzinfo=UTC), 1),
    ]
    assert flooded.likes_per_period("post", "hour", Window(datetime(9999, 1, 1, tzinfo=UTC))) == [
        (datetime(9999, 12, 31, 23, tzinfo=UTC), 1)
    ]
    assert flooded.remove_likes("post", centuries).removed == 1
    assert rows_of(flooded) == 18 + 5 + 2
    assert centuries.describe() == "from 0100-01-01 00:00:00 to 0300-01-01 00:00:00 UTC"


@pytest.mark.parametrize("text", ["9999-12-31T23:00-05:00", "0001-01-01T00:30+01:00"])
def test_a_time_outside_the_years_1_to_9999_in_utc_is_refused(text):
    outside = re.escape(f"--to {text}: in UTC that is outside the years 1 to 9999")
    with pytest.raises(BadTime, match=outside):
        parse_time(text, "--to")
