"""A store's two engines on one database, and the ways its work runs on them: in a transaction,
in one that votes wait for, or as one statement that commits on its own and is retried once on a
connection the server dropped."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from typing import TypeVar

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from pelican_likes.storage.connections import (
    Rows,
    connected,
    cursor_rows,
    driver_rows,
    on_driver,
)
from pelican_likes.storage.errors import StorageUnavailable

T = TypeVar("T")


class StoreEngines:
    """``engine`` runs transactions; ``autocommit``, an engine on the same database whose
    connections commit each statement, runs reads and one-statement writes, which then need no
    BEGIN/COMMIT round trips. It must be an engine of its own, not ``engine`` switched per
    checkout: switching back fails on a connection the server dropped, and the pool then loses
    that slot for good (seen in tests/faults during a PostgreSQL restart).
    """

    def __init__(self, engine: Engine, autocommit: Engine) -> None:
        self.engine = engine
        self.autocommit = autocommit
        self.dialect = engine.dialect.name

    def connect(self) -> None:
        """Open a pooled connection on each engine now, so that the first statements do not wait
        for them."""
        for engine in (self.engine, self.autocommit):
            with connected(engine):
                pass

    def dispose(self) -> None:
        """Close every pooled connection (new ones are opened if the engines are used again)."""
        self.engine.dispose()
        self.autocommit.dispose()

    def transaction(self, *, immediate: bool = False) -> AbstractContextManager[Connection]:
        """One transaction, with driver errors that mean "database not usable" translated.

        ``immediate``, for transactions that read before they write: on SQLite it holds the write
        lock from the first statement, as the driver would begin only at the first write, after
        reads that a concurrent merge could make stale (renames.py).
        """
        return connected(self.engine, transaction=True, immediate=immediate)

    @contextmanager
    def votes_waiting(self) -> Iterator[Connection]:
        """A transaction that votes wait for, and that they see the whole of once they run.

        PostgreSQL takes a statement's table locks before its snapshot, so a vote that waited here
        resolves its slug after a merge: none is written to an article the merge removed. The
        mode also excludes a second merge. SQLite transactions of the store are already exclusive.
        """
        with self.transaction(immediate=True) as conn:
            if self.dialect == "postgresql":
                conn.execute(text("LOCK TABLE likes IN SHARE ROW EXCLUSIVE MODE"))
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read-only transaction that sees the database as it was at its first read, whatever
        commits meanwhile: REPEATABLE READ on PostgreSQL; on SQLite, whose driver begins no
        transaction for reads, an explicit BEGIN (in WAL mode a reader's snapshot lasts until
        it ends, and writers go on)."""
        with connected(self.engine) as conn:
            if self.dialect == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                if self.dialect == "sqlite":
                    on_driver(conn, "BEGIN")
                yield conn

    def change(self, work: Callable[[Connection], T], *, dry_run: bool) -> T:
        """``work`` in a transaction that votes wait for, rolled back if it is a dry run, so that
        the dry run reports exactly what the change would do."""
        with self.votes_waiting() as conn:
            outcome = work(conn)
            if dry_run:
                conn.rollback()
        return outcome

    def statement(self, work: Callable[[Connection], T]) -> T:
        """``work``, one statement, on a connection where each statement commits on its own,
        errors translated likewise; once more on a fresh connection if the pooled one was found
        dropped (a restarted server), which is why these connections are not pinged first.

        Only one statement runs, so a retry cannot half-repeat anything: a read reads again, and
        a vote that did commit before its connection dropped changes nothing the second time.
        """
        try:
            with connected(self.autocommit) as conn:
                return work(conn)
        except StorageUnavailable as error:
            cause = error.__cause__
            if not (isinstance(cause, DBAPIError) and cause.connection_invalidated):
                raise
        with connected(self.autocommit) as conn:
            return work(conn)

    def driver_reads(self, work: Callable[[Rows], T]) -> T:
        """``work``'s reads, run on the driver of a pooled connection checked out alone, without
        SQLAlchemy's ``Connection`` around it: checkout and return took two thirds as long as the
        query in an uncached count read (docs/performance.md#where-a-read-goes).

        A driver error discards that connection and runs ``work`` again as a ``statement``,
        where SQLAlchemy translates the error and replaces a connection the server dropped, as
        for any statement; so only reads belong here.
        """
        driver_error = self.autocommit.dialect.loaded_dbapi.Error
        try:
            pooled = self.autocommit.raw_connection()
        except (DBAPIError, driver_error):
            pooled = None  # the statement below says why, as for any statement
        if pooled is not None:
            try:
                return work(partial(cursor_rows, pooled.dbapi_connection))
            except driver_error:
                pooled.invalidate()
            finally:
                pooled.close()
        return self.statement(lambda conn: work(partial(driver_rows, conn)))
