"""Connections whose failures, connecting included, reach callers as storage errors.

"The database is not usable" (down, refusing, missing its tables, not a database at all) becomes
``StorageUnavailable``, which the API answers with a 503 and the plugin with one warning; any other
database error is a ``StorageError``. Every message is one line, without a password.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from pelican_likes.errors import StorageUnavailable, describe, translated_errors


@contextmanager
def connected(
    engine: Engine, *, transaction: bool = False, immediate: bool = False
) -> Iterator[Connection]:
    """A connection of ``engine``, in one transaction if asked; ``immediate`` takes SQLite's
    write lock as the transaction begins (``BEGIN IMMEDIATE``), not at its first write.

    Whatever fails while connecting is "unavailable", whatever the driver calls it: psycopg2
    reports an SSL refusal as OperationalError but a bad option as ProgrammingError, and SQLite a
    file that is no database as DatabaseError, on the first statement of the connect hook.
    """
    with translated_errors(engine.dialect.loaded_dbapi):
        try:
            conn = engine.connect()
        except DBAPIError as error:
            raise StorageUnavailable(describe(error)) from error
        with conn:
            if transaction:
                with conn.begin():
                    if immediate and engine.dialect.name == "sqlite":
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    yield conn
            else:
                yield conn
