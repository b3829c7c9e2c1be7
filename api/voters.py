"""Readers as the API knows them: a random token from the browser, kept only as a keyed hash.

The token never reaches storage or logs; the database holds HMAC-SHA256(secret, token), which
cannot be traced back to a browser without both the token and the secret.
"""

import hashlib
import hmac
import re

import falcon

VOTER_HEADER = "Likes-Voter"
TOKEN_MIN_LENGTH = 22
TOKEN_MAX_LENGTH = 128
_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_MIN_LENGTH},{TOKEN_MAX_LENGTH}}}")
# The same rule for the OpenAPI document, anchored as JSON Schema patterns need.
TOKEN_PATTERN = f"^{_TOKEN.pattern}$"

_TOKEN_RULE = (
    f"a random token of {TOKEN_MIN_LENGTH} to {TOKEN_MAX_LENGTH} characters from "
    "A-Z, a-z, 0-9, '-' and '_' that the browser keeps"
)


def is_valid_token(token: str) -> bool:
    """Whether ``token`` looks like one a browser made; checked before it is hashed or stored."""
    return _TOKEN.fullmatch(token) is not None


class Voters:
    """Turns the ``Likes-Voter`` header of a request into the voter the store keeps."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def voter(self, token: str) -> str:
        """The stored form of ``token``: stable for a reader, meaningless without the secret."""
        return hmac.new(self._secret, token.encode("ascii"), hashlib.sha256).hexdigest()

    def required(self, req: falcon.Request) -> str:
        """The voter behind a write; a missing or malformed token is the client's error."""
        voter = self.optional(req)
        if voter is None:
            raise falcon.HTTPBadRequest(
                description=f"The {VOTER_HEADER} header is required: {_TOKEN_RULE}."
            )
        return voter

    def optional(self, req: falcon.Request) -> str | None:
        """The voter behind a read, or None for a reader who has not voted yet (no token)."""
        token = req.get_header(VOTER_HEADER)
        if not token:
            return None
        if not is_valid_token(token):
            # Duplicated headers arrive joined by commas, which no token contains: refused here.
            raise falcon.HTTPBadRequest(
                description=f"The {VOTER_HEADER} header must be {_TOKEN_RULE}."
            )
        return self.voter(token)
