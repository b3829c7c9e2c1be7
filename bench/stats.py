"""``pelican-likes stats`` and ``report`` on a large blog: 5,000 articles and 1,000,000 like rows
over two years, on SQLite and on PostgreSQL, timed as an author runs them (the installed command,
each run a process of its own, start-up included), then the plans of the two queries they run.

Each database is measured at revision 0001 (without the index of likes by article and time),
then upgraded to the latest revision and measured again, side by side in one run.

    .venv/bin/python -m bench.stats [--articles 5000] [--likes 1000000] [--runs 3]
"""

import argparse
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, bindparam, text

from bench._postgres import throwaway_database
from pelican_likes.reports.stats import article_totals, likes_per_day, open_stats_engine, read_stats
from pelican_likes.storage import migrate
from pelican_likes.storage.store import LikeStore

NOW = datetime.now(UTC).replace(microsecond=0)
DAYS = 730
COMMANDS = {
    "stats": ["stats"],
    "stats --since 30d": ["stats", "--since", "30d"],
    "stats --format json": ["stats", "--format", "json"],
    "report": ["report"],
    "report --since 30d": ["report", "--since", "30d"],
}
TARGET_SECONDS = 5.0


def like_rows(articles: int, count: int) -> Iterator[tuple[int, str, datetime]]:
    """Like rows as a blog gathers them: a few articles take most likes (a power law), most
    likes are recent, and one old article comes back to life in the last month."""
    rng = random.Random(11)
    revived = articles // 2
    for n in range(count):
        if n % 50 == 0:
            article, age = revived, rng.random() * 30
        else:
            article = 1 + int(articles * rng.random() ** 3)
            age = DAYS * rng.random() ** 1.5
        yield article, f"{n:064x}", NOW - timedelta(days=age)


def load_postgres(engine: Engine, articles: int, likes: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (slug, title, url) SELECT 'bench-article-' || n,"
                " 'Bench article ' || n, 'https://blog.example/bench-article-' || n || '.html'"
                " FROM generate_series(1, :n) AS n"
            ),
            {"n": articles},
        )
        rows = io.StringIO()
        for article, voter, moment in like_rows(articles, likes):
            rows.write(f"{article}\t{voter}\t{moment.isoformat()}\n")
        rows.seek(0)
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.copy_expert("COPY likes (article_id, voter, created_at) FROM STDIN", rows)


def load_sqlite(engine: Engine, articles: int, likes: int) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
            " INSERT INTO articles (slug, title, url) SELECT 'bench-article-' || i,"
            " 'Bench article ' || i, 'https://blog.example/bench-article-' || i || '.html' FROM n",
            (articles,),
        )
        # As CURRENT_TIMESTAMP writes them, the way every like the store records is kept.
        rows = (
            (article, voter, f"{moment:%Y-%m-%d %H:%M:%S}")
            for article, voter, moment in like_rows(articles, likes)
        )
        conn.connection.dbapi_connection.executemany(
            "INSERT INTO likes (article_id, voter, created_at) VALUES (?, ?, ?)", rows
        )


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'likes.sqlite3'}"
        migrate.upgrade(url)
        yield url


def prepare(url: str, load: Callable[[Engine, int, int], None], args) -> None:
    """The schema at 0001, the blog's rows loaded, the counts rebuilt from them."""
    migrate.downgrade(url, "0001")
    store = LikeStore.from_url(url)
    try:
        started = time.perf_counter()
        load(store.engine, args.articles, args.likes)
        store.recount()
        print(f"  loaded {args.articles:,} articles, {args.likes:,} likes"
              f" in {time.perf_counter() - started:.1f}s")  # fmt: skip
    finally:
        store.dispose()
    settle(url)


def settle(url: str) -> None:
    """PostgreSQL: what autovacuum would have done by the time an author looks (statistics, and
    the visibility map that index-only scans need). SQLite is left as the store leaves it."""
    if not url.startswith("postgresql"):
        return
    engine = open_stats_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


def time_commands(url: str, runs: int, folder: Path) -> dict[str, float]:
    """The median wall time of each command, run as the author runs it."""
    command = [str(Path(sys.executable).with_name("pelican-likes")), "--database-url", url]
    medians = {}
    for name, arguments in COMMANDS.items():
        output = ["-o", str(folder / "likes.html")] if arguments[0] == "report" else []
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([*command, *arguments, *output], check=True, capture_output=True)
            times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
    return medians


def time_queries(url: str, runs: int) -> dict[str, float]:
    """The two queries alone, in this process: read_stats for all time and for 30 days."""
    engine = open_stats_engine(url)
    today = NOW.date()
    medians = {}
    try:
        for name, since in (("read_stats()", None), ("read_stats(30 days)", today - timedelta(29))):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                read_stats(engine, since, today=today)
                times.append(time.perf_counter() - started)
            medians[name] = statistics.median(times)
    finally:
        engine.dispose()
    return medians


def plans(url: str) -> list[str]:
    """EXPLAIN of both queries, for all time and for the last 30 days."""
    engine = open_stats_engine(url)
    dialect = engine.dialect.name
    since = NOW.date() - timedelta(days=29)
    top = read_stats(engine, since, today=NOW.date())
    ids = _ids(engine, [article.slug for article in top.articles])
    lines = []
    try:
        with engine.connect() as conn:
            for label, period in (("all time", None), ("since 30 days", since)):
                queries = [
                    ("article totals", article_totals(dialect, period)),
                    ("likes per day", likes_per_day(dialect, period).params(ids=ids)),
                ]
                for name, query in queries:
                    lines.append(f"-- {name}, {label}")
                    lines.extend(_explain(conn, query, dialect))
    finally:
        engine.dispose()
    return lines


def _explain(conn, query, dialect: str) -> list[str]:
    sql = str(
        query.compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True, "render_postcompile": True}
        )
    )
    if dialect == "postgresql":
        rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}").scalars()
        return [f"   {row}" for row in rows]
    rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
    return [f"   {row[3]}" for row in rows]


def _ids(engine: Engine, slugs: list[str]) -> list[int]:
    with engine.connect() as conn:
        query = text("SELECT slug, id FROM articles WHERE slug IN :slugs")
        found = conn.execute(query.bindparams(bindparam("slugs", expanding=True)), {"slugs": slugs})
        by_slug = dict(found.all())
    return [by_slug[slug] for slug in slugs]


def measure(name: str, url: str, load, args) -> dict[str, dict[str, float]]:
    print(f"\n{name}")
    prepare(url, load, args)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for revision in ("0001", "head"):
            if revision == "head":
                started = time.perf_counter()
                migrate.upgrade(url)
                settle(url)
                print(f"  upgraded to {migrate.current_revision(url)}"
                      f" in {time.perf_counter() - started:.1f}s")  # fmt: skip
            label = migrate.current_revision(url)
            results[label] = {
                **time_queries(url, args.runs),
                **time_commands(url, args.runs, Path(folder)),
            }
            print(f"  plans at revision {label}:")
            print("\n".join(plans(url)))
    return results


def report(results: dict[str, dict[str, dict[str, float]]]) -> None:
    columns = [(db, rev) for db, by_rev in results.items() for rev in by_rev]
    names = list(next(iter(next(iter(results.values())).values())))
    print("\nMedian seconds (the commands include the process start-up; target: under 5 s)")
    header = "".join(f"{f'{db} {rev}':>16}" for db, rev in columns)
    print(f"{'':24}{header}")
    for name in names:
        cells = "".join(f"{results[db][rev][name]:>16.2f}" for db, rev in columns)
        print(f"{name:24}{cells}")
    worst = max(results[db][rev][name] for db, rev in columns if rev != "0001" for name in COMMANDS)
    verdict = "yes" if worst < TARGET_SECONDS else "no"
    print(f"\nslowest command at the latest revision: {worst:.2f}s; under 5 s: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--likes", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = {}
    with sqlite_database() as url:
        results["SQLite"] = measure("SQLite", url, load_sqlite, args)
    with throwaway_database() as url:
        results["PostgreSQL"] = measure("PostgreSQL", url, load_postgres, args)
    report(results)


if __name__ == "__main__":
    main()
