"""What docs/security.md promises of a copy of the database: no two likes of one reader can be
linked to each other, on SQLite and PostgreSQL.

The test is the attacker. Readers, each on a network of their own, like every article through
the API with the daily cap on, in turns (the first article by each reader, then the second...),
as readers of a blog come and go. The database is then copied, and every value a like row holds
or can be joined to is read from the copy: its stored columns (voter, article, time), where the
row lies and which transaction wrote it (``xmin`` and ``ctid`` on PostgreSQL, ``rowid`` on
SQLite), the daily tally written with it (the same ``xmin``; on SQLite, the same rank in rowid
order) and the counter row it moved (the same ``xmin``). A value links likes if the rows sharing
it are all one reader's: that is a link the copy shows without anything else to go on.

What is left, and checked as such: with the day's key (a same-day copy), a tally's network can be
found by trying addresses; each like row joined to a tally then names its network, which is
what the tallies alone already say (a network liked an article that day), and a copy taken after
the day's cleanup names none. Times and row order are not hidden: two likes with no other like
between them can be guessed to be one reader's, as in any access log; the turns make sure that
every reader's likes have others' between them. Counter slots are drawn per vote (0 to 15):
the counter row is compared (article and slot), and a reader's likes do not keep to one slot.
"""

import datetime as dt
import hashlib
import hmac
import sqlite3
from collections import defaultdict
from collections.abc import Hashable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from pelican_likes.api.voters import Voters
from pelican_likes.storage.daily_cap import Cleanup, Ticket
from pelican_likes.storage.database import is_sqlite, parse_url
from pelican_likes.storage.pseudonyms import pseudonym
from pelican_likes.storage.store import ArticleInfo, LikeStore
from tests.support import ManualClock

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
READERS = [f"reader-{n}-token-of-the-browser" for n in range(6)]
NETWORKS = [f"198.51.100.{10 + n}" for n in range(len(READERS))]
SLUGS = [f"article-{n}" for n in range(8)]


@dataclass
class LikeRow:
    """One like row of the copy, with everything the attacker could read or join to it."""

    reader: str  # who made it: known to the test, never to the attacker
    article_id: int
    values: dict[str, Hashable] = field(default_factory=dict)


def test_no_two_likes_of_one_reader_can_be_linked_in_a_copy(
    own_database_url, client_for, secret, tmp_path
):
    clock = ManualClock(START)
    store = LikeStore.from_url(own_database_url, clock=clock)
    store.register([ArticleInfo(slug) for slug in SLUGS])
    running = set(Cleanup.running())
    client = client_for(store, daily_limit=20, rate_limit=0)
    for cleanup in set(Cleanup.running()) - running:
        cleanup.stop()  # the test forgets the day itself, below
    for slug in SLUGS:
        for token, network in zip(READERS, NETWORKS, strict=True):
            answer = client.simulate_put(
                f"/api/articles/{slug}/like", headers={"Likes-Voter": token}, remote_addr=network
            )
            assert answer.status_code == 200
    assert store.counts(SLUGS) == dict.fromkeys(SLUGS, len(READERS))
    store.dispose()  # PostgreSQL copies a database no one is connected to

    with copy_of(own_database_url, tmp_path / "same-day.sqlite3") as copy:
        rows = like_rows(copy, secret)
        assert len(rows) == len(READERS) * len(SLUGS)
        assert links(rows, exclude={"network"}) == []
        if copy.url.get_backend_name() == "postgresql":  # SQLite's rows join no counter row
            assert_slots_say_nothing_of_readers(rows)
        # The network each like row names is the tallies' (network, article), and no more.
        through_rows = {(row.values["network"], row.article_id) for row in rows}
        assert through_rows == {
            (network, article) for network, article, _ in tallied_networks(copy)
        }

    clock.now += dt.timedelta(days=1)
    store.forget_past_days()
    store.dispose()
    with copy_of(own_database_url, tmp_path / "next-day.sqlite3") as copy:
        rows = like_rows(copy, secret)
        assert len(rows) == len(READERS) * len(SLUGS)
        assert not any("network" in row.values for row in rows)
        assert links(rows, exclude=set()) == []


def links(rows: list[LikeRow], exclude: set[str]) -> list[tuple[str, Hashable, str]]:
    """Each (kind, value, reader) where the rows holding that value are two or more, all of
    one reader's."""
    found = []
    kinds = {kind for row in rows for kind in row.values} - exclude
    for kind in sorted(kinds):
        holders: dict[Hashable, list[str]] = defaultdict(list)
        for row in rows:
            if kind in row.values:
                holders[row.values[kind]].append(row.reader)
        for value, readers in holders.items():
            if len(readers) > 1 and len(set(readers)) == 1:
                found.append((kind, value, readers[0]))
    return found


def assert_slots_say_nothing_of_readers(rows: list[LikeRow]) -> None:
    """Each reader moved counters of several articles: one slot for all would say whose."""
    slots: dict[str, set[object]] = defaultdict(set)
    for row in rows:
        counter = row.values.get("counter")
        if isinstance(counter, tuple):
            slots[row.reader].add(counter[1])
    assert sorted(slots) == sorted(READERS)
    assert [reader for reader, seen in slots.items() if len(seen) == 1] == []


class Copy:
    """A copy of the database, read as the attacker reads it, in the SQL of its backend."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self.engine = create_engine(url, poolclass=NullPool)

    def query(self, sql: str) -> list[tuple]:
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]


@contextmanager
def copy_of(url: str, sqlite_copy: Path) -> Iterator[Copy]:
    """A copy made as a backup makes one: SQLite's backup API (rowids kept), PostgreSQL's
    CREATE DATABASE ... TEMPLATE, a copy of its files (xmin and ctid kept); dropped after."""
    source = parse_url(url)
    if is_sqlite(source):
        with (
            closing(sqlite3.connect(source.database)) as live,
            closing(sqlite3.connect(sqlite_copy)) as copy,
        ):
            live.backup(copy)
        yield Copy(source.set(database=str(sqlite_copy)))
        return
    name = f"{source.database}_copy"
    admin = create_engine(
        source.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}"'))
    try:
        yield Copy(source.set(database=name))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def tallied_networks(copy: Copy) -> Iterator[tuple[str, int, bytes]]:
    """(network, article, tally id) for every tally of the copy, found by trying every
    candidate network (here the test's, standing for all of IPv4) under the day's key."""
    tallies = {bytes(client) for (client,) in copy.query("SELECT client FROM daily_tallies")}
    articles = [article_id for (article_id,) in copy.query("SELECT id FROM articles")]
    for day, key in copy.query("SELECT day, key FROM daily_keys"):
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        for network in NETWORKS:
            message = f"{network}|{day.isoformat()}".encode()
            client = hmac.new(bytes(key), message, hashlib.sha256).digest()
            ticket = Ticket(day, bytes(key), client, 0, 0)
            for article_id in articles:
                if (tally := ticket.tally_id(article_id)) in tallies:
                    yield network, article_id, tally


def like_rows(copy: Copy, secret: bytes) -> list[LikeRow]:
    """Every like row of ``copy`` with every value the attacker can read or join to it; whose
    each is, the test finds with the tokens and the secret."""
    voters = Voters(secret)
    articles = [article_id for (article_id,) in copy.query("SELECT id FROM articles")]
    whose = {
        (article_id, pseudonym(voters.voter(token), article_id)): token
        for token in READERS
        for article_id in articles
    }
    named = {tally: network for network, _, tally in tallied_networks(copy)}
    found = []
    backend_rows = _postgresql_rows if copy.url.get_backend_name() == "postgresql" else _sqlite_rows
    for values in backend_rows(copy):
        if values.get("tally") in named:
            values["network"] = named[values["tally"]]
        article_id = values["article"]
        assert isinstance(article_id, int)
        found.append(LikeRow(whose[(article_id, values["voter"])], article_id, values))
    return found


def _postgresql_rows(copy: Copy) -> list[dict[str, Hashable]]:
    tallies = {xmin: bytes(client) for xmin, client in copy.query(
        "SELECT xmin::text, client FROM daily_tallies"
    )}  # fmt: skip
    counters = {
        xmin: (article_id, slot)
        for article_id, slot, xmin in copy.query(
            "SELECT article_id, slot, xmin::text FROM like_counters"
        )
    }
    rows = []
    for article_id, voter, created_at, xmin, ctid in copy.query(
        "SELECT article_id, voter, created_at, xmin::text, ctid::text FROM likes"
    ):
        values: dict[str, Hashable] = {
            "article": article_id,
            "voter": voter,
            "created_at": created_at,
            "xmin": xmin,
            "ctid": ctid,
        }
        if xmin in tallies:
            values["tally"] = tallies[xmin]
        if xmin in counters:
            values["counter"] = counters[xmin]
        rows.append(values)
    return rows


def _sqlite_rows(copy: Copy) -> list[dict[str, Hashable]]:
    """SQLite keeps no transaction ids: a like and the tally its like created are paired by
    their rank in rowid order, which pairs every one here, each network's one like of each
    article having made its tally. After the day's cleanup there are no tallies to pair."""
    tallies = [bytes(c) for (c,) in copy.query("SELECT client FROM daily_tallies ORDER BY rowid")]
    likes = copy.query("SELECT article_id, voter, created_at, rowid FROM likes ORDER BY rowid")
    assert len(tallies) in (0, len(likes))
    rows = []
    for rank, (article_id, voter, created_at, rowid) in enumerate(likes):
        values: dict[str, Hashable] = {
            "article": article_id,
            "voter": voter,
            "created_at": created_at,
            "rowid": rowid,
        }
        if tallies:
            values["tally"] = tallies[rank]
        rows.append(values)
    return rows
