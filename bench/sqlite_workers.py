"""How many gunicorn workers the shipped settings should run on SQLite, measured side by side.

For each worker count, the API runs with the package's gunicorn settings on one SQLite database
(20 articles with a few likes each, and the article the likes go to), and each round loads every
count in turn, the order rotated from round to round, with wrk's threads and connections:

1. likes: accepted likes per second (the rise of the stored count, divided by the time), every
   request from a reader of its own, with the answers' p50 and p99;
2. reads of 20 counts per request, uncached (``LIKES_CACHE_MAX_AGE=0``) and with the settings'
   own cache (the API's default, a worker reusing a count for up to a second);
3. memory: RSS of master and workers after the rounds.

The medians of the rounds are printed, and the load average, which a shared machine makes part
of every figure. Counts are then checked: no like answered 200 may be missing.

    .venv/bin/python -m bench.sqlite_workers [--workers 1,2,4] [--seconds 5] [--rounds 3]
"""

import argparse
import os
import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

from bench._load import SLUGS, Load, distinct_voters, seeded_store, wrk
from pelican_likes.storage import migrate
from pelican_likes.storage.store import LikeStore
from tests.support import REPO, SECRET, Server, gunicorn, resident_memory

READ = "/api/likes?" + urlencode([("slug", slug) for slug in SLUGS])
# wrk sends every like from one address: the per-address limits would refuse them.
LIMITS_OFF = {"LIKES_RATE_LIMIT": "0", "LIKES_DAILY_LIMIT": "0"}
P99_TARGET_MS = 50


def seed(url: str) -> LikeStore:
    migrate.upgrade(url)
    return seeded_store(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2,4", help="worker counts, comma-separated")
    parser.add_argument("--seconds", type=int, default=5, help="seconds of each load")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    seconds, connections = args.seconds, args.connections

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="likes-workers-")))
        url = f"sqlite:///{folder / 'likes.sqlite3'}"
        store = seed(url)
        base = {"DATABASE_URL": url, "LIKES_SECRET": SECRET, **LIMITS_OFF}
        quiet = ["--log-level", "warning", "--access-logfile", "/dev/null"]
        servers: dict[tuple[int, bool], Server] = {}
        for workers in counts:
            for cached in (False, True):
                env = base if cached else {**base, "LIKES_CACHE_MAX_AGE": "0"}
                servers[workers, cached] = stack.enter_context(
                    gunicorn(env, workers=workers, arguments=quiet, cwd=REPO)
                )
        for server in servers.values():  # warm-up: every worker builds its app and pool
            wrk(server.url + READ, 1, connections)

        likes: dict[int, list[Load]] = {n: [] for n in counts}
        accepted: dict[int, list[float]] = {n: [] for n in counts}
        uncached: dict[int, list[float]] = {n: [] for n in counts}
        cached: dict[int, list[float]] = {n: [] for n in counts}
        answered = 0
        loads = []
        for round_ in range(args.rounds):
            order = counts[round_ % len(counts) :] + counts[: round_ % len(counts)]
            for workers in order:
                server = servers[workers, False]
                before = store.counts(["viral"])["viral"]
                voters = distinct_voters(f"w{workers}r{round_}")  # no two requests share a reader
                load = wrk(server.url, seconds, connections, voters)
                rise = store.counts(["viral"])["viral"] - before
                likes[workers].append(load)
                accepted[workers].append(rise / seconds)
                answered += load.ok
                uncached[workers].append(wrk(server.url + READ, seconds, connections).rate)
                cached_server = servers[workers, True]
                cached[workers].append(wrk(cached_server.url + READ, seconds, connections).rate)
                loads.append(os.getloadavg()[0])
        memory = {n: resident_memory(servers[n, False].pid)[0] / 2**20 for n in counts}
        missing = max(0, answered - store.counts(["viral"])["viral"])
        store.dispose()

    print(
        f"pelican-likes on SQLite by gunicorn workers (shipped settings otherwise): "
        f"wrk -t2 -c{connections}, median of {args.rounds} interleaved rounds of {seconds}s, "
        f"load average {min(loads):.1f} to {max(loads):.1f} on {os.cpu_count()} cores"
    )
    print(
        f"  {'workers':>7} {'likes/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'reads/s':>8} "
        f"{'cached/s':>9} {'RSS MiB':>8}   p99 of each round"
    )
    for n in counts:
        p99s = [load.latency_ms.get(99, float("nan")) for load in likes[n]]
        p50 = statistics.median(load.latency_ms.get(50, float("nan")) for load in likes[n])
        print(
            f"  {n:>7} {statistics.median(accepted[n]):>8,.0f} {p50:>7.1f} "
            f"{statistics.median(p99s):>7.1f} {statistics.median(uncached[n]):>8,.0f} "
            f"{statistics.median(cached[n]):>9,.0f} {memory[n]:>8.0f}   "
            + " ".join(f"{p:.0f}" for p in p99s)
        )
    for n in counts:
        p99 = statistics.median(load.latency_ms.get(99, float("nan")) for load in likes[n])
        verdict = "holds" if p99 <= P99_TARGET_MS else "does not hold"
        print(f"  target: SQLite write p99 at most {P99_TARGET_MS} ms, {n} worker(s): {verdict}")
    print(f"  counts: {'exact' if not missing else 'NOT EXACT'} ({answered:,} likes answered 200, "
          f"{missing} missing)")  # fmt: skip


if __name__ == "__main__":
    main()
