"""Serving an app under gunicorn and loading it with wrk, for the benchmarks."""

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import REPO, gunicorn

WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
# The articles a listing page shows, whose counts the read loads ask for.
SLUGS = [f"article-{n}" for n in range(20)]


def seeded_store(url: str, slugs: Sequence[str] = SLUGS) -> LikeStore:
    """A store on ``url`` (migrated) with ``slugs``, each liked by a few readers (1 to 4), and
    the article the write loads like, "viral"."""
    store = LikeStore.from_url(url)
    store.register(ArticleInfo(slug, f"Article {slug}", f"/{slug}.html") for slug in slugs)
    store.register([ArticleInfo("viral")])
    for n, slug in enumerate(slugs):
        for reader in range(n % 4 + 1):
            store.like(slug, f"bench-reader-{reader:04d}")
    return store


def distinct_voters(prefix: str = "bench") -> str:
    """A wrk script whose every request carries a reader token of its own, so every PUT is a
    distinct like; tokens start with ``prefix``, so that runs can keep theirs apart."""
    return """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("PUT", "/api/articles/viral/like",
    {["Likes-Voter"] = string.format("PREFIX-%d-%012d-padding", tid, n)})
end
""".replace("PREFIX", prefix)


DISTINCT_VOTERS = distinct_voters()


@dataclass
class Load:
    requests: int
    errors: int  # non-2xx answers and socket errors
    rate: float  # requests per second
    latency_ms: dict[int, float]  # percentile -> milliseconds: 50, 75, 90, 99

    @property
    def ok(self) -> int:
        return self.requests - self.errors


@contextmanager
def serve(app: str, env: dict[str, str], workers: int | None = WORKERS) -> Iterator[str]:
    """Serve ``app`` (importable from the repository) under gunicorn; yield its base URL.
    ``workers=None`` keeps the shipped settings' worker count."""
    arguments = ["--log-level", "warning"]
    with gunicorn(env, workers=workers, app=app, arguments=arguments, cwd=REPO) as server:
        yield server.url


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> Load:
    """Load ``url`` with wrk for ``seconds`` from ``connections`` keep-alive connections."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for this benchmark: apt-get install wrk (Debian, Ubuntu)")
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        url,
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            command[1:1] = ["-s", lua.name]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {
        int(percent): float(value) * _MILLISECONDS[unit]
        for percent, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    return Load(requests=requests, errors=errors, rate=rate, latency_ms=latency)


_MILLISECONDS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
