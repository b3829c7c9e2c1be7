"""The store's SQL follows the plain-Python rules that a rebuild's shortcut calls (rules.py): an
article registered again keeps the URL ``kept_url`` names, and the upsert writes nothing exactly
when ``registers_nothing`` says so. On SQLite and PostgreSQL."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pelican_likes.storage.records import TITLE_LENGTH, ArticleInfo
from pelican_likes.storage.registry import registration
from pelican_likes.storage.rules import has_host, kept_url, registers_nothing
from pelican_likes.storage.schema import articles
from pelican_likes.storage.statements import upsert_articles

# Few values, so that generated articles often match, with URLs of every kind: local, with a
# scheme, scheme-relative, and odd ones made of the characters that mark a host.
TITLES = st.sampled_from(["Hello", "Hello!", "", "x" * (TITLE_LENGTH + 3)])
URLS = st.one_of(
    st.sampled_from(
        [
            "",
            "/post.html",
            "/other.html",
            "https://blog.example/post.html",
            "//blog.example/post.html",
        ]
    ),
    st.text(alphabet="/:a", max_size=6),
)

_slugs = itertools.count()


def stored_row(conn, slug):
    query = select(articles.c.title, articles.c.url, articles.c.likes_closed)
    return conn.execute(query.where(articles.c.slug == slug)).one()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=TITLES, url=URLS, closed=st.booleans(), new_title=TITLES, new_url=URLS)
def test_the_upsert_follows_the_rules(store, title, url, closed, new_title, new_url):
    slug = f"post-{next(_slugs)}"  # an article of its own per example: nothing to reset
    store.register([ArticleInfo(slug, title, url)])
    if closed:
        store.close_likes([slug])
    built = ArticleInfo(slug, new_title, new_url)

    with store.engine.begin() as conn:
        before = stored_row(conn, slug)
        written = conn.execute(upsert_articles(store.engine.dialect.name), registration([built]))
        after = stored_row(conn, slug)

    unchanged = registers_nothing(title=before.title, url=before.url, closed=closed, built=built)
    assert (written.rowcount == 0) == unchanged
    assert after.url == kept_url(before.url, built.url)
    assert (after.title, after.likes_closed) == (built.fitted().title, False)


def test_a_url_names_its_host_with_a_scheme_or_two_slashes():
    assert has_host("https://blog.example/post.html")
    assert has_host("//blog.example/post.html")
    assert not has_host("/post.html")
    assert not has_host("post.html")


def test_a_url_without_a_host_never_replaces_one_with_a_host():
    hosted, local = "https://blog.example/post.html", "/post.html"

    assert kept_url(hosted, local) == hosted
    assert kept_url(local, hosted) == hosted
    assert kept_url(hosted, "https://other.example/post.html") == "https://other.example/post.html"
    assert kept_url("/old.html", local) == local
