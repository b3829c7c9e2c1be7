"""What the tests, the benchmarks and the scripts share: free ports, the API under gunicorn, a
folder served over HTTP, waiting for a URL, Chromium's arguments, the widget's weight budget and
likes recorded in the past.

Servers run from the installed package with its shipped gunicorn settings, as a blogger runs them.
"""

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select

from pelican_likes.storage.schema import articles, likes
from pelican_likes.storage.store import LikeStore

REPO = Path(__file__).resolve().parent.parent

API_APP = "pelican_likes.api.wsgi:app"
GUNICORN_CONFIG = "python:pelican_likes.api.gunicorn_conf"

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps dialling Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Gzipped bytes each widget file may weigh: the whole widget within one TCP round trip's worth.
# The script's grew from 2048 when widgets began to speak each article's language (plural forms
# through Intl) and to take over a form: measured 1,942 -> 2,145 bytes (bench/weight.py).
WEIGHT_BUDGETS = {"likes.js": 2304, "likes.css": 1024}


@dataclass(frozen=True)
class Server:
    """A running server: where it answers, the file its output goes to (if kept), its pid."""

    url: str
    port: int
    log: Path | None
    pid: int


def free_port() -> int:
    """A TCP port nothing listens on at this moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_url(
    url: str,
    timeout: float = 30,
    process: subprocess.Popen | None = None,
    log: Path | None = None,
) -> None:
    """Return once ``url`` answers with any HTTP status; fail early if ``process`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            output = log.read_text() if log else ""
            raise RuntimeError(f"the server exited with {process.returncode}: {output}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers, if only with an error
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


@contextmanager
def gunicorn(
    env: dict[str, str],
    workers: int | None = 2,
    log: Path | None = None,
    app: str = API_APP,
    arguments: Sequence[str] = (),
    cwd: Path | None = None,
    python: Path = Path(sys.executable),
) -> Iterator[Server]:
    """``app`` under real gunicorn workers on a free port, with the package's gunicorn settings
    (``workers=None`` keeps their worker count, as a blogger following docs/deploy.md gets), run
    by the interpreter ``python`` (another virtualenv's, say).

    Its output goes to ``log`` (a pipe nobody reads would fill up and stall the workers), else
    nowhere. Yields once ``/api/health`` answers (any answer, for apps without it); stops it after.
    """
    port = free_port()
    output = log.open("w") if log else subprocess.DEVNULL
    worker_count = [] if workers is None else ["--workers", str(workers)]
    process = subprocess.Popen(
        [str(python), "-m", "gunicorn", app, "-c", GUNICORN_CONFIG,
         "--bind", f"127.0.0.1:{port}", *worker_count, *arguments],
        cwd=cwd, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    server = Server(url=f"http://127.0.0.1:{port}", port=port, log=log, pid=process.pid)
    try:
        wait_for_url(f"{server.url}/api/health", process=process, log=log)
        yield server
    finally:
        stop_process(process)
        if log:
            output.close()


@contextmanager
def static_files(folder: Path, port: int | None = None) -> Iterator[str]:
    """``folder`` served by ``python -m http.server`` on a free local port; yields its base URL."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_url(f"{base}/", process=process)
        yield base
    finally:
        stop_process(process)


def build_blog(output: Path, database_url: str, api_url: str) -> None:
    """The demo blog: ``pelican content`` from the repository root, as a user runs it, into
    ``output``, registering its articles in ``database_url``."""
    extra = {"LIKES_DATABASE_URL": database_url, "LIKES_API_URL": api_url}
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output),
         "-e", *(f"{key}={json.dumps(value)}" for key, value in extra.items())],
        cwd=REPO, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def resident_memory(pid: int) -> tuple[int, int]:
    """Bytes of memory of process ``pid`` and its children (a gunicorn master and its workers):
    resident (RSS, shared pages counted in each process) and proportional (PSS, split)."""
    totals = {"Rss": 0, "Pss": 0}
    for each in [pid, *descendants(pid)]:
        for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in totals:
                totals[name] += int(value.split()[0]) * 1024  # written in kB
    return totals["Rss"], totals["Pss"]


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) process ``pid`` and its children have used so far: what a
    request costs, whatever else the machine runs, where a rate would count the neighbours."""
    total = 0
    for each in [pid, *descendants(pid)]:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """The processes process ``pid`` started, theirs included (a gunicorn master's workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright (whose own browser download fails here)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def record_likes(url: str, dated: Iterable[tuple[str, datetime]]) -> None:
    """Like rows recorded at the given times, one new reader each, then the counts rebuilt.

    The store records every like "now"; stats over time need likes from other days too.
    """
    store = LikeStore.from_url(url)
    batch = uuid.uuid4().hex[:12]  # readers of each call new, whatever came before
    try:
        with store.engine.begin() as conn:
            ids = dict(conn.execute(select(articles.c.slug, articles.c.id)).all())
            rows = [
                {"article_id": ids[slug], "voter": f"dated-{batch}-{n:045d}", "created_at": moment}
                for n, (slug, moment) in enumerate(dated)
            ]
            if rows:
                conn.execute(insert(likes), rows)
        store.recount()
    finally:
        store.dispose()


def stop_process(process: subprocess.Popen) -> None:
    """Stop a server as its service manager would (SIGTERM), killing it if it hangs."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# Themes the widget is placed in, each built with its comments on: Pelican's own two and the
# third-party ones kept in tests/fixtures/themes (their licences in its README).
THEME_FIXTURES = REPO / "tests" / "fixtures" / "themes"
THEMES = ("notmyidea", "simple", "flex", "attila", "elegant")
THEME_ARTICLE = "reading-the-river"
_THEME_ARTICLES = {
    THEME_ARTICLE: ("Reading the river", "2026-11-02"),
    "mending-the-fence": ("Mending the fence", "2026-11-01"),
    "baking-in-winter": ("Baking in winter", "2026-11-03"),
}
_PARAGRAPHS = [
    f"Body paragraph {number}. " + "The water was low that morning and the stones showed. " * 5
    for number in range(1, 5)
]


def theme_path(theme: str) -> Path:
    """One of THEMES (Pelican's bundled theme by that name, or the fixture folder), or "demo",
    the repository's own theme."""
    if theme == "demo":
        return REPO / "theme"
    if (THEME_FIXTURES / theme).is_dir():
        return THEME_FIXTURES / theme
    import pelican

    return Path(pelican.__file__).parent / "themes" / theme


def build_theme_site(theme: str, folder: Path, database_url: str) -> Path:
    """A three-article blog built in ``folder`` with ``theme``, Disqus set so that every theme
    that offers comments shows them; returns the output folder. The middle article,
    THEME_ARTICLE, has neighbours both ways, for themes that link them."""
    from pelican import Pelican
    from pelican.settings import read_settings

    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    for slug, (title, date) in _THEME_ARTICLES.items():
        body = "\n\n".join(_PARAGRAPHS)
        text = f"---\ntitle: {title}\nslug: {slug}\ndate: {date}\ntags: [river]\n---\n\n{body}\n"
        (content / f"{slug}.md").write_text(text, encoding="utf-8")
    output = folder / "output"
    settings = read_settings(
        override={
            "PATH": str(content), "OUTPUT_PATH": str(output), "THEME": str(theme_path(theme)),
            "PLUGINS": ["likes"], "LIKES_DATABASE_URL": database_url,
            "SITENAME": "Likes demo", "AUTHOR": "Ada", "TIMEZONE": "UTC",
            "SITEURL": "https://blog.example", "RELATIVE_URLS": True,
            "DISQUS_SITENAME": "pelican-likes-demo",
            # attila links its listing pages by these, which Pelican leaves undefined.
            "TAGS_URL": "tags.html", "CATEGORIES_URL": "categories.html",
            "AUTHORS_URL": "authors.html", "ARCHIVES_URL": "archives.html",
            "FEED_ALL_ATOM": None, "CATEGORY_FEED_ATOM": None, "TRANSLATION_FEED_ATOM": None,
            "AUTHOR_FEED_ATOM": None, "AUTHOR_FEED_RSS": None,
        }
    )  # fmt: skip
    Pelican(settings).run()
    return output


class ManualClock:
    """A store's clock (``LikeStore(clock=...)``) that a test moves by setting ``now``, to cross
    midnight UTC without waiting for it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now
