"""The published OpenAPI document: well-formed 3.1, complete, and as strict as the code."""

import json
import re

import falcon.inspect
import jsonschema_rs
import pytest
import schemathesis
from schemathesis.specs.openapi.definitions import OPENAPI_31

from pelican_likes.api.app import create_app
from pelican_likes.api.config import Config
from pelican_likes.api.openapi import DOCUMENT
from pelican_likes.api.voters import TOKEN_PATTERN, is_valid_token

# HTTP defines these for every resource; the document lists what the API itself serves.
IMPLIED = {"HEAD", "OPTIONS"}


def test_is_a_valid_openapi_3_1_document():
    validator = jsonschema_rs.validator_for(OPENAPI_31)

    assert [error.message for error in validator.iter_errors(DOCUMENT)] == []
    assert DOCUMENT["openapi"].startswith("3.1")


def test_every_schema_compiles_as_json_schema_2020_12():
    for kind in ("schemas", "headers", "parameters"):
        for name, item in DOCUMENT["components"][kind].items():
            schema = item.get("schema", item)
            schema = {"$schema": "https://json-schema.org/draft/2020-12/schema"} | schema
            jsonschema_rs.validator_for(schema | {"components": DOCUMENT["components"]})
            assert jsonschema_rs.meta.is_valid(schema), name


def test_every_reference_resolves():
    references = re.findall(r'"\$ref": "#/([^"]+)"', json.dumps(DOCUMENT))

    for reference in references:
        node = DOCUMENT
        for part in reference.split("/"):
            node = node[part]
    assert references


def test_schemathesis_can_load_every_operation():
    operations = schemathesis.openapi.from_dict(DOCUMENT).get_all_operations()

    loaded = {(result.ok().method.upper(), result.ok().path) for result in operations}
    assert loaded == {
        (method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in item
    }


def test_documents_exactly_the_routes_and_methods_the_app_serves():
    app = create_app(Config("sqlite://", b"k" * 32))
    served = {
        (method.method, route.path)
        for route in falcon.inspect.inspect_routes(app)
        for method in route.methods
        if not method.internal and method.method not in IMPLIED
    }

    documented = {
        (method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in item
    }
    assert served == documented


def test_every_error_is_documented_as_problem_details():
    responses = DOCUMENT["components"]["responses"]
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            assert {"413", "415"} <= set(operation["responses"]), (method, path)
            for code, reference in operation["responses"].items():
                response = responses[reference["$ref"].rpartition("/")[2]]
                if int(code) >= 400:
                    problem = response["content"]["application/problem+json"]["schema"]
                    assert problem == {"$ref": "#/components/schemas/Problem"}, (method, path)
                if code in ("429", "503"):
                    assert "Retry-After" in response["headers"], (method, path, code)


def test_the_app_serves_this_document(client):
    result = client.simulate_get("/api/openapi.json")

    assert result.status_code == 200
    assert result.json == DOCUMENT


@pytest.mark.parametrize(
    "token", ["a" * 21, "a" * 22, "a" * 128, "a" * 129, "a" * 21 + "=", "a" * 21 + "é", "-" * 30]
)
def test_token_pattern_agrees_with_the_check(token):
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": TOKEN_PATTERN})

    assert validator.is_valid(token) == is_valid_token(token)


def test_the_contract_check_catches_an_answer_off_the_document(contract):
    json_type = {"content-type": "application/json"}

    with pytest.raises(jsonschema_rs.ValidationError):
        contract("GET", "/api/health", 200, json_type, b'{"status": "fine"}')
    problem = b'{"type": "about:blank", "title": "T", "status": 429, "detail": "Slow down."}'
    with pytest.raises(AssertionError, match="undocumented 429"):
        contract("GET", "/api/likes", 429, {"content-type": "application/problem+json"}, problem)
    with pytest.raises(AssertionError):
        contract("GET", "/api/likes", 400, json_type, b'{"detail": "no problem type"}')
