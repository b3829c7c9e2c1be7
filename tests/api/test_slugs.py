"""The slug rule as the OpenAPI document states it is the rule the API enforces."""

import sys
import unicodedata

import falcon
import jsonschema_rs
import pytest

from pelican_likes.api.slugs import SLUG_PATTERN, check_slug
from pelican_likes.storage.slugs import SLUG_MAX_LENGTH, is_valid_slug


def test_document_pattern_matches_the_rule_for_every_character():
    """JSON Schema regexes are ECMA-262, whose \\w is ASCII: the document spells the rule with
    Unicode classes instead; every assigned code point must be judged alike."""
    pattern = jsonschema_rs.validator_for({"type": "string", "pattern": SLUG_PATTERN})
    characters = (
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) not in ("Cn", "Cs")  # unassigned, surrogates
    )

    disagreements = [c for c in characters if pattern.is_valid(c) != is_valid_slug(c)]

    assert disagreements == []


@pytest.mark.parametrize(
    "slug", ["", "a" * SLUG_MAX_LENGTH, "a" * (SLUG_MAX_LENGTH + 1), "a b", "été.v2~draft_1"]
)
def test_document_pattern_matches_the_rule_for_lengths(slug):
    pattern = jsonschema_rs.validator_for({"type": "string", "pattern": SLUG_PATTERN})

    assert pattern.is_valid(slug) == is_valid_slug(slug)


def test_a_bad_slug_is_the_clients_error():
    assert check_slug("first") == "first"
    with pytest.raises(falcon.HTTPBadRequest):
        check_slug("no/slashes")
