"""A throwaway PostgreSQL database for one benchmark run, next to the server's ``test`` database."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from pelican_likes.storage import migrate
from pelican_likes.storage.database import parse_url
from tests.support import PostgresDatabases

ADMIN_URL = os.environ.get("LIKES_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pgbench(url: str, script: str, clients: int, seconds: int) -> float:
    """Transactions per second pgbench reaches running ``script`` against ``url``."""
    parsed = parse_url(url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as file:
        file.write(script)
        file.flush()
        result = subprocess.run(
            [
                shutil.which("pgbench") or "pgbench",
                "-n", "-f", file.name, "-c", str(clients), "-j", "2", "-T", str(seconds),
                "-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432),
                "-U", parsed.username or "postgres", parsed.database,
            ],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    line = next(line for line in result.stdout.splitlines() if line.startswith("tps"))
    return float(line.split("=")[1].split()[0])


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create and migrate a database; drop it when the benchmark is done."""
    with PostgresDatabases(ADMIN_URL, prefix="likes_bench") as databases:
        url = databases.create()
        migrate.upgrade(url)
        yield url
