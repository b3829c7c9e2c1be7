"""``pelican-likes stats`` and ``report`` as an author runs them, on SQLite and PostgreSQL."""

import contextlib
import csv
import io
import json
import os
import socket
import stat
from datetime import UTC, date, datetime, timedelta

import pytest

from pelican_likes.commands.stats import parse_since, parse_top
from pelican_likes.commands.usage import UsageError
from pelican_likes.storage import migrate
from pelican_likes.storage.store import ArticleInfo
from tests.support import ReportData, assert_one_line_error, record_likes
from tests.support import run_command as run

TODAY = datetime.now(UTC).date()


def days_ago(n: int, hour: int = 12) -> datetime:
    day = TODAY - timedelta(days=n)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def blog(store, database_url) -> str:
    """An article liked long ago, one liked this week, one not liked."""
    store.register(
        [
            ArticleInfo("evergreen", "An evergreen post", "https://blog.example/evergreen.html"),
            ArticleInfo("this-week", "This week's post", "https://blog.example/this-week.html"),
            ArticleInfo("unliked", "Nobody liked this yet"),
        ]
    )
    dated = [("evergreen", days_ago(400)) for _ in range(5)] + [("evergreen", days_ago(3))]
    dated += [("this-week", days_ago(n % 2)) for n in range(3)]
    record_likes(database_url, dated)
    return database_url


def test_stats_off_a_terminal_is_a_plain_table(blog):
    result = run("stats", url=blog)

    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == f"Likes, all time ({TODAY - timedelta(400):%Y-%m-%d} to {TODAY:%Y-%m-%d}, 401 days)"
    )
    assert lines[2].split()[:6] == ["1", "An", "evergreen", "post", "6", "6"]
    assert lines[3].split()[:5] == ["2", "This", "week's", "post", "3"]
    assert "Nobody" not in result.stdout
    assert lines[4].split()[:5] == ["All", "3", "articles", "9", "9"]


def test_stats_since_30_days_ranks_the_period_and_json_has_every_day(blog):
    result = run("stats", "--since", "30d", "--format", "json", url=blog)

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"]["first_day"] == f"{TODAY - timedelta(29):%Y-%m-%d}"
    assert data["period"]["days"] == 30
    assert [(a["slug"], a["likes_in_period"], a["total"]) for a in data["articles"]] == [
        ("this-week", 3, 3),
        ("evergreen", 1, 6),
    ]
    this_week = data["articles"][0]["per_day"]
    assert len(this_week) == 30
    assert (this_week[f"{TODAY:%Y-%m-%d}"], this_week[f"{TODAY - timedelta(1):%Y-%m-%d}"]) == (2, 1)
    assert sum(data["blog"]["per_day"].values()) == data["blog"]["likes_in_period"] == 4


def test_stats_csv_for_named_articles_since_a_date(blog):
    since = TODAY - timedelta(days=3)
    result = run(
        "stats", "unliked", "evergreen", "--since", f"{since}", "--format", "csv", url=blog
    )

    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["slug"], r["likes_in_period"], r["total"]) for r in rows] == [
        ("evergreen", "1", "6"),
        ("unliked", "0", "0"),
    ]
    assert rows[0][f"{since}"] == "1"
    assert [key for key in rows[0] if key[:1].isdigit()] == [
        f"{since + timedelta(n)}" for n in range(4)
    ]


def test_stats_titles_stay_text_in_a_spreadsheet_and_in_a_terminal(blog, store):
    formula = '=HYPERLINK("https://evil.example","Click")'
    store.register([ArticleInfo("evergreen", formula), ArticleInfo("this-week", "Bell\x07\x1b[2J")])

    as_csv = run("stats", "--format", "csv", url=blog)
    table = run("stats", url=blog)

    assert [row["title"] for row in csv.DictReader(io.StringIO(as_csv.stdout))] == [
        "'" + formula,
        "Bell\x07\x1b[2J",
    ]
    assert "\x1b" not in table.stdout and "\x07" not in table.stdout
    assert "Bell\ufffd\ufffd[2J" in table.stdout


def test_report_writes_one_page_with_the_data_of_its_charts(blog, tmp_path):
    target = tmp_path / "likes.html"
    result = run("report", "-o", str(target), "--since", "30d", url=blog)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {target}: 2 article(s), 30 day(s)"
    html = target.read_text(encoding="utf-8")
    data = json.loads(ReportData(html).text)
    stats = json.loads(run("stats", "--since", "30d", "--format", "json", url=blog).stdout)
    assert data["articles"] == stats["articles"]
    assert data["blog"] == stats["blog"]
    assert oct(stat.S_IMODE(target.stat().st_mode)) == oct(0o666 & ~_umask())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["no-such-post"], "unknown article: 'no-such-post'"),
        (["--since", "last tuesday"], "--since: expected a number of days such as 30d"),
        (["--since", "0d"], "a period is at least 1 day"),
        (["--since", "2999-01-01"], "is after today"),
        (["--since", "1000000d"], "--since 1000000d: at most"),
        (["--top", "-3"], "--top: expected a whole number >= 0"),
        (["--top", "\u0663"], "--top: expected a whole number >= 0, got '\u0663'"),
        (["--top", "\u00b2"], "--top: expected a whole number >= 0, got '\u00b2'"),
    ],
)
@pytest.mark.parametrize("command", ["stats", "report"])
def test_bad_arguments_are_one_line_and_write_nothing(blog, tmp_path, command, arguments, message):
    folder = tmp_path / "out"
    folder.mkdir()
    result = run(command, *arguments, url=blog, cwd=folder)

    assert_one_line_error(result, message)
    assert result.stdout == ""
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", ["stats", "report"])
def test_an_empty_database_is_one_line(database_url, command, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    result = run(command, url=database_url, cwd=folder)

    assert_one_line_error(result, "no articles in the database yet")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", ["stats", "report"])
def test_a_database_without_tables_is_one_line(tmp_path, command):
    url = f"sqlite:///{tmp_path / 'likes.sqlite3'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")

    result = run(command, url=url, cwd=tmp_path)

    assert_one_line_error(result, "the likes tables are missing")
    assert not (tmp_path / "likes.html").exists()


def test_a_missing_sqlite_database_is_one_line_and_stays_missing(tmp_path):
    result = run("stats", url=f"sqlite:///{tmp_path / 'typo.sqlite3'}")

    assert_one_line_error(result, "no database at")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing-folder/likes.html", "no folder"),
        (".", "it is a folder"),
        ("/proc/likes.html", "cannot write the report to /proc/likes.html"),  # even as root
    ],
)
def test_a_report_that_cannot_be_written_is_one_line(blog, tmp_path, target, message):
    before = sorted(tmp_path.iterdir())

    result = run("report", "-o", target, url=blog, cwd=tmp_path)

    assert_one_line_error(result, message)
    assert sorted(tmp_path.iterdir()) == before


def test_a_report_through_a_symlink_is_written_to_its_target(blog, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "likes.html").write_text("the report of last week")
    (tmp_path / "likes.html").symlink_to(reports / "likes.html")
    (tmp_path / "new.html").symlink_to(reports / "new.html")  # dangling: the report makes it

    for link in ("likes.html", "new.html"):
        result = run("report", "-o", link, url=blog, cwd=tmp_path)

        assert result.returncode == 0, result.stderr
        assert (tmp_path / link).is_symlink()
        assert json.loads(ReportData((reports / link).read_text()).text)["articles"]
    assert sorted(path.name for path in reports.iterdir()) == ["likes.html", "new.html"]


@pytest.mark.parametrize("kind", ["fifo", "socket", "symlink to a device"])
def test_a_report_never_replaces_what_is_not_a_regular_file(blog, tmp_path, kind):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "likes.html"
    with contextlib.closing(socket.socket(socket.AF_UNIX)) as listener:
        if kind == "fifo":
            os.mkfifo(target)
        elif kind == "socket":
            listener.bind(str(target))
        else:
            target.symlink_to("/dev/null")
        before = target.lstat()

        result = run("report", "-o", str(target), url=blog)

    assert_one_line_error(result, "is not a regular file")
    after = target.lstat()
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert list(target.parent.iterdir()) == [target]


def test_a_failed_report_leaves_the_previous_one_whole(blog, tmp_path):
    target = tmp_path / "reports" / "likes.html"
    target.parent.mkdir()
    target.write_text("the report of last week")

    result = run("report", "unknown-post", "-o", str(target), url=blog)

    assert result.returncode == 1
    assert target.read_text() == "the report of last week"
    assert list(target.parent.iterdir()) == [target]


@pytest.mark.parametrize(
    ("text", "first_day"),
    [("1d", date(2026, 3, 10)), ("30d", date(2026, 2, 9)), (" 2026-01-01 ", date(2026, 1, 1))],
)
def test_since_counts_today_as_the_last_day(text, first_day):
    assert parse_since(text, date(2026, 3, 10)) == first_day


def test_since_nothing_is_all_time():
    assert parse_since(None, date(2026, 3, 10)) is None


@pytest.mark.parametrize("text", ["30", "d", "-3d", "2026-02-30", "yesterday", "\u0663d"])
def test_since_rejects_what_is_not_a_period(text):
    with pytest.raises(UsageError, match="--since"):
        parse_since(text, date(2026, 3, 10))


@pytest.mark.parametrize("text", ["11d", "9" * 5000 + "d"])
def test_since_goes_back_to_the_first_day_of_the_calendar_at_most(text):
    assert parse_since("10d", date(1, 1, 10)) == date(1, 1, 1)
    with pytest.raises(UsageError, match=r"--since .*: at most 10d, which starts on 0001-01-01"):
        parse_since(text, date(1, 1, 10))


@pytest.mark.parametrize(("text", "top"), [("0", 0), ("3", 3), (" 12 ", 12)])
def test_top_is_a_whole_number_zero_for_every_article(text, top):
    assert parse_top(text) == top


@pytest.mark.parametrize("text", ["\u0663", "\u00b2", "-1", "x", ""])
def test_top_takes_ascii_digits_only_with_one_message(text):
    with pytest.raises(UsageError) as caught:
        parse_top(text)

    assert str(caught.value) == f"--top: expected a whole number >= 0, got {text!r}"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
