"""A build that changes nothing in the likes database, answered by the database's driver alone.

Most builds are rebuilds: every article already registered as the build shows it, its former
slugs merged, its closed articles closed. Then the build's exchange (publication.py) would write
nothing and only read the counts, yet it would cost the import of the storage layer and
SQLAlchemy, a large share of a rebuild's time (docs/performance.md#a-rebuilds-shortcut). Here
the same answer comes from plain SELECTs on the driver, read in one snapshot.

Nothing here decides on its own: the SELECTs are the store's queries as text (driver_sql.py), and
whether registering or renaming would change anything is asked of the store's own rules
(rules.py). The check is strict: anything it does not recognise as unchanged (a new or retitled
article, a rename to make, a URL it cannot read, any error) answers None, and the build makes
the whole exchange, which does the work and reports every problem in its own words. So nothing
here ever writes, and nothing it misses can go wrong: it only costs the slower path.
"""

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from urllib.parse import quote, unquote

from pelican_likes.builds.publication import Publication, Published
from pelican_likes.storage.driver_sql import READS, Reads
from pelican_likes.storage.records import Renamed
from pelican_likes.storage.rules import AlreadyMerged, Unknown, plan_rename, registers_nothing
from pelican_likes.storage.slugs import is_valid_slug

if TYPE_CHECKING:
    import psycopg2.extensions

# The URLs read here. SQLite: a plain file path, no query (its options are the storage layer's).
# PostgreSQL: through psycopg2, as database.parse_url maps these names.
_SQLITE_FILE = re.compile(r"sqlite(?:\+pysqlite)?:///(?P<path>[^?#]+)")
_POSTGRESQL = re.compile(r"(?:postgres|postgresql|postgresql\+psycopg2)://(?P<rest>.*)", re.DOTALL)

_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


class Cursor(Protocol):
    """What is used here of a DB-API cursor."""

    def execute(self, sql: str) -> object: ...
    def fetchall(self) -> list[tuple[Any, ...]]: ...


class _Stored(NamedTuple):
    """A row of ``Reads.stored_articles``."""

    slug: str
    likes: int
    id: int
    title: str
    url: str
    closed: bool


def unchanged_publication(publication: Publication) -> Published | None:
    """What ``publish(publication)`` would answer if it would change nothing in the database;
    None if it might change something, or if that cannot be told here."""
    if not all(is_valid_slug(article.slug) for article in publication.articles):
        return None  # the store refuses them, in its own words
    try:
        with _snapshot(publication.database_url) as snapshot:
            if snapshot is None:
                return None
            cursor, reads = snapshot
            stored = {row[0]: _Stored(*row) for row in _rows(cursor, reads.stored_articles)}
            former = dict(_rows(cursor, reads.former_slugs)) if publication.former_slugs else {}
    except _Unreadable:
        return None
    if not _registered(publication, stored):
        return None
    renamed = _merged_former_slugs(publication, stored, former)
    if renamed is None:
        return None
    if not all(slug in stored for slug in publication.counted):
        return None  # an unknown or former slug: the store's count answers it
    counts = {slug: stored[slug].likes for slug in publication.counted_slugs()}
    return Published(_without_password(publication.database_url), counts, renamed)


def registered_titles(database_url: str) -> dict[str, str] | None:
    """The titles of the articles open to likes, by slug, as the database stores them; None if
    it cannot be read here. For a build to tell early whether it will have articles to register.
    """
    try:
        with _snapshot(database_url) as snapshot:
            if snapshot is None:
                return None
            cursor, reads = snapshot
            return dict(_rows(cursor, reads.open_titles))
    except _Unreadable:
        return None


def _registered(publication: Publication, stored: dict[str, _Stored]) -> bool:
    """Whether register() and close_likes() would write nothing: every article stored as the
    build shows it (rules.registers_nothing), every closed slug that is registered closed."""
    for article in publication.articles:
        row = stored.get(article.slug)
        if row is None or not registers_nothing(
            title=row.title, url=row.url, closed=row.closed, built=article
        ):
            return False
    return all(stored[slug].closed for slug in publication.closed if slug in stored)


def _merged_former_slugs(
    publication: Publication, stored: dict[str, _Stored], former: dict[str, int]
) -> tuple[Renamed, ...] | None:
    """The outcomes of adopt_former_slugs() if each pair is merged already ("unchanged") or its
    old slug names no article (left out); None if any would rename, merge or be refused."""
    own = {slug: row.id for slug, row in stored.items()}
    by_id = {row.id: row for row in stored.values()}
    outcomes = []
    for old, new in publication.former_slugs:
        plan = plan_rename(
            old, new, own=own.get, former=former.get, slug_of=lambda i: by_id[i].slug
        )
        if isinstance(plan, Unknown):
            continue
        if not isinstance(plan, AlreadyMerged):
            return None
        outcomes.append(Renamed(old, new, "unchanged", by_id[plan.article].likes))
    return tuple(outcomes)


class _Unreadable(Exception):
    """The database could not be read here (the driver's error is the cause)."""


@contextmanager
def _snapshot(url: str) -> Iterator[tuple[Cursor, Reads] | None]:
    """A cursor reading ``url``'s database in one read-only snapshot with the SQL its driver
    reads it with, or None for a database this module does not read; the driver's errors become
    _Unreadable. An SQLite file is opened read-only: a missing one stays missing.
    """
    sqlite_file = _SQLITE_FILE.fullmatch(url)
    path = unquote(sqlite_file["path"]) if sqlite_file else ":memory:"
    postgresql = _POSTGRESQL.fullmatch(url)
    if path != ":memory:":
        with _reading(sqlite3.Error, _sqlite_snapshot, path) as cursor:
            yield cursor, READS["sqlite"]
    elif postgresql:
        import psycopg2  # only for PostgreSQL: an SQLite blog's rebuild never pays its import

        with _reading(psycopg2.Error, _postgresql_snapshot, postgresql["rest"]) as cursor:
            yield cursor, READS["postgresql"]
    else:
        yield None


@contextmanager
def _reading(error: type[Exception], connect: Callable[[str], Any], where: str) -> Iterator[Cursor]:
    """A cursor of the connection ``connect(where)`` opens, closed afterwards (which ends its
    transaction); ``error``, the driver's errors, become _Unreadable."""
    try:
        with closing(connect(where)) as conn:
            yield conn.cursor()
    except error as failure:
        raise _Unreadable(failure) from failure


def _sqlite_snapshot(path: str) -> sqlite3.Connection:
    """The file at ``path``, read-only, in a read transaction."""
    # A writer holds SQLite's lock for milliseconds; a longer wait is the storage layer's.
    conn = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=1)
    try:
        conn.isolation_level = None
        conn.execute("BEGIN")
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _postgresql_snapshot(address: str) -> "psycopg2.extensions.connection":
    """The database at ``postgresql://address``, in a read-only, repeatable-read transaction.

    libpq reads the URL as SQLAlchemy's psycopg2 dialect hands it over (host, port, user,
    password, database, the query's options), and waits as long as the URL says.
    """
    import psycopg2

    conn = psycopg2.connect(f"postgresql://{address}")
    conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
    return conn


def _without_password(url: str) -> str:
    """``url`` with its password shown as ``***``, as database.redacted() shows it."""
    return _PASSWORD.sub(r"\1***@", url, count=1)


def _rows(cursor: Cursor, sql: str) -> list[tuple[Any, ...]]:
    cursor.execute(sql)
    return cursor.fetchall()
