"""The HTML report as an author opens it: from a file, offline, in headless Chromium."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from pelican_likes.reports.page import render_report
from pelican_likes.reports.stats import ArticleLikes, LikesStats
from pelican_likes.storage.store import ArticleInfo
from tests.support import record_likes
from tests.support import run_command as run

TODAY = datetime.now(UTC).date()


def noon(days_ago: int) -> datetime:
    day = TODAY - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def report(store, database_url, tmp_path) -> tuple[str, dict]:
    """A report of the last 60 days of three liked articles, and the stats it was made from."""
    store.register(
        [ArticleInfo(slug, slug.replace("-", " ").title()) for slug in ("alpha", "beta", "gamma")]
    )
    dated = [("alpha", noon(n % 50)) for n in range(40)]
    dated += [("beta", noon(n % 7)) for n in range(9)] + [("gamma", noon(58))]
    record_likes(database_url, dated)
    target = tmp_path / "likes.html"
    made = run("report", "--since", "60d", "-o", str(target), url=database_url)
    assert made.returncode == 0, made.stderr
    stats = run("stats", "--since", "60d", "--format", "json", url=database_url)
    return target.as_uri(), json.loads(stats.stdout)


@pytest.fixture
def offline_page(browser):
    """A page that may load nothing but file:// URLs, and records what it asked for."""
    context = browser.new_context(device_scale_factor=1, viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.requests, page.console_errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on(
        "console", lambda m: m.type in ("error", "warning") and page.console_errors.append(m.text)
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    yield page
    context.close()


def open_report(page, url: str, charts: int) -> None:
    page.goto(url)
    page.wait_for_function(f"window.likesCharts && window.likesCharts.length === {charts}")


def test_the_report_opens_offline_without_an_error(offline_page, report):
    url, stats = report
    open_report(offline_page, url, charts=1 + len(stats["articles"]))

    assert offline_page.requests == [url]
    assert offline_page.console_errors == []


def test_each_chart_has_a_point_for_every_day_of_its_series(offline_page, report):
    url, stats = report
    open_report(offline_page, url, charts=4)

    drawn = offline_page.evaluate(
        """() => window.likesCharts.map(u => ({
            series: u.root.parentNode.dataset.series,
            days: u.data[0].map(t => new Date(t * 1000).toISOString().slice(0, 10)),
            likes: Array.from(u.data[1]),
        }))"""
    )
    expected = [stats["blog"]] + stats["articles"]
    assert [chart["series"] for chart in drawn] == ["blog", "0", "1", "2"]
    for chart, series in zip(drawn, expected, strict=True):
        assert chart["days"] == list(series["per_day"])
        assert chart["likes"] == list(series["per_day"].values())
        assert len(chart["days"]) == 60
    assert [a["slug"] for a in stats["articles"]] == ["alpha", "beta", "gamma"]


def test_pointing_at_a_day_shows_its_count(offline_page, report):
    url, stats = report
    open_report(offline_page, url, charts=4)
    day = f"{TODAY - timedelta(days=3):%Y-%m-%d}"

    x, y = offline_page.evaluate(
        """(day) => {
            const u = window.likesCharts[0];
            const box = u.over.getBoundingClientRect();
            const x = u.valToPos(Date.parse(day + "T00:00:00Z") / 1000, "x");
            return [box.left + x, box.top + box.height - 3];
        }""",
        day,
    )
    offline_page.mouse.move(x, y)

    legend = offline_page.locator("figure.chart").first.locator(".u-legend .u-value")
    assert legend.nth(0).text_content() == day
    assert legend.nth(1).text_content() == str(stats["blog"]["per_day"][day])
    bar, above = offline_page.evaluate(
        """([x, y]) => {
            const u = window.likesCharts[0];
            const box = u.root.querySelector("canvas").getBoundingClientRect();
            const top = u.over.getBoundingClientRect().top + 2;  // above every bar
            const at = (py) =>
                Array.from(u.ctx.getImageData(x - box.left, py - box.top, 1, 1).data);
            return [at(y), at(top)];
        }""",
        [x, y],
    )
    blue = [pixel[2] - pixel[0] for pixel in (bar, above)]
    assert blue[0] > 100 > blue[1]  # the day's bar, blue, is drawn where the pointer is


LAST_DAY = date(2026, 12, 7)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def period_report(tmp_path, days: int) -> str:
    """A report of ``days`` days to LAST_DAY: the blog liked on its first and last days and on
    every third between them, one article on its last day only."""
    period = [LAST_DAY - timedelta(days=n) for n in range(days)]
    liked = {day: 1 + n % 5 for n, day in enumerate(period) if n % 3 == 0 or n == days - 1}
    article = ArticleLikes("late", "Late", "/late.html", 2, 2, {LAST_DAY: 2})
    stats = LikesStats(period[-1], period[-1], LAST_DAY, [article], liked, 1, 40, 2)
    target = tmp_path / f"likes-{days}.html"
    target.write_text(render_report(stats), encoding="utf-8")
    return target.as_uri()


def label_of(day: date, monthly: bool) -> str:
    """The tick label the report should draw for ``day``: "7 Dec", or "Dec 2026" by months."""
    month = MONTHS[day.month - 1]
    return f"{month} {day.year}" if monthly else f"{day.day} {month}"


@pytest.mark.parametrize("days", [1, 2, 7, 90, 400])
def test_each_period_has_unique_day_ticks_inside_it_and_every_bar_visible(
    offline_page, tmp_path, days
):
    open_report(offline_page, period_report(tmp_path, days), charts=2)

    charts = offline_page.evaluate(
        """() => window.likesCharts.map(u => {
            const plot = {left: u.bbox.left, top: u.bbox.top, width: u.bbox.width,
                          bottom: u.bbox.top + u.bbox.height};
            const coloured = (x, y) => {
                const [r, g, b] = u.ctx.getImageData(x, y, 1, 1).data;
                return Math.max(r, g, b) - Math.min(r, g, b) > 60;
            };
            const bars = [];
            u.data[0].forEach((t, i) => {
                if (!u.data[1][i]) return;
                const x = Math.round(u.valToPos(t, "x", true)), y = plot.bottom - 2;
                let left = x, right = x;
                while (left > plot.left && coloured(left - 1, y)) left--;
                while (right < plot.left + plot.width - 1 && coloured(right + 1, y)) right++;
                bars.push({day: new Date(t * 1000).toISOString().slice(0, 10),
                           shown: coloured(x, y), x, left, right});
            });
            const [min, max] = [u.scales.x.min, u.scales.x.max];
            return {ticks: u.axes[0]._splits, labels: u.axes[0]._values, min, max, plot, bars};
        })"""
    )

    first = LAST_DAY - timedelta(days=days - 1)
    for chart in charts:
        days_of_ticks = [datetime.fromtimestamp(t, UTC) for t in chart["ticks"]]
        assert days_of_ticks, "no tick on the x axis"
        assert all(moment.time() == datetime.min.time() for moment in days_of_ticks)
        assert all(first <= moment.date() <= LAST_DAY for moment in days_of_ticks)
        assert len(set(chart["labels"])) == len(chart["labels"])
        monthly = days == 400
        for moment, label in zip(days_of_ticks, chart["labels"], strict=True):
            assert label.split("\n")[0] == label_of(moment.date(), monthly)
        starts = datetime.combine(first, datetime.min.time(), UTC).timestamp()
        ends = datetime.combine(LAST_DAY, datetime.min.time(), UTC).timestamp()
        assert (chart["min"], chart["max"]) == (starts - 43200, ends + 43200)
        assert chart["bars"], "no bar drawn"
        for bar in chart["bars"]:
            assert bar["shown"], f"the bar of {bar['day']} is not drawn"
            assert chart["plot"]["left"] < bar["x"] < chart["plot"]["left"] + chart["plot"]["width"]
    assert [bar["day"] for bar in charts[1]["bars"]] == [f"{LAST_DAY:%Y-%m-%d}"]
    lone, plot = charts[1]["bars"][0], charts[1]["plot"]
    assert lone["right"] - lone["left"] + 1 >= max(2, min(20, plot["width"] / days / 2))
    if days == 1:
        assert lone["x"] == pytest.approx(plot["left"] + plot["width"] / 2, abs=1)


def test_the_totals_footer_lines_up_with_the_columns_above_it(offline_page, report):
    url, _ = report
    open_report(offline_page, url, charts=4)

    edges = offline_page.evaluate(
        """() => {
            const cell = (row, n) => {
                const box = row.cells[n].getBoundingClientRect();
                const text = document.createRange();
                text.selectNodeContents(row.cells[n]);
                const inner = text.getBoundingClientRect();
                return [inner.left - box.left, box.right - inner.right];
            };
            const row = (selector) => [1, 2, 3].map(n => cell(document.querySelector(selector), n));
            return {body: row(".totals tbody tr"), foot: row(".totals tfoot tr")};
        }"""
    )
    title, in_period, total = edges["foot"]
    assert title[0] == pytest.approx(edges["body"][0][0], abs=1)  # text from the left, as titles
    assert in_period[1] == pytest.approx(edges["body"][1][1], abs=1)  # numbers from the right
    assert total[1] == pytest.approx(edges["body"][2][1], abs=1)
