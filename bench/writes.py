"""Likes written per second through gunicorn, beside what PostgreSQL itself can do, in one run.

Three figures for one article liked by distinct readers from 16 connections:

1. the database's ceiling: pgbench running the statements of one like (the API's transaction)
   with no Python and no HTTP in the way;
2. the API: ``PUT /api/articles/viral/like`` through ``gunicorn pelican_likes.api.wsgi:app``;
3. the naive design (bench/naive_app.py): a connection per request, read, add one, write back.

Each write answered 200 should be one like more in the database: the lost column counts the
difference.

Then the daily cap's cost (LIKES_DAILY_LIMIT): two API servers on databases of their own, the
cap off on one and at its default on the other, loaded in turns (rounds interleaved, the order
swapped each round) by readers behind many addresses, as a trusted proxy forwards them: each
address likes five times, so its tally is made once and moved four times, all below the cap.
The medians of the rounds are compared.

    .venv/bin/python -m bench.writes [--seconds 10] [--connections 16] [--cap-rounds 5]
"""

import argparse
import statistics
from contextlib import ExitStack

from sqlalchemy import create_engine, text

from bench._load import DISTINCT_VOTERS, serve, wrk
from bench._postgres import pgbench, throwaway_database
from pelican_likes.api.config import Config
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.schema import COUNTER_SLOTS
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import API_APP, SECRET

# What LikeStore.like() sends on PostgreSQL for one like: one statement, in autocommit.
LIKE_TRANSACTION = f"""\\set v random(1, 9000000000000000000)
WITH article AS (SELECT id, base_likes, likes_closed FROM articles WHERE slug = 'viral'),
changed AS (
  INSERT INTO likes (article_id, voter) SELECT id, :client_id || '-' || :v FROM article
  WHERE NOT likes_closed
  ON CONFLICT DO NOTHING RETURNING article_id
),
bumped AS (
  INSERT INTO like_counters (article_id, slot, likes)
  SELECT article_id, :v % {COUNTER_SLOTS}, 1 FROM changed
  ON CONFLICT (article_id, slot) DO UPDATE SET likes = like_counters.likes + 1
  RETURNING article_id
)
SELECT base_likes
  + (SELECT COALESCE(SUM(likes), 0) FROM like_counters WHERE article_id = article.id)
  + (SELECT COUNT(*) FROM bumped)
FROM article;
"""


# Distinct readers as DISTINCT_VOTERS, five per address, forwarded by a proxy at 127.0.0.1; the
# round number keeps tokens and addresses of one round apart from those of every other.
FORWARDED_VOTERS = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
request = function()
  n = n + 1
  local a = math.floor(n / 5)
  return wrk.format("PUT", "/api/articles/viral/like", {
    ["Likes-Voter"] = string.format("bench-%d-%d-%012d-padding", ROUND, tid, n),
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", ROUND * 8 + tid, math.floor(a / 256) % 256,
                                        a % 256)})
end
"""


def api_writes(url: str, seconds: int, connections: int) -> tuple[float, int]:
    """Requests/s of the API and the likes it lost (answered 200 but not counted)."""
    env = {
        "DATABASE_URL": url,
        "LIKES_SECRET": SECRET,
        "LIKES_RATE_LIMIT": "0",
    }
    with serve(API_APP, env) as base:
        load = wrk(base, seconds, connections, DISTINCT_VOTERS)
    counted = LikeStore.from_url(url).counts(["viral"])["viral"]
    return load.rate, max(0, load.ok - counted)


def naive_writes(url: str, seconds: int, connections: int) -> tuple[float, int]:
    engine = create_engine(parse_url(url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE naive_counts (slug text PRIMARY KEY, likes int NOT NULL)"))
        conn.execute(text("INSERT INTO naive_counts VALUES ('viral', 0)"))
    dsn = parse_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with serve("bench.naive_app:app", {"NAIVE_DSN": dsn}) as base:
        load = wrk(base, seconds, connections, DISTINCT_VOTERS)
    with engine.connect() as conn:
        counted = conn.scalar(text("SELECT likes FROM naive_counts"))
    engine.dispose()
    return load.rate, max(0, load.ok - counted)


def cap_writes(seconds: int, connections: int, rounds: int) -> dict[str, list[float]]:
    """Likes per second of each round, with the cap off and on, loaded in turns."""
    limits = {"off": "0", "on": str(Config.daily_limit)}
    rates: dict[str, list[float]] = {name: [] for name in limits}
    with ExitStack() as stack:
        bases = {}
        for name, limit in limits.items():
            url = stack.enter_context(throwaway_database())
            LikeStore.from_url(url).register([ArticleInfo("viral")])
            env = {
                "DATABASE_URL": url,
                "LIKES_SECRET": SECRET,
                "LIKES_RATE_LIMIT": "0",
                "LIKES_TRUSTED_PROXIES": "127.0.0.1",
                "LIKES_DAILY_LIMIT": limit,
            }
            bases[name] = stack.enter_context(serve(API_APP, env))
        for round_number in range(rounds):
            order = list(limits) if round_number % 2 == 0 else list(reversed(limits))
            script = f"local ROUND = {round_number}\n" + FORWARDED_VOTERS
            for name in order:
                load = wrk(bases[name], seconds, connections, script)
                if load.errors:
                    raise SystemExit(f"cap {name}: {load.errors} writes refused or failed")
                rates[name].append(load.rate)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cap-rounds", type=int, default=5)
    args = parser.parse_args()

    rows = []
    with throwaway_database() as url:
        LikeStore.from_url(url).register([ArticleInfo("viral")])
        ceiling = pgbench(url, LIKE_TRANSACTION, args.connections, args.seconds)
        rows.append(("pgbench, the like transaction", ceiling, None))
    with throwaway_database() as url:
        LikeStore.from_url(url).register([ArticleInfo("viral")])
        rows.append(("API under gunicorn", *api_writes(url, args.seconds, args.connections)))
    with throwaway_database() as url:
        rows.append(
            ("naive design under gunicorn", *naive_writes(url, args.seconds, args.connections))
        )

    ceiling = rows[0][1]
    print(
        f"Writes: one article, distinct readers, {args.connections} connections, "
        f"{args.seconds}s each"
    )
    print(f"  {'':<32} {'per second':>10}  {'x ceiling':>9}  {'likes lost':>10}")
    for name, rate, lost in rows:
        lost_text = "-" if lost is None else f"{lost:,}"
        print(f"  {name:<32} {rate:>10,.0f}  {rate / ceiling:>9.2f}  {lost_text:>10}")

    if args.cap_rounds:
        rates = cap_writes(args.seconds, args.connections, args.cap_rounds)
        off, on = statistics.median(rates["off"]), statistics.median(rates["on"])
        print(
            f"\nDaily cap: {args.cap_rounds} interleaved rounds of {args.seconds}s, "
            "readers behind distinct addresses, 5 likes each"
        )
        print(f"  {'':<32} {'median/s':>10}  {'rounds':<40}")
        labels = {
            "off": "LIKES_DAILY_LIMIT=0 (off)",
            "on": f"LIKES_DAILY_LIMIT={Config.daily_limit}",
        }
        for key, median in (("off", off), ("on", on)):
            rounds = " ".join(f"{rate:,.0f}" for rate in rates[key])
            print(f"  {labels[key]:<32} {median:>10,.0f}  {rounds:<40}")
        print(f"  {'cap on / cap off':<32} {on / off:>10.2f}")


if __name__ == "__main__":
    main()
