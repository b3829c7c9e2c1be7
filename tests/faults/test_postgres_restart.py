"""PostgreSQL restarted while readers are liking: the API says 503 while it is down, likes again
within seconds after, and never loses or doubles a like it answered 200.

The API runs as in production (gunicorn, two workers, pooled connections with pre-ping) on a
throwaway cluster, stopped in both ways a server goes down: ``pg_ctl stop -m fast``, as an
operator's upgrade or a managed database's maintenance does it, and ``-m immediate``, as a crash
(connections cut mid-statement, crash recovery at the next start).
"""

import http.client
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, func, select, text

from pelican_likes.api.app import COUNT_CACHE_SECONDS
from pelican_likes.api.voters import Voters
from pelican_likes.storage import migrate
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.pseudonyms import pseudonym
from pelican_likes.storage.schema import articles, like_counters, likes
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.faults.clusters import Cluster
from tests.support import REQUEST_TIMEOUT, SECRET, Attempt, WriteLoad

SLUG = "restart"
LOAD_THREADS = 8
WARM_UP = 1.5  # seconds of load before the stop
OUTAGE = 2.5  # seconds the database stays down
RECOVERY_LIMIT = 10.0  # seconds after the restart within which likes must succeed again
AFTER_RECOVERY = 1.5  # seconds of load kept up once they do


def get(base: str, path: str) -> tuple[int, bytes]:
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def stored_likes(url: str) -> tuple[list[str], int, int]:
    """The voters stored for ``SLUG``, the sum of its counter slots and its id, read directly."""
    engine = create_engine(parse_url(url))
    try:
        with engine.connect() as conn:
            article_id = conn.scalar(select(articles.c.id).where(articles.c.slug == SLUG))
            voters = conn.scalars(select(likes.c.voter).where(likes.c.article_id == article_id))
            counted = conn.scalar(
                select(func.coalesce(func.sum(like_counters.c.likes), 0)).where(
                    like_counters.c.article_id == article_id
                )
            )
            return list(voters), counted, article_id
    finally:
        engine.dispose()


def prepare_database(server_url: str, database_url: str) -> None:
    admin = create_engine(parse_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE likes"))
    finally:
        admin.dispose()
    migrate.upgrade(database_url)
    store = LikeStore.from_url(database_url)
    try:
        store.register([ArticleInfo(SLUG, "Restarted")])
    finally:
        store.dispose()


@dataclass(frozen=True)
class Outage:
    """When the database went down and came back, on the clock the attempts use."""

    stopping: float  # pg_ctl stop called
    down: float  # the server has exited
    restarting: float  # pg_ctl start called
    up: float  # the server accepts connections
    health_while_down: int


def restart(cluster: Cluster, stop_mode: str, base: str) -> Outage:
    """Stop the database after ``WARM_UP`` seconds, keep it down for ``OUTAGE`` seconds (asking
    the API's health check meanwhile), start it again."""
    time.sleep(WARM_UP)
    stopping = time.monotonic()
    cluster.stop(stop_mode)
    down = time.monotonic()
    time.sleep(OUTAGE / 2)
    health_while_down, _ = get(base, "/api/health")
    time.sleep(OUTAGE / 2)
    restarting = time.monotonic()
    cluster.start()
    return Outage(stopping, down, restarting, time.monotonic(), health_while_down)


def check_answers(attempts: list[Attempt], log: str) -> None:
    """Every answer is a like or a "try again" in JSON: never a 500 or another error."""
    statuses = Counter(a.status for a in attempts)
    assert set(statuses) <= {200, 503, None}, f"{statuses}\n{first_traceback(log)}"
    for attempt in attempts:
        if attempt.status == 503:
            assert attempt.headers.get("content-type") == "application/problem+json", attempt
            problem = json.loads(attempt.body)
            assert problem["status"] == 503
            assert isinstance(problem["detail"], str) and problem["detail"], problem
            assert int(attempt.headers["retry-after"]) >= 1, attempt.headers
        elif attempt.status == 200:
            answer = json.loads(attempt.body)
            assert answer["slug"] == SLUG and answer["liked"] is True and answer["likes"] >= 1


def check_timeline(attempts: list[Attempt], outage: Outage, recovered: Attempt | None) -> None:
    """Likes succeed before the stop, are all 503 while the database is down, and all succeed
    again from the first success after the restart on."""
    before = [a.status for a in attempts if a.answered < outage.stopping]
    assert before and set(before) == {200}, Counter(before)
    while_down = [
        a.status for a in attempts if a.sent >= outage.down and a.answered <= outage.restarting
    ]
    assert while_down, "no like was sent while the database was down"
    assert set(while_down) == {503}, Counter(while_down)
    assert outage.health_while_down == 503
    assert recovered is not None, f"no like succeeded within {RECOVERY_LIMIT}s of the restart"
    after = [a.status for a in attempts if a.sent > recovered.answered]
    assert after and set(after) == {200}, Counter(after)


def check_stored(attempts: list[Attempt], outage: Outage, url: str, shown_count: int) -> None:
    """Every like answered 200 is stored exactly once, nothing refused is stored unless it was
    in flight as the server went down, and the counter agrees with the rows. Only a PUT that got
    no answer may have gone either way.

    A stop landing between a like's commit and its reply stores a like that its connection's
    loss turns into a 503: no server can tell that reader it was stored. It is harmless (PUT is
    idempotent: the widget's retry answers 200, counting nothing twice) and only possible for a
    like sent before the server had exited and answered after the stop began; a busy machine
    widens that window enough to hit it now and then.
    """
    assert len({a.token for a in attempts}) == len(attempts)
    stored, counted, article_id = stored_likes(url)
    voters = Voters(SECRET.encode())

    def stored_as(token: str) -> str:
        return pseudonym(voters.voter(token), article_id)

    liked = {stored_as(a.token) for a in attempts if a.status == 200}
    refused = {stored_as(a.token): a for a in attempts if a.status == 503}
    unanswered = {stored_as(a.token) for a in attempts if a.status is None}
    assert len(stored) == len(set(stored))
    lost = liked - set(stored)
    assert not lost, f"{len(lost)} likes answered 200 were lost"
    mislabelled = [
        refused[voter]
        for voter in set(stored) & set(refused)
        if not (refused[voter].sent <= outage.down and refused[voter].answered >= outage.stopping)
    ]
    assert not mislabelled, f"likes answered 503 outside the stop were stored: {mislabelled}"
    unexplained = set(stored) - liked - unanswered - set(refused)
    assert not unexplained, f"{len(unexplained)} stored likes were never sent"
    assert counted == len(stored) == shown_count
    assert max(json.loads(a.body)["likes"] for a in attempts if a.status == 200) <= len(stored)


def first_traceback(log: str) -> str:
    """The first error the server logged (from its log line to the blank line after the
    traceback), to show why a request failed."""
    start = log.find("Traceback")
    if start < 0:
        return ""
    end = log.find("\n\n", start)
    return log[log.rfind("\n", 0, start) + 1 : end if end >= 0 else None]


@pytest.mark.parametrize("stop_mode", ["fast", "immediate"], ids=["restart", "crash"])
def test_likes_survive_a_postgresql_restart_under_load(
    stop_mode: str, postgres_cluster: Cluster, start_gunicorn: Callable[..., Any]
) -> None:
    url = postgres_cluster.url("likes")
    prepare_database(postgres_cluster.url(), url)
    server = start_gunicorn(
        {
            "DATABASE_URL": url,
            "LIKES_SECRET": SECRET,
            # Every reader here comes from 127.0.0.1: neither limit may refuse the likes this
            # test counts through the outage.
            "LIKES_RATE_LIMIT": "0",
            "LIKES_DAILY_LIMIT": "0",
        },
        workers=2,
    )
    base, log = server.url, server.log

    with WriteLoad(base, LOAD_THREADS, SLUG) as load:
        outage = restart(postgres_cluster, stop_mode, base)
        recovered = load.first_success(sent_after=outage.up, timeout=RECOVERY_LIMIT)
        time.sleep(AFTER_RECOVERY)
    attempts = load.attempts()
    health_after, _ = get(base, "/api/health")
    time.sleep(COUNT_CACHE_SECONDS)  # each worker may answer a count it read this long ago
    _, counts = get(base, f"/api/likes?slug={SLUG}")
    output = log.read_text()

    statuses = Counter(a.status for a in attempts)
    recovery = "never" if recovered is None else f"{recovered.answered - outage.up:.2f}s"
    print(
        f"\n{stop_mode} stop: {len(attempts)} likes sent, {statuses[200]} answered 200, "
        f"{statuses[503]} answered 503, {statuses[None]} unanswered; database down "
        f"{outage.restarting - outage.down:.1f}s; first 200 {recovery} after the restart"
    )
    check_answers(attempts, output)
    check_timeline(attempts, outage, recovered)
    assert health_after == 200
    check_stored(attempts, outage, url, json.loads(counts)["likes"][SLUG])
    # The workers rode the outage out: none crashed or was replaced.
    assert "Traceback" not in output, first_traceback(output)
    assert output.count("Booting worker") == 2
