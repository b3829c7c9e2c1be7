"""What social counts add to a ``pelican`` build of a blog whose every article was shared on
Mastodon and Bluesky, against local stubs answering after 50 ms (tests/plugin/social_stubs.py).

Each round builds the same blog (already registered in its database, so the database's share is
the same in every variant) in a process of its own, in turn:
- ``off``: ``LIKES_SOCIAL = False``, the build as it was before social counts;
- ``cold``: an empty cache: every count fetched (one status per article from Mastodon, one
  handle and a getPosts per 25 posts from Bluesky);
- ``warm``: the cache the cold build left, younger than ``LIKES_SOCIAL_MAX_AGE``: nothing fetched;
- ``unreachable``: an empty cache and both services at a port nothing listens on (an offline
  build): one failed connection per service, one warning each.

Rounds are interleaved, so the machine's noise falls on every variant alike; the figures are each
variant's median wall time with its range, and its difference from ``off`` (median of the rounds'
differences). The load average is printed with them: the machine is shared.

    .venv/bin/python -m bench.social [--articles 500] [--rounds 5] [--latency 0.05]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.build import SETTINGS, build_environment, write_conf
from pelican_likes.builds.social_cache import cache_file, read_cache
from pelican_likes.storage import migrate
from tests.plugin.social_stubs import SocialStub, social_stub
from tests.support import free_port

DID = "did:plc:bench"
VARIANTS = ("off", "cold", "warm", "unreachable")


def write_articles(content: Path, count: int, stub: SocialStub) -> None:
    """``count`` short articles, each shared on Mastodon and Bluesky, known to ``stub``."""
    content.mkdir()
    stub.dids["bench.example"] = DID
    for n in range(count):
        status_id, rkey = str(113_000_000_000_000_000 + n), f"3kbench{n:05d}"
        stub.add_status(status_id, favourites=n % 40, reblogs=n % 7)
        stub.add_post(DID, rkey, likes=n % 30, reposts=n % 5)
        (content / f"shared-{n:04d}.md").write_text(
            f"---\ntitle: Shared article {n}\nslug: shared-{n:04d}\npubDate: 2024-01-01\n"
            f"syndication:\n  - https://mastodon.example/@bench/{status_id}\n"
            f"  - https://bsky.app/profile/bench.example/post/{rkey}\n---\n\n"
            f"Article {n}, shared twice. " * 3 + "\n",
            encoding="utf-8",
        )


def conf_for(root: Path, variant: str, content: Path, database: str, services: str) -> Path:
    settings = {
        **SETTINGS,
        "PATH": str(content),
        "OUTPUT_PATH": str(root / f"output-{variant}"),
        "CACHE_PATH": str(root / f"cache-{variant}"),
        "PLUGINS": ["pelican.plugins.likes"],
        "LIKES_DATABASE_URL": database,
        "LIKES_SOCIAL": variant != "off",
        "LIKES_SOCIAL_MASTODON_APIS": {"mastodon.example": services},
        "LIKES_SOCIAL_BLUESKY_API": services,
    }
    return write_conf(root / f"{variant}.py", settings)


def timed_build(conf: Path, root: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "-s", str(conf), "--fatal", "errors", "-q"],
        cwd=root, env=build_environment(root), capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"pelican failed with {conf.name}:\n{result.stdout}{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, social_stub(latency=args.latency) as stub:
        root = Path(folder)
        database = f"sqlite:///{root / 'likes.sqlite3'}"
        migrate.upgrade(database)
        content = root / "content"
        write_articles(content, args.articles, stub)
        nobody = f"http://127.0.0.1:{free_port()}"
        confs = {
            v: conf_for(root, v, content, database, nobody if v == "unreachable" else stub.url)
            for v in VARIANTS
        }
        timed_build(confs["off"], root)  # registers the articles: every variant is a rebuild
        timed_build(confs["cold"], root)  # compiles and warms the file cache alike for all
        timed_build(confs["warm"], root)  # fills the warm variant's cache, kept from then on
        times: dict[str, list[float]] = {v: [] for v in VARIANTS}
        requests: list[int] = []
        loads = [os.getloadavg()[0]]
        for _ in range(args.rounds):
            for variant in VARIANTS:
                if variant in ("cold", "unreachable"):
                    shutil.rmtree(root / f"cache-{variant}", ignore_errors=True)
                asked = len(stub.requests)
                times[variant].append(timed_build(confs[variant], root))
                if variant == "cold":
                    requests.append(len(stub.requests) - asked)
                elif variant == "warm":
                    assert len(stub.requests) == asked, "the warm build fetched"
            loads.append(os.getloadavg()[0])
        cached = read_cache(cache_file(root / "cache-cold"))
        assert sum(p.likes is not None for p in cached.posts.values()) == 2 * args.articles
    report(args, times, requests, loads)


def report(args, times: dict[str, list[float]], requests: list[int], loads: list[float]) -> None:
    print(
        f"{args.articles} articles, each shared on Mastodon and Bluesky; stubs answering after "
        f"{args.latency * 1000:.0f} ms; {args.rounds} interleaved rounds; load average "
        f"{min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores"
    )
    print(f"requests per cold build: {statistics.median(requests):.0f}")
    for variant in VARIANTS:
        runs = times[variant]
        line = f"{variant:>12}: {statistics.median(runs):6.2f} s ({min(runs):.2f}-{max(runs):.2f})"
        if variant != "off":
            added = [t - off for t, off in zip(runs, times["off"], strict=True)]
            ratios = [t / off for t, off in zip(runs, times["off"], strict=True)]
            line += (
                f"  vs off: {statistics.median(added):+.2f} s ({min(added):+.2f} to "
                f"{max(added):+.2f}), {statistics.median(ratios):.2f}x "
                f"({min(ratios):.2f}-{max(ratios):.2f})"
            )
        print(line)


if __name__ == "__main__":
    main()
