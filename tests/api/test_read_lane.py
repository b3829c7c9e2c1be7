"""The read lane answers page views' count reads exactly as Falcon would, and leaves it the rest."""

from collections.abc import Callable

import falcon
import falcon.testing
import pytest

from pelican_likes.api.app import create_app
from pelican_likes.api.config import Config
from pelican_likes.api.count_cache import CountCache
from pelican_likes.api.like_counts import LikeCounts
from pelican_likes.api.read_lane import ReadLane
from pelican_likes.storage.store import LikeStore
from tests.support import ARTICLES, SECRET

BLOG = "https://blog.example.com"
HUNDRED = "&".join(f"slug=other-{n}" for n in range(99)) + "&slug=first"

# Query strings the lane answers, each with and without an Origin.
PLAIN_READS = [
    "slug=first",
    "slug=first&slug=second&slug=never-published",
    "slug=second&slug=first&slug=first",
    "slug=%C3%A9t%C3%A9-2024&slug=first",
    "slug=first&utm_source=feed",
    HUNDRED,
]

Answer = tuple[str, list[tuple[str, str]], bytes]


def answer(app: Callable[..., object], environ: dict[str, object]) -> Answer:
    """Status, headers (sorted, names in lower case) and body of one WSGI call."""
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None):
        started.append((status, headers))

    body = b"".join(app(environ, start_response))  # type: ignore[operator]
    status, headers = started[0]
    return status, sorted((name.lower(), value) for name, value in headers), body


def environ(query: str, origin: str | None = None, **extra: object) -> dict[str, object]:
    headers = {"Origin": origin} if origin else {}
    made = falcon.testing.create_environ("/api/likes", query_string=query, headers=headers)
    return made | extra


@pytest.fixture
def liked(store: LikeStore) -> LikeStore:
    store.register(ARTICLES)
    store.like("first", "reader-one-0123456789")
    store.like("été-2024", "reader-two-0123456789")
    return store


# Allowed origins, the request's Origin, LIKES_CACHE_MAX_AGE.
SETTINGS = [
    (("*",), None, 5),
    (("*",), BLOG, 0),
    ((BLOG,), BLOG, 5),
    ((BLOG,), "https://elsewhere.example", 0),
    ((), BLOG, 5),
]


@pytest.mark.parametrize(("origins", "origin", "cache_max_age"), SETTINGS)
@pytest.mark.parametrize("query", PLAIN_READS)
def test_plain_reads_are_answered_as_falcon_answers_them(
    liked, origins, origin, cache_max_age, query
):
    config = Config(
        liked.engine.url.render_as_string(hide_password=False),
        SECRET.encode(),
        allowed_origins=origins,
        cache_max_age=cache_max_age,
    )
    app = create_app(config, liked)

    through_lane = answer(app, environ(query, origin))
    through_falcon = answer(lambda *call: falcon.App.__call__(app, *call), environ(query, origin))

    assert through_lane == through_falcon
    assert through_lane[0] == "200 OK"


def lane(store: LikeStore) -> ReadLane:
    return ReadLane(LikeCounts(store.counts, 5, CountCache(ttl=0)), [BLOG])


@pytest.mark.parametrize("query", PLAIN_READS)
def test_the_lane_takes_plain_reads(liked, query):
    assert lane(liked).answer(environ(query, BLOG)) is not None


@pytest.mark.parametrize(
    ("query", "extra"),
    [
        ("", {}),
        ("slug=", {}),
        ("slug=first&slug=", {}),
        ("slug=first,second", {}),
        ("slug=%FF", {}),
        ("slugs=first", {}),
        (HUNDRED + "&slug=second", {}),
        ("slug=first", {"REQUEST_METHOD": "HEAD"}),
        ("slug=first", {"REQUEST_METHOD": "OPTIONS"}),
        ("slug=first", {"PATH_INFO": "/api/likes/"}),
        ("slug=first", {"HTTP_IF_NONE_MATCH": '"abc"'}),
        ("slug=first", {"CONTENT_LENGTH": "2"}),
        ("slug=first", {"HTTP_TRANSFER_ENCODING": "chunked"}),
    ],
)
def test_the_lane_leaves_the_rest_to_falcon(liked, query, extra):
    assert lane(liked).answer(environ(query, BLOG, **extra)) is None


def test_a_database_failure_is_left_to_falcon(tmp_path):
    """Falcon then reads again and answers its 503, logged as any other."""
    missing = LikeStore.from_url(f"sqlite:///{tmp_path / 'no-such-folder' / 'likes.sqlite3'}")

    assert lane(missing).answer(environ("slug=first")) is None
