"""Peak memory of ``pelican-likes export`` and ``import`` as the like rows grow tenfold, on SQLite
and PostgreSQL: the like rows stream through both, so their peak should stay where it is.

The control ("held") reads the same records into a list instead of streaming them, to show that
the measure sees memory that grows with the rows. Each command runs as a process of its own
(start-up included), which reports its own peak resident memory (``VmHWM``); rounds interleave
the sizes and backends, and each figure is the median of the rounds with their range. The import
runs into a new, migrated database each time.

    .venv/bin/python -m bench.export_memory [--articles 5000] [--likes 100000 1000000] [--rounds 3]
        [--backends sqlite postgresql]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import text

from bench._postgres import throwaway_database
from pelican_likes.storage import migrate
from pelican_likes.storage.store import LikeStore

# The process's own peak resident memory in KiB: VmHWM, which starts afresh at exec, where
# getrusage's ru_maxrss keeps the forking parent's peak (this benchmark's own, which hid theirs).
_PEAK = "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"

# The command run in a process of its own, printing its peak resident memory in KiB last.
_MEASURED = (
    "import sys\n"
    "from pelican_likes.commands.main import main\n"
    "code = main(sys.argv[1:])\n"
    f"{_PEAK}"
    "sys.exit(code)\n"
)

BACKENDS = ("sqlite", "postgresql")

# The control: the same records held in a list rather than streamed, which the peak must show.
_HELD = (
    "import sys\n"
    "from pelican_likes.storage.store import LikeStore\n"
    "with LikeStore.from_url(sys.argv[2]) as store:\n"
    "    records = list(store.export())\n"
    f"{_PEAK}"
)

_SEED = {
    "sqlite": (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :likes)"
        " INSERT INTO likes (article_id, voter, created_at) SELECT 1 + i % :articles,"
        " printf('%064x', i), datetime('now', '-' || (i % 730) || ' days') FROM n"
    ),
    "postgresql": (
        "INSERT INTO likes (article_id, voter, created_at) SELECT 1 + i % :articles,"
        " lpad(to_hex(i), 64, '0'), now() - (i % 730) * interval '1 day'"
        " FROM generate_series(1, :likes) AS i"
    ),
}


def seed(url: str, articles: int, likes: int) -> None:
    """``articles`` articles and ``likes`` like rows spread over them, counts rebuilt."""
    store = LikeStore.from_url(url)
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (id, slug, title, url) VALUES (:id, :slug, :title, :url)"
            ),
            [
                {"id": n, "slug": f"bench-article-{n}", "title": f"Bench article {n}",
                 "url": f"https://blog.example/bench-article-{n}.html"}
                for n in range(1, articles + 1)
            ],
        )  # fmt: skip
        conn.execute(text(_SEED[conn.dialect.name]), {"articles": articles, "likes": likes})
    store.recount()
    store.dispose()


def measured(url: str, *command: str, script: str = _MEASURED) -> tuple[int, float]:
    """Peak resident memory (bytes) and seconds of ``pelican-likes *command`` on ``url``."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script, "--database-url", url, *command],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(done.stdout.splitlines()[-1]) * 1024, time.monotonic() - started


@contextmanager
def sqlite_database(folder: Path, name: str) -> Iterator[str]:
    url = f"sqlite:///{folder / name}"
    migrate.upgrade(url)
    yield url
    for suffix in ("", "-wal", "-shm"):
        (folder / f"{name}{suffix}").unlink(missing_ok=True)


def database(backend: str, folder: Path, name: str) -> AbstractContextManager[str]:
    """A new, migrated database of ``backend``, removed when done."""
    if backend == "sqlite":
        return sqlite_database(folder, f"{name}.sqlite3")
    return throwaway_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--likes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    args = parser.parse_args()

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        sources: dict[tuple[str, int], str] = {}
        for backend in args.backends:
            for likes in args.likes:
                url = stack.enter_context(database(backend, folder, f"source-{likes}"))
                seed(url, args.articles, likes)
                sources[backend, likes] = url
        figures: dict[tuple[str, int, str], list[tuple[int, float]]] = {}
        for _ in range(args.rounds):
            for (backend, likes), url in sources.items():
                exported = folder / f"{backend}-{likes}.jsonl"
                figures.setdefault((backend, likes, "export"), []).append(
                    measured(url, "export", "-o", str(exported))
                )
                with database(backend, folder, "target") as target:
                    figures.setdefault((backend, likes, "import"), []).append(
                        measured(target, "import", str(exported))
                    )
                exported.unlink()
                figures.setdefault((backend, likes, "held"), []).append(measured(url, script=_HELD))

    print(f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}, {args.rounds} rounds")
    print(f"{'backend':<11}{'like rows':>11}  {'command':<7}{'peak RSS MiB':>22}{'seconds':>22}")
    for (backend, likes, command), runs in figures.items():
        memory = [m / 2**20 for m, _ in runs]
        seconds = [s for _, s in runs]
        print(
            f"{backend:<11}{likes:>11,}  {command:<7}{_summary(memory):>22}{_summary(seconds):>22}"
        )


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


if __name__ == "__main__":
    main()
