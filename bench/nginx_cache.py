"""Count reads through the shipped nginx: from its cache, beside nginx serving a file, in one run.

One request asks for the counts of 20 articles, as the widget's script does on an index page, with
the blog's name in ``Host``; wrk loads, in turn, round after round (the order rotated):

1. nginx serving a static JSON file of the same bytes as the answer: the ceiling on this machine;
2. ``GET /api/likes`` through deploy/nginx.conf as shipped, filled in: counts from nginx's cache,
   renewed from the API once a second;
3. the same through deploy/nginx.conf with the counts' ``proxy_cache`` turned off: every read goes
   to the API (as shipped: its workers' one-second count cache on, LIKES_CACHE_MAX_AGE=5).

The API runs as shipped (gunicorn, the package's settings and worker count, its access log to a
file) on PostgreSQL, named twice as the template's two hosts. A ratio is taken in each round (over
the file, loaded in the same round) and shown as the median of the rounds with their spread; the
load average is sampled at every load. Then whether the target holds: cached reads at least half
the file's rate (median). The API's access log says how many reads reached it during the cached
loads.

Needs nginx (/usr/sbin/nginx), wrk and PostgreSQL as for ``make test``.

    .venv/bin/python -m bench.nginx_cache [--duration 5] [--connections 16] [--rounds 5]
"""

import argparse
import os
import statistics
import tempfile
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from bench._load import Load, seeded_store, wrk
from bench._postgres import throwaway_database
from bench.peer import rotated, spread
from bench.reads import QUERY
from tests.support import BLOG_HOST, NGINX_CONF, SECRET, free_port, gunicorn, nginx, nginx_site

SERVER_NAME = BLOG_HOST
CEILING = "nginx, static file"
CACHED = "API, nginx's cache"
UNCACHED = "API, no nginx cache"
TARGET = 0.5
# The one line that puts count reads in nginx's cache.
CACHE_ON = "        proxy_cache likes;\n"

_HOST = """
wrk.headers["Host"] = "{host}"
"""


def without_cache(template: str) -> str:
    """The shipped template with the counts' cache turned off, and nothing else changed."""
    assert template.count(CACHE_ON) == 1, "deploy/nginx.conf no longer says where counts are cached"
    return template.replace(CACHE_ON, "        proxy_cache off;\n")


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Host": SERVER_NAME})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.read()


def api_reads(log: Path) -> int:
    return log.read_text().count('"GET /api/likes?')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of each load")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    seconds, connections = args.duration, args.connections
    script = _HOST.format(host=SERVER_NAME)

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="likes-nginx-")))
        url = stack.enter_context(throwaway_database())
        seeded_store(url).dispose()
        log = folder / "api.log"
        env = {"DATABASE_URL": url, "LIKES_SECRET": SECRET, "LIKES_RATE_LIMIT": "0"}
        api = stack.enter_context(
            gunicorn(env, workers=None, log=log, arguments=["--log-level", "warning"])
        )
        root = folder / "output"
        root.mkdir()
        template = NGINX_CONF.read_text()
        api_address = f"127.0.0.1:{api.port}"
        cached_port, uncached_port = free_port(), free_port()
        cached = stack.enter_context(
            nginx(
                nginx_site(cached_port, root, folder / "cache", [api_address] * 2, template),
                folder / "nginx-cached",
                cached_port,
            )
        )
        uncached = stack.enter_context(
            nginx(
                nginx_site(
                    uncached_port,
                    root,
                    folder / "cache-off",
                    [api_address] * 2,
                    without_cache(template),
                ),
                folder / "nginx-uncached",
                uncached_port,
            )
        )
        body = fetch(uncached.url + QUERY)
        (root / "counts.json").write_bytes(body)  # the same bytes, as a file
        assert fetch(cached.url + "/counts.json") == fetch(cached.url + QUERY) == body
        targets = {
            CEILING: cached.url + "/counts.json",
            CACHED: cached.url + QUERY,
            UNCACHED: uncached.url + QUERY,
        }
        for target in targets.values():  # warm-up: workers build their app and pool
            wrk(target, 1, connections, script)

        loads: dict[str, list[Load]] = {name: [] for name in targets}
        load_average: list[float] = []
        reached = 0
        for round_ in range(args.rounds):
            for name in rotated(list(targets), round_):
                before = api_reads(log)
                loads[name].append(wrk(targets[name], seconds, connections, script))
                load_average.append(os.getloadavg()[0])
                if name == CACHED:
                    reached += api_reads(log) - before

    print(
        f"Count reads of {len(body)} bytes (20 articles) through deploy/nginx.conf; nginx, the "
        f"API, PostgreSQL and wrk on {os.cpu_count()} cores: wrk -t2 -c{connections}, "
        f"{args.rounds} interleaved "
        f"rounds of {seconds}s, load average {min(load_average):.1f} to "
        f"{max(load_average):.1f} during the run"
    )
    print(f"  {'':<22} {'per second':>10}  {'rounds':<44} vs the file")
    ratios: dict[str, list[float]] = {}
    for name, runs in loads.items():
        rates = [load.rate for load in runs]
        ratios[name] = [
            load.rate / file.rate for load, file in zip(runs, loads[CEILING], strict=True)
        ]
        errors = sum(load.errors for load in runs)
        each = " ".join(f"{rate:,.0f}" for rate in rates)
        line = f"  {name:<22} {statistics.median(rates):>10,.0f}  {each:<44} {spread(ratios[name])}"
        print(line + (f"  ({errors} errors)" if errors else ""))
    over_uncached = [
        cached_load.rate / uncached_load.rate
        for cached_load, uncached_load in zip(loads[CACHED], loads[UNCACHED], strict=True)
    ]
    print(f"  cached over uncached: {spread(over_uncached)}")
    served = sum(load.requests for load in loads[CACHED])
    print(
        f"  reads that reached the API during the cached loads: {reached:,} of {served:,} "
        f"({reached / (seconds * args.rounds):.1f} a second)"
    )
    holds = statistics.median(ratios[CACHED]) >= TARGET
    print(
        f"  target: cached reads at least {TARGET}x the file's: {spread(ratios[CACHED])}  "
        f"{'holds' if holds else 'does not hold'}"
    )


if __name__ == "__main__":
    main()
