"""What the tests, the benchmarks and the scripts share: free ports, waiting for a condition, the
API under gunicorn, nginx with deploy/nginx.conf filled in, a folder served over HTTP, databases
of their own and PgBouncer in front of one, the ``pelican-likes`` command, Chromium, a load of
likes kept answer by answer, and likes recorded in the past.

Servers run from the installed package with its shipped gunicorn settings, as a blogger runs them.
When the suite runs in parallel (pytest-xdist), everything a worker starts is its own: its ports,
its databases, its temporary folders.
"""

import contextlib
import datetime as dt
import grp
import http.client
import io
import itertools
import json
import os
import pwd
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple, NoReturn, TypeVar
from urllib.parse import urlsplit

import psycopg2
import pytest
from sqlalchemy import bindparam, create_engine, insert, select, text
from sqlalchemy.pool import NullPool

from pelican_likes.commands.main import main
from pelican_likes.storage import migrate
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.pseudonyms import Pseudonym
from pelican_likes.storage.schema import articles, likes
from pelican_likes.storage.store import ArticleInfo, LikeStore

T = TypeVar("T")

REPO = Path(__file__).resolve().parent.parent

API_APP = "pelican_likes.api.wsgi:app"
GUNICORN_CONFIG = "python:pelican_likes.api.gunicorn_conf"

# The HMAC key of every API the tests start (LIKES_SECRET), long enough to be accepted.
SECRET = "the test suite's secret, long enough to be accepted: 0123456789"

# The articles the API's tests register: titled, untitled, and a slug beyond ASCII.
ARTICLES = [ArticleInfo("first", "First"), ArticleInfo("second", "Second"), ArticleInfo("été-2024")]

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
WEIGHT_BUDGETS = {"likes.js": 2560, "likes.css": 1216}

NGINX = Path("/usr/sbin/nginx")
NGINX_CONF = REPO / "deploy" / "nginx.conf"
PGBOUNCER = Path("/usr/sbin/pgbouncer")
PGBOUNCER_INI = REPO / "deploy" / "pgbouncer.ini"
DAILY_LIMIT = 20  # the deployment's LIKES_DAILY_LIMIT, set so that no test rests on the default


def unavailable(reason: str) -> NoReturn:
    """Skip the test for want of what ``reason`` names (a server, a browser), except under
    ``CI=true``: there a skip would let the suite pass without having run, so it fails."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"required under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def poll(condition: Callable[[], T], timeout: float, interval: float = 0.02) -> T | None:
    """``condition``'s first true value, asked every ``interval`` seconds for up to ``timeout``
    seconds; None if none came."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value or None
        time.sleep(interval)


def wait_until(condition: Callable[[], T], timeout: float = 10, interval: float = 0.02) -> T:
    """``condition``'s first true value, polled; a failure after ``timeout`` seconds. For what a
    test must see happen (a log line, a thread gone), in place of a sleep that is too long on a
    quiet machine and too short on a loaded one."""
    value = poll(condition, timeout, interval)
    if value is None:
        name = getattr(condition, "__name__", repr(condition))
        raise AssertionError(f"{name}: not so within {timeout}s")
    return value


# Each process takes its ports from a block of its own, below the kernel's ephemeral range that
# outgoing connections draw from: parallel workers, and the thousands of connections load tests
# open, never take the port a server is about to bind.
_PORT_BASE = 20000
_PORT_BLOCK = 500
# Each process starts at a place of its own in its block: the suites of several checkouts on one
# machine share the blocks, and would otherwise all try the same ports in the same order.
_next_port = itertools.count(os.getpid() % _PORT_BLOCK)


def worker_id() -> str:
    """This process's pytest-xdist worker ("gw0", "gw1"...), "main" outside a parallel run."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def free_port() -> int:
    """A TCP port nothing listens on at this moment, from this process's block."""
    worker = worker_id()
    block = int(worker[2:]) + 1 if worker.startswith("gw") else 0
    for _ in range(_PORT_BLOCK):
        port = _PORT_BASE + block * _PORT_BLOCK + next(_next_port) % _PORT_BLOCK
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in block {block} from {_PORT_BASE}")


@dataclass(frozen=True)
class Server:
    """A running server: where it answers, the file its output goes to (if kept), its pid."""

    url: str
    port: int
    log: Path | None
    pid: int


def wait_for_url(
    url: str,
    timeout: float = 30,
    process: subprocess.Popen | None = None,
    log: Path | None = None,
) -> None:
    """Return once ``url`` answers with any HTTP status; fail early if ``process`` exits."""

    def answers() -> bool:
        if process is not None and process.poll() is not None:
            output = log.read_text() if log else ""
            raise RuntimeError(f"the server exited with {process.returncode}: {output}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
        except urllib.error.HTTPError:
            return True  # it answers, if only with an error
        except OSError:
            return False
        return True

    if not poll(answers, timeout, interval=0.05):
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
    port: int | None = None,
) -> Iterator[Server]:
    """``app`` under real gunicorn workers on a free port, with the package's gunicorn settings
    (``workers=None`` keeps their worker count, as a blogger following docs/deploy.md gets), run
    by the interpreter ``python`` (another virtualenv's, say).

    Its output goes to ``log`` (a pipe nobody reads would fill up and stall the workers), else
    nowhere. Its public origin (LIKES_PUBLIC_ORIGIN) is its own URL, as ``make run`` sets it,
    unless ``env`` says otherwise. ``port`` serves it where a stopped server was, for a browser
    whose storage is kept per origin. Yields once ``/api/health`` answers (any answer, for apps
    without it); stops it after.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    output = log.open("w") if log else subprocess.DEVNULL
    worker_count = [] if workers is None else ["--workers", str(workers)]
    process = subprocess.Popen(
        [str(python), "-m", "gunicorn", app, "-c", GUNICORN_CONFIG,
         "--bind", f"127.0.0.1:{port}", *worker_count, *arguments],
        cwd=cwd, env={**os.environ, "LIKES_PUBLIC_ORIGIN": url, **env},
        stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    server = Server(url=url, port=port, log=log, pid=process.pid)
    try:
        wait_for_url(f"{server.url}/api/health", process=process, log=log)
        yield server
    finally:
        stop_process(process)
        if log:
            output.close()


def api_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an API whose readers all come from 127.0.0.1, as a test's do: neither
    the rate limit nor the daily cap may refuse their likes unless ``extra`` turns one on."""
    return {
        "DATABASE_URL": database_url,
        "LIKES_SECRET": SECRET,
        "LIKES_RATE_LIMIT": "0",
        "LIKES_DAILY_LIMIT": "0",
        **extra,
    }


def wait_for_log(log: Path, *fragments: str, since: int = 0, timeout: float = 10) -> str:
    """The whole of ``log`` once each of ``fragments`` is in what was written to it past byte
    ``since`` (its size before the requests a test waits for), as many times as it is listed.
    A server logs a request after answering it: the answer does not say its lines are written."""
    wanted = Counter(fragments)

    def written() -> bool:
        with log.open("rb") as file:
            file.seek(since)
            tail = file.read().decode(errors="replace")
        return all(tail.count(fragment) >= times for fragment, times in wanted.items())

    wait_until(written, timeout)
    return log.read_text()


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


# The main configuration deploy/nginx.conf, filled in, is included from, as nginx.conf includes
# conf.d/*.conf on a Debian host; here every path nginx writes is under one folder.
MAIN_CONF = """\
daemon off;
worker_processes 2;
user {user} {group};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log notice;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


@contextmanager
def nginx(site: str, folder: Path, port: int) -> Iterator[Server]:
    """nginx on ``127.0.0.1:port`` with ``site``, a filled-in server configuration, run as the
    current user, everything it writes (pid, logs, temporary and cache files) under ``folder``;
    its access log is ``folder / "access.log"``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(site)
    main = MAIN_CONF.format(
        prefix=folder,
        site=folder / "site.conf",
        user=pwd.getpwuid(os.getuid()).pw_name,
        group=grp.getgrgid(os.getgid()).gr_name,
    )
    (folder / "nginx.conf").write_text(main)
    log = folder / "error.log"
    command = [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(log)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    server = Server(url=f"http://127.0.0.1:{port}", port=port, log=log, pid=process.pid)
    try:
        # nginx writes its pid once it holds its port: until then, whatever answers is not it.
        wait_until(lambda: (folder / "nginx.pid").exists() or process.poll() is not None, 30)
        wait_for_url(f"{server.url}/", process=process, log=log)
        yield server
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen) -> None:
    """Stop a server as its service manager would (SIGTERM), killing it if it hangs."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def sqlite_database(folder: Path) -> str:
    """The URL of a migrated SQLite database made in ``folder``, as ``likes.sqlite3``."""
    url = f"sqlite:///{folder / 'likes.sqlite3'}"
    migrate.upgrade(url)
    return url


class PostgresDatabases:
    """Empty databases made on the PostgreSQL server of ``admin_url``, named ``prefix`` and a
    random part; all of them dropped by ``close``, connections or not."""

    def __init__(self, admin_url: str, prefix: str) -> None:
        self._admin_url = parse_url(admin_url)
        # One connection per statement, so that ``close`` can drop the databases side by side.
        self._admin = create_engine(
            self._admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self._prefix = prefix
        self._made: list[str] = []

    def __enter__(self) -> "PostgresDatabases":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def create(self) -> str:
        """A new empty database; its URL."""
        name = f"{self._prefix}_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self._made.append(name)
        return self._admin_url.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        """Drop them all at once: each DROP DATABASE waits for a checkpoint of the whole server,
        and drops that wait together share one."""
        with ThreadPoolExecutor(max_workers=max(1, len(self._made))) as drops:
            list(drops.map(self._drop, self._made))
        self._made.clear()

    def _drop(self, name: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with its ``${NAME}`` placeholders replaced, as ``envsubst`` does with the
    names listed; a placeholder without a value is an error, never left for the server to
    misread."""
    return re.sub(r"\$\{([A-Z0-9_]+)\}", lambda found: values[found.group(1)], template)


# The blog's host name behind the shipped nginx.conf: tests and benchmarks reach nginx at
# 127.0.0.1 and name the blog in their Host header.
BLOG_HOST = "blog.example.com"


def nginx_site(
    port: int, blog_root: Path, cache_dir: Path, apis: Sequence[str], template: str | None = None
) -> str:
    """deploy/nginx.conf (or ``template``, a variant of it) filled in as docs/deploy.md fills
    it: listening on 127.0.0.1:``port`` for BLOG_HOST, in front of the two API hosts ``apis``."""
    api_1, api_2 = apis
    values = {
        "LISTEN": f"127.0.0.1:{port}",
        "SERVER_NAME": BLOG_HOST,
        "BLOG_ROOT": str(blog_root),
        "CACHE_DIR": str(cache_dir),
        "API_1": api_1,
        "API_2": api_2,
    }
    return fill(NGINX_CONF.read_text() if template is None else template, values)


@dataclass(frozen=True)
class Pooler:
    """PgBouncer running in front of one database: the URL clients use instead of the database's
    own, and PgBouncer's console, where its counters are read."""

    url: str  # the database through PgBouncer, as an API host's DATABASE_URL names it
    port: int
    log: Path
    pid: int
    user: str
    password: str = field(repr=False)

    def show(self, what: str) -> list[dict[str, object]]:
        """The rows of the console's ``SHOW what`` (STATS, POOLS, SERVERS, CLIENTS) about the
        pooled database, ``likes``."""
        console = psycopg2.connect(
            host="127.0.0.1", port=self.port, dbname="pgbouncer",
            user=self.user, password=self.password, connect_timeout=5,
        )  # fmt: skip
        try:
            console.autocommit = True  # the console runs no transactions
            with console.cursor() as cursor:
                cursor.execute(f"SHOW {what}")
                names = [column.name for column in cursor.description or ()]
                rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            console.close()
        return [row for row in rows if row.get("database") == "likes"]


@contextmanager
def pgbouncer(database_url: str, folder: Path, pool_size: int = 2) -> Iterator[Pooler]:
    """Debian's PgBouncer on a free local port, running the shipped deploy/pgbouncer.ini filled
    in for ``database_url``, with a userlist of its own in ``folder``; yields once it answers.

    ``pool_size`` server connections serve every client: few, so that clients' transactions
    take turns on the same server connections. Run as root, PgBouncer refuses to start unless
    told a user to become; it is then ``nobody``, after reading its files.
    """
    if not PGBOUNCER.exists():
        unavailable(f"{PGBOUNCER} is missing: apt-get install pgbouncer")
    target = parse_url(database_url)
    user, password = target.username or "postgres", uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    userlist = folder / "userlist.txt"
    userlist.write_text(f'"{user}" "{password}"\n')
    port = free_port()
    values = {
        "LISTEN": "127.0.0.1", "PORT": str(port), "DB_HOST": target.host or "127.0.0.1",
        "DB_PORT": str(target.port or 5432), "DB_NAME": target.database or "",
        "POOL_SIZE": str(pool_size), "AUTH_FILE": str(userlist),
    }  # fmt: skip
    settings = fill(PGBOUNCER_INI.read_text(), values)
    settings += f"\n; The tests' own: the console's counters, to read.\nstats_users = {user}\n"
    if os.getuid() == 0:
        settings += "user = nobody\n"
    (folder / "pgbouncer.ini").write_text(settings)
    log = folder / "pgbouncer.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(PGBOUNCER), str(folder / "pgbouncer.ini")],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = target.set(password=password, host="127.0.0.1", port=port, database="likes")
    pooled = url.render_as_string(hide_password=False)
    pooler = Pooler(pooled, port, log, process.pid, user, password)

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"PgBouncer exited with {process.returncode}: {log.read_text()}")
        try:
            pooler.show("POOLS")
        except psycopg2.OperationalError:  # not listening yet
            return False
        return True

    try:
        wait_until(answers, timeout=10, interval=0.05)
        yield pooler
    finally:
        stop_process(process)


def build_blog(
    output: Path, database_url: str, api_url: str, *, offline: bool = True, **settings: object
) -> None:
    """The demo blog: ``pelican content`` from the repository root, as a user runs it, into
    ``output``, registering its articles in ``database_url``; ``settings`` over pelicanconf.py's.

    ``offline``, as ``make run`` builds it: the demo's shared posts are on hosts that do not
    exist (and Bluesky's public AppView), which no test may reach; a test that points the build
    at a stub service says ``offline=False``.
    """
    extra = {
        "LIKES_DATABASE_URL": database_url,
        "LIKES_API_URL": api_url,
        # Beside the output, not in the repository's cache/, which builds would share.
        "CACHE_PATH": str(output.parent / "cache"),
        **settings,
    }
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output),
         "-e", *(f"{key}={json.dumps(value)}" for key, value in extra.items())],
        cwd=REPO, check=True, capture_output=True, text=True, timeout=300,
        env={**os.environ, "LIKES_SOCIAL_OFFLINE": "1" if offline else ""},
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


def click_and_settle(page, button, method: str) -> None:
    """Click a widget's ``button``; return once the API answered the ``method`` it sent and the
    widget kept the answer (no longer aria-busy), so a reload right after sees it stored.
    """
    with page.expect_response(lambda r: r.request.method == method and "/like" in r.url):
        button.click()
    page.wait_for_function("() => !document.querySelector('.likes[aria-busy=true]')")


def widgets(page, slug: str):
    """The locator of every widget of article ``slug`` on ``page``."""
    return page.locator(f'.likes[data-likes-slug="{slug}"]')


def expect_state(page, slug: str, liked: bool, count: int) -> None:
    """The article has a widget, and every one shows the same state: pressed or not, and the
    count, in its number and in its button's name."""
    from playwright.sync_api import expect

    boxes = widgets(page, slug)
    expect(boxes).not_to_have_count(0)
    for n in range(boxes.count()):
        button = boxes.nth(n).locator("button")
        expect(button).to_have_attribute("aria-pressed", "true" if liked else "false")
        expect(boxes.nth(n).locator(".likes-count")).to_have_text(str(count))
        expect(button).to_have_attribute("aria-label", re.compile(rf"\b{count} likes?\b"))


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


# The hour a flood of likes arrives in, for the tests that find and remove one.
FLOOD = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def liked_at(store: LikeStore, slug: str, moments: list[datetime]) -> list[str]:
    """One new reader's like of ``slug`` per moment, through the store's own vote, then dated."""
    voters = [uuid.uuid4().hex * 2 for _ in moments]
    for voter in voters:
        store.like(slug, voter)
    dated = (
        likes.update()
        .where(likes.c.voter == Pseudonym(bindparam("b_voter"), likes.c.article_id))
        .values(created_at=bindparam("b_moment"))
    )
    with store.engine.begin() as conn:
        rows = [{"b_voter": v, "b_moment": m} for v, m in zip(voters, moments, strict=True)]
        conn.execute(dated, rows)
    return voters


class ManualClock:
    """A store's clock (``LikeStore(clock=...)``) that a test moves by setting ``now``, to cross
    midnight UTC without waiting for it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def run_process(
    *args: str,
    url: str | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``pelican-likes *args`` in a process of its own, as a user runs it, on ``url`` (its
    ``DATABASE_URL``; none set if None), with ``env`` besides, reading ``stdin`` if given."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if url is not None:
        environment["DATABASE_URL"] = url
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pelican_likes.commands.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=60,
    )


def run_command(
    *args: str, url: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``pelican-likes *args`` as ``run_process`` runs it, answered the same way, but by the
    command's ``main`` in this process: a new interpreter per command would cost the suite more
    than the rest of each test (what only a real process shows stays with ``run_process``).

    An exception ``main`` does not turn into one line escapes to the test, as a traceback would
    reach the user."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        _database_url_set(url),
        contextlib.chdir(cwd or Path.cwd()),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's usage errors, --help and --version
            code = exit_.code if isinstance(exit_.code, int) else 1
    return subprocess.CompletedProcess(args, code, stdout.getvalue(), stderr.getvalue())


@contextmanager
def _database_url_set(url: str | None) -> Iterator[None]:
    """``DATABASE_URL`` set to ``url`` (unset if None) for the duration, then as it was."""
    before = os.environ.pop("DATABASE_URL", None)
    if url is not None:
        os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        os.environ.pop("DATABASE_URL", None)
        if before is not None:
            os.environ["DATABASE_URL"] = before


def assert_one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    """The command failed as every user mistake must end: one line naming it, no traceback."""
    assert result.returncode == 1
    assert result.stderr.startswith("pelican-likes: error: ")
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


class ReportData(HTMLParser):
    """The text of the report's ``#likes-data`` script element."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self._inside = False
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and ("id", "likes-data") in attrs

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.text += data


@dataclass(frozen=True)
class Release:
    """The built distributions and a virtualenv with the wheel installed."""

    dist: Path
    venv: Path
    built: str = ""  # what the build printed

    def tool(self, name: str) -> Path:
        return self.venv / "bin" / name

    def run(self, *command: str, cwd: Path, env: dict[str, str]) -> str:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without what would point Python at the test virtualenv."""
    kept = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**kept, "COLUMNS": "500", **extra}


@dataclass(frozen=True)
class Deployment:
    """The blog behind nginx, and what is behind it."""

    url: str  # nginx, serving the blog and proxying /api/
    port: int
    host: str  # the Host header of the blog's pages: nginx answers no other
    apis: tuple[Server, Server]
    database_url: str
    slugs: tuple[str, ...]  # the demo blog's articles, registered by its build


REQUEST_TIMEOUT = 5.0
LOAD_LIMIT = 40.0  # a load never left running longer than this, whatever happens


@dataclass(frozen=True)
class Attempt:
    """One reader's one PUT: when it was sent and answered, and the answer.

    ``status`` is None when no answer came (connection error or timeout): that reader's like may
    or may not have been stored. Besides a 503 for a like in flight as the database stopped (see
    tests/faults/test_postgres_restart.py), it is the only kind of attempt allowed to be either.
    """

    token: str
    sent: float
    answered: float
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Reply(NamedTuple):
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


def http_request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    source: str = "127.0.0.1",
) -> Reply:
    """One request to 127.0.0.1:``port`` on a connection of its own, from ``source`` (any
    address of 127.0.0.0/8, for a server that tells readers apart by address); an answer may
    take up to 30 s on a loaded machine."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        found = {name.lower(): value for name, value in response.getheaders()}
        return Reply(response.status, found, response.read())
    finally:
        connection.close()


def put_like(base: str, slug: str, token: str) -> Attempt:
    """Like ``slug`` as the reader ``token``, on a new connection as a new visitor would."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=REQUEST_TIMEOUT)
    sent = time.monotonic()
    try:
        connection.request("PUT", f"/api/articles/{slug}/like", headers={"Likes-Voter": token})
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        body = response.read()
    except (OSError, http.client.HTTPException):
        return Attempt(token, sent, time.monotonic(), None)
    finally:
        connection.close()
    return Attempt(token, sent, time.monotonic(), response.status, headers, body)


class WriteLoad:
    """Threads liking ``slug`` back to back, every PUT from a reader never seen before, so that
    each stored like can be traced to exactly one answer."""

    def __init__(self, base: str, threads: int, slug: str) -> None:
        self._base = base
        self._slug = slug
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._attempts: list[Attempt] = []
        self._threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)
        ]

    def __enter__(self) -> "WriteLoad":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT * 2)

    def attempts(self) -> list[Attempt]:
        with self._lock:
            return list(self._attempts)

    def first_success(self, sent_after: float, timeout: float) -> Attempt | None:
        """The first 200 to a PUT sent after ``sent_after``, waiting up to ``timeout`` seconds."""
        return self._first(lambda a: a.status == 200 and a.sent >= sent_after, timeout)

    def first_refusal(self, sent_after: float, timeout: float) -> Attempt | None:
        """The first 503 to a PUT sent after ``sent_after``, waiting up to ``timeout`` seconds."""
        return self._first(lambda a: a.status == 503 and a.sent >= sent_after, timeout)

    def _first(self, wanted: Callable[[Attempt], bool], timeout: float) -> Attempt | None:
        def found() -> Attempt | None:
            matching = [a for a in self.attempts() if wanted(a)]
            return min(matching, key=lambda a: a.answered) if matching else None

        return poll(found, timeout)

    def _run(self, thread: int) -> None:
        deadline = time.monotonic() + LOAD_LIMIT
        number = 0
        while not self._stop.is_set() and time.monotonic() < deadline:
            token = f"{self._slug}-reader-{thread:02d}-{number:06d}"
            attempt = put_like(self._base, self._slug, token)
            with self._lock:
                self._attempts.append(attempt)
            number += 1


# Themes the widget is placed in, each built with its comments on: Pelican's own two and the
# third-party ones kept in tests/fixtures/themes (their licences in its README).
THEME_FIXTURES = REPO / "tests" / "fixtures" / "themes"
# The last three are shapes met in real themes, written for the tests (their README says which).
THEMES = (
    "notmyidea", "simple", "flex", "attila", "elegant",
    "float-columns", "grid-columns", "summary-first",
)  # fmt: skip
THEME_ARTICLE = "reading-the-river"
# Shorter than SUMMARY_MAX_LENGTH, so its summary is its whole content; and one with no text.
SHORT_ARTICLE, SHORT_TEXT = "a-note-on-the-ford", "Body sentence: the ford was passable again."
EMPTY_ARTICLE = "photos-from-the-bank"
_PARAGRAPHS = [
    f"Body paragraph {number}. " + "The water was low that morning and the stones showed. " * 5
    for number in range(1, 5)
]
_THEME_ARTICLES = {
    THEME_ARTICLE: ("Reading the river", "2026-11-02", "\n\n".join(_PARAGRAPHS)),
    "mending-the-fence": ("Mending the fence", "2026-11-01", "\n\n".join(_PARAGRAPHS)),
    "baking-in-winter": ("Baking in winter", "2026-11-03", "\n\n".join(_PARAGRAPHS)),
    SHORT_ARTICLE: ("A note on the ford", "2026-10-31", SHORT_TEXT),
    EMPTY_ARTICLE: ("Photos from the bank", "2026-10-30", ""),
}


def theme_path(theme: str) -> Path:
    """One of THEMES (Pelican's bundled theme by that name, or the fixture folder), or "demo",
    the repository's own theme."""
    if theme == "demo":
        return REPO / "theme"
    if (THEME_FIXTURES / theme).is_dir():
        return THEME_FIXTURES / theme
    import pelican

    return Path(pelican.__file__).parent / "themes" / theme


def build_theme_site(theme: str, folder: Path, database_url: str, likes: bool = True) -> Path:
    """A five-article blog built in ``folder`` with ``theme``, Disqus set so that every theme
    that offers comments shows them, with likes or (``likes`` False) without; returns the output
    folder. THEME_ARTICLE has neighbours both ways, for themes that link them; SHORT_ARTICLE is
    one sentence, EMPTY_ARTICLE has no text."""
    from pelican import Pelican
    from pelican.settings import read_settings

    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    for slug, (title, date, body) in _THEME_ARTICLES.items():
        text = f"---\ntitle: {title}\nslug: {slug}\ndate: {date}\ntags: [river]\n---\n\n{body}\n"
        (content / f"{slug}.md").write_text(text, encoding="utf-8")
    output = folder / "output"
    settings = read_settings(
        override={
            "PATH": str(content), "OUTPUT_PATH": str(output), "THEME": str(theme_path(theme)),
            "PLUGINS": ["likes"], "LIKES_DATABASE_URL": database_url, "LIKES_ENABLED": likes,
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


Click = tuple[str, str, int]  # article, method, copies sent at once (as two tabs would)


def reader_plans(seed: int, readers: int, prefix: str) -> dict[str, list[Click]]:
    """Each of ``readers`` readers' clicks in order, by their tokens: liking and unliking one of
    two articles, "first" twice as often as "second", sometimes twice at once."""
    rng = random.Random(seed)

    def plan() -> list[Click]:
        article = rng.choice(["first", "first", "second"])
        return [
            (article, rng.choice(["PUT", "DELETE"]), rng.choice([1, 1, 1, 2]))
            for _ in range(rng.randint(1, 4))
        ]

    return {f"{prefix}{n:04d}-{'x' * 16}": plan() for n in range(readers)}


def play_plans(
    plans: dict[str, list[Click]], send: Callable[[str, str, str], tuple[int, dict]]
) -> dict[str, str | None]:
    """Play every reader's plan at once, 32 readers at a time, each click through ``send(token,
    article, method)``, which answers with the status and JSON; checks each answer, and returns
    the article each reader likes at the end, if any."""
    clicks = ThreadPoolExecutor(max_workers=64)

    def follow(token: str) -> str | None:
        liked = None
        for article, method, copies in plans[token]:
            answers = [clicks.submit(send, token, article, method) for _ in range(copies)]
            for status, body in (answer.result() for answer in answers):
                assert status == 200, body
                assert body["liked"] is (method == "PUT")
            liked = article if method == "PUT" else None
        return liked

    try:
        with ThreadPoolExecutor(max_workers=32) as readers:
            return dict(zip(plans, readers.map(follow, plans), strict=True))
    finally:
        clicks.shutdown()
