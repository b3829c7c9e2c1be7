"""The HTML report as an author opens it: from a file, offline, in headless Chromium."""

import json
from datetime import UTC, datetime, timedelta

import pytest

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
