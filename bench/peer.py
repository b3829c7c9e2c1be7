"""pelican-likes beside Isso, the self-hosted comment server with likes, side by side in one run.

Isso (Python and SQLite) is installed into a virtualenv of its own under a cache folder outside
the repository (``pip install isso gunicorn``, once) and run as its documentation says: gunicorn,
2 workers, ``--preload``, ``ISSO_SETTINGS`` naming its configuration, its database in a temporary
folder. pelican-likes runs with the package's gunicorn settings and worker count, as shipped, on
SQLite and on PostgreSQL. The three servers run at once; each round loads them in turn with wrk
(the same threads and connections), and the median of the rounds is shown:

1. uncached reads: the counts of 20 articles per request, ``GET /api/likes?slug=...`` x20 with
   ``LIKES_CACHE_MAX_AGE=0`` (so that no worker reuses a count) beside Isso's ``POST /count``
   with the 20 thread URIs;
2. likes: accepted likes per second (the rise of the stored counts, divided by the time) and
   the answers' p99, each request from a reader of its own: ours with a ``Likes-Voter`` token,
   Isso's with an ``X-Forwarded-For`` address of its own /24 (Isso knows a voter by the /24 of
   its address, and stops counting a comment at 142 votes, so likes are spread over comments);
3. memory: RSS of master and workers, fresh (after one request of each kind) and after the load.

Then whether issue 15's targets hold: uncached reads at least 1.0x Isso's, the SQLite likes' p99
at most 50 ms, memory at most 1.5x Isso's. Afterwards our counts are checked: no like answered
200 is missing from them (a few more than wrk saw answered may be counted, the requests in flight
when it stopped), and every count is the sum of its voters' rows (``recount`` finds nothing to
change).

    .venv/bin/python -m bench.peer [--duration 10] [--connections 16] [--rounds 3]
"""

import argparse
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlencode

from bench._load import Load, distinct_voters, wrk
from bench._postgres import throwaway_database
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import (
    REPO,
    SECRET,
    Server,
    descendants,
    free_port,
    gunicorn,
    resident_memory,
    sqlite_database,
    wait_for_url,
)

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pelican-likes-bench"
ISSO_VENV = CACHE / "isso-venv"
ISSO_WORKERS = 2
SLUGS = [f"article-{n}" for n in range(20)]
URIS = [f"/{slug}.html" for slug in SLUGS]
OUR_READ = "/api/likes?" + urlencode([("slug", slug) for slug in SLUGS])
# Isso stops counting a comment's votes at 142; enough comments for this many likes a second.
MOST_LIKES_PER_SECOND = 3000
ISSO_VOTE_LIMIT = 142
# Issue 15's target for the likes' tail at 16 connections, SQLite, gunicorn as shipped.
P99_TARGET_MS = 50

_ISSO_SETTINGS = """\
[general]
dbpath = {database}
host = http://127.0.0.1/
[moderation]
enabled = false
[server]
trusted-proxies = 127.0.0.1
[guard]
enabled = false
"""

_ISSO_COUNT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{body}'
"""

# Isso's voter is the /24 of the address: the counter goes into the first three octets (the
# first from 130 up, clear of 127.0.0.1, the trusted proxy), the comment cycles through all.
_ISSO_LIKES = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
request = function()
  n = n + 1
  local k = {round} * 1048576 + n * 2 + tid
  local address = string.format("%d.%d.%d.1", 130 + math.floor(k / 65536) % 120,
    math.floor(k / 256) % 256, k % 256)
  local comment = k % {comments} + 1
  return wrk.format("POST", "/id/" .. comment .. "/like",
    {{["Content-Type"] = "application/json", ["X-Forwarded-For"] = address}}, "")
end
"""


def isso_python() -> Path:
    """Isso's interpreter, installing Isso and gunicorn into their virtualenv the first time."""
    python = ISSO_VENV / "bin" / "python"
    if not (ISSO_VENV / "bin" / "gunicorn").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(ISSO_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "isso", "gunicorn"], check=True)
    return python


@contextmanager
def isso(folder: Path) -> Iterator[Server]:
    """Isso under gunicorn as its docs show: ``gunicorn -w 2 --preload isso.run``."""
    settings = folder / "isso.cfg"
    settings.write_text(_ISSO_SETTINGS.format(database=folder / "comments.db"))
    port = free_port()
    log = folder / "isso.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(isso_python()), "-m", "gunicorn", "-b", f"127.0.0.1:{port}",
             "-w", str(ISSO_WORKERS), "--preload", "isso.run"],
            env={**os.environ, "ISSO_SETTINGS": str(settings)}, cwd=folder,
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for_url(f"http://127.0.0.1:{port}/info", process=process, log=log)
            yield Server(url=f"http://127.0.0.1:{port}", port=port, log=log, pid=process.pid)
        finally:
            process.terminate()
            process.wait(timeout=15)


def _post(url: str, body: object, headers: dict[str, str] | None = None) -> object:
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def seed_isso(base: str, comments: int) -> None:
    """20 threads, ``comments`` comments spread over them (one at least per thread)."""
    for n in range(comments):
        uri = URIS[n % len(URIS)]
        _post(f"{base}/new?{urlencode({'uri': uri})}", {"text": f"Comment {n}", "title": uri})


def isso_likes(folder: Path) -> int:
    with sqlite3.connect(folder / "comments.db") as conn:
        return conn.execute("SELECT COALESCE(SUM(likes), 0) FROM comments").fetchone()[0]


def seed_ours(url: str) -> LikeStore:
    """The 20 articles, each liked by a few readers (1 to 4), and the article the likes go to."""
    store = LikeStore.from_url(url)
    store.register(ArticleInfo(slug, f"Article {slug}", f"/{slug}.html") for slug in SLUGS)
    store.register([ArticleInfo("viral")])
    for n, slug in enumerate(SLUGS):
        for reader in range(n % 4 + 1):
            store.like(slug, f"bench-reader-{reader:04d}")
    return store


def our_likes(store: LikeStore) -> int:
    return store.counts(["viral"]).get("viral", 0)


def _target(what: str, measured: str, holds: bool) -> None:
    print(f"  target: {what:<48} {measured:>10}  {'holds' if holds else 'does not hold'}")


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each load")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    seconds, connections = args.duration, args.connections
    comments = len(URIS) * math.ceil(
        MOST_LIKES_PER_SECOND * seconds * args.rounds / ISSO_VOTE_LIMIT / len(URIS)
    )

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="likes-peer-")))
        sqlite_url = sqlite_database(folder)
        postgresql_url = stack.enter_context(throwaway_database())
        stores = {"SQLite": seed_ours(sqlite_url), "PostgreSQL": seed_ours(postgresql_url)}
        servers: dict[str, Server] = {}
        for backend, url in (("SQLite", sqlite_url), ("PostgreSQL", postgresql_url)):
            env = {
                "DATABASE_URL": url,
                "LIKES_SECRET": SECRET,
                # wrk sends every like from one address: the per-address limits would refuse
                # them, so both are off (bench/inflation.py measures them).
                "LIKES_RATE_LIMIT": "0",
                "LIKES_DAILY_LIMIT": "0",
                "LIKES_CACHE_MAX_AGE": "0",
            }
            arguments = ["--log-level", "warning", "--access-logfile", "/dev/null"]
            servers[backend] = stack.enter_context(
                gunicorn(env, workers=None, arguments=arguments, cwd=REPO)
            )
        servers["Isso"] = stack.enter_context(isso(folder))
        seed_isso(servers["Isso"].url, comments)

        count_script = _ISSO_COUNT.format(body=json.dumps(URIS))
        reads = {
            "SQLite": (servers["SQLite"].url + OUR_READ, None),
            "PostgreSQL": (servers["PostgreSQL"].url + OUR_READ, None),
            "Isso": (servers["Isso"].url + "/count", count_script),
        }
        for url, script in reads.values():  # warm-up: every worker builds its app and pool
            wrk(url, 1, connections, script)
        fresh = {name: resident_memory(server.pid)[0] for name, server in servers.items()}

        read_loads: dict[str, list[Load]] = {name: [] for name in reads}
        write_loads: dict[str, list[Load]] = {name: [] for name in servers}
        accepted: dict[str, list[float]] = {name: [] for name in servers}
        answered = dict.fromkeys(stores, 0)
        for round_ in range(args.rounds):
            for name, (url, script) in reads.items():
                read_loads[name].append(wrk(url, seconds, connections, script))
            for name, server in servers.items():
                if name == "Isso":
                    before = isso_likes(folder)
                    script = _ISSO_LIKES.format(round=round_, comments=comments)
                else:
                    before = our_likes(stores[name])
                    script = distinct_voters(f"peer-{round_}")  # no two requests share a reader
                load = wrk(server.url, seconds, connections, script)
                after = isso_likes(folder) if name == "Isso" else our_likes(stores[name])
                write_loads[name].append(load)
                accepted[name].append((after - before) / seconds)
                if name in answered:
                    answered[name] += load.ok
        loaded = {name: resident_memory(server.pid)[0] for name, server in servers.items()}
        lost = {name: max(0, answered[name] - our_likes(s)) for name, s in stores.items()}
        drift = {name: store.recount() for name, store in stores.items()}
        ours = {name: len(descendants(servers[name].pid)) for name in stores}
        for store in stores.values():
            store.dispose()

    print(
        f"pelican-likes as shipped ({ours['SQLite']} gevent worker(s) on SQLite, "
        f"{ours['PostgreSQL']} on PostgreSQL) beside Isso 0.14 ({ISSO_WORKERS} gunicorn workers, "
        f"--preload): wrk -t2 -c{connections}, median of {args.rounds} interleaved rounds of "
        f"{seconds}s, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  {'':<44} {'pelican-likes':>14} {'Isso':>10} {'ratio':>7}  rounds (ours)")
    isso_reads = _median([load.rate for load in read_loads["Isso"]])
    for backend in stores:
        rate = _median([load.rate for load in read_loads[backend]])
        each = " ".join(f"{load.rate:,.0f}" for load in read_loads[backend])
        errors = sum(load.errors for load in read_loads[backend])
        print(
            f"  {'20 counts/request, no cache, ' + backend:<44} {rate:>14,.0f} {isso_reads:>10,.0f}"
            f" {rate / isso_reads:>6.2f}x  {each}" + (f"  ({errors} errors)" if errors else "")
        )
    isso_writes = _median(accepted["Isso"])
    isso_p99 = _median([load.latency_ms.get(99, math.nan) for load in write_loads["Isso"]])
    for backend in stores:
        rate = _median(accepted[backend])
        p99 = _median([load.latency_ms.get(99, math.nan) for load in write_loads[backend]])
        each = " ".join(f"{value:,.0f}" for value in accepted[backend])
        print(
            f"  {'accepted likes/s, ' + backend:<44} {rate:>14,.0f} {isso_writes:>10,.0f}"
            f" {rate / isso_writes:>6.2f}x  {each}"
        )
        print(
            f"  {'  p99 of the likes, ' + backend:<44} {p99:>11,.1f} ms {isso_p99:>7,.1f} ms"
            f" {p99 / isso_p99:>6.2f}x"
        )
    for label, memory in (("fresh", fresh), ("after the load", loaded)):
        ours = memory["SQLite"] / 2**20
        theirs = memory["Isso"] / 2**20
        print(
            f"  {'RSS, master + workers, SQLite, ' + label:<44} {ours:>10,.1f} MiB"
            f" {theirs:>6,.1f} MiB {ours / theirs:>6.2f}x"
        )
    sqlite_p99 = _median([load.latency_ms.get(99, math.nan) for load in write_loads["SQLite"]])
    for backend in stores:
        ratio = _median([load.rate for load in read_loads[backend]]) / isso_reads
        _target(f"uncached reads, {backend}, at least 1.0x Isso's", f"{ratio:.2f}x", ratio >= 1.0)
    _target(
        f"SQLite write p99 at most {P99_TARGET_MS} ms",
        f"{sqlite_p99:,.1f} ms",
        sqlite_p99 <= P99_TARGET_MS,
    )
    for label, memory in (("fresh", fresh), ("after the load", loaded)):
        ratio = memory["SQLite"] / memory["Isso"]
        _target(f"memory {label} at most 1.5x Isso's", f"{ratio:.2f}x", ratio <= 1.5)
    isso_answered = sum(load.ok for load in write_loads["Isso"])
    isso_counted = round(sum(accepted["Isso"]) * seconds)
    print(
        f"  Isso counted {isso_counted:,} of the {isso_answered:,} likes it answered 200 "
        "(each from a new /24)"
    )
    for backend in stores:
        verdict = "exact" if not lost[backend] and not drift[backend] else "NOT EXACT"
        print(
            f"  our counts, {backend}: {verdict} ({answered[backend]:,} likes answered 200, "
            f"{lost[backend]} missing, {drift[backend]} counts off their rows)"
        )
    if any(lost.values()) or any(drift.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
