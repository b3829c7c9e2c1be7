"""The lock SQLite migrations take turns on (eight at once: tests/commands/test_db.py)."""

import fcntl
import os
from pathlib import Path

import pytest

from pelican_likes.storage.database import parse_url
from pelican_likes.storage.migration_lock import lock_path, sqlite_migration_lock


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:////srv/blog/likes.sqlite3", "/srv/blog/likes.sqlite3-migration-lock"),
        ("sqlite:///likes.sqlite3", "likes.sqlite3-migration-lock"),
        ("sqlite:///file:/srv/l.sqlite3?uri=true&mode=rwc", "/srv/l.sqlite3-migration-lock"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite:///file:shared?uri=true&mode=memory&cache=shared", None),
        ("postgresql://blog@db.example/likes", None),
    ],
)
def test_the_lock_is_a_file_beside_the_database(url, path):
    assert lock_path(parse_url(url)) == (Path(path) if path else None)


def test_the_lock_is_held_for_the_migration_then_removed(tmp_path):
    url = parse_url(f"sqlite:///{tmp_path / 'likes.sqlite3'}")
    path = tmp_path / "likes.sqlite3-migration-lock"

    with sqlite_migration_lock(url):
        other = os.open(path, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)

    assert not path.exists()


def test_a_lock_file_left_by_a_killed_migration_does_not_stop_the_next(tmp_path):
    """flock dies with its process; the file it leaves is taken over."""
    path = tmp_path / "likes.sqlite3-migration-lock"
    path.touch()

    with sqlite_migration_lock(parse_url(f"sqlite:///{tmp_path / 'likes.sqlite3'}")):
        assert path.exists()

    assert not path.exists()
