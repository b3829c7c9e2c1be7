"""Likes written per second through gunicorn, beside what PostgreSQL itself can do, in one run.

Three figures for one article liked by distinct readers from 16 connections:

1. the database's ceiling: pgbench running the statements of one like (the API's transaction)
   with no Python and no HTTP in the way;
2. the API: ``PUT /api/articles/viral/like`` through ``gunicorn pelican_likes.api.wsgi:app``;
3. the naive design (bench/naive_app.py): a connection per request, read, add one, write back.

Each write answered 200 should be one like more in the database: the lost column counts the
difference.

    .venv/bin/python -m bench.writes [--seconds 10] [--connections 16]
"""

import argparse

from sqlalchemy import create_engine, text

from bench._load import DISTINCT_VOTERS, serve, wrk
from bench._postgres import pgbench, throwaway_database
from pelican_likes.database import parse_url
from pelican_likes.schema import COUNTER_SLOTS
from pelican_likes.store import ArticleInfo, LikeStore
from tests.support import API_APP

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


def api_writes(url: str, seconds: int, connections: int) -> tuple[float, int]:
    """Requests/s of the API and the likes it lost (answered 200 but not counted)."""
    env = {
        "DATABASE_URL": url,
        "LIKES_SECRET": "bench-secret-0123456789abcdef-0123456789",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
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


if __name__ == "__main__":
    main()
