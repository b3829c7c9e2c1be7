"""Merging a stream of exchange records (exchange.py) into a database, in the caller's
transaction: every record is checked as it comes, and the first one that cannot be imported
raises ImportRefused, so the caller rolls everything back.

Articles are matched by slug. One the database lacks keeps its id from the stream when no
article here holds it (so a copy into a new database keeps every id), else it gets a new one.
Either way the like rows keep the pseudonyms made under the stream's ids, ``SHA-256(voter ":"
id)``, which cannot be made again without the reader: so each article here lists the stream's
ids of its rows (its own there, and those merged into it there) in ``article_merges``, where a
reader is looked up (pseudonyms.py). An id listed so must be no other article's here, as no
two articles ever share one (statements.next_article_id): else one reader's rows on two
articles would hold the same pseudonym, which a copy of the database could join, and a later
merge of the two would find them clashing. Such an import is refused.

Counts are never read from a stream: the counters of each article that received rows are
rebuilt from its rows, as ``recount`` does, where they differ. Importing the same stream again
finds every row and id in place and writes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Integer, String, column, func, select, table, text

from pelican_likes.storage.exchange import (
    SECTION_OF,
    SECTIONS,
    AliasRecord,
    ArticleRecord,
    End,
    Header,
    Imported,
    ImportRefused,
    LikeRecord,
    MergeRecord,
    Record,
)
from pelican_likes.storage.migrate import head_revision, require_head
from pelican_likes.storage.records import TITLE_LENGTH, URL_LENGTH
from pelican_likes.storage.rules import kept_url
from pelican_likes.storage.schema import (
    MAX_INTEGER,
    MAX_LIKES,
    VOTER_LENGTH,
    article_aliases,
    article_merges,
    articles,
    in_utc,
    like_counters,
    likes,
)
from pelican_likes.storage.slugs import SLUG_RULE, is_valid_slug
from pelican_likes.storage.statements import insert_for, next_article_id

# Like rows written per statement; as many ids per IN list when counts are rebuilt.
BATCH = 2_000


def merge(conn: Connection, dialect: str, stream: Iterable[Record], *, dry_run: bool) -> Imported:
    """Import ``stream`` into the database on ``conn``; what it changed. ``dry_run`` leaves
    PostgreSQL's id sequence alone, which a rollback would not undo."""
    require_head(conn)
    merger = _Merger(conn, dialect)
    for record in stream:
        merger.take(record)
    return merger.finish(dry_run=dry_run)


@dataclass
class _Catalogue:
    """The stream's articles, former slugs and merged ids, kept until its first like row (or its
    end), when they are written: a blog's few thousand at most."""

    articles: dict[int, ArticleRecord] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)
    aliases: dict[str, int] = field(default_factory=dict)
    formers: dict[int, list[int]] = field(default_factory=dict)
    former_owner: dict[int, int] = field(default_factory=dict)

    def ids(self) -> set[int]:
        return set(self.articles) | set(self.former_owner)


class _Merger:
    def __init__(self, conn: Connection, dialect: str) -> None:
        self._conn = conn
        self._dialect = dialect
        self._section = -1
        self._catalogue = _Catalogue()
        self._seen = {"article": 0, "alias": 0, "merge": 0, "like": 0}
        self._target: dict[int, int] = {}  # the stream's article id -> the id here
        self._clashes: dict[int, str] = {}  # the stream's article id -> why its rows cannot come
        self._last_like: tuple[int, str] | None = None
        self._batch: list[dict[str, Any]] = []
        self._touched: set[int] = set()
        self._rows_before = 0
        self._changed = {"articles_added": 0, "articles_updated": 0, "aliases": 0, "merges": 0}
        self._ended = False

    def take(self, record: Record) -> None:
        self._enter(SECTION_OF[type(record)])
        match record:
            case Header(revision):
                _check_revision(revision)
            case ArticleRecord():
                self._add_article(record)
            case AliasRecord():
                self._add_alias(record)
            case MergeRecord():
                self._add_merge(record)
            case LikeRecord():
                self._add_like(record)
            case End():
                self._end(record)

    def _enter(self, section: str) -> None:
        """Check that ``section`` comes where it may; write the catalogue on entering the
        likes or the end."""
        index = SECTIONS.index(section)
        if self._section == -1 and section != "header":
            raise ImportRefused("the first line is not an export's header")
        if self._ended:
            raise ImportRefused("a record after the last one (the end record)")
        if index < self._section or (section == "header" and self._section == 0):
            raise ImportRefused(
                f"{section} records come before the {SECTIONS[self._section]} records; "
                f"the order is {', '.join(SECTIONS)}"
            )
        if index >= SECTIONS.index("like") > self._section:
            self._write_catalogue()
        self._section = index
        if section in self._seen:
            self._seen[section] += 1

    def _add_article(self, record: ArticleRecord) -> None:
        found = self._catalogue
        _check_id(record.id)
        last = next(reversed(found.articles), 0)
        if record.id <= last:
            raise ImportRefused(
                f"article id {record.id} after {last}: ids come in increasing order, each once"
            )
        if not is_valid_slug(record.slug):
            raise ImportRefused(f"invalid article slug {record.slug!r}: a slug is {SLUG_RULE}")
        if record.slug in found.slugs:
            raise ImportRefused(f"article {record.slug!r} is listed twice")
        if len(record.title) > TITLE_LENGTH or len(record.url) > URL_LENGTH:
            raise ImportRefused(
                f"article {record.slug!r}: a title holds at most {TITLE_LENGTH} characters, "
                f"a URL {URL_LENGTH}"
            )
        if not 0 <= record.base_likes <= MAX_LIKES:
            raise ImportRefused(f"article {record.slug!r}: base likes must be 0 to {MAX_LIKES:,}")
        found.articles[record.id] = record
        found.slugs.add(record.slug)

    def _add_alias(self, record: AliasRecord) -> None:
        self._slug_of(record.article, f"former slug {record.slug!r}")
        if not is_valid_slug(record.slug):
            raise ImportRefused(f"invalid former slug {record.slug!r}: a slug is {SLUG_RULE}")
        if record.slug in self._catalogue.aliases:
            raise ImportRefused(f"former slug {record.slug!r} is listed twice")
        self._catalogue.aliases[record.slug] = record.article

    def _add_merge(self, record: MergeRecord) -> None:
        found = self._catalogue
        self._slug_of(record.article, f"merged id {record.former_id}")
        _check_id(record.former_id)
        if record.former_id in found.articles or record.former_id in found.former_owner:
            raise ImportRefused(
                f"merged id {record.former_id} is already an article's or listed before: "
                "an id belongs to one article"
            )
        found.formers.setdefault(record.article, []).append(record.former_id)
        found.former_owner[record.former_id] = record.article

    def _add_like(self, record: LikeRecord) -> None:
        self._slug_of(record.article, "a like row")
        if not 0 < len(record.voter) <= VOTER_LENGTH:
            raise ImportRefused(f"a like row's voter is 1 to {VOTER_LENGTH} characters")
        key = (record.article, record.voter)
        if self._last_like is not None and key <= self._last_like:
            if key == self._last_like:
                raise ImportRefused("the same like row as the one before: each row comes once")
            raise ImportRefused(
                "like rows out of order: they come sorted by article id, then voter"
            )
        first_of_article = self._last_like is None or self._last_like[0] != record.article
        if first_of_article and record.article in self._clashes:
            raise ImportRefused(self._clashes[record.article])
        self._last_like = key
        target = self._target[record.article]
        self._touched.add(target)
        self._batch.append({"article_id": target, "voter": record.voter, "created_at": record.at})
        if len(self._batch) >= BATCH:
            self._flush()

    def _end(self, record: End) -> None:
        counted = {"article": record.articles, "alias": record.aliases,
                   "merge": record.merges, "like": record.likes}  # fmt: skip
        for kind, count in counted.items():
            if count != self._seen[kind]:
                raise ImportRefused(
                    f"the end record counts {count:,} {kind} record(s) where the file has "
                    f"{self._seen[kind]:,}"
                )
        self._ended = True

    def finish(self, *, dry_run: bool) -> Imported:
        if not self._ended:
            raise ImportRefused("the file ends before its end record: it was cut short")
        self._flush()
        added = self._like_rows() - self._rows_before
        recounted = _recount(self._conn, sorted(self._touched))
        if self._dialect == "postgresql" and not dry_run:
            _advance_sequence(self._conn)
        return Imported(**self._changed, likes=added, recounted=recounted)

    def _slug_of(self, article: int, what: str) -> str:
        found = self._catalogue.articles.get(article)
        if found is None:
            raise ImportRefused(f"{what} of article id {article}, which the file does not list")
        return found.slug

    def _write_catalogue(self) -> None:
        """Create or update the stream's articles, point its former slugs, and list its ids of
        origin; articles whose ids clash keep their reason until a row of theirs comes."""
        conn, found = self._conn, self._catalogue
        here = {row.slug: row for row in conn.execute(select(articles))}
        former_here: dict[int, int] = dict(
            conn.execute(select(article_merges.c.former_id, article_merges.c.article_id)).all()
        )
        taken = {row.id: row.slug for row in here.values()}
        fresh = max([0, *taken, *former_here, *found.ids()]) + 1
        for record in found.articles.values():
            existing = here.get(record.slug)
            if existing is None:
                new_id = record.id
                if new_id in taken or new_id in former_here:
                    new_id, fresh = fresh, fresh + 1
                conn.execute(articles.insert().values(_article_values(record) | {"id": new_id}))
                taken[new_id] = record.slug
                self._target[record.id] = new_id
                self._changed["articles_added"] += 1
            else:
                self._target[record.id] = existing.id
                self._changed["articles_updated"] += _update_article(conn, existing, record)
        for record in found.articles.values():
            self._list_origins(record, taken, former_here)
        wanted = {slug: self._target[article] for slug, article in found.aliases.items()}
        self._changed["aliases"] = _point_aliases(conn, wanted)
        self._rows_before = self._like_rows()

    def _list_origins(
        self, record: ArticleRecord, taken: dict[int, str], former_here: dict[int, int]
    ) -> None:
        """List the stream's ids of ``record``'s rows for its article here, unless one is
        another article's."""
        target = self._target[record.id]
        for origin in [record.id, *self._catalogue.formers.get(record.id, [])]:
            if origin == target or former_here.get(origin) == target:
                continue
            owner = taken.get(origin)
            if owner is None and origin in former_here:
                owner = taken[former_here[origin]]
            if owner is not None:
                self._clashes[record.id] = (
                    f"the likes of {record.slug!r} were made under id {origin}, which "
                    f"{owner!r} holds in this database: one reader's likes of both would be "
                    "linked; import into a database without either (`pelican-likes copy` "
                    "into a new one keeps every id)"
                )
                continue
            self._conn.execute(article_merges.insert().values(article_id=target, former_id=origin))
            former_here[origin] = target
            self._changed["merges"] += 1

    def _flush(self) -> None:
        if self._batch:
            self._conn.execute(_like_insert(self._dialect), _as_stored(self._dialect, self._batch))
            self._batch = []

    def _like_rows(self) -> int:
        return self._conn.scalar(select(func.count()).select_from(likes)) or 0


def _check_revision(revision: str) -> None:
    head = head_revision()
    if revision != head:
        raise ImportRefused(
            f"the file is of schema revision {revision!r}, which this release does not import "
            f"(it imports revision {head!r})"
        )


def _check_id(article_id: int) -> None:
    """Refuse an id the articles table cannot hold (an Integer column on both databases)."""
    if not 1 <= article_id <= MAX_INTEGER:
        raise ImportRefused(
            f"article id {article_id}: ids are whole numbers from 1 to {MAX_INTEGER:,}"
        )


def _article_values(record: ArticleRecord) -> dict[str, object]:
    return {"slug": record.slug, "title": record.title, "url": record.url,
            "base_likes": record.base_likes, "likes_closed": record.closed}  # fmt: skip


def _update_article(conn: Connection, existing: Any, record: ArticleRecord) -> int:
    """Give the article here the stream's title, base likes and closed flag, and its URL unless
    that one has no host and this one has (rules.kept_url); 1 if anything changed."""
    values = _article_values(record) | {"url": kept_url(existing.url, record.url)}
    if all(getattr(existing, name) == value for name, value in values.items()):
        return 0
    conn.execute(
        articles.update()
        .where(articles.c.id == existing.id)
        .values(values | {"updated_at": func.now()})
    )
    return 1


def _point_aliases(conn: Connection, wanted: dict[str, int]) -> int:
    """Make each former slug of ``wanted`` name its article here; how many changed."""
    here = dict(conn.execute(select(article_aliases.c.slug, article_aliases.c.article_id)).all())
    changed = 0
    for slug, article in wanted.items():
        if slug not in here:
            conn.execute(article_aliases.insert().values(slug=slug, article_id=article))
        elif here[slug] != article:
            conn.execute(
                article_aliases.update()
                .where(article_aliases.c.slug == slug)
                .values(article_id=article)
            )
        else:
            continue
        changed += 1
    return changed


def _like_insert(dialect: str) -> Any:
    """An INSERT of like rows that leaves those already there alone. SQLite's ``created_at`` is
    written as its CURRENT_TIMESTAMP writes it, text in UTC, so a row read back and imported
    again is the same text."""
    if dialect == "sqlite":
        as_text = table(
            "likes",
            column("article_id", Integer),
            column("voter", String),
            column("created_at", String),
        )
        return insert_for(dialect)(as_text).on_conflict_do_nothing()  # type: ignore[arg-type]
    return insert_for(dialect)(likes).on_conflict_do_nothing()


def _as_stored(dialect: str, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if dialect != "sqlite":
        return batch
    for row in batch:
        row["created_at"] = in_utc(row["created_at"]).replace(tzinfo=None).isoformat(sep=" ")
    return batch


def _recount(conn: Connection, touched: list[int]) -> int:
    """Rebuild the counters of the ``touched`` articles whose slots do not sum to their rows;
    how many did not."""
    changed = 0
    for start in range(0, len(touched), BATCH):
        ids = touched[start : start + BATCH]
        rows: dict[int, int] = dict(
            conn.execute(
                select(likes.c.article_id, func.count())
                .where(likes.c.article_id.in_(ids))
                .group_by(likes.c.article_id)
            ).all()
        )
        slots: dict[int, int | None] = dict(
            conn.execute(
                select(like_counters.c.article_id, func.sum(like_counters.c.likes))
                .where(like_counters.c.article_id.in_(ids))
                .group_by(like_counters.c.article_id)
            ).all()
        )
        wrong = [i for i in ids if rows.get(i, 0) != (slots.get(i) or 0)]
        if wrong:
            conn.execute(like_counters.delete().where(like_counters.c.article_id.in_(wrong)))
        if rebuilt := [{"article_id": i, "slot": 0, "likes": rows[i]} for i in wrong if i in rows]:
            conn.execute(like_counters.insert(), rebuilt)
        changed += len(wrong)
    return changed


def _advance_sequence(conn: Connection) -> None:
    """Move PostgreSQL's article id sequence past every id in use or merged, as SQLite's next id
    always is: the import wrote ids of its own, which the sequence would otherwise hand out
    again, to a new article whose readers' rows would then share pseudonyms with the merged
    ones."""
    name = conn.scalar(text("SELECT pg_get_serial_sequence('articles', 'id')"))
    highest = conn.execute(select(next_article_id())).scalar_one() - 1
    # The name is PostgreSQL's own, quoted by pg_get_serial_sequence; a parameter cannot name it.
    state = text(f"SELECT last_value, is_called FROM {name}")  # noqa: S608
    last, called = conn.execute(state).one()
    if highest > (last if called else last - 1):
        conn.execute(text("SELECT setval(:name, :value)"), {"name": name, "value": highest})
