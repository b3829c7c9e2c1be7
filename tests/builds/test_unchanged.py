"""A build that changes nothing, answered by the driver alone: the same answer as the whole
exchange whenever it answers, and no answer (so the whole exchange runs) whenever the exchange
would change something. On SQLite and PostgreSQL (``store`` runs once per backend)."""

import sqlite3

import pytest

from pelican_likes.builds.publication import Publication, publish
from pelican_likes.builds.unchanged import registered_titles, unchanged_publication
from pelican_likes.storage.records import TITLE_LENGTH, ArticleInfo, Renamed
from pelican_likes.storage.store import LikeStore

PROD = "https://blog.example"


def url_of(store: LikeStore) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def article(slug: str, title: str = "", url: str = "") -> ArticleInfo:
    return ArticleInfo(slug, title or slug.replace("-", " ").title(), url or f"/{slug}.html")


@pytest.fixture
def blog(store):
    """A blog as a build left it: two articles, one renamed (its former slug liked), one draft
    closed to likes, and likes on both articles."""
    store.register([article("old-name"), article("draft")])
    store.like("old-name", "a" * 64)
    publication = Publication(
        url_of(store),
        (article("new-name", url=f"{PROD}/new-name.html"), article("second")),
        former_slugs=(("old-name", "new-name"), ("never-registered", "second")),
        closed=("draft", "unknown-draft"),
    )
    publish(publication)
    store.like("second", "b" * 64)
    store.like("second", "c" * 64)
    return publication


def test_a_rebuild_is_answered_as_the_whole_exchange_answers_it(store, blog):
    answered = unchanged_publication(blog)

    assert answered == publish(blog)
    assert answered.counts == {"new-name": 1, "second": 2}
    assert answered.renamed == (Renamed("old-name", "new-name", "unchanged", likes=1),)


def test_a_rebuild_writes_nothing(store, blog):
    before = store.articles()

    unchanged_publication(blog)

    assert store.articles() == before


def test_a_local_build_of_a_blog_registered_with_absolute_urls_is_unchanged(store, blog):
    local = Publication(blog.database_url, (article("new-name"), article("second")))

    assert unchanged_publication(local) == publish(local)


@pytest.mark.parametrize(
    "change",
    [
        {"articles": (article("new-name", url=f"{PROD}/new-name.html"), article("third"))},
        {"articles": (article("new-name", "Retitled", f"{PROD}/new-name.html"),)},
        {"articles": (article("new-name", url=f"{PROD}/posts/new-name/"),)},
        {"articles": (article("new-name", url="https://other.example/new-name.html"),)},
        {"articles": (article("draft"),)},  # reopened
        {"closed": ("second",)},
        {"former_slugs": (("second", "new-name"),)},  # a merge
        {"former_slugs": (("old-name", "second"),)},  # refused: a former slug of new-name
        {"articles": (article("Not A Slug"),)},
    ],
    ids=[
        "new article",
        "new title",
        "new path",
        "new host",
        "closed article shown again",
        "article to close",
        "merge",
        "refused merge",
        "invalid slug",
    ],
)
def test_a_build_that_changes_something_is_left_to_the_whole_exchange(store, blog, change):
    kept = {"articles": blog.articles[:1], "former_slugs": (), "closed": ()}
    publication = Publication(blog.database_url, **{**kept, **change})

    assert unchanged_publication(publication) is None


def test_counts_of_articles_another_build_registers_are_read_as_the_exchange_reads_them(
    store, blog
):
    """A language's site shows articles whose records another site's build writes."""
    counted = Publication(blog.database_url, (article("second"),), counted=("new-name",))
    unknown = Publication(blog.database_url, (article("second"),), counted=("not-yet",))
    former = Publication(blog.database_url, (article("second"),), counted=("old-name",))

    assert unchanged_publication(counted) == publish(counted)
    assert publish(counted).counts == {"second": 2, "new-name": 1}
    assert unchanged_publication(unknown) is None  # left to the store, which leaves it out
    assert publish(unknown).counts == {"second": 2}
    assert unchanged_publication(former) is None  # the store answers with its article's count
    assert publish(former).counts == {"second": 2, "old-name": 1}


def test_an_overlong_title_is_compared_as_it_is_stored(store):
    long = article("long-title", "x" * (TITLE_LENGTH + 50))
    publication = Publication(url_of(store), (long,))
    publish(publication)

    assert unchanged_publication(publication) == publish(publication)


def test_registered_titles_are_those_of_the_articles_open_to_likes(store, blog):
    assert registered_titles(blog.database_url) == {"new-name": "New Name", "second": "Second"}


def test_the_password_is_not_in_the_answer(postgres_url):
    with_password = postgres_url.replace("postgres@", "postgres:secret@", 1)
    publication = Publication(with_password, ())

    answered = unchanged_publication(publication)

    assert answered is not None and "secret" not in answered.database


def test_a_missing_sqlite_file_is_no_answer_and_stays_missing(tmp_path):
    path = tmp_path / "none.sqlite3"

    assert unchanged_publication(Publication(f"sqlite:///{path}", (article("post"),))) is None
    assert registered_titles(f"sqlite:///{path}") is None
    assert not path.exists()


def test_a_database_without_the_tables_is_no_answer(tmp_path):
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()

    assert unchanged_publication(Publication(f"sqlite:///{path}", ())) is None


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///likes.sqlite3?timeout=5",
        "mysql://root@127.0.0.1/test",
        "postgresql://postgres@127.0.0.1:1/none",  # nothing listens there
    ],
)
def test_databases_not_read_here_are_no_answer(url):
    assert unchanged_publication(Publication(url, ())) is None
    assert registered_titles(url) is None


def test_a_percent_encoded_sqlite_path_is_the_file_it_names(tmp_path):
    from pelican_likes.storage import migrate

    url = f"sqlite:///{tmp_path}/with%20space.sqlite3"
    migrate.upgrade(url)
    publication = Publication(url, (article("post"),))
    publish(publication)

    assert (tmp_path / "with space.sqlite3").is_file()
    assert unchanged_publication(publication).counts == {"post": 0}
