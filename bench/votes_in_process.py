"""The time of one like, state read and unlike through ``LikeStore``, in one process, on SQLite
and PostgreSQL: what storing a pseudonym per article costs a vote (docs/performance.md).

Each reader is new; the article holds ``--existing`` likes already (written straight into the
table) and, in a second pass, three articles merged into it, whose ids every lookup also tries.
Apart from that seeding only the store's verbs are called, so the same script times an older
release's store for comparison (run it with that release's package first on ``PYTHONPATH``).

    .venv/bin/python -m bench.votes_in_process [--votes 1000] [--existing 100000]
"""

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bench._postgres import throwaway_database
from pelican_likes.storage import migrate
from pelican_likes.storage.schema import articles, likes
from pelican_likes.storage.store import ArticleInfo, LikeStore


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure(url: str, votes: int, existing: int, merged: int) -> dict[str, float]:
    """Median milliseconds of a like, a state read and an unlike of ``votes`` new readers."""
    migrate.upgrade(url)
    store = LikeStore.from_url(url)
    store.register([ArticleInfo("hot")])
    for n in range(merged):
        store.register([ArticleInfo(f"merged-{n}")])
        store.like(f"merged-{n}", uuid.uuid4().hex * 2)
        store.rename(f"merged-{n}", "hot")
    with store.engine.begin() as conn:
        hot = conn.scalar(select(articles.c.id).where(articles.c.slug == "hot"))
        rows = [{"article_id": hot, "voter": uuid.uuid4().hex * 2} for _ in range(existing)]
        conn.execute(likes.insert(), rows)
    readers = [uuid.uuid4().hex * 2 for _ in range(votes)]
    times = {
        "like": [timed(lambda r=r: store.like("hot", r)) for r in readers],
        "state": [timed(lambda r=r: store.state("hot", r)) for r in readers],
        "unlike": [timed(lambda r=r: store.unlike("hot", r)) for r in readers],
    }
    store.dispose()
    return {verb: statistics.median(ms) for verb, ms in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=1000)
    parser.add_argument("--existing", type=int, default=100_000)
    args = parser.parse_args()
    votes, existing = args.votes, args.existing
    print(f"Median ms per call, {votes} new readers of an article of {existing:,} likes")
    print(f"  {'backend':<12}{'merged':>7}{'like':>9}{'state':>9}{'unlike':>9}")
    for merged in (0, 3):
        with tempfile.TemporaryDirectory() as folder:
            sqlite_url = f"sqlite:///{Path(folder) / 'likes.sqlite3'}"
            sqlite = measure(sqlite_url, votes, existing, merged)
        with throwaway_database() as url:
            postgresql = measure(url, votes, existing, merged)
        for name, figures in (("sqlite", sqlite), ("postgresql", postgresql)):
            row = "".join(f"{figures[verb]:>9.3f}" for verb in ("like", "state", "unlike"))
            print(f"  {name:<12}{merged:>7}{row}")


if __name__ == "__main__":
    main()
