"""A build's exchange with the database, in this process and through a storage process's pipes,
on SQLite and PostgreSQL (``store`` runs once per backend)."""

import pickle
import subprocess
import sys

import pytest

from pelican_likes.builds.publication import Publication, Published, opened_store, publish
from pelican_likes.storage.records import ArticleInfo, Renamed
from pelican_likes.storage.store import ArticleClosed, LikeStore

SERVE = "from pelican_likes.builds.publication import serve; serve()"


def url_of(store: LikeStore) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def test_publish_registers_merges_closes_and_counts(store):
    store.register([ArticleInfo("typo-slug"), ArticleInfo("draft")])
    store.like("typo-slug", "a" * 64)
    store.like("draft", "b" * 64)
    publication = Publication(
        database_url=url_of(store),
        articles=(ArticleInfo("fixed-slug", "Fixed", "/fixed-slug.html"), ArticleInfo("new")),
        former_slugs=(("typo-slug", "fixed-slug"), ("never-liked", "new")),
        closed=("draft",),
    )

    published = publish(publication)

    assert published.problem is None
    assert published.counts == {"fixed-slug": 1, "new": 0}
    assert published.renamed == (Renamed("typo-slug", "fixed-slug", "merged", likes=1, moved=1),)
    assert published.refused == ()
    assert store.counts(["typo-slug", "draft"]) == {"typo-slug": 1, "draft": 1}
    with pytest.raises(ArticleClosed):
        store.like("draft", "c" * 64)


def test_a_refused_merge_comes_back_as_its_reason(store):
    store.register([ArticleInfo("old"), ArticleInfo("new"), ArticleInfo("third")])
    store.like("old", "a" * 64)
    store.rename("old", "new")
    publication = Publication(url_of(store), (ArticleInfo("third"),), (("old", "third"),))

    published = publish(publication)

    assert published.problem is None
    assert published.renamed == ()
    assert published.refused == ("'old' is already a former slug of 'new'",)


def test_an_unusable_database_comes_back_as_the_problem_with_its_url_redacted():
    unreachable = "postgresql://postgres:secret@127.0.0.1:1/none"

    published = publish(Publication(unreachable, (ArticleInfo("post"),)))

    assert published.counts == {}
    assert published.database == "postgresql://postgres:***@127.0.0.1:1/none"
    assert "Connection refused" in published.problem
    assert "secret" not in repr(published)


def test_a_storage_process_answers_through_its_pipes(store):
    store.register([ArticleInfo("post")])
    store.like("post", "a" * 64)
    publication = Publication(url_of(store), (ArticleInfo("post"), ArticleInfo("other")))

    sent = pickle.dumps(url_of(store)) + pickle.dumps(publication)

    done = subprocess.run([sys.executable, "-c", SERVE], input=sent, capture_output=True)

    assert done.returncode == 0, done.stderr
    answer = pickle.loads(done.stdout)
    assert isinstance(answer, Published)
    assert answer.counts == {"post": 1, "other": 0}


@pytest.mark.parametrize("sent", ["nothing", "the database only"])
def test_a_storage_process_never_asked_exits_quietly(sqlite_url, sent):
    given = b"" if sent == "nothing" else pickle.dumps(sqlite_url)

    done = subprocess.run([sys.executable, "-c", SERVE], input=given, capture_output=True)

    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")


def test_a_store_that_cannot_be_opened_early_leaves_the_reason_to_publish():
    unreachable = "postgresql://postgres@127.0.0.1:1/none"

    assert opened_store(unreachable) is None
    assert "Connection refused" in publish(Publication(unreachable, (ArticleInfo("p"),))).problem


def test_publish_uses_the_store_opened_for_it(store):
    store.register([ArticleInfo("post")])
    opened = opened_store(url_of(store))

    published = publish(Publication(url_of(store), (ArticleInfo("post"),)), opened)

    assert published.counts == {"post": 0}
