"""Likes of one viral article per second, by write design, measured side by side in one run.

Part 1 asks PostgreSQL alone (pgbench, no Python) what each design can do: a single counter row,
counter slots summed on read (the design in src/pelican_likes/storage/schema.py), and bare inserts
with the count left to COUNT(*). Part 2 runs the real LikeStore with one slot and with all slots,
from several processes, and checks every count is exact afterwards.

    .venv/bin/python bench/hot_article.py [--seconds 10] [--clients 16]
"""

import argparse
import multiprocessing
import time
import uuid

from sqlalchemy import func, select

from bench._postgres import pgbench, throwaway_database
from pelican_likes.storage.schema import COUNTER_SLOTS, like_counters, likes
from pelican_likes.storage.store import ArticleInfo, LikeStore

# The transaction of LikeStore.like() in one statement: the counter moves only if the row went in.
_PGBENCH_COUNTER = """\\set v random(1, 9000000000000000000)
WITH voted AS (
  INSERT INTO likes (article_id, voter) VALUES (1, :client_id || '-' || :v)
  ON CONFLICT DO NOTHING RETURNING article_id
)
INSERT INTO like_counters (article_id, slot, likes)
SELECT article_id, {slot}, 1 FROM voted
ON CONFLICT (article_id, slot) DO UPDATE SET likes = like_counters.likes + 1;
"""
_PGBENCH_INSERT_ONLY = """\\set v random(1, 9000000000000000000)
INSERT INTO likes (article_id, voter) VALUES (1, :client_id || '-' || :v) ON CONFLICT DO NOTHING;
"""

DESIGNS = {
    "single counter row": _PGBENCH_COUNTER.format(slot="0"),
    f"{COUNTER_SLOTS} counter slots": _PGBENCH_COUNTER.format(slot=f":v % {COUNTER_SLOTS}"),
    "inserts only (COUNT(*) on read)": _PGBENCH_INSERT_ONLY,
}


def _like_loop(url: str, slots: int, seconds: float, worker: int, results) -> None:
    store_class = type("SlottedStore", (LikeStore,), {"counter_slots": slots})
    store = store_class.from_url(url, pool_size=1)
    done, deadline, n = 0, time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        store.like("viral", f"{worker}-{n}-{uuid.uuid4().hex}"[:64])
        done += 1
        n += 1
    results.put(done)


def store_rate(url: str, slots: int, processes: int, seconds: float) -> tuple[float, bool]:
    """Likes per second through LikeStore.like(), and whether the final count is exact."""
    store = LikeStore.from_url(url)
    store.register([ArticleInfo("viral")])
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=_like_loop, args=(url, slots, seconds, n, results))
        for n in range(processes)
    ]
    start = time.monotonic()
    for worker in workers:
        worker.start()
    total = sum(results.get() for _ in workers)
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - start
    with store.engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(likes))
        summed = conn.scalar(select(func.sum(like_counters.c.likes)))
    exact = rows == total == summed == store.counts(["viral"])["viral"]
    store.dispose()
    return total / elapsed, exact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--processes", type=int, default=8)
    args = parser.parse_args()

    print(f"Part 1: pgbench, {args.clients} clients, {args.seconds}s each, one article")
    rates = {}
    for name, script in DESIGNS.items():
        with throwaway_database() as url:
            LikeStore.from_url(url).register([ArticleInfo("viral")])
            rates[name] = pgbench(url, script, args.clients, args.seconds)
    baseline = rates["single counter row"]
    for name, rate in rates.items():
        print(f"  {name:<34} {rate:>9,.0f} tx/s   {rate / baseline:4.2f}x single row")

    print(f"\nPart 2: LikeStore.like() from {args.processes} processes, {args.seconds}s each")
    stored = {}
    for slots in (1, COUNTER_SLOTS):
        with throwaway_database() as url:
            stored[slots] = store_rate(url, slots, args.processes, args.seconds)
    for slots, (rate, exact) in stored.items():
        ratio = rate / stored[1][0]
        print(
            f"  counter_slots={slots:<3} {rate:>9,.0f} likes/s   {ratio:4.2f}x single row   "
            f"count exact: {'yes' if exact else 'NO'}"
        )


if __name__ == "__main__":
    main()
