"""Likes and reads through several API hosts on one PostgreSQL: straight to it, and through
PgBouncer in transaction pooling (the shipped deploy/pgbouncer.ini), side by side in one run.

Each way runs ``--hosts`` gunicorn instances of ``--workers`` workers with the shipped settings,
on one database (20 articles with a few likes each, and the article the likes go to). Every
round loads both ways in turn, the order swapped from round to round, each load sent to all of a
way's hosts at once (one wrk per host):

1. likes: accepted likes per second (the rise of the stored count over the time), every request
   a new reader's;
2. uncached reads of 20 counts per request (``LIKES_CACHE_MAX_AGE=0``, so each reads the
   database).

Printed: each way's median over the rounds with the lowest and highest, the ratio of the two
(pooled over direct) in each round with its median, the CPU the API hosts and PgBouncer used per
request (which neighbours on a shared machine skew far less than rates), the PostgreSQL
connections each way held, and the load average, part of every figure here. Counts are then
checked: no like answered 200 may be missing.

    .venv/bin/python -m bench.pgbouncer [--hosts 2] [--workers 2] [--pool-size 8]
                                        [--seconds 5] [--connections 16] [--rounds 5]
"""

import argparse
import os
import statistics
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench._load import SLUGS, Load, distinct_voters, seeded_store, wrk
from bench._postgres import ADMIN_URL, throwaway_database
from pelican_likes.storage.database import parse_url
from tests.support import REPO, Server, api_env, cpu_seconds, gunicorn, pgbouncer

READ = "/api/likes?" + urlencode([("slug", slug) for slug in SLUGS])
LIKE = "/api/articles/viral/like"
WAYS = ("direct", "pgbouncer")
KINDS = ("likes", "reads")


def on_all(
    hosts: list[Server], path: str, seconds: int, connections: int, voters: str = ""
) -> list[Load]:
    """wrk on every host at once, ``connections`` each; with ``voters``, every request a like
    from a reader of its own, the hosts' readers told apart by that prefix and the host's
    number."""

    def load(numbered: tuple[int, Server]) -> Load:
        number, host = numbered
        script = distinct_voters(f"{voters}h{number}") if voters else None
        return wrk(host.url + path, seconds, connections, script)

    with ThreadPoolExecutor(len(hosts)) as loads:
        return list(loads.map(load, enumerate(hosts)))


def api_cpu(hosts: list[Server]) -> float:
    """CPU seconds the hosts' masters and workers have used so far."""
    return sum(cpu_seconds(host.pid) for host in hosts)


def server_connections(database: str) -> int:
    """Connections PostgreSQL holds to ``database`` now, from whoever opened them."""
    admin = create_engine(parse_url(ADMIN_URL), poolclass=NullPool)
    try:
        with admin.connect() as conn:
            query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name")
            return int(conn.scalar(query, {"name": database}) or 0)
    finally:
        admin.dispose()


def rate_spread(values: list[float]) -> str:
    """Median and range of requests per second: ``   2,131 (1,980-2,240)``."""
    return f"{statistics.median(values):>8,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=2, help="gunicorn instances each way")
    parser.add_argument("--workers", type=int, default=2, help="workers per instance")
    parser.add_argument("--pool-size", type=int, default=8, help="PgBouncer's server connections")
    parser.add_argument("--seconds", type=int, default=5, help="seconds of each load")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections per host")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    seconds, connections = args.seconds, args.connections

    with ExitStack() as stack:
        url = stack.enter_context(throwaway_database())
        store = seeded_store(url)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="likes-pgb-")))
        pooler = stack.enter_context(pgbouncer(url, folder, pool_size=args.pool_size))
        quiet = ["--log-level", "warning", "--access-logfile", "/dev/null"]
        hosts: dict[str, list[Server]] = {}
        for way, database in (("direct", url), ("pgbouncer", pooler.url)):
            env = api_env(database, LIKES_CACHE_MAX_AGE="0")
            hosts[way] = [
                stack.enter_context(gunicorn(env, workers=args.workers, arguments=quiet, cwd=REPO))
                for _ in range(args.hosts)
            ]
        for way in WAYS:  # warm-up: every worker builds its app and fills its pools
            on_all(hosts[way], READ, 1, connections)

        rates: dict[tuple[str, str], list[float]] = {(w, k): [] for w in WAYS for k in KINDS}
        # CPU per request, microseconds: (way, kind, "api" or "pgbouncer") -> each round's.
        cpu: dict[tuple[str, str, str], list[float]] = {
            (w, k, part): [] for w in WAYS for k in KINDS for part in ("api", "pgbouncer")
        }
        answered, loads = 0, []
        for round_ in range(args.rounds):
            for way in WAYS if round_ % 2 == 0 else WAYS[::-1]:
                for kind in KINDS:
                    before = store.counts(["viral"])["viral"]
                    used = (api_cpu(hosts[way]), cpu_seconds(pooler.pid))
                    if kind == "likes":  # no two requests share a reader
                        done = on_all(hosts[way], LIKE, seconds, connections, f"{way}{round_}")
                        rise = store.counts(["viral"])["viral"] - before
                        rates[way, kind].append(rise / seconds)
                        answered += sum(load.ok for load in done)
                    else:
                        done = on_all(hosts[way], READ, seconds, connections)
                        rates[way, kind].append(sum(load.rate for load in done))
                    requests = max(1, sum(load.requests for load in done))
                    now = (api_cpu(hosts[way]), cpu_seconds(pooler.pid))
                    cpu[way, kind, "api"].append(1e6 * (now[0] - used[0]) / requests)
                    cpu[way, kind, "pgbouncer"].append(1e6 * (now[1] - used[1]) / requests)
                    loads.append(os.getloadavg()[0])
        missing = max(0, answered - store.counts(["viral"])["viral"])
        store.dispose()
        held = server_connections(parse_url(url).database or "")
        pooled_servers = len(pooler.show("SERVERS"))

    print(
        f"{args.hosts} API hosts x {args.workers} gunicorn workers each way, on one PostgreSQL; "
        f"PgBouncer (transaction pooling, {args.pool_size} server connections); wrk -t2 "
        f"-c{connections} per host, median (min-max) of {args.rounds} interleaved rounds of "
        f"{seconds}s, load average {min(loads):.1f} to {max(loads):.1f} on {os.cpu_count()} cores"
    )
    print(f"  {'per second':<14} {'likes':>22} {'uncached reads':>22}")
    for way in WAYS:
        print(f"  {way:<14} " + " ".join(f"{rate_spread(rates[way, k]):>22}" for k in KINDS))
    for kind in KINDS:
        ratios = [
            p / d for p, d in zip(rates["pgbouncer", kind], rates["direct", kind], strict=True)
        ]
        print(
            f"  pgbouncer / direct, {kind}, each round: "
            + " ".join(f"{r:.2f}" for r in ratios)
            + f" (median {statistics.median(ratios):.2f})"
        )
    print(
        f"  {'CPU us/request':<14} "
        + " ".join(f"{name:>10}" for name in ("like: API", "PgBouncer", "read: API", "PgBouncer"))
    )
    for way in WAYS:
        figures = [
            statistics.median(cpu[way, k, part]) for k in KINDS for part in ("api", "pgbouncer")
        ]
        print(f"  {way:<14} " + " ".join(f"{f:>10,.0f}" for f in figures))
    print(
        f"  PostgreSQL connections held afterwards: direct {held - pooled_servers} "
        f"(up to {args.hosts * args.workers * 8}: 2 pools of 4 per worker), "
        f"through PgBouncer {pooled_servers}"
    )
    print(f"  counts: {'exact' if not missing else 'NOT EXACT'} ({answered:,} likes answered 200, "
          f"{missing} missing)")  # fmt: skip


if __name__ == "__main__":
    main()
