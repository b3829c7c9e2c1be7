"""A build that changes nothing in the likes database, answered by the database's driver alone.

Most builds are rebuilds: every article already registered as the build shows it, its former
slugs merged, its closed articles closed. Then the build's exchange (publication.py) would write
nothing and only read the counts, yet it cost the import of the storage layer and SQLAlchemy:
0.3 s of CPU, a quarter of a 500-article build. Here the same answer comes from two plain
SELECTs on the driver (sqlite3, already loaded by Python; psycopg2, 40 ms), read in one snapshot.

The check is strict: anything it does not recognise as unchanged (a new or retitled article, a
rename to make, a URL it cannot read, any error) answers None, and the build makes the whole
exchange, which does the work and reports every problem in its own words. So nothing here ever
writes, and nothing it misses can go wrong: it only costs the slower path.
"""

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from urllib.parse import quote, unquote

from pelican_likes.builds.publication import Publication, Published
from pelican_likes.storage.records import ArticleInfo, Renamed
from pelican_likes.storage.rules import has_host
from pelican_likes.storage.slugs import is_valid_slug

if TYPE_CHECKING:
    import psycopg2.extensions

# Each article with its count: the carried-over base plus its counter slots (statements.py's
# counts_query, written out for the driver).
_ARTICLES = """
    SELECT a.id, a.slug, a.title, a.url, a.likes_closed,
           a.base_likes + COALESCE(SUM(c.likes), 0)
    FROM articles AS a LEFT OUTER JOIN like_counters AS c ON c.article_id = a.id
    GROUP BY a.id, a.slug, a.title, a.url, a.likes_closed, a.base_likes
"""
_FORMER_SLUGS = "SELECT slug, article_id FROM article_aliases"
_OPEN_TITLES = "SELECT slug, title FROM articles WHERE NOT likes_closed"

# The URLs read here. SQLite: a plain file path, no query (its options are the storage layer's).
# PostgreSQL: through psycopg2, as database.parse_url maps these names.
_SQLITE_FILE = re.compile(r"sqlite(?:\+pysqlite)?:///(?P<path>[^?#]+)")
_POSTGRESQL = re.compile(r"(?:postgres|postgresql|postgresql\+psycopg2)://(?P<rest>.*)", re.DOTALL)

_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


class Cursor(Protocol):
    """What is used here of a DB-API cursor."""

    def execute(self, sql: str) -> object: ...
    def fetchall(self) -> list[tuple]: ...


class _Stored(NamedTuple):
    """A row of ``_ARTICLES``."""

    id: int
    slug: str
    title: str
    url: str
    closed: bool
    likes: int


def unchanged_publication(publication: Publication) -> Published | None:
    """What ``publish(publication)`` would answer if it would change nothing in the database;
    None if it might change something, or if that cannot be told here."""
    if not all(is_valid_slug(article.slug) for article in publication.articles):
        return None  # the store refuses them, in its own words
    try:
        with _snapshot(publication.database_url) as cursor:
            if cursor is None:
                return None
            stored = {row[1]: _Stored(*row) for row in _rows(cursor, _ARTICLES)}
            former = dict(_rows(cursor, _FORMER_SLUGS)) if publication.former_slugs else {}
    except _Unreadable:
        return None
    if not _registered(publication, stored):
        return None
    renamed = _merged_former_slugs(publication, stored, former)
    if renamed is None:
        return None
    counts = {article.slug: stored[article.slug].likes for article in publication.articles}
    return Published(_without_password(publication.database_url), counts, renamed)


def registered_titles(database_url: str) -> dict[str, str] | None:
    """The titles of the articles open to likes, by slug, as the database stores them; None if
    it cannot be read here. For a build to tell early whether it will have articles to register.
    """
    try:
        with _snapshot(database_url) as cursor:
            if cursor is None:
                return None
            return dict(_rows(cursor, _OPEN_TITLES))
    except _Unreadable:
        return None


def _registered(publication: Publication, stored: dict[str, _Stored]) -> bool:
    """Whether every article is stored open to likes as the build shows it, and every closed
    slug that is registered is closed: register() and close_likes() would write nothing."""
    for article in publication.articles:
        row = stored.get(article.slug)
        if row is None or row.closed or not _registers_nothing(row, article.fitted()):
            return False
    return all(stored[slug].closed for slug in publication.closed if slug in stored)


def _registers_nothing(row: _Stored, built: ArticleInfo) -> bool:
    """Whether register() would leave ``row`` as it is for ``built``: same title and URL, or a
    URL without a host (a local build's) where the stored one has a host (the production
    build's), which it never replaces."""
    if row.title != built.title:
        return False
    return row.url == built.url or (has_host(row.url) and not has_host(built.url))


def _merged_former_slugs(
    publication: Publication, stored: dict[str, _Stored], former: dict[str, int]
) -> tuple[Renamed, ...] | None:
    """The outcomes of adopt_former_slugs() if each pair is merged already ("unchanged") or its
    old slug was never registered (left out); None if any would rename, merge or be refused."""
    outcomes = []
    for old, new in publication.former_slugs:
        if old in stored or old == new or not is_valid_slug(old):
            return None
        if old not in former:
            continue
        article = stored[new]
        if former[old] != article.id:
            return None
        outcomes.append(Renamed(old, new, "unchanged", article.likes))
    return tuple(outcomes)


class _Unreadable(Exception):
    """The database could not be read here (the driver's error is the cause)."""


@contextmanager
def _snapshot(url: str) -> Iterator[Cursor | None]:
    """A cursor reading ``url``'s database in one read-only snapshot, or None for a database
    this module does not read; the driver's errors become _Unreadable. An SQLite file is opened
    read-only: a missing one stays missing.
    """
    sqlite_file = _SQLITE_FILE.fullmatch(url)
    path = unquote(sqlite_file["path"]) if sqlite_file else ":memory:"
    postgresql = _POSTGRESQL.fullmatch(url)
    if path != ":memory:":
        with _reading(sqlite3.Error, _sqlite_snapshot, path) as cursor:
            yield cursor
    elif postgresql:
        import psycopg2  # 40 ms: only for PostgreSQL

        with _reading(psycopg2.Error, _postgresql_snapshot, postgresql["rest"]) as cursor:
            yield cursor
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


def _rows(cursor: Cursor, sql: str) -> list[tuple]:
    cursor.execute(sql)
    return cursor.fetchall()
