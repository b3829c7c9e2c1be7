"""Reader tokens: what is accepted, and the keyed hash that is all the store ever sees."""

import hashlib
import hmac

import pytest

from pelican_likes.api.voters import TOKEN_MAX_LENGTH, TOKEN_MIN_LENGTH, Voters, is_valid_token


@pytest.mark.parametrize(
    "token", ["a" * TOKEN_MIN_LENGTH, "Z9-_" * 32, "x" * TOKEN_MAX_LENGTH, "AAECAwQFBgcICQoLDA0ODw"]
)
def test_browser_tokens_are_valid(token):
    assert is_valid_token(token)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "a" * (TOKEN_MIN_LENGTH - 1),
        "a" * (TOKEN_MAX_LENGTH + 1),
        "a" * 22 + "\n",
        "a" * 22 + "=",
        "a" * 11 + "," + "a" * 11,  # two tokens joined, as duplicated headers arrive
        "a" * 21 + "ä",
        "a" * 21 + "٣",  # a digit, but not an ASCII one
    ],
)
def test_anything_else_is_not(token):
    assert not is_valid_token(token)


def test_the_voter_is_an_hmac_of_the_token():
    token = "AAECAwQFBgcICQoLDA0ODw"

    voter = Voters(b"k" * 32).voter(token)

    assert voter == hmac.new(b"k" * 32, token.encode(), hashlib.sha256).hexdigest()
    assert len(voter) == 64
    assert token not in voter


def test_another_secret_gives_unrelated_voters():
    token = "AAECAwQFBgcICQoLDA0ODw"

    assert Voters(b"k" * 32).voter(token) != Voters(b"j" * 32).voter(token)
