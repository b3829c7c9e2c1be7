"""Clients of the API on a real database, each answer held to the published OpenAPI document."""

import functools
import json
import re
from collections.abc import Callable, Mapping

import falcon.testing
import jsonschema_rs
import pytest

from pelican_likes.api.app import create_app
from pelican_likes.api.config import Config
from pelican_likes.api.openapi import DOCUMENT
from pelican_likes.storage.store import LikeStore
from tests.support import ARTICLES, SECRET

_TEMPLATES = {
    re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]*", template) + "$"): template
    for template in DOCUMENT["paths"]
}


@functools.cache  # compiling the slug pattern's Unicode classes takes tens of milliseconds
def _validator(ref: str) -> jsonschema_rs.Validator:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": ref}
    return jsonschema_rs.validator_for(schema | {"components": DOCUMENT["components"]})


def _resolve(item: dict) -> dict:
    while "$ref" in item:
        kind, name = item["$ref"].split("/")[-2:]
        item = DOCUMENT["components"][kind][name]
    return item


def check_documented(
    method: str, path: str, status: int, headers: Mapping[str, str], body: bytes
) -> None:
    """Fail unless the document promises this answer: its status, content type, headers and
    body schema. Errors must be problem details even where no operation is documented; HEAD is
    held to its GET, without the body."""
    if status >= 400:
        assert headers.get("content-type") == "application/problem+json", (method, path, status)
        if method != "HEAD":
            _validator("#/components/schemas/Problem").validate(json.loads(body))
    template = next((t for pattern, t in _TEMPLATES.items() if pattern.match(path)), None)
    documented = "get" if method == "HEAD" else method.lower()
    operation = DOCUMENT["paths"].get(template, {}).get(documented)
    if operation is None:
        site_file = not path.startswith("/api/") and status < 400  # the blog's, not the API's
        assert site_file or method == "OPTIONS" or status in (404, 405), (method, path, status)
        return
    assert str(status) in operation["responses"], f"{method} {path}: undocumented {status}"
    response = _resolve(operation["responses"][str(status)])
    for name in response.get("headers", {}):
        assert name.lower() in headers, f"{method} {path} {status}: no {name} header"
    if "Retry-After" in response.get("headers", {}):
        assert int(headers["retry-after"]) >= 1
    if method == "HEAD" or "content" not in response:
        assert body == b"", f"{method} {path} {status} has a body"
        return
    ((media_type, content),) = response["content"].items()
    assert headers.get("content-type") == media_type, (method, path, status)
    body_schema = content["schema"].get("$ref")
    if body_schema:
        _validator(body_schema).validate(json.loads(body))


class ContractClient(falcon.testing.TestClient):
    """A TestClient that checks each answer against the OpenAPI document as it arrives."""

    def simulate_request(self, method: str = "GET", path: str = "/", **kwargs):
        result = super().simulate_request(method, path, **kwargs)
        check_documented(method, path, result.status_code, result.headers, result.content)
        return result


@pytest.fixture
def secret() -> bytes:
    """The HMAC key of the apps under test."""
    return SECRET.encode()


@pytest.fixture
def client_for(secret: bytes) -> Callable[..., ContractClient]:
    """Clients of an app on a given store; keyword arguments override ``Config`` fields."""

    def make(store: LikeStore, **settings) -> ContractClient:
        url = store.engine.url.render_as_string(hide_password=False)
        return ContractClient(create_app(Config(url, secret, **settings), store))

    return make


@pytest.fixture
def make_client(
    store: LikeStore, client_for: Callable[..., ContractClient]
) -> Callable[..., ContractClient]:
    """Clients of an app on the backend under test, with the demo articles registered."""
    store.register(ARTICLES)
    return lambda **settings: client_for(store, **settings)


@pytest.fixture
def client(make_client: Callable[..., ContractClient]) -> ContractClient:
    """A client of the app with default settings."""
    return make_client()


@pytest.fixture
def contract() -> Callable[[str, str, int, Mapping[str, str], bytes], None]:
    """The check every ContractClient answer goes through, for answers from elsewhere."""
    return check_documented
