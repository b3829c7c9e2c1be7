"""Take the README's pictures of ``pelican-likes report``: the demo blog's articles registered by a
real build, then two reports written by the command and opened offline in headless Chromium:
three months of likes (a steady favourite, a post shared one day, an old one that comes back to
life), and a new blog whose likes all came on its first day.

    .venv/bin/python -m scripts.report_screenshot docs
"""

import random
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

from scripts.screenshot import build
from tests.support import launch_chromium, record_likes, sqlite_database

DAYS = 90
# Likes a day, by days ago: how each article's readers came.
PATTERNS = {
    "writing-a-static-blog": lambda age, rng: rng.randint(1, 5) + (24 if age == 61 else 0),
    "home-network-backups": lambda age, rng: rng.randint(6, 14) if age < 12 else rng.random() < 0.1,
    "sourdough-on-working-days": lambda age, rng: rng.randint(0, 2),
    "three-days-on-the-ridge": lambda age, rng: rng.random() < 0.5,
    "keyboard-shortcuts": lambda age, rng: rng.random() < 0.3,
}


def main(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        months = sqlite_database(Path(tmp))
        build(Path(tmp) / "output", months)
        one_day = f"sqlite:///{shutil.copy(Path(tmp) / 'likes.sqlite3', Path(tmp) / 'new.sqlite3')}"
        record_likes(months, dated_likes())
        record_likes(one_day, first_day_likes())
        for url, period, target in (
            (months, ["--since", f"{DAYS}d"], folder / "report-90-days.png"),
            (one_day, [], folder / "report-1-day.png"),
        ):
            report = Path(tmp) / "likes.html"
            subprocess.run(
                [sys.executable, "-m", "pelican_likes.commands.main", "--database-url", url,
                 "report", *period, "--top", "3", "-o", str(report)],
                check=True,
            )  # fmt: skip
            shoot(report, target)
            print(f"wrote {target}")


def first_day_likes() -> list[tuple[str, datetime]]:
    """Today's likes of a blog just launched: its report covers one day, all time."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    counts = {"writing-a-static-blog": 9, "home-network-backups": 4, "keyboard-shortcuts": 2}
    return [(slug, now) for slug, count in counts.items() for _ in range(count)]


def dated_likes() -> list[tuple[str, datetime]]:
    rng = random.Random(2026)
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    return [
        (slug, now - timedelta(days=age, minutes=rng.randint(0, 600)))
        for slug, pattern in PATTERNS.items()
        for age in range(DAYS)
        for _ in range(int(pattern(age, rng)))
    ]


def shoot(report: Path, target: Path) -> None:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1000, "height": 900}, device_scale_factor=1)
        page.goto(report.as_uri())
        page.wait_for_function("window.likesCharts && window.likesCharts.length === 4")
        second = page.locator("figure.chart").nth(2).bounding_box()
        bottom = second["y"] + second["height"] + 16
        clip = {"x": 0, "y": 0, "width": 1000, "height": bottom}
        page.screenshot(path=str(target), clip=clip, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
