"""How many likes one address can add to one article, with the daily cap off and on, in one run.

An attacker on one address sends ``PUT /api/articles/viral/like`` as fast as wrk can, each with a
fresh ``Likes-Voter`` token, to the API under gunicorn as shipped (its settings, worker count and
rate limits), on PostgreSQL: first with ``LIKES_DAILY_LIMIT=0``, then with the cap at its default.
Counts are read from the database, so a like is one that counted.

Per day is what the run shows extended to 24 hours: the likes of its first half (the rate
limits' initial bursts among them), then the rate of its second half, once the bursts are spent,
for the rest of the day.

    .venv/bin/python -m bench.inflation [--seconds 60] [--connections 16] [--limit 20]
"""

import argparse
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bench._load import distinct_voters, serve, wrk
from bench._postgres import throwaway_database
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import API_APP, SECRET

DAY = 24 * 60 * 60
DEFAULT_LIMIT = 20  # LIKES_DAILY_LIMIT's default


@dataclass(frozen=True)
class Inflation:
    """What one address achieved in a run."""

    likes: int  # counted in the whole run
    per_day: float
    requests: int
    refused: int  # answered other than 2xx (the 429s of the rate limits and the cap)


def flood(url: str, daily_limit: int, seconds: int, connections: int) -> Inflation:
    """One address flooding one article for ``seconds``, the cap at ``daily_limit``."""
    env = {
        "DATABASE_URL": url,
        "LIKES_SECRET": SECRET,
        "LIKES_DAILY_LIMIT": str(daily_limit),
    }
    store = LikeStore.from_url(url)
    store.register([ArticleInfo("viral")])
    script = distinct_voters(f"flood{uuid.uuid4().hex}")  # no token of an earlier run
    with serve(API_APP, env, workers=None) as base, ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        load = pool.submit(wrk, base, seconds, connections, script)
        time.sleep(seconds / 2)
        halfway, halfway_time = store.counts(["viral"])["viral"], time.monotonic() - started
        done = load.result()
        total, total_time = store.counts(["viral"])["viral"], time.monotonic() - started
    store.dispose()
    rate = (total - halfway) / (total_time - halfway_time)
    return Inflation(
        likes=total,
        per_day=halfway + rate * (DAY - halfway_time),
        requests=done.requests,
        refused=done.errors,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of each run (default 60)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="the cap when on")
    args = parser.parse_args()
    if args.seconds < 2 or args.limit < 1:
        parser.error("--seconds must be at least 2 and --limit at least 1")

    runs = []
    for name, limit in [("cap off", 0), ("cap on", args.limit)]:
        with throwaway_database() as url:
            run = flood(url, limit, args.seconds, args.connections)
            runs.append((f"{name} (LIKES_DAILY_LIMIT={limit})", run))

    print(
        f"Likes one address adds to one article, a fresh token per request, {args.connections} "
        f"connections, gunicorn as shipped, PostgreSQL"
    )
    print(
        f"  {'':<30} {f'in {args.seconds} s':>9} {'per day':>10} {'requests':>10} {'refused':>10}"
    )
    for name, run in runs:
        print(
            f"  {name:<30} {run.likes:>9,} {run.per_day:>10,.0f} {run.requests:>10,} "
            f"{run.refused:>10,}"
        )
    off, on = runs[0][1], runs[1][1]
    print(f"  {'on / off':<30} {on.likes / off.likes:>9.3f} {on.per_day / off.per_day:>10.5f}")


if __name__ == "__main__":
    main()
