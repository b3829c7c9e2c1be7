"""Connections whose failures, connecting included, reach callers as storage errors.

"The database is not usable" (down, refusing, missing its tables, not a database at all) becomes
``StorageUnavailable``, which the API answers with a 503 and the plugin with one warning; any other
database error is a ``StorageError``. Every message is one line, without a password.

SQLite has one writer at a time. Its own busy handler waits for the lock by sleeping in C, where
gevent cannot switch: under a gevent worker one waiting write would hold every request of the
worker. So writers on SQLite take turns on a lock of the process first (gevent's own lock once
gevent has patched ``threading``), and then take SQLite's lock up front with ``BEGIN IMMEDIATE``,
retried with short sleeps (gevent's, which let the worker serve others) against another process's
writer, until ``SQLITE_BUSY_TIMEOUT`` has passed.
"""

import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from pelican_likes.storage.database import SQLITE_BUSY_TIMEOUT
from pelican_likes.storage.errors import StorageUnavailable, translated_errors, unavailable

# How long SQLite's own (blocking) busy handler may wait at one try of BEGIN IMMEDIATE, and the
# longest sleep between two tries: short, as another process's like holds the lock only briefly
# (docs/performance.md#sqlites-write-lock).
SQLITE_TRY_MILLISECONDS = 2
SQLITE_LONGEST_PAUSE = 0.001

# A statement's parameters as a DB-API driver takes them: by position or by name.
DriverParameters = tuple[object, ...] | dict[str, object]
# Runs a read, SQL in the driver's paramstyle with its parameters, and returns its rows.
Rows = Callable[[str, DriverParameters], Sequence[tuple[Any, ...]]]

_writer_locks: "weakref.WeakKeyDictionary[Engine, threading.Lock]" = weakref.WeakKeyDictionary()
_making_lock = threading.Lock()


@contextmanager
def connected(
    engine: Engine, *, transaction: bool = False, immediate: bool = False
) -> Iterator[Connection]:
    """A connection of ``engine``, in one transaction if asked; ``immediate`` takes SQLite's
    write lock as the transaction begins (``BEGIN IMMEDIATE``), not at its first write, after
    this process's other writers on ``engine`` are done.

    Whatever fails while connecting is "unavailable", whatever the driver calls it: psycopg2
    reports an SSL refusal as OperationalError but a bad option as ProgrammingError, and SQLite a
    file that is no database as DatabaseError, on the first statement of the connect hook.
    """
    if transaction and immediate and engine.dialect.name == "sqlite":
        with _sqlite_writer_turn(engine) as deadline, _connection(engine) as conn, conn.begin():
            _begin_immediate(conn, deadline)
            yield conn
        return
    with _connection(engine) as conn:
        if transaction:
            with conn.begin():
                yield conn
        else:
            yield conn


@contextmanager
def _connection(engine: Engine) -> Iterator[Connection]:
    with translated_errors(engine.dialect.loaded_dbapi):
        try:
            conn = engine.connect()
        except DBAPIError as error:
            raise unavailable(error) from error
        with conn:
            yield conn


def writer_lock(engine: Engine) -> threading.Lock:
    """The lock this process's writers on ``engine`` take turns on. Made at the first write, so
    that in a gevent worker, which patches ``threading`` after the fork, it is gevent's lock."""
    lock = _writer_locks.get(engine)
    if lock is None:
        with _making_lock:
            lock = _writer_locks.setdefault(engine, threading.Lock())
    return lock


@contextmanager
def _sqlite_writer_turn(engine: Engine) -> Iterator[float]:
    """Hold this process's writer lock; yield the moment by which SQLite's must be held too."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT
    lock = writer_lock(engine)
    if not lock.acquire(timeout=SQLITE_BUSY_TIMEOUT):
        raise StorageUnavailable("database unavailable: database is locked")
    try:
        yield deadline
    finally:
        lock.release()


def _begin_immediate(conn: Connection, deadline: float) -> None:
    """``BEGIN IMMEDIATE``, retried while another process writes, sleeping between tries; on
    the driver's own connection, as SQLAlchemy's handling of each statement would outweigh the
    like itself (sqlite_votes.py)."""
    pause = 0.0002
    on_driver(conn, f"PRAGMA busy_timeout = {SQLITE_TRY_MILLISECONDS}")
    try:
        while True:
            try:
                on_driver(conn, "BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if "locked" not in str(error.orig) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, SQLITE_LONGEST_PAUSE)
    finally:
        on_driver(conn, f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT * 1000}")


def on_driver(conn: Connection, sql: str, parameters: tuple[object, ...] = ()) -> sqlite3.Cursor:
    """``sql`` run by the sqlite3 connection under ``conn`` itself, without SQLAlchemy's work per
    statement; its errors wrapped as SQLAlchemy wraps them, so they are translated as any other's.
    """
    sqlite_connection = conn.connection.driver_connection
    if not isinstance(sqlite_connection, sqlite3.Connection):
        raise TypeError(f"not an SQLite connection: {sqlite_connection!r}")
    try:
        return sqlite_connection.execute(sql, parameters)
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, parameters, error, sqlite3.Error) from error


def driver_rows(
    conn: Connection, sql: str, parameters: DriverParameters
) -> Sequence[tuple[Any, ...]]:
    """The rows of ``sql`` (in the driver's own paramstyle), read by the driver's own cursor:
    SQLAlchemy's handling of the statement and of each row was a large share of a read on SQLite
    (docs/performance.md#counts-on-the-drivers-cursor).

    SQLAlchemy keeps the failures: any driver error replays the statement through it, which wraps
    the error and, for a dropped connection, invalidates the pool as for any other statement. So
    only statements that may run twice belong here: reads.
    """
    driver = conn.dialect.loaded_dbapi
    dbapi_connection = conn.connection.dbapi_connection  # None if closed: SQLAlchemy then says so
    if dbapi_connection is not None:
        try:
            return cursor_rows(dbapi_connection, sql, parameters)
        except driver.Error:
            pass
    return [tuple(row) for row in conn.exec_driver_sql(sql, parameters)]


def cursor_rows(
    dbapi_connection: Any, sql: str, parameters: DriverParameters
) -> Sequence[tuple[Any, ...]]:
    """The rows of ``sql`` on a DB-API connection, its driver's errors left to the caller."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql, parameters)
        rows: Sequence[tuple[Any, ...]] = cursor.fetchall()
        return rows
    finally:
        cursor.close()


# A lock some thread of the parent held when it forked stays held in the child: start afresh.
os.register_at_fork(after_in_child=_writer_locks.clear)
