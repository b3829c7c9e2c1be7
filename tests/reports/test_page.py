"""The HTML report as a file: everything inline, titles as text, written whole or not at all."""

import json
import os
import stat
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest

from pelican_likes.reports.page import linkable, render_report, uplot, write_report
from pelican_likes.reports.stats import ArticleLikes, LikesStats
from pelican_likes.reports.summary import as_json
from tests.support import ReportData

FIRST = date(2026, 2, 1)
HOSTILE = "Why </script><script>alert(1)</script> & <b>stays</b> text"


def stats() -> LikesStats:
    articles = [
        ArticleLikes("hostile", HOSTILE, "javascript:alert(1)", 3, 3, {FIRST: 3}),
        ArticleLikes("linked", "Linked", "https://blog.example/linked.html", 2, 2, {FIRST: 2}),
        ArticleLikes("local", "Local", "/posts/local.html?from=a&b", 1, 1, {FIRST: 1}),
        ArticleLikes("away", "Away", "//evil.example/away.html", 1, 1, {FIRST: 1}),
    ]
    return LikesStats(FIRST, FIRST, FIRST + timedelta(6), articles, {FIRST: 7}, 4, 11, 7)


class Outline(HTMLParser):
    """What a page asks the browser to fetch, its scripts, and its links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.scripts: list[dict] = []
        self.links: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            self.scripts.append(values)
        if tag == "a":
            self.links.append(values.get("href", ""))
        elif values.get("src") or (tag == "link" and values.get("href")):
            self.fetched.append(values.get("src") or values["href"])


def test_the_report_fetches_nothing_and_carries_uplot_with_its_licence():
    html = render_report(stats(), datetime(2026, 2, 7, 9, 30, tzinfo=UTC))
    outline = Outline(html)

    assert outline.fetched == []
    assert all("src" not in script for script in outline.scripts)
    assert uplot().js in html and uplot().css in html
    assert "Permission is hereby granted, free of charge" in html
    assert uplot().version == "1.6.32"
    assert "made 2026-02-07 09:30 UTC" in html


def test_titles_stay_text_and_only_web_addresses_become_links():
    html = render_report(stats())
    outline = Outline(html)

    assert len(outline.scripts) == 3  # the data, uPlot, the charts: no injected one
    assert outline.links == [
        "https://blog.example/linked.html",  # its chart's heading
        "/posts/local.html?from=a&b",
        "https://blog.example/linked.html",  # its row of the table
        "/posts/local.html?from=a&b",
        "https://github.com/leeoniya/uPlot",
    ]
    assert 'href="/posts/local.html?from=a&amp;b"' in html
    assert "Why &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html


@pytest.mark.parametrize(
    "url", ["https://blog.example/a.html", "HTTP://blog.example/", "/a.html", "/posts/a%20b/"]
)
def test_web_addresses_and_paths_from_the_root_are_links(url):
    assert linkable(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/a.html",
        "/\\evil.example/a.html",
        "/\tjavascript:alert(1)",
        "https:///a.html",
        "ftp://blog.example/a.html",
        "posts/a.html",
        "/a\x85.html",
    ],
)
def test_other_urls_stay_text(url):
    assert not linkable(url)


def test_the_embedded_data_is_what_stats_prints_as_json():
    html = render_report(stats())
    assert json.loads(ReportData(html).text) == as_json(stats())


def test_a_failed_write_leaves_no_file_behind(tmp_path):
    folder = tmp_path / "likes.html"
    (folder / "inside").mkdir(parents=True)  # a folder where the file should go

    with pytest.raises(OSError):
        write_report("<p>report</p>", folder)

    assert [path.name for path in tmp_path.iterdir()] == ["likes.html"]
    assert [path.name for path in folder.iterdir()] == ["inside"]


def test_a_write_replaces_the_previous_report(tmp_path):
    target = tmp_path / "likes.html"
    target.write_text("old")
    write_report("<p>new</p>", target)
    assert target.read_text() == "<p>new</p>"
    assert [path.name for path in tmp_path.iterdir()] == ["likes.html"]


def test_a_write_goes_through_a_symlink_and_never_replaces_a_fifo(tmp_path):
    (tmp_path / "likes.html").symlink_to("kept/report.html")
    (tmp_path / "kept").mkdir()
    os.mkfifo(tmp_path / "pipe")

    write_report("<p>new</p>", tmp_path / "likes.html")
    with pytest.raises(OSError, match="pipe is not a regular file"):
        write_report("<p>new</p>", tmp_path / "pipe")

    assert (tmp_path / "kept" / "report.html").read_text() == "<p>new</p>"
    assert (tmp_path / "likes.html").is_symlink()
    assert stat.S_ISFIFO((tmp_path / "pipe").lstat().st_mode)
