"""The HMAC key: from LIKES_SECRET, or made once beside an SQLite database and then reused."""

import contextlib
import multiprocessing
import queue
import time

import pytest

from pelican_likes.api.secret import SECRET_MIN_LENGTH, load_secret, read_or_create
from pelican_likes.api.setting_checks import ConfigError


def test_sqlite_key_is_made_private_and_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'likes.sqlite3'}"

    first = load_secret({}, url)
    second = load_secret({}, url)

    path = tmp_path / "likes.sqlite3.secret"
    assert first == second == path.read_bytes().strip()
    assert len(first) >= SECRET_MIN_LENGTH
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["likes.sqlite3.secret"]


def test_the_environment_wins_over_the_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'likes.sqlite3'}"

    assert load_secret({"LIKES_SECRET": "e" * 40}, url) == b"e" * 40
    assert not (tmp_path / "likes.sqlite3.secret").exists()


def _create_after(barrier, paths, results) -> None:
    """One worker: start each round with the others, report its key or what went wrong."""
    for path in paths:
        try:
            barrier.wait(timeout=30)
            results.put((path, read_or_create(path)))
        except Exception as error:
            results.put((path, repr(error)))
            barrier.abort()  # release the others rather than leave them waiting
            return


def test_workers_starting_together_agree_on_one_key(tmp_path):
    """A race, so run many: with 16 workers and 40 rounds, a creation that simply writes the
    file (no link) was caught in every one of five runs."""
    context = multiprocessing.get_context("fork")
    workers, rounds = 16, 40
    barrier, results = context.Barrier(workers), context.Queue()
    paths = [tmp_path / f"round{n}.sqlite3.secret" for n in range(rounds)]
    processes = [
        context.Process(target=_create_after, args=(barrier, paths, results))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    keys = {path: set() for path in paths}
    deadline = time.monotonic() + 60
    # Drain while they run: a child cannot exit while its queued results fill the pipe.
    while time.monotonic() < deadline and (
        any(p.is_alive() for p in processes) or not results.empty()
    ):
        with contextlib.suppress(queue.Empty):
            path, key = results.get(timeout=0.1)
            keys[path].add(key)
    for process in processes:
        process.join(timeout=10)

    assert keys == {path: {path.read_bytes().strip()} for path in paths}
    assert sorted(tmp_path.iterdir()) == sorted(paths)  # no temporary files left


def test_in_memory_sqlite_needs_no_file(tmp_path):
    assert len(load_secret({}, "sqlite://")) >= SECRET_MIN_LENGTH


def test_a_damaged_key_file_is_refused_not_replaced(tmp_path):
    path = tmp_path / "likes.sqlite3.secret"
    path.write_text("short\n")

    with pytest.raises(ConfigError, match="at least"):
        load_secret({}, f"sqlite:///{tmp_path / 'likes.sqlite3'}")
    assert path.read_text() == "short\n"


def test_a_missing_folder_is_a_clear_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'absent' / 'likes.sqlite3'}"

    with pytest.raises(ConfigError, match="cannot create the secret file"):
        load_secret({}, url)
