"""The SQL text a rebuild's shortcut runs on the driver (driver_sql.py) is the store's own queries
(statements.py) compiled for each backend's driver, so both read the same counts."""

from dataclasses import fields

import pytest
from sqlalchemy import Select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from pelican_likes.storage import statements
from pelican_likes.storage.driver_sql import READS, Reads
from pelican_likes.storage.schema import articles

DIALECTS: dict[str, Dialect] = {
    "sqlite": sqlite.pysqlite.dialect(),
    "postgresql": postgresql.psycopg2.dialect(),
}
QUERIES = {
    "stored_articles": statements.stored_articles,
    "former_slugs": statements.former_slugs,
    "open_titles": statements.open_titles,
}


def compiled(query: Select, backend: str) -> str:
    return str(query.compile(dialect=DIALECTS[backend], compile_kwargs={"literal_binds": True}))


def words(sql: str) -> str:
    return " ".join(sql.split())


@pytest.mark.parametrize("backend", sorted(DIALECTS))
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_read_is_the_store_query_compiled_for_the_driver(name, backend):
    expected = compiled(QUERIES[name](), backend)

    stored = getattr(READS[backend], name)

    assert words(stored) == words(expected), (
        f"driver_sql.py's {name} for {backend} no longer matches statements.{name}(); it is now:"
        f"\n{expected}"
    )


def test_every_read_has_its_query_and_every_backend_its_reads():
    assert {field.name for field in fields(Reads)} == set(QUERIES)
    assert set(READS) == set(DIALECTS)


def test_a_changed_query_is_noticed():
    changed = statements.open_titles().where(articles.c.title != "")

    assert words(compiled(changed, "sqlite")) != words(READS["sqlite"].open_titles)
