"""What the choice of gunicorn worker class rests on, measured side by side in one run.

For gthread with 4 threads and its worker count (the shipped settings of 0.1) and gevent (the
shipped ones now), each started with the package's other settings:

1. slow clients: N connections that send one byte of a request line, or a whole head declaring
   100 bytes of body and one of them, and stay open; then ``GET /api/health`` and a like are
   timed, on PostgreSQL (no answer within 5 s counts as none);
2. memory: RSS and PSS of the master and its workers after 5 s of reads and writes;
3. SQLite writes: likes from 16 connections, each a new reader, with their latency percentiles;
4. CPU per request on PostgreSQL, 4 workers each, likes and reads of 20 counts taking turns:
   milliseconds of CPU the master and workers used, divided by the requests answered, which a
   busy machine does not skew as it skews rates.

    .venv/bin/python -m bench.worker_class [--clients 8,200,1000] [--seconds 10]
"""

import argparse
import http.client
import multiprocessing
import os
import socket
import statistics
import time
from contextlib import ExitStack

from bench._load import DISTINCT_VOTERS, wrk
from bench._postgres import throwaway_database
from pelican_likes.storage import migrate
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import REPO, SECRET, Server, cpu_seconds, gunicorn, resident_memory

# Each as shipped: 0.1's gthread with its worker count (2 x cores + 1, at most 8), and gevent with
# the settings' own (one per core, two at least).
_OLD_WORKERS = min(2 * multiprocessing.cpu_count() + 1, 8)
WORKER_CLASSES = {
    f"gthread x{_OLD_WORKERS}, 4 thr": [
        "--worker-class", "gthread", "--threads", "4", "--workers", str(_OLD_WORKERS)
    ],
    "gevent (shipped)": [],
}  # fmt: skip
GIVE_UP = 5.0
_HEAD = (
    b"PUT /api/articles/viral/like HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Likes-Voter: slow-reader-0123456789abcdef\r\nContent-Length: 100\r\n\r\n{"
)


def answer_seconds(server: Server, method: str, path: str) -> float | None:
    """Seconds until ``path`` answers, or None if it does not within GIVE_UP."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=GIVE_UP)
    try:
        connection.request(method, path, headers={"Likes-Voter": os.urandom(16).hex()})
        connection.getresponse().read()
    except TimeoutError:
        return None
    finally:
        connection.close()
    return time.monotonic() - started


def with_slow_clients(server: Server, count: int) -> tuple[float | None, float | None]:
    with ExitStack() as stack:
        for n in range(count):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", server.port)))
            sock.sendall(b"G" if n % 2 else _HEAD)
        time.sleep(0.5)
        return (
            answer_seconds(server, "GET", "/api/health"),
            answer_seconds(server, "PUT", "/api/articles/viral/like"),
        )


def _serve(env: dict[str, str], arguments: list[str]):
    arguments = [*arguments, "--log-level", "warning"]
    return gunicorn(env, workers=None, arguments=arguments, cwd=REPO)


def _text(seconds: float | None) -> str:
    return "no answer" if seconds is None else f"{seconds * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="8,200,1000")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    counts = [int(n) for n in args.clients.split(",")]

    print(
        f"Slow clients held open, PostgreSQL; health and like answer times (>{GIVE_UP:.0f} s: none)"
    )
    memory = {}
    with throwaway_database() as url:
        LikeStore.from_url(url).register([ArticleInfo("viral")])
        env = {
            "DATABASE_URL": url,
            "LIKES_SECRET": SECRET,
            "LIKES_RATE_LIMIT": "0",
            "LIKES_DAILY_LIMIT": "0",
        }
        for name, arguments in WORKER_CLASSES.items():
            with _serve(env, arguments) as server:
                wrk(server.url + "/api/likes?slug=viral", 5, 16)
                wrk(server.url, 5, 16, DISTINCT_VOTERS)
                memory[name] = resident_memory(server.pid)
                for count in counts:
                    health, like = with_slow_clients(server, count)
                    answers = f"health {_text(health):>10}   like {_text(like):>10}"
                    print(f"  {name:<20} {count:>5} slow   {answers}")

    print("\nMemory of master + workers after 5 s of reads and 5 s of writes")
    for name, (rss, pss) in memory.items():
        print(f"  {name:<20} RSS {rss / 2**20:6.1f} MiB   PSS {pss / 2**20:6.1f} MiB")

    print(f"\nSQLite: likes from 16 connections for {args.seconds} s, each a new reader")
    print(f"  {'':<20} {'per second':>10}  {'p50':>8}  {'p90':>8}  {'p99':>8}  errors")
    for name, arguments in WORKER_CLASSES.items():
        folder = REPO / "build" / "bench-sqlite"
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / f"{os.getpid()}-{name.split(',')[0]}.sqlite3"
        url = f"sqlite:///{database}"
        migrate.upgrade(url)
        LikeStore.from_url(url).register([ArticleInfo("viral")])
        env = {
            "DATABASE_URL": url,
            "LIKES_SECRET": SECRET,
            "LIKES_RATE_LIMIT": "0",
            "LIKES_DAILY_LIMIT": "0",
        }
        with _serve(env, arguments) as server:
            load = wrk(server.url, args.seconds, 16, DISTINCT_VOTERS)
        for path in folder.glob(f"{database.name}*"):
            path.unlink()
        p = load.latency_ms
        print(
            f"  {name:<20} {load.rate:>10,.0f}  {p[50]:>6.1f}ms  {p[90]:>6.1f}ms  {p[99]:>6.1f}ms"
            f"  {load.errors:>6,}"
        )

    cpu_per_request(args.seconds)


def cpu_per_request(seconds: int, rounds: int = 3) -> None:
    query = "/api/likes?" + "&".join(f"slug=article-{n}" for n in range(20))
    print(f"\nCPU per request, PostgreSQL, 4 workers, 16 connections, median of {rounds} rounds")
    with throwaway_database() as url, ExitStack() as stack:
        articles = [ArticleInfo("viral")] + [ArticleInfo(f"article-{n}") for n in range(20)]
        LikeStore.from_url(url).register(articles)
        env = {
            "DATABASE_URL": url,
            "LIKES_SECRET": SECRET,
            "LIKES_RATE_LIMIT": "0",
            "LIKES_DAILY_LIMIT": "0",
        }
        servers = {
            name: stack.enter_context(
                gunicorn(env, workers=4, arguments=[*arguments, "--workers", "4"], cwd=REPO)
            )
            for name, arguments in WORKER_CLASSES.items()
        }
        costs: dict[tuple[str, str], list[float]] = {}
        for _ in range(rounds):
            for name, server in servers.items():
                for kind, url_path, script in (
                    ("like", "", DISTINCT_VOTERS),
                    ("read", query, None),
                ):
                    before = cpu_seconds(server.pid)
                    load = wrk(server.url + url_path, seconds, 16, script)
                    used = cpu_seconds(server.pid) - before
                    costs.setdefault((name, kind), []).append(used / load.requests * 1000)
    for (name, kind), each in costs.items():
        runs = " ".join(f"{cost:.3f}" for cost in each)
        print(f"  {name:<20} {kind:<5} {statistics.median(each):.3f} ms   ({runs})")


if __name__ == "__main__":
    main()
