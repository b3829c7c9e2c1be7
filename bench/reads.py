"""Counts of a listing page per second through gunicorn, beside bare Falcon, in one run.

One request asks for the counts of 20 articles, as the widget's script does on an index page:

1. bare Falcon (bench/bare_app.py): a fixed 20-article document, no database; the ceiling;
2. the API: ``GET /api/likes?slug=...`` x20 through ``pelican_likes.api.wsgi:app`` on PostgreSQL;
3. the API answering ``If-None-Match`` with the current ETag: 304, no body (the count is still
   read from the database, since the ETag is computed from it).

Both servers run with the same gunicorn settings and worker count, side by side; the loads take
turns, round after round, and the median of each is shown. LIKES_CACHE_MAX_AGE is not
compared: it only changes the Cache-Control header, which CDNs and browsers act on, not the server.

    .venv/bin/python -m bench.reads [--seconds 10] [--connections 16] [--rounds 3]
"""

import argparse
import statistics
import urllib.error
import urllib.request
from urllib.parse import urlencode

from bench._load import SLUGS, Load, seeded_store, serve, wrk
from bench._postgres import throwaway_database
from tests.support import API_APP, SECRET

QUERY = "/api/likes?" + urlencode([("slug", slug) for slug in SLUGS])

# wrk counts a 304 as a success ("Non-2xx or 3xx responses" leaves 3xx out).
_IF_NONE_MATCH = """
wrk.headers["If-None-Match"] = '{etag}'
"""


def current_etag(base: str) -> str:
    """The ETag of the counts answer, checked to bring a 304 when sent back."""
    with urllib.request.urlopen(base + QUERY, timeout=5) as answer:
        etag = answer.headers["ETag"]
    revalidation = urllib.request.Request(base + QUERY, headers={"If-None-Match": etag})
    try:
        urllib.request.urlopen(revalidation, timeout=5)
    except urllib.error.HTTPError as error:  # urllib raises on anything but 2xx
        if error.code == 304:
            return etag
    raise RuntimeError(f"{base}{QUERY} did not answer 304 to If-None-Match: {etag}")


def interleaved(
    targets: dict[str, tuple[str, str | None]], seconds: int, connections: int, rounds: int
) -> dict[str, list[Load]]:
    """wrk on each target in turn, ``rounds`` times, so that a noisy minute on the machine falls
    on all of them; one second of warm-up first (workers build the app and their pool)."""
    for base, script in targets.values():
        wrk(base + QUERY, 1, connections, script)
    loads: dict[str, list[Load]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (base, script) in targets.items():
            loads[name].append(wrk(base + QUERY, seconds, connections, script))
    return loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with throwaway_database() as url:
        seeded_store(url).dispose()
        # Same environment for both, so the gunicorn settings' start-up check passes the same way.
        env = {"DATABASE_URL": url, "LIKES_SECRET": SECRET, "LIKES_RATE_LIMIT": "0"}
        with serve("bench.bare_app:app", env) as bare, serve(API_APP, env) as api:
            targets = {
                "bare Falcon, fixed document": (bare, None),
                "API, 200 with the counts": (api, None),
                "API, 304 to If-None-Match": (api, _IF_NONE_MATCH.format(etag=current_etag(api))),
            }
            loads = interleaved(targets, args.seconds, args.connections, args.rounds)

    print(
        f"Reads: counts of {len(SLUGS)} articles per request, {args.connections} connections, "
        f"median of {args.rounds} interleaved rounds of {args.seconds}s"
    )
    ceiling = statistics.median(load.rate for load in loads["bare Falcon, fixed document"])
    print(f"  {'':<30} {'per second':>10}  {'x bare':>6}  {'errors':>6}  rounds")
    for name, runs in loads.items():
        rate = statistics.median(load.rate for load in runs)
        errors = sum(load.errors for load in runs)
        each = " ".join(f"{load.rate:,.0f}" for load in runs)
        print(f"  {name:<30} {rate:>10,.0f}  {rate / ceiling:>6.2f}  {errors:>6,}  {each}")


if __name__ == "__main__":
    main()
