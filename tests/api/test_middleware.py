"""Rules every request and answer follow: request bodies, security and caching headers."""

import pytest

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
    "x-frame-options": "DENY",
}
TOKEN = {"Likes-Voter": "t" * 22}


@pytest.mark.parametrize(
    ("method", "path", "query"),
    [
        ("GET", "/api/likes", "slug=first"),
        ("GET", "/api/likes", ""),  # 400
        ("PUT", "/api/articles/never-published/like", ""),  # 404
        ("GET", "/nowhere", ""),
        ("OPTIONS", "/api/articles/first/like", ""),
        ("GET", "/api/openapi.json", ""),
    ],
)
def test_security_headers_and_vary_origin_on_every_answer(client, method, path, query):
    result = client.simulate_request(method, path, query_string=query, headers=TOKEN)

    for name, value in SECURITY_HEADERS.items():
        assert result.headers[name] == value
    assert "Origin" in result.headers["vary"]


def test_errors_are_never_cached(client):
    result = client.simulate_get("/api/likes", query_string="slug=%FF")

    assert result.headers["cache-control"] == "no-store"


def test_writes_are_never_cached(client):
    result = client.simulate_put("/api/articles/first/like", headers=TOKEN)

    assert "no-store" in result.headers["cache-control"]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_415(client, content_type):
    headers = TOKEN | ({"Content-Type": content_type} if content_type else {})

    result = client.simulate_put("/api/articles/first/like", headers=headers, body="liked=1")

    assert result.status_code == 415
    assert client.simulate_get("/api/likes", params={"slug": "first"}).json["likes"]["first"] == 0


@pytest.mark.parametrize("content_type", ["application/json", "application/merge-patch+json"])
def test_a_small_json_body_is_ignored(client, content_type):
    headers = TOKEN | {"Content-Type": content_type}

    result = client.simulate_put("/api/articles/first/like", headers=headers, body='{"x": 1}')

    assert result.status_code == 200
    assert result.json["liked"] is True


def test_an_empty_body_needs_no_content_type(client):
    result = client.simulate_put(
        "/api/articles/first/like", headers=TOKEN | {"Content-Type": "text/plain"}, body=""
    )

    assert result.status_code == 200


@pytest.mark.parametrize("method", ["PUT", "DELETE", "GET"])
def test_a_body_over_the_limit_is_413_whatever_its_type(client, method):
    headers = TOKEN | {"Content-Type": "application/json"}
    body = '{"pad": "' + "x" * 1100 + '"}'

    result = client.simulate_request(method, "/api/articles/first/like", headers=headers, body=body)

    assert result.status_code == 413
    assert "1024" in result.json["detail"]


def test_a_body_of_exactly_the_limit_is_accepted(client):
    headers = TOKEN | {"Content-Type": "application/json"}
    body = '"' + "x" * 1022 + '"'

    result = client.simulate_put("/api/articles/first/like", headers=headers, body=body)

    assert result.status_code == 200


def test_a_huge_declared_length_is_413_without_reading(client):
    headers = TOKEN | {"Content-Length": str(10**12), "Content-Type": "application/json"}

    result = client.simulate_put("/api/articles/first/like", headers=headers)

    assert result.status_code == 413


@pytest.mark.parametrize("method", ["PUT", "DELETE", "GET"])
def test_a_body_shorter_than_its_declared_length_is_400(client, method):
    headers = TOKEN | {"Content-Type": "application/json", "Content-Length": "100"}

    result = client.simulate_request(method, "/api/articles/first/like", headers=headers, body="{}")

    assert result.status_code == 400
    assert "ended after 2 of the 100 bytes" in result.json["detail"]
    assert client.simulate_get("/api/likes", params={"slug": "first"}).json["likes"]["first"] == 0
