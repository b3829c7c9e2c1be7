"""A page origin the API refused is logged once, with what to do: through the app (its CORS
middleware and the form), and the log's bounds against origins sent by the million."""

import logging
import urllib.request

import falcon
import falcon.testing
import pytest

from pelican_likes.api.errors import Throttle
from pelican_likes.api.refused_origins import REMEMBERED_ORIGINS, RefusedOrigins
from tests.support import api_env, wait_for_log

BLOG = "https://blog.example"
LOGGER = "pelican_likes.api.refused_origins"
VOTER = {"Likes-Voter": "a-reader-token-that-is-long-enough-0123"}


class Clock:
    """A throttle's clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def said(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    return lambda: [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_a_widget_on_an_origin_not_allowed_is_logged_once_with_the_setting_to_change(
    make_client, said
):
    client = make_client(allowed_origins=(BLOG,))
    other = {"Origin": "https://www.blog.example", **VOTER}

    answers = [client.simulate_put("/api/articles/first/like", headers=other) for _ in range(3)]
    client.simulate_get("/api/likes", params={"slug": "first"}, headers=other)

    assert [a.status_code for a in answers] == [200, 200, 200]  # the browser is what refuses
    assert "access-control-allow-origin" not in answers[0].headers
    assert said() == [
        "refused origin 'https://www.blog.example': add it to LIKES_ALLOWED_ORIGINS if it is "
        "the blog's, written exactly so (scheme, host and port); said once per origin, at most "
        "once a minute"
    ]


def test_a_form_from_an_origin_not_allowed_is_logged(make_client, said):
    client = make_client()  # LIKES_ALLOWED_ORIGINS unset, as a first try often has it
    headers = {"Origin": BLOG, "Content-Type": "application/x-www-form-urlencoded"}

    answer = client.simulate_post(
        "/api/form-likes/first", params={"return": "/first.html"}, headers=headers
    )

    assert answer.status_code == 403
    assert len(said()) == 1 and said()[0].startswith(f"refused origin {BLOG!r}: add it to")


def test_a_form_refused_from_the_apis_host_under_another_name_is_logged(make_client, said):
    client = make_client(public_origin="http://127.0.0.1:8000")
    headers = {"Origin": "http://localhost:8000", "Host": "localhost:8000"}

    answer = client.simulate_post(
        "/api/form-likes/first", params={"return": "/first.html"}, headers=headers
    )

    assert answer.status_code == 403
    assert len(said()) == 1 and "'http://localhost:8000'" in said()[0]


@pytest.mark.parametrize(
    ("settings", "origin"),
    [
        ({"allowed_origins": (BLOG,)}, BLOG),  # allowed
        ({"allowed_origins": ("*",)}, BLOG),  # any
        ({"public_origin": BLOG}, BLOG),  # the API's own pages
        ({}, "http://falconframework.org"),  # the page is on the host the request was sent to
        ({}, "null"),  # an opaque origin: no entry of LIKES_ALLOWED_ORIGINS could match it
    ],
)
def test_origins_the_api_answers_or_that_need_no_cors_are_not_logged(
    make_client, said, settings, origin
):
    client = make_client(**settings)

    client.simulate_put("/api/articles/first/like", headers={"Origin": origin, **VOTER})
    client.simulate_get("/api/likes", params={"slug": "first"})  # no Origin at all

    assert said() == []


def test_control_characters_are_escaped_and_long_origins_cut(make_client, said):
    client = make_client(allowed_origins=(BLOG,))
    forged = "https://evil.example\r\nrefused origin 'x'\x1b[2J" + "a" * 500

    client.simulate_get("/api/likes", params={"slug": "first"}, headers={"Origin": forged})

    [line] = said()
    assert "\r" not in line and "\n" not in line and "\x1b" not in line
    assert "\\r\\n" in line and "\\x1b" in line
    assert "a" * 150 in line and "a" * 200 not in line and '"...: add it' in line


def test_at_most_one_line_per_interval_and_an_origin_throttled_is_said_later(said):
    clock = Clock()
    middleware = RefusedOrigins((BLOG,), None, Throttle(60, clock=clock))

    send(middleware, "https://one.example")
    send(middleware, "https://two.example")  # within the minute: not said, not remembered
    clock.now = 60
    send(middleware, "https://two.example")
    send(middleware, "https://one.example")  # said already

    assert [line.split(":", 2)[:2] for line in said()] == [
        ["refused origin 'https", "//one.example'"],
        ["refused origin 'https", "//two.example'"],
    ]


def test_the_origins_remembered_are_bounded_the_oldest_forgotten(said):
    clock = Clock()
    middleware = RefusedOrigins((BLOG,), None, Throttle(1, clock=clock))

    for n in range(REMEMBERED_ORIGINS + 1):
        clock.now += 1
        send(middleware, f"https://{n}.example")
    clock.now += 1
    send(middleware, "https://0.example")  # forgotten, so said again
    clock.now += 1
    send(middleware, f"https://{REMEMBERED_ORIGINS}.example")  # still remembered

    assert len(middleware._logged) == REMEMBERED_ORIGINS
    assert len(said()) == REMEMBERED_ORIGINS + 2
    assert said()[-1].startswith("refused origin 'https://0.example'")


def send(middleware: RefusedOrigins, origin: str) -> None:
    """What the middleware sees of a request from ``origin`` that CORS refused."""
    req = falcon.testing.create_req(path="/api/likes", headers={"Origin": origin})
    middleware.process_response(req, falcon.Response(), None, True)


def test_under_gunicorn_the_operator_reads_it_once_in_the_error_log(start_gunicorn, sqlite_url):
    server = start_gunicorn(api_env(sqlite_url, LIKES_ALLOWED_ORIGINS=BLOG), workers=1)
    assert server.log is not None
    since = server.log.stat().st_size
    request = urllib.request.Request(
        f"{server.url}/api/likes?slug=first", headers={"Origin": "https://www.blog.example"}
    )

    for _ in range(3):
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert "Access-Control-Allow-Origin" not in answer.headers

    access = '"GET /api/likes?slug=first HTTP/1.1"'
    text = wait_for_log(server.log, access, access, access, since=since)
    lines = [line for line in text.splitlines() if "refused origin" in line]
    assert len(lines) == 1
    assert "[WARNING] refused origin 'https://www.blog.example': add it to" in lines[0]
