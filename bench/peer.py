"""pelican-likes beside Isso, the self-hosted comment server with likes, side by side in one run.

Isso (Python and SQLite) is installed into a virtualenv of its own under a cache folder outside
the repository (``pip install isso gunicorn``, once) and run as its documentation says: gunicorn,
2 workers, ``--preload``, ``ISSO_SETTINGS`` naming its configuration, its database in a temporary
folder. Two of them run: one whose 20 threads have one comment each, the set-up a blog with a
first comment per article gives, and one seeded with enough comments for the likes below.
pelican-likes runs as shipped (the package's gunicorn settings, worker count and access log, the
log to a file), on SQLite and on PostgreSQL. All of them run at once; each round loads them in
turn with wrk (the same threads and connections, the order rotated every round):

1. uncached reads: the counts of 20 articles per request, ``GET /api/likes?slug=...`` x20 with
   ``LIKES_CACHE_MAX_AGE=0`` (so that no worker reuses a count) beside each Isso's
   ``POST /count`` with the 20 thread URIs;
2. likes: accepted likes per second (the rise of the stored counts, divided by the time) and
   the answers' p99, each request from a reader of its own: ours with a ``Likes-Voter`` token,
   Isso's with an ``X-Forwarded-For`` address of its own /24 (Isso knows a voter by the /24 of
   its address, and stops counting a comment at 142 votes, so likes are spread over comments);
3. memory: RSS of master and workers, fresh (after one request of each kind) and after the load.

A read ratio is taken in each round (ours over Isso's, loaded one after the other) and shown as
the median of the rounds with their spread (lowest and highest); the load average is sampled at
every load. Then whether the targets hold: uncached reads at least 1.3x each Isso's (median), the
SQLite likes' p99 at most 50 ms, memory at most Isso's. Afterwards our counts are checked: no
like answered 200 is missing from them (a few more than wrk saw answered may be counted, the
requests in flight when it stopped), and every count is the sum of its voters' rows
(``recount`` finds nothing to change).

Needs wrk (``apt-get install wrk``) and PostgreSQL as for ``make test``.

    .venv/bin/python -m bench.peer [--duration 6] [--connections 16] [--rounds 5]
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

from bench._load import SLUGS, Load, distinct_voters, seeded_store, wrk
from bench._postgres import throwaway_database
from pelican_likes.storage.store import LikeStore
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
URIS = [f"/{slug}.html" for slug in SLUGS]
OUR_READ = "/api/likes?" + urlencode([("slug", slug) for slug in SLUGS])
# Reads of other pages: 97 sets of 20 of 100 articles, a set per request in turn, so that
# concurrent reads rarely ask for the same set (none is then shared: api/shared_reads.py).
ALL_SLUGS = [f"article-{n}" for n in range(100)]
VARIED_SETS = [[ALL_SLUGS[(start * 3 + n * 5) % 100] for n in range(20)] for start in range(97)]
# Isso stops counting a comment's votes at 142; enough comments for this many likes a second.
MOST_LIKES_PER_SECOND = 3000
ISSO_VOTE_LIMIT = 142
# The targets: the likes' tail at 16 connections (SQLite, gunicorn as shipped), uncached reads
# against Isso's (the median of the rounds' ratios), memory against Isso's.
P99_TARGET_MS = 50
READ_TARGET = 1.3
MEMORY_TARGET = 1.0
# The Isso whose threads have one comment each, and the one seeded for the likes.
FIRST_COMMENTS = "Isso, 1 comment/thread"
VARIED = ", other pages"  # the reads of VARIED_SETS
SEEDED = "Isso, seeded for likes"

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

# A request per set of VARIED_SETS in turn, wrk's second thread half-way through them.
_VARIED = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("i", threads * 48)
end
local sets = {{{sets}}}
request = function()
  i = i % #sets + 1
  return {request}
end
"""


def varied_reads(ours: bool) -> str:
    """The wrk script of reads of VARIED_SETS: ours, or Isso's ``POST /count``."""
    if ours:
        items = (urlencode([("slug", slug) for slug in each]) for each in VARIED_SETS)
        items = ("/api/likes?" + query for query in items)
        request = "wrk.format(nil, sets[i])"
    else:
        items = (json.dumps([f"/{slug}.html" for slug in each]) for each in VARIED_SETS)
        request = 'wrk.format("POST", "/count", {["Content-Type"] = "application/json"}, sets[i])'
    return _VARIED.format(sets=", ".join(f"[=[{item}]=]" for item in items), request=request)


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


def seed_isso(base: str, comments: int, uris: list[str] = URIS) -> None:
    """A thread per URI of ``uris``, ``comments`` comments spread over them (one at least per
    thread)."""
    for n in range(comments):
        uri = uris[n % len(uris)]
        _post(f"{base}/new?{urlencode({'uri': uri})}", {"text": f"Comment {n}", "title": uri})


def rotated(names: list[str], turn: int) -> list[str]:
    """``names`` starting at the ``turn``-th, so that no server is always loaded first."""
    turn %= len(names)
    return names[turn:] + names[:turn]


def spread(values: list[float]) -> str:
    """Median and range: ``1.42x (1.31-1.50)``."""
    return f"{statistics.median(values):.2f}x ({min(values):.2f}-{max(values):.2f})"


def isso_likes(folder: Path) -> int:
    with sqlite3.connect(folder / "comments.db") as conn:
        return conn.execute("SELECT COALESCE(SUM(likes), 0) FROM comments").fetchone()[0]


def our_likes(store: LikeStore) -> int:
    return store.counts(["viral"]).get("viral", 0)


def _target(what: str, measured: str, holds: bool) -> None:
    print(f"  target: {what:<52} {measured:>17}  {'holds' if holds else 'does not hold'}")


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=6, help="seconds of each load")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    seconds, connections = args.duration, args.connections
    comments = len(URIS) * math.ceil(
        MOST_LIKES_PER_SECOND * seconds * args.rounds / ISSO_VOTE_LIMIT / len(URIS)
    )

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="likes-peer-")))
        sqlite_url = sqlite_database(folder)
        postgresql_url = stack.enter_context(throwaway_database())
        stores = {
            "SQLite": seeded_store(sqlite_url, ALL_SLUGS),
            "PostgreSQL": seeded_store(postgresql_url, ALL_SLUGS),
        }
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
            log = folder / f"{backend}.log"  # the shipped access log, one line per request
            arguments = ["--log-level", "warning"]
            servers[backend] = stack.enter_context(
                gunicorn(env, workers=None, log=log, arguments=arguments, cwd=REPO)
            )
        isso_folders = {FIRST_COMMENTS: folder / "isso-first", SEEDED: folder / "isso-seeded"}
        for name, isso_folder in isso_folders.items():
            isso_folder.mkdir()
            servers[name] = stack.enter_context(isso(isso_folder))
        every_uri = [f"/{slug}.html" for slug in ALL_SLUGS]
        seed_isso(servers[FIRST_COMMENTS].url, len(every_uri), every_uri)
        seed_isso(servers[SEEDED].url, comments)

        count_script = _ISSO_COUNT.format(body=json.dumps(URIS))
        reads = {
            "SQLite": (servers["SQLite"].url + OUR_READ, None),
            "PostgreSQL": (servers["PostgreSQL"].url + OUR_READ, None),
            FIRST_COMMENTS: (servers[FIRST_COMMENTS].url + "/count", count_script),
            SEEDED: (servers[SEEDED].url + "/count", count_script),
        }
        varied = {name + VARIED: name for name in ("SQLite", "PostgreSQL", FIRST_COMMENTS)}
        for name, server in varied.items():
            reads[name] = (servers[server].url, varied_reads(ours=server in stores))
        for url, script in reads.values():  # warm-up: every worker builds its app and pool
            wrk(url, 1, connections, script)
        fresh = {name: resident_memory(server.pid)[0] for name, server in servers.items()}

        writers = ["SQLite", "PostgreSQL", SEEDED]
        read_loads: dict[str, list[Load]] = {name: [] for name in reads}
        write_loads: dict[str, list[Load]] = {name: [] for name in writers}
        accepted: dict[str, list[float]] = {name: [] for name in writers}
        answered = dict.fromkeys(stores, 0)
        loads_average: list[float] = []
        for round_ in range(args.rounds):
            for name in rotated(list(reads), round_):
                url, script = reads[name]
                read_loads[name].append(wrk(url, seconds, connections, script))
                loads_average.append(os.getloadavg()[0])
            for name in rotated(writers, round_):
                if name == SEEDED:
                    before = isso_likes(isso_folders[SEEDED])
                    script = _ISSO_LIKES.format(round=round_, comments=comments)
                else:
                    before = our_likes(stores[name])
                    script = distinct_voters(f"peer-{round_}")  # no two requests share a reader
                load = wrk(servers[name].url, seconds, connections, script)
                loads_average.append(os.getloadavg()[0])
                after = (
                    isso_likes(isso_folders[SEEDED]) if name == SEEDED else our_likes(stores[name])
                )
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
        f"--preload): wrk -t2 -c{connections}, {args.rounds} interleaved rounds of {seconds}s, "
        f"load average {min(loads_average):.1f} to {max(loads_average):.1f} during the run"
    )
    print("  uncached reads of 20 counts a request: per second (median), ratio (median and range)")
    print(f"  {'':<24} {'per second':>10}  {'rounds':<34} vs {FIRST_COMMENTS:<24} vs {SEEDED}")
    read_ratios: dict[tuple[str, str], list[float]] = {}
    for name in (name for name in reads if name not in varied):
        rates = [load.rate for load in read_loads[name]]
        each = " ".join(f"{rate:,.0f}" for rate in rates)
        errors = sum(load.errors for load in read_loads[name])
        line = f"  {name:<24} {_median(rates):>10,.0f}  {each:<34}"
        if name in stores:
            for isso_name in (FIRST_COMMENTS, SEEDED):
                ratios = [
                    ours_.rate / theirs.rate
                    for ours_, theirs in zip(read_loads[name], read_loads[isso_name], strict=True)
                ]
                read_ratios[name, isso_name] = ratios
                line += f" {spread(ratios):<27}"
        print(line + (f"  ({errors} errors)" if errors else ""))
    print(
        f"  uncached reads of other pages, a set of 20 of {len(ALL_SLUGS)} articles per request "
        f"({len(VARIED_SETS)} sets; Isso with one comment on each article)"
    )
    isso_varied = read_loads[FIRST_COMMENTS + VARIED]
    for name in varied:
        rates = [load.rate for load in read_loads[name]]
        each = " ".join(f"{rate:,.0f}" for rate in rates)
        pairs = zip(read_loads[name], isso_varied, strict=True)
        ratios = [ours_.rate / theirs.rate for ours_, theirs in pairs]
        errors = sum(load.errors for load in read_loads[name])
        line = f"  {name:<24} {_median(rates):>10,.0f}  {each:<34} {spread(ratios)}"
        print(line + (f"  ({errors} errors)" if errors else ""))
    print(f"  likes: accepted per second (median), p99 of the answers (median) vs {SEEDED}")
    isso_writes = _median(accepted[SEEDED])
    isso_p99 = _median([load.latency_ms.get(99, math.nan) for load in write_loads[SEEDED]])
    for name in writers:
        rate = _median(accepted[name])
        p99 = _median([load.latency_ms.get(99, math.nan) for load in write_loads[name]])
        each = " ".join(f"{value:,.0f}" for value in accepted[name])
        print(
            f"  {name:<24} {rate:>10,.0f}  {each:<34} {rate / isso_writes:.2f}x, "
            f"p99 {p99:,.1f} ms ({p99 / isso_p99:.2f}x)"
        )
    for label, memory in (("fresh", fresh), ("after the load", loaded)):
        ours_mib = memory["SQLite"] / 2**20
        theirs = memory[SEEDED] / 2**20
        print(
            f"  {'RSS, master + workers, SQLite, ' + label:<44} {ours_mib:>6,.1f} MiB"
            f" against {theirs:,.1f} MiB, {ours_mib / theirs:.2f}x"
        )
    for (backend, isso_name), ratios in read_ratios.items():
        ratio = statistics.median(ratios)
        _target(
            f"uncached reads, {backend}, {READ_TARGET}x {isso_name.removeprefix('Isso, ')}",
            spread(ratios),
            ratio >= READ_TARGET,
        )
    sqlite_p99 = _median([load.latency_ms.get(99, math.nan) for load in write_loads["SQLite"]])
    _target(
        f"SQLite likes' p99 at most {P99_TARGET_MS} ms",
        f"{sqlite_p99:,.1f} ms",
        sqlite_p99 <= P99_TARGET_MS,
    )
    for label, memory in (("fresh", fresh), ("after the load", loaded)):
        ratio = memory["SQLite"] / memory[SEEDED]
        _target(f"memory {label} at most Isso's", f"{ratio:.2f}x", ratio <= MEMORY_TARGET)
    isso_answered = sum(load.ok for load in write_loads[SEEDED])
    isso_counted = round(sum(accepted[SEEDED]) * seconds)
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
