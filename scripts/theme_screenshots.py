"""Take docs/themes.md's screenshots: the widget at the end of an article in each theme the
tests place it in (tests/support.THEMES), built with comments on, in headless Chromium, each
clipped to the article's last paragraph, the widget and what follows it; the themes with columns
side by side whole, to show the sidebar beside the text; the theme printing the summary above
the text on a one-sentence article, whose summary is its text. Themes named after the folder are the
only ones taken.

    .venv/bin/python -m scripts.theme_screenshots docs/themes [theme ...]
"""

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.support import (
    SHORT_ARTICLE,
    THEME_ARTICLE,
    THEMES,
    build_theme_site,
    launch_chromium,
    sqlite_database,
    static_files,
)

WIDTH, ABOVE, BELOW = 1280, 110, 120  # px of page kept above and below the widget
WHOLE = {"float-columns", "grid-columns"}
SHOWN = {"summary-first": SHORT_ARTICLE}  # the article shot, if not THEME_ARTICLE


def main(target: Path, themes: Sequence[str] = THEMES) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url = sqlite_database(root)
        served = root / "served"
        served.mkdir()
        for theme in themes:
            build_theme_site(theme, root / theme, url).rename(served / theme)
        with static_files(served) as base, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            for theme in themes:
                page.goto(f"{base}/{theme}/{SHOWN.get(theme, THEME_ARTICLE)}.html")
                if theme in WHOLE:
                    page.screenshot(path=str(target / f"{theme}.png"), full_page=True)
                    print(f"wrote {target / f'{theme}.png'}")
                else:
                    shoot(page, target / f"{theme}.png")
            browser.close()


def shoot(page, path: Path) -> None:
    """The page around the widget, scrolled so that the widget is in view."""
    page.locator("form.likes").scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    box = page.locator("form.likes").bounding_box()
    top = max(0, box["y"] - ABOVE)
    page.screenshot(
        path=str(path), clip={"x": 0, "y": top, "width": WIDTH, "height": ABOVE + BELOW}
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/themes"), sys.argv[2:] or THEMES)
