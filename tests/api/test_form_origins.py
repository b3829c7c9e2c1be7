"""Whose pages may send the widget's form: the API's own origin is its setting,
LIKES_PUBLIC_ORIGIN, never the ``Host`` a request brings. A page whose host name was made to
resolve to the API's address (DNS rebinding) sends a ``Host`` and an ``Origin`` that agree; it must
count nothing, through the test client and under gunicorn (behind nginx:
tests/deploy/test_nginx.py)."""

import http.client

import pytest

from pelican_likes.api.form_likes import VOTER_COOKIE
from pelican_likes.storage.store import LikeStore
from tests.support import ARTICLES, api_env, sqlite_database

PUBLIC = "https://blog.example.com"
REBOUND = "evil.example"  # a name its owner points at the API's address


def send_form(client, host: str, origin: str, back: str = "/first.html"):
    headers = {
        "Host": host,
        "Origin": origin,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return client.simulate_post("/api/form-likes/first", params={"return": back}, headers=headers)


def test_pages_of_the_public_origin_may_send_the_form(make_client, store):
    client = make_client(public_origin=PUBLIC)

    result = send_form(client, host="blog.example.com", origin=PUBLIC)

    assert result.status_code == 303
    assert result.headers["location"] == f"{PUBLIC}/first.html#likes-counted-first"
    assert store.counts(["first"]) == {"first": 1}


def test_the_public_origin_holds_whatever_host_a_proxy_passes(make_client, store):
    client = make_client(public_origin=PUBLIC)

    result = send_form(client, host="10.0.0.11:8000", origin=PUBLIC)

    assert result.status_code == 303
    assert store.counts(["first"]) == {"first": 1}


@pytest.mark.parametrize("public_origin", [PUBLIC, None])
def test_a_page_on_a_rebound_host_name_counts_nothing(make_client, store, public_origin):
    client = make_client(public_origin=public_origin)

    result = send_form(client, host=REBOUND, origin=f"http://{REBOUND}")

    assert result.status_code == 403
    assert "LIKES_PUBLIC_ORIGIN" in result.json["detail"]
    assert VOTER_COOKIE not in result.cookies
    assert store.counts(["first"]) == {"first": 0}


def test_the_reader_is_never_sent_back_to_the_host_a_request_names(make_client, store):
    client = make_client(allowed_origins=(PUBLIC,))

    result = send_form(client, host=REBOUND, origin=PUBLIC, back=f"http://{REBOUND}/first.html")

    assert result.status_code == 400
    assert "location" not in result.headers
    assert store.counts(["first"]) == {"first": 0}


def post_form(port: int, host: str, origin: str) -> int:
    """A form like sent to gunicorn on this machine, naming ``host`` as the browser would."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {
        "Host": host,
        "Origin": origin,
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": "0",
    }
    try:
        connection.request("POST", "/api/form-likes/first?return=/first.html", headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_under_gunicorn_only_the_public_origin_is_the_apis_own(tmp_path, start_gunicorn):
    """A browser tricked by DNS rebinding sends the API's address under the attacker's name, with
    that name in Host and Origin alike; the server's public origin (its own address here, as
    ``make run`` sets it) is the only own origin."""
    url = sqlite_database(tmp_path)
    with LikeStore.from_url(url) as store:
        store.register(ARTICLES)
        server = start_gunicorn(api_env(url))
        rebound = f"{REBOUND}:{server.port}"

        statuses = (
            post_form(server.port, host=rebound, origin=f"http://{rebound}"),
            post_form(server.port, host=f"127.0.0.1:{server.port}", origin=server.url),
        )

        assert statuses == (403, 303)
        assert store.counts(["first"]) == {"first": 1}
