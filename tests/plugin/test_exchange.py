"""When a build loads the storage layer: a rebuild of an unchanged blog never does, a build with
an article the database does not have starts the storage process while the articles are read,
and every build bakes the same counts either way."""

import re
import traceback

import pytest

from pelican.plugins.likes import exchange
from pelican_likes.storage.records import ArticleInfo
from tests.plugin.pelican_builds import sqlalchemy_of_own_build


@pytest.fixture
def starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The storage processes the builds start, each named by when: "start" (of the build),
    "reading" (the articles) or "exchange"; started as in a ``pelican`` process, which has not
    loaded the storage layer (this one has)."""
    started: list[str] = []
    real = exchange.StorageProcess
    when = {"see": "reading", "publish": "exchange", "__init__": "start"}

    def recorded(database_url: str) -> exchange.StorageProcess:
        callers = [frame.name for frame in traceback.extract_stack()]
        started.append(next(when[name] for name in reversed(callers) if name in when))
        return real(database_url)

    monkeypatch.setattr(exchange, "StorageProcess", recorded)
    monkeypatch.setattr(exchange, "storage_layer_loaded", lambda: False)
    return started


def baked_count(html: str, slug: str = "first-post") -> int:
    [count] = re.findall(rf'data-likes-slug="{slug}" data-likes-count="(\d+)"', html)
    return int(count)


def test_a_rebuild_of_an_unchanged_blog_starts_no_storage_process(
    build_site, store, database_url, starts
):
    build_site(["astro-post.md", "astro-post-fr.md"], LIKES_DATABASE_URL=database_url)
    store.like("first-post", "a" * 64)
    starts.clear()

    site = build_site(["astro-post.md", "astro-post-fr.md"], LIKES_DATABASE_URL=database_url)

    assert starts == []
    assert baked_count(site.page("first-post.html")) == 1
    assert baked_count(site.page("first-post-fr.html")) == 1


def test_a_new_article_starts_the_storage_process_while_the_articles_are_read(
    build_site, store, database_url, starts
):
    build_site(["astro-post.md"], LIKES_DATABASE_URL=database_url)
    starts.clear()

    site = build_site(["astro-post.md", "renamed-post.md"], LIKES_DATABASE_URL=database_url)

    assert starts == ["reading"]
    assert {article.slug for article in store.articles()} >= {"first-post", "fixed-slug"}
    assert baked_count(site.page("first-post.html")) == 0


def test_a_new_title_is_registered(build_site, store, database_url, starts):
    store.register([ArticleInfo("first-post", "Draft title", "/first-post.html")])
    store.like("first-post", "a" * 64)

    site = build_site(["astro-post.md"], LIKES_DATABASE_URL=database_url)

    assert starts == ["reading"]
    assert [article.title for article in store.articles()] == ["First post"]
    assert baked_count(site.page("first-post.html")) == 1


def test_a_database_unreadable_without_the_storage_layer_starts_it_with_the_build(
    build_site, tmp_path, starts
):
    url = f"sqlite:///{tmp_path / 'likes.sqlite3'}?timeout=5"  # options: the storage layer's

    site = build_site(["astro-post.md"], LIKES_DATABASE_URL=url)

    assert starts == ["start"]
    assert baked_count(site.page("first-post.html")) == 0  # no tables: a warning, counts 0


def test_a_changed_url_found_only_at_the_exchange_is_registered_there(
    build_site, store, database_url, starts
):
    """The early look compares slugs and titles only; the exchange itself compares URLs."""
    store.register([ArticleInfo("first-post", "First post", "/posts/first-post.html")])

    build_site(["astro-post.md"], LIKES_DATABASE_URL=database_url)

    assert starts == []
    assert [article.url for article in store.articles()] == ["/first-post.html"]


def test_a_rebuild_in_a_process_of_its_own_never_loads_sqlalchemy(tmp_path, store, database_url):
    """As ``pelican`` runs, twice: in the suite's process, other tests import SQLAlchemy."""
    sqlalchemy_of_own_build(tmp_path, "astro-post.md", database_url)

    assert sqlalchemy_of_own_build(tmp_path, "astro-post.md", database_url) == []
    assert [article.slug for article in store.articles()] == ["first-post"]


def test_where_sqlalchemy_is_already_loaded_the_build_does_its_exchange_itself(
    build_site, store, database_url, monkeypatch
):
    """Pelican run from a program that has loaded SQLAlchemy (as this suite has): a process to
    load it would cost a Python's start and spare nothing."""
    started: list[str] = []
    monkeypatch.setattr(exchange, "StorageProcess", started.append)

    site = build_site(["astro-post.md"], LIKES_DATABASE_URL=database_url)

    assert started == []
    assert [article.slug for article in store.articles()] == ["first-post"]
    assert baked_count(site.page("first-post.html")) == 0
