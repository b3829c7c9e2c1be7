"""The rebuild's shortcut against the whole exchange, on generated databases and builds: whenever
``unchanged_publication`` answers, ``publish`` answers the same and changes nothing in the
database. On SQLite and PostgreSQL (``database_url`` runs once per backend).

A database is made as builds and commands make one: articles registered (with URLs with or
without a host), liked, given base likes, renamed or merged (leaving former slugs), registered
again, closed. A build is drawn from what was stored: each article as stored or with its title
or URL changed, left out or new, former slugs merged already or not, articles closed or not.
"""

import contextlib

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine, select, text

from pelican_likes.builds.publication import Publication, publish
from pelican_likes.builds.unchanged import unchanged_publication
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.records import ArticleInfo
from pelican_likes.storage.schema import metadata
from pelican_likes.storage.store import LikeStore, RenameRefused, UnknownArticle

SLUGS = ("a", "b", "c", "d")
TITLES = ("A", "B")
LOCAL_URLS = ("/a.html", "/b.html")
HOSTED_URLS = ("https://blog.example/a.html", "//blog.example/a.html")
URLS = st.sampled_from(LOCAL_URLS + HOSTED_URLS)
VOTERS = [f"{n:064x}" for n in range(3)]
# Each former slug with the slug of the article it answers for.
MERGED = """
    SELECT article_aliases.slug, articles.slug FROM article_aliases
    JOIN articles ON articles.id = article_aliases.article_id
"""

EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def databases(draw: st.DrawFn) -> dict[str, object]:
    """What to do to an empty database, in order (see ``make``)."""
    article = st.tuples(st.sampled_from(SLUGS), st.sampled_from(TITLES), URLS)
    return {
        "registered": draw(st.lists(article, min_size=1, max_size=4)),
        "likes": draw(st.dictionaries(st.sampled_from(SLUGS), st.integers(0, len(VOTERS)))),
        "base": draw(st.dictionaries(st.sampled_from(SLUGS), st.integers(0, 5), max_size=1)),
        "renames": draw(st.lists(st.tuples(*[st.sampled_from(SLUGS)] * 2), min_size=1, max_size=3)),
        "again": draw(st.lists(article, max_size=2)),
        "closed": draw(st.lists(st.sampled_from(SLUGS), max_size=2)),
    }


def make(store: LikeStore, plan: dict) -> None:
    store.register(ArticleInfo(*row) for row in plan["registered"])
    for slug, count in plan["likes"].items():
        for voter in VOTERS[:count]:
            with contextlib.suppress(UnknownArticle):
                store.like(slug, voter)
    with contextlib.suppress(UnknownArticle):
        store.set_base_likes(plan["base"])
    for old, new in plan["renames"]:
        with contextlib.suppress(UnknownArticle, RenameRefused):
            store.rename(old, new)
    store.register(ArticleInfo(*row) for row in plan["again"])
    store.close_likes(plan["closed"])


def build(draw: st.DrawFn, conn: Connection, database_url: str) -> Publication:
    """A build drawn from the database's articles and former slugs: half of them rebuilds (every
    open article shown as stored, or with a local URL where a hosted one is stored; former slugs
    merged already or never registered), as most builds are, the other half with any change.
    Closed articles are left out or shown again."""
    stored = conn.execute(text("SELECT slug, title, url, likes_closed FROM articles")).all()
    merged = [tuple(row) for row in conn.execute(text(MERGED))]
    rebuild = draw(st.booleans())
    kept = ["as stored", "local URL"]
    changes = st.sampled_from(kept if rebuild else [*kept, "title", "URL", "left out"])
    shown = []
    for slug, title, url, closed in sorted(stored):
        change = draw(st.sampled_from(["left out", "as stored"]) if closed else changes)
        if change == "local URL":
            url = url.split("blog.example", 1)[-1]
        elif change == "title":
            title = draw(st.sampled_from(TITLES))
        elif change == "URL":
            url = draw(URLS)
        if change != "left out":
            shown.append(ArticleInfo(slug, title, url))
    if not rebuild and draw(st.booleans()):
        shown.append(ArticleInfo(draw(st.sampled_from(SLUGS)), "New", "/new.html"))
    olds = ["never-registered"] + ([] if rebuild else [*SLUGS, "not a slug"])
    news = [article.slug for article in shown] or list(SLUGS)
    pairs = st.tuples(st.sampled_from(olds), st.sampled_from(news))
    if merged:
        pairs = st.one_of(st.sampled_from(merged), pairs)
    drafts = [slug for slug, _, _, closed in stored if closed or not rebuild]
    return Publication(
        database_url,
        tuple(shown),
        former_slugs=tuple(draw(st.lists(pairs, max_size=2))),
        closed=tuple(draw(st.lists(st.sampled_from([*drafts, "unknown-draft"]), max_size=2))),
    )


def everything(conn: Connection) -> dict[str, list[tuple]]:
    """Every row of every table, timestamps included."""
    return {
        table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.c))]
        for table in metadata.sorted_tables
    }


def empty(conn: Connection) -> None:
    for table in reversed(metadata.sorted_tables):
        conn.execute(table.delete())


@EXAMPLES
@given(plan=databases(), data=st.data())
def test_whenever_the_shortcut_answers_the_exchange_agrees_and_writes_nothing(
    database_url, plan, data
):
    engine = create_engine(parse_url(database_url))
    store = LikeStore.from_url(database_url)
    try:
        with engine.begin() as conn:
            empty(conn)
        make(store, plan)
        with engine.connect() as conn:
            publication = build(data.draw, conn, database_url)
            before = everything(conn)

        answered = unchanged_publication(publication)
        event("answered" if answered is not None else "left to the exchange")
        if answered is not None:
            event(f"answered, former slugs merged already: {len(answered.renamed)}")
        if answered is None:
            return
        published = publish(publication)

        with engine.connect() as conn:
            after = everything(conn)
    finally:
        store.dispose()
        engine.dispose()
    assert published == answered
    assert after == before
