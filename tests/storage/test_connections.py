"""SQLite's writers taking turns: cooperatively under gevent, and giving up with "unavailable"."""

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pelican_likes.storage import connections
from pelican_likes.storage.store import ArticleInfo, LikeStore, StorageUnavailable
from tests.support import wait_until

# Run in a process of its own, since gevent's patching cannot be undone: another connection holds
# SQLite's write lock (as another worker would) and a greenlet lets it go after 0.3 s, while a like
# waits for it and a third greenlet ticks every 10 ms. SQLite's own busy handler would sleep in C
# with the hub stopped: no tick, and the holder never let go before the busy timeout.
_UNDER_GEVENT = """
from gevent import monkey
monkey.patch_all()
import json, sqlite3, sys, time
import gevent
from pelican_likes.storage.connections import writer_lock
from pelican_likes.storage.store import ArticleInfo, LikeStore

url, path = sys.argv[1], sys.argv[2]
store = LikeStore.from_url(url)
store.register([ArticleInfo("viral")])
lock = writer_lock(store.engine)
other = sqlite3.connect(path, isolation_level=None)
other.execute("BEGIN IMMEDIATE")
ticks = []

def tick():
    while len(ticks) < 1000:
        ticks.append(time.monotonic())
        gevent.sleep(0.01)

def let_go():
    gevent.sleep(0.3)
    other.execute("COMMIT")

def held_by_another_greenlet():
    with lock:
        gevent.sleep(0.2)

ticker = gevent.spawn(tick)
holder = gevent.spawn(let_go)
started = time.monotonic()
liked = gevent.spawn(store.like, "viral", "reader-1")
liked.join(10)
waited = time.monotonic() - started
ticks_meanwhile = len([t for t in ticks if t < started + waited])
gevent.spawn(held_by_another_greenlet)
gevent.sleep(0)
started = time.monotonic()
second = gevent.spawn(store.like, "viral", "reader-2")
second.join(10)
ticks_behind_lock = len([t for t in ticks if started <= t < time.monotonic()])
print(json.dumps({
    "lock_module": type(lock).__module__,
    "waited": waited,
    "ticks_meanwhile": ticks_meanwhile,
    "ticks_behind_lock": ticks_behind_lock,
    "count": store.counts(["viral"])["viral"] if liked.value and second.value else None,
}))
"""


def test_under_gevent_a_waiting_writer_lets_the_worker_serve_others(tmp_path: Path, sqlite_url):
    path = sqlite_url.removeprefix("sqlite:///")
    run = subprocess.run(
        [sys.executable, "-c", _UNDER_GEVENT, sqlite_url, path],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    outcome = json.loads(run.stdout)
    assert outcome["lock_module"].startswith("gevent")  # made after patching: gevent's lock
    assert outcome["count"] == 2
    assert 0.25 < outcome["waited"] < 2  # it waited for the other connection, then wrote
    # The hub ran while the like waited (~30 ticks in 0.3 s on an idle machine, 4 seen under a
    # load of 11; a stopped hub gives at most the tick before the wait), and while it queued on
    # this process's lock (~20 ticks in 0.2 s).
    assert outcome["ticks_meanwhile"] >= 3
    assert outcome["ticks_behind_lock"] >= 3


def test_a_writer_held_off_past_the_busy_timeout_is_unavailable(sqlite_url, monkeypatch):
    store = LikeStore.from_url(sqlite_url)
    store.register([ArticleInfo("viral")])
    monkeypatch.setattr(connections, "SQLITE_BUSY_TIMEOUT", 0.3)
    other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    with pytest.raises(StorageUnavailable, match="database is locked"):
        store.like("viral", "reader-1")
    assert 0.3 <= time.monotonic() - started < 2
    other.execute("COMMIT")
    assert store.like("viral", "reader-1").likes == 1  # the connection is fit for use again
    other.close()
    store.dispose()


def test_writers_of_one_process_and_another_all_count(sqlite_url):
    """Threads of this process take turns on its lock while another connection keeps taking
    SQLite's: every like counts once, none gives up."""
    store = LikeStore.from_url(sqlite_url, pool_size=8, max_overflow=0)
    store.register([ArticleInfo("viral")])
    stop = threading.Event()
    held = []

    def hold_now_and_then() -> None:
        other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
        while not stop.is_set():
            held.append(1)
            other.execute("BEGIN IMMEDIATE")
            time.sleep(0.005)
            other.execute("COMMIT")
            time.sleep(0.001)
        other.close()

    holder = threading.Thread(target=hold_now_and_then)
    holder.start()
    try:
        wait_until(lambda: len(held) >= 3)  # the other connection is taking turns already
        held_before = len(held)
        likes = [threading.Thread(target=store.like, args=("viral", f"r-{n}")) for n in range(200)]
        for each in likes:
            each.start()
        for each in likes:
            each.join()
        held_during = len(held) - held_before
    finally:
        stop.set()
        holder.join()
    assert store.counts(["viral"]) == {"viral": 200}
    assert store.recount() == 0
    assert held_during > 0  # the other connection did write in between
    store.dispose()
