"""Take the README's screenshot: the demo blog built afresh, served with the API, one article
liked by a few readers and by the one looking, in headless Chromium.

    .venv/bin/python scripts/screenshot.py docs/widget.png
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from likes import migrate
from likes.store import LikeStore

REPO = Path(__file__).resolve().parent.parent
ARTICLE = "writing-a-static-blog"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'likes.sqlite3'}"
        migrate.upgrade(url)
        build(Path(tmp) / "output", url)
        store = LikeStore.from_url(url)
        for n in range(41):
            store.like(ARTICLE, f"demo-reader-{n:03d}".ljust(64, "0"))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "api.app:app", "-c", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=REPO, stdout=subprocess.DEVNULL,
            env={**os.environ, "DATABASE_URL": url, "LIKES_SITE_DIR": str(Path(tmp) / "output")},
        )  # fmt: skip
        try:
            wait_for(f"http://127.0.0.1:{port}/api/health")
            shoot(f"http://127.0.0.1:{port}/{ARTICLE}.html", target)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {target}")


def build(output: Path, url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output),
         "-e", f'LIKES_DATABASE_URL="{url}"'],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip


def shoot(page_url: str, target: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/widget.png"))
