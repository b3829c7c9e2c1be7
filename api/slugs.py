"""Slugs as the API receives them: the rule and its wording are storage's (slugs.py)."""

import falcon

from pelican_likes.storage.slugs import SLUG_MAX_LENGTH, SLUG_RULE, is_valid_slug

# ``pelican_likes.storage.slugs`` in JSON Schema's regex dialect (ECMA-262, where \w is ASCII
# only): Python's Unicode \w is letters (L), numbers (N) and "_". tests/api/test_openapi.py
# compares the two.
SLUG_PATTERN = rf"^[\p{{L}}\p{{N}}_.~-]{{1,{SLUG_MAX_LENGTH}}}$"


def check_slug(slug: str) -> str:
    """``slug``, if it can name an article; otherwise the client's error, a 400."""
    if not is_valid_slug(slug):
        raise falcon.HTTPBadRequest(description=f"An article slug is {SLUG_RULE}.")
    return slug
