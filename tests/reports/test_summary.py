"""The stats as people and scripts read them: sparklines, the table, CSV rows and JSON."""

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from rich.console import Console

from pelican_likes.commands.output import print_table, write_csv, write_json
from pelican_likes.reports.stats import ArticleLikes, LikesStats
from pelican_likes.reports.summary import as_json, as_rows, printable, sparkline, stats_table

FIRST = date(2026, 2, 1)


def stats(days: int = 5) -> LikesStats:
    hit = ArticleLikes(
        "hit", "A hit", "https://blog.example/hit.html", 12, 9, {FIRST: 4, FIRST + timedelta(2): 5}
    )
    slow = ArticleLikes("slow", "", "/slow.html", 1, 1, {FIRST + timedelta(days - 1): 1})
    return LikesStats(
        since=FIRST,
        first_day=FIRST,
        last_day=FIRST + timedelta(days - 1),
        articles=[hit, slow],
        per_day={FIRST: 4, FIRST + timedelta(2): 5, FIRST + timedelta(days - 1): 1},
        article_count=7,
        total=40,
        in_period=10,
    )


def test_a_sparkline_has_one_bar_a_day_and_a_gap_for_a_day_without_likes():
    assert sparkline([0, 1, 8, 4, 0]) == " ▂█▅ "
    assert sparkline([0, 0]) == "  "
    assert sparkline([3]) == "█"


def test_a_long_period_is_summed_into_the_sparkline_width():
    days = [1] * 60 + [0] * 30 + [5] * 30  # 120 days into 30 characters of 4 days each
    line = sparkline(days, width=30)
    assert len(line) == 30
    assert line == "▂" * 15 + " " * 7 + "▅" + "█" * 7  # one span holds 2 quiet days, 2 busy


def write_table(stats: LikesStats, console: Console) -> None:
    """As ``pelican-likes stats`` prints it."""
    print_table(console, *stats_table(stats, console))


def test_the_plain_table_has_no_escape_codes_and_no_trailing_blanks():
    out = io.StringIO()
    write_table(stats(), Console(file=out, width=10_000, no_color=True))

    text = out.getvalue()
    assert "\x1b" not in text
    assert all(line == line.rstrip() for line in text.splitlines())
    lines = text.splitlines()
    assert lines[0] == "Likes, since 2026-02-01 (2026-02-01 to 2026-02-05, 5 days)"
    assert lines[2].split()[:5] == ["1", "A", "hit", "12", "9"]
    assert lines[2].endswith("  ▇ █")  # 4, 0, 5 likes, then two days without
    assert lines[3].split() == ["2", "slow", "1", "1", "█"]  # no title: the slug
    assert lines[3].endswith("      █")
    assert lines[4].split()[:5] == ["All", "7", "articles", "40", "10"]


@pytest.mark.parametrize("terminal", [False, True])
def test_a_title_s_control_characters_never_reach_the_terminal(terminal):
    title = "Pwned\x1b]0;owned\x07\x1b[2J\x9b31m\r\nNext"
    hostile = ArticleLikes("hostile", title, "/hostile.html", 1, 1, {FIRST: 1})
    out = io.StringIO()

    console = Console(file=out, width=200, force_terminal=terminal)

    write_table(replace(stats(), articles=[hostile]), console)

    text = out.getvalue()
    assert "Pwned\ufffd]0;owned\ufffd\ufffd[2J\ufffd31m\ufffd\ufffdNext" in text
    assert [code for code in ("\x07", "\x9b", "\x1b]0;", "\x1b[2J") if code in text] == []
    assert terminal or "\x1b" not in text  # off a terminal, rich adds no escape of its own


def test_printable_keeps_every_other_character():
    assert printable("Été 2024 — «ok» 日本\u200b") == "Été 2024 — «ok» 日本\u200b"


def test_on_a_terminal_the_table_has_colours_and_links():
    out = io.StringIO()
    write_table(stats(), Console(file=out, force_terminal=True, color_system="truecolor"))

    text = out.getvalue()
    assert "\x1b[" in text
    links = set(re.findall(r"\x1b\]8;[^;]*;([^\x1b]+)", text))  # OSC 8 hyperlinks
    assert links == {"https://blog.example/hit.html"}  # "/slow.html" is no link from a terminal


def test_a_period_without_likes_says_so():
    empty = LikesStats(None, FIRST, FIRST, [], {}, 3, 0, 0)
    out = io.StringIO()
    write_table(empty, Console(file=out, width=200, no_color=True))
    assert out.getvalue().rstrip().endswith("No likes in this period.")


def test_csv_has_a_column_per_day_of_the_period():
    out = io.StringIO()
    write_csv(as_rows(stats()), out)

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["rank", "slug", "title", "url", "total", "likes_in_period"] + [
        f"2026-02-0{n}" for n in range(1, 6)
    ]
    hit = ["1", "hit", "A hit", "https://blog.example/hit.html", "12", "9"]
    assert rows[1] == [*hit, "4", "0", "5", "0", "0"]
    assert rows[2][-5:] == ["0", "0", "0", "0", "1"]


def test_json_carries_the_period_the_blog_and_every_day_of_each_article():
    out = io.StringIO()
    write_json(as_json(stats()), out)

    data = json.loads(out.getvalue())
    assert data == as_json(stats())
    assert data["period"] == {
        "since": "2026-02-01",
        "first_day": "2026-02-01",
        "last_day": "2026-02-05",
        "days": 5,
    }
    assert data["blog"]["per_day"] == {
        "2026-02-01": 4, "2026-02-02": 0, "2026-02-03": 5, "2026-02-04": 0, "2026-02-05": 1
    }  # fmt: skip
    assert [a["slug"] for a in data["articles"]] == ["hit", "slow"]
    assert data["articles"][0]["per_day"]["2026-02-03"] == 5
    assert (data["blog"]["total"], data["blog"]["likes_in_period"]) == (40, 10)
