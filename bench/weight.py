"""What the widget costs a reader's browser: bytes of its two files against their budget, and the
requests it makes on an article page and on the index page of the demo blog, in one run.

Requests are counted in headless Chromium, on the demo blog served by ``python -m http.server``:
the API is not there, so its reads answer 404, which changes nothing to how many are sent.

    .venv/bin/python -m bench.weight
"""

import gzip
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from pelican.plugins.likes.assets import STATIC_FOLDER
from tests.support import REPO, WEIGHT_BUDGETS, launch_chromium, sqlite_database, static_files

ARTICLE_PAGE = "writing-a-static-blog.html"
PAGES = (ARTICLE_PAGE, "index.html")


@dataclass
class PageLoad:
    """The requests one page load sent, as Chromium saw them."""

    urls: list[str]
    widget_slugs: list[str]  # one per widget on the page

    @property
    def assets(self) -> int:
        return sum(url.endswith(("/likes/likes.js", "/likes/likes.css")) for url in self.urls)

    @property
    def api_reads(self) -> int:
        return sum("/api/" in url for url in self.urls)


def print_sizes() -> None:
    print("Widget files: bytes as shipped and gzipped (-9), against the gzipped budget")
    print(f"  {'':<10} {'raw':>6}  {'gzip -9':>7}  {'budget':>6}  {'of budget':>9}")
    for name, budget in WEIGHT_BUDGETS.items():
        data = (STATIC_FOLDER / name).read_bytes()
        packed = len(gzip.compress(data, compresslevel=9))
        print(f"  {name:<10} {len(data):>6,}  {packed:>7,}  {budget:>6,}  {packed / budget:>9.0%}")


def build_demo(root: Path) -> Path:
    """The demo blog built as its README says, counts from a fresh SQLite database."""
    url = sqlite_database(root)
    output = root / "output"
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output),
         "-e", f'LIKES_DATABASE_URL="{url}"', "--fatal", "errors"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"the demo blog did not build:\n{result.stdout}{result.stderr}")
    return output


def load_page(browser: Browser, url: str) -> PageLoad:
    """Every request of one load of ``url`` in a fresh context (empty cache), until the network
    has been idle for half a second, so that the script's reads are in."""
    context = browser.new_context()
    try:
        page = context.new_page()
        urls: list[str] = []
        page.on("request", lambda request: urls.append(request.url))
        page.goto(url, wait_until="networkidle")
        slugs = page.eval_on_selector_all(
            ".likes[data-likes-slug]", "nodes => nodes.map(node => node.dataset.likesSlug)"
        )
        return PageLoad(urls, slugs)
    finally:
        context.close()


def print_requests(output: Path) -> None:
    with static_files(output) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        loads = {name: load_page(browser, f"{base}/{name}") for name in PAGES}
        browser.close()
    print("\nRequests per page load of the demo blog (headless Chromium, empty cache)")
    print(
        f"  {'':<28} {'widgets':>7}  {'articles':>8}  {'likes files':>11}  {'API reads':>9}  "
        f"{'all requests':>12}"
    )
    for name, load in loads.items():
        print(
            f"  {name:<28} {len(load.widget_slugs):>7}  {len(set(load.widget_slugs)):>8}  "
            f"{load.assets:>11}  {load.api_reads:>9}  {len(load.urls):>12}"
        )
    print("  (likes files: the same two URLs on every page, so a browser fetches them once)")


def main() -> None:
    print_sizes()
    with tempfile.TemporaryDirectory(prefix="likes-weight-") as folder:
        output = build_demo(Path(folder))
        missing = [name for name in PAGES if not (output / name).exists()]
        if missing:
            raise RuntimeError(f"the demo build has no {', '.join(missing)}")
        print_requests(output)


if __name__ == "__main__":
    main()
