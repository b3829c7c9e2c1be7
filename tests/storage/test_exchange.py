"""A whole database exported and imported again: every record kept, readers recognised wherever
their article's id lands, nothing changed the second time. ``database_url`` (the source) and
``own_database_url`` (the target) each run on both backends, so each test runs four times:
SQLite and PostgreSQL to themselves and to each other.
"""

import pytest
from sqlalchemy import delete, select

from pelican_likes.storage.errors import SchemaNotMigrated
from pelican_likes.storage.exchange import (
    ArticleRecord,
    End,
    Header,
    Imported,
    ImportRefused,
    LikeRecord,
    MergeRecord,
)
from pelican_likes.storage.pseudonyms import pseudonym
from pelican_likes.storage.schema import article_merges, articles, like_counters, likes
from pelican_likes.storage.store import ArticleInfo, LikeState, LikeStore

ALICE, BOB, CAROL, DAVE = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)


@pytest.fixture
def target(own_database_url):
    store = LikeStore.from_url(own_database_url)
    yield store
    store.dispose()


def ids(store: LikeStore) -> dict[str, int]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(articles.c.slug, articles.c.id)).all())


def merged_ids(store: LikeStore) -> set[tuple[int, int]]:
    with store.engine.connect() as conn:
        return {tuple(row) for row in conn.execute(select(article_merges))}


def counters(store: LikeStore) -> list[tuple[int, int, int]]:
    with store.engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(select(like_counters)))


def a_blog(store: LikeStore) -> None:
    """Articles with everything an article holds: a title and URL, base likes carried over, one
    closed to likes, and one renamed into another (a former slug, and rows made under the merged
    article's id). Carol liked both of the renamed pair, so she counts twice."""
    store.register(
        [
            ArticleInfo("typo-slug", "Typo"),
            ArticleInfo("fixed-slug", "Fixed", "https://blog.example/fixed.html"),
            ArticleInfo("été-2024", "Été"),
            ArticleInfo("closed", "Closed"),
        ]
    )
    for voter in (ALICE, CAROL):
        store.like("typo-slug", voter)
    for voter in (BOB, CAROL):
        store.like("fixed-slug", voter)
    store.like("été-2024", DAVE)
    store.like("closed", ALICE)
    store.close_likes(["closed"])
    store.set_base_likes({"été-2024": 7})
    store.rename("typo-slug", "fixed-slug")


def test_a_database_imported_into_an_empty_one_is_the_same_record_for_record(store, target):
    a_blog(store)
    exported = list(store.export())

    imported = target.import_records(exported)

    assert imported == Imported(articles_added=3, aliases=1, merges=1, likes=6, recounted=3)
    assert list(target.export()) == exported
    assert ids(target) == ids(store)
    assert target.articles() == store.articles()
    for voter, liked in ((ALICE, True), (BOB, True), (CAROL, True), (DAVE, False)):
        assert target.state("fixed-slug", voter) == LikeState("fixed-slug", 4, liked)
        assert target.state("typo-slug", voter) == LikeState("typo-slug", 4, liked)
    assert target.state("été-2024", DAVE) == LikeState("été-2024", 8, True)
    assert target.counts(["closed"]) == {"closed": 1}


def test_importing_again_changes_nothing(store, target):
    a_blog(store)
    exported = list(store.export())
    target.import_records(exported)
    before = (list(target.export()), counters(target), merged_ids(target))

    again = target.import_records(exported)

    assert again == Imported()
    assert not again.changed
    assert (list(target.export()), counters(target), merged_ids(target)) == before


def test_a_dry_run_reports_the_import_and_changes_nothing(store, target):
    a_blog(store)
    exported = list(store.export())
    before = list(target.export())

    would = target.import_records(exported, dry_run=True)

    assert list(target.export()) == before
    assert target.import_records(exported) == would


def test_a_reader_is_recognised_where_the_article_has_another_id(store, target):
    """The target knew ``second`` before the import, under id 1; the source made its rows under
    id 2, which the target lists as merged into it: its readers' likes are theirs still, one
    unlike takes one away, and no second like is counted."""
    store.register([ArticleInfo("first"), ArticleInfo("second")])
    store.like("second", ALICE)
    store.like("second", BOB)
    target.register([ArticleInfo("second")])
    assert (ids(store), ids(target)) == ({"first": 1, "second": 2}, {"second": 1})

    target.import_records(store.export())

    # "first"'s id 1 is second's here: it gets one past every id of both databases.
    assert ids(target) == {"second": 1, "first": 3}
    assert merged_ids(target) == {(1, 2)}
    with target.engine.connect() as conn:
        stored = set(conn.execute(select(likes.c.article_id, likes.c.voter)))
    assert stored == {(1, pseudonym(ALICE, 2)), (1, pseudonym(BOB, 2))}
    assert target.state("second", ALICE) == LikeState("second", 2, True)
    assert target.like("second", ALICE) == LikeState("second", 2, True)
    assert target.unlike("second", ALICE) == LikeState("second", 1, False)
    assert target.like("second", CAROL) == LikeState("second", 2, True)
    # No new article takes a merged id: SQLite's next id and PostgreSQL's sequence pass it.
    target.register([ArticleInfo("third")])
    assert ids(target)["third"] == 4


def test_rows_merged_into_an_article_in_the_source_are_recognised_under_a_new_id(store, target):
    """In the source, ``old`` (id 4) was merged into ``new`` (id 5): its rows are made under 4.
    The target has ``new`` as id 1; it lists both 5 and 4."""
    store.register([ArticleInfo(f"draft-{n}") for n in range(3)])
    store.register([ArticleInfo("old")])
    store.register([ArticleInfo("new")])
    with store.engine.begin() as conn:
        conn.execute(delete(articles).where(articles.c.slug.like("draft-%")))
    store.like("old", ALICE)
    store.like("new", BOB)
    store.rename("old", "new")
    assert ids(store) == {"new": 5}
    target.register([ArticleInfo("new")])

    target.import_records(store.export())

    assert merged_ids(target) == {(1, 4), (1, 5)}
    for voter in (ALICE, BOB):
        assert target.state("old", voter) == LikeState("old", 2, True)
        assert target.like("new", voter) == LikeState("new", 2, True)
    assert target.unlike("new", ALICE) == LikeState("new", 1, False)


def test_likes_made_under_an_id_another_article_holds_here_are_refused(store, target):
    """``first``'s rows were made under id 1, which ``other`` holds in the target: the rows of one
    reader on both would share a pseudonym, so nothing is imported."""
    store.register([ArticleInfo("first")])
    store.like("first", ALICE)
    target.register([ArticleInfo("other")])
    before = list(target.export())

    with pytest.raises(ImportRefused, match="made under id 1, which 'other' holds"):
        target.import_records(store.export())

    assert list(target.export()) == before


def test_an_article_without_likes_takes_a_new_id_where_its_own_is_taken(store, target):
    store.register([ArticleInfo("first")])
    target.register([ArticleInfo("other")])

    assert target.import_records(store.export()).articles_added == 1

    assert ids(target) == {"other": 1, "first": 2}
    assert merged_ids(target) == set()


def test_counts_are_rebuilt_from_the_rows_never_taken_from_the_file(store, target):
    """The target's counters of ``post`` were wrong (rows deleted by hand); the import's rows
    give it its true count, and the file's base likes are the article's."""
    store.register([ArticleInfo("post")])
    store.like("post", ALICE)
    store.like("post", BOB)
    target.register([ArticleInfo("post")])
    for voter in (ALICE, CAROL, DAVE):
        target.like("post", voter)
    with target.engine.begin() as conn:
        gone = [pseudonym(CAROL, 1), pseudonym(DAVE, 1)]
        conn.execute(delete(likes).where(likes.c.voter.in_(gone)))

    imported = target.import_records(store.export())

    assert (imported.likes, imported.recounted) == (1, 1)
    assert target.counts(["post"]) == {"post": 2}
    assert target.state("post", CAROL).liked is False


def test_the_import_takes_the_file_s_title_base_likes_and_closed_flag(store, target):
    store.register([ArticleInfo("post", "New title", "/post.html")])
    store.set_base_likes({"post": 3})
    store.close_likes(["post"])
    target.register([ArticleInfo("post", "Old title", "https://blog.example/post.html")])

    assert target.import_records(store.export()).articles_updated == 1

    [record] = [r for r in target.export() if isinstance(r, ArticleRecord)]
    # A URL without a host never replaces one with a host, as when a build registers it.
    assert record == ArticleRecord(
        1, "post", "New title", "https://blog.example/post.html", 3, True
    )


def test_the_export_streams_like_rows_in_the_order_the_import_checks(store):
    store.register([ArticleInfo("b-post"), ArticleInfo("a-post")])
    for n in range(30):
        store.like("a-post" if n % 3 else "b-post", f"{n:064x}")
    rows = [r for r in store.export() if isinstance(r, LikeRecord)]
    assert [(r.article, r.voter) for r in rows] == sorted((r.article, r.voter) for r in rows)
    assert all(r.at.utcoffset() is not None and not r.at.utcoffset() for r in rows)


def test_an_import_into_a_database_without_tables_is_refused(store, tmp_path):
    store.register([ArticleInfo("post")])
    empty = LikeStore.from_url(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(SchemaNotMigrated, match="db upgrade"):
        empty.import_records(store.export())
    empty.dispose()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r[1:], "not an export's header"),
        (lambda r: [Header("9999"), *r[1:]], "schema revision '9999'"),
        (lambda r: [*r[:2], r[1], *r[2:]], "ids come in increasing order"),
        (lambda r: [*r[:3], r[2], *r[3:]], "former slug 'first' is listed twice"),
        (lambda r: [*r[:2], r[3], r[2], *r[4:]], "alias records come before the merge records"),
        (lambda r: [*r[:4], MergeRecord(2, 2), *r[4:]], "an id belongs to one article"),
        (lambda r: [*r[:-1], LikeRecord(9, "a" * 64, r[-2].at), r[-1]], "does not list"),
        (lambda r: [*r[:-1], r[-2], r[-1]], "the same like row as the one before"),
        (lambda r: [*r[:4], r[5], r[4], r[6]], "out of order"),
        (lambda r: r[:-1], "cut short"),
        (lambda r: [*r[:-1], End(1, 1, 1, 3)], r"counts 3 like record\(s\) where the file has 2"),
        (lambda r: [*r, r[-1]], "a record after the last one"),
    ],
)
def test_a_stream_that_cannot_be_imported_writes_nothing(store, target, change, message):
    store.register([ArticleInfo("first"), ArticleInfo("second")])
    store.like("first", ALICE)
    store.like("second", BOB)
    store.rename("first", "second")
    records = list(store.export())
    assert [type(r).__name__ for r in records] == [
        "Header", "ArticleRecord", "AliasRecord", "MergeRecord", "LikeRecord", "LikeRecord",
        "End",
    ]  # fmt: skip
    before = list(target.export())

    with pytest.raises(ImportRefused, match=message):
        target.import_records(change(records))

    assert list(target.export()) == before
