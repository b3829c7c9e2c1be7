"""The build's database work in a storage process: a build that never loads SQLAlchemy itself,
and builds that still bake the right counts when that process cannot start or dies."""

import re

import pytest

from pelican.plugins.likes import storage_process
from pelican_likes.storage.store import ArticleInfo
from tests.plugin.pelican_builds import sqlalchemy_of_own_build


def baked_count(html: str) -> int:
    [count] = re.findall(r'data-likes-slug="first-post" data-likes-count="(\d+)"', html)
    return int(count)


@pytest.fixture
def liked_once(store):
    store.register([ArticleInfo("first-post")])
    store.like("first-post", "a" * 64)
    return store


def test_a_build_bakes_counts_without_loading_sqlalchemy_itself(tmp_path, liked_once, database_url):
    """In a process of its own, as ``pelican`` runs: in the suite's, other tests import it."""
    assert sqlalchemy_of_own_build(tmp_path, "astro-post.md", database_url) == []
    assert baked_count((tmp_path / "out" / "first-post.html").read_text()) == 1
    assert [article.slug for article in liked_once.articles()] == ["first-post"]


@pytest.mark.usefixtures("storage_in_process")
def test_a_build_whose_storage_process_cannot_start_publishes_itself(
    build_site, liked_once, database_url
):
    site = build_site(["astro-post.md"], LIKES_DATABASE_URL=database_url)

    assert baked_count(site.page("first-post.html")) == 1


def test_a_build_whose_storage_process_dies_publishes_itself(
    build_site, liked_once, database_url, monkeypatch
):
    monkeypatch.setattr(storage_process, "_SERVE", "import os; os._exit(3)")

    site = build_site(["astro-post.md"], LIKES_DATABASE_URL=database_url)

    assert baked_count(site.page("first-post.html")) == 1


def test_a_storage_process_that_is_never_asked_is_ended(sqlite_url):
    process = storage_process.StorageProcess(sqlite_url)
    running = process._process

    process.stop()

    assert running.returncode is not None and process._process is None
