"""Failures as clients see them: problem details, and 503 while the database is away."""

import logging
import secrets
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, make_url, text

from pelican_likes.api import errors
from pelican_likes.storage import migrate
from pelican_likes.storage.database import parse_url
from pelican_likes.storage.store import ArticleInfo, LikeStore

Steps = tuple[str, Callable[[], None], Callable[[], None]]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_to_come(request: pytest.FixtureRequest, tmp_path) -> Iterator[Steps]:
    """A database URL that cannot be reached yet, a step that creates an empty database there,
    and one that migrates it: an SQLite file in a folder still to be made, or a PostgreSQL
    database still to be created."""
    if request.param == "sqlite":
        folder = tmp_path / "not-yet"
        url = f"sqlite:///{folder / 'likes.sqlite3'}"
        yield url, folder.mkdir, lambda: migrate.upgrade(url)
        return
    existing = request.getfixturevalue("make_postgres_database")()
    admin = create_engine(parse_url(existing), isolation_level="AUTOCOMMIT")
    name = f"{make_url(existing).database}_later"
    url = make_url(existing).set(database=name).render_as_string(hide_password=False)

    def create() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))

    yield url, create, lambda: migrate.upgrade(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


REQUESTS = [
    ("GET", "/api/health", None),
    ("GET", "/api/likes", "slug=first"),
    ("GET", "/api/articles/first/like", None),
    ("PUT", "/api/articles/first/like", None),
    ("DELETE", "/api/articles/first/like", None),
]


def test_unreachable_database_is_503_until_it_is_back(database_to_come, client_for, caplog):
    url, create, upgrade = database_to_come
    store = LikeStore.from_url(url)
    client = client_for(store)
    token = {"Likes-Voter": secrets.token_urlsafe(16)}

    def send_all():
        return [
            client.simulate_request(m, p, query_string=q, headers=token) for m, p, q in REQUESTS
        ]

    with caplog.at_level(logging.WARNING):
        absent = send_all()
        create()
        without_tables = send_all()
    upgrade()
    store.register([ArticleInfo("first")])
    back = send_all()

    for result in absent + without_tables:
        assert result.status_code == 503
        assert result.headers["retry-after"] == "5"
        assert "Traceback" not in result.text and url not in result.text
    for result in absent:
        assert "try again" in result.json["detail"]
    for result in without_tables:  # waiting will not make the tables: what to run, instead
        assert "run `pelican-likes db upgrade`" in result.json["detail"]
        assert "try again" not in result.json["detail"]
    assert "pelican-likes db upgrade" in caplog.text  # the operator is told what to do
    assert token["Likes-Voter"] not in caplog.text
    assert [result.status_code for result in back] == [200] * len(REQUESTS)
    assert back[3].json == {"slug": "first", "likes": 1, "liked": True}
    store.dispose()


def test_a_database_that_fails_when_connecting_is_503_never_500(client_for, tmp_path):
    path = tmp_path / "likes.sqlite3"
    client = client_for(LikeStore.from_url(f"sqlite:///{path}"))
    path.write_text("replaced by something that is not a database\n")
    token = {"Likes-Voter": secrets.token_urlsafe(16)}

    results = [client.simulate_request(m, p, query_string=q, headers=token) for m, p, q in REQUESTS]

    assert [result.status_code for result in results] == [503] * len(REQUESTS)


def test_a_schema_older_than_the_code_is_503_saying_to_upgrade(
    client_for, own_database_url, caplog
):
    engine = create_engine(parse_url(own_database_url))
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE articles DROP COLUMN base_likes"))
    engine.dispose()
    client = client_for(LikeStore.from_url(own_database_url))

    with caplog.at_level(logging.WARNING):
        result = client.simulate_get("/api/likes", query_string="slug=first")

    assert result.status_code == 503
    assert "run `pelican-likes db upgrade`" in result.json["detail"]
    assert "run `pelican-likes db upgrade`" in caplog.text


def test_errors_are_json_whatever_the_client_accepts(client):
    result = client.simulate_get("/api/likes", headers={"Accept": "application/xml"})

    assert result.status_code == 400
    assert result.headers["content-type"] == "application/problem+json"
    assert result.json["status"] == 400
    assert result.json["title"] == "Bad Request"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/likes/", 404),  # no trailing-slash twins: one URL per resource
        ("GET", "/api/articles/first/like/", 404),
        ("GET", "/api/articles/first", 404),
        ("GET", "/api/articles//like", 400),  # an empty slug
        ("GET", "/api/articles/a%2Fb/like", 404),
        ("GET", "/", 404),
        ("POST", "/api/articles/first/like", 405),
        ("PATCH", "/api/articles/first/like", 405),
        ("PUT", "/api/likes", 405),
        ("DELETE", "/api/health", 405),
        ("TRACE", "/api/health", 405),
    ],
)
def test_unknown_routes_and_methods(client, method, path, status):
    result = client.simulate_request(method, path)

    assert result.status_code == status
    assert result.json["detail"]
    if status == 405:
        assert "GET" in result.headers["allow"]


def test_very_long_url_is_a_client_error(client):
    long_slug = client.simulate_get("/api/articles/" + "a" * 100_000 + "/like")
    long_query = client.simulate_get("/api/likes", query_string="slug=a&" * 50_000)

    assert long_slug.status_code == long_query.status_code == 400


def test_a_like_of_an_unregistered_article_tells_the_operator_to_build_against_this_database(
    client, caplog, monkeypatch
):
    monkeypatch.setattr(errors, "_unregistered_likes", errors.Throttle(60, clock=lambda: 0.0))
    caplog.set_level(logging.WARNING, logger="pelican_likes.api.errors")
    headers = {"Likes-Voter": "a-reader-token-that-is-long-enough-0123"}

    first = client.simulate_put("/api/articles/not-built-here/like", headers=headers)
    again = client.simulate_put("/api/articles/not-built-either/like", headers=headers)

    said = [r.getMessage() for r in caplog.records if r.name == "pelican_likes.api.errors"]
    assert (first.status_code, again.status_code) == (404, 404)
    assert len(said) == 1  # anyone can send these: the hint is said once a minute at most
    assert "'not-built-here'" in said[0]
    assert "same DATABASE_URL (or LIKES_DATABASE_URL) as the API" in said[0]


def test_the_throttle_says_yes_again_once_its_interval_is_over():
    now = [100.0]
    throttle = errors.Throttle(60, clock=lambda: now[0])

    answers = [throttle.ready(), throttle.ready()]
    now[0] = 159.9
    answers.append(throttle.ready())
    now[0] = 160.0
    answers.append(throttle.ready())

    assert answers == [True, False, False, True]
