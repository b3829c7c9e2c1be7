"""Take the README's screenshot: the demo blog built afresh, served with the API, one article
liked by a few readers and by the one looking, in headless Chromium.

    .venv/bin/python -m scripts.screenshot docs/widget.png
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from pelican_likes.storage.store import LikeStore
from tests.support import REPO, gunicorn, launch_chromium, sqlite_database

ARTICLE = "writing-a-static-blog"


def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = sqlite_database(Path(tmp))
        build(Path(tmp) / "output", url)
        store = LikeStore.from_url(url)
        for n in range(41):
            store.like(ARTICLE, f"demo-reader-{n:03d}".ljust(64, "0"))
        env = {"DATABASE_URL": url, "LIKES_SITE_DIR": str(Path(tmp) / "output")}
        with gunicorn(env, workers=1) as server:
            shoot(f"{server.url}/{ARTICLE}.html", target)
    print(f"wrote {target}")


def build(output: Path, url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output),
         "-e", f'LIKES_DATABASE_URL="{url}"'],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip


def shoot(page_url: str, target: Path) -> None:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 900, "height": 760}, device_scale_factor=1)
        with page.expect_response(lambda r: "/api/likes?" in r.url):
            page.goto(page_url)
        with page.expect_response(lambda r: r.request.method == "PUT"):
            page.locator(".likes-button").first.click()
        page.mouse.move(0, 0)
        page.evaluate("() => document.activeElement.blur()")
        widget = page.locator(".likes").first.bounding_box()
        bottom = widget["y"] + widget["height"] + 32
        page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": 900, "height": bottom})
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/widget.png"))
