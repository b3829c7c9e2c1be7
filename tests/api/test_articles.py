"""PUT, DELETE and GET /api/articles/{slug}/like, on SQLite and PostgreSQL."""

import hashlib
import hmac
import secrets

import pytest
from sqlalchemy import MetaData, select

from pelican_likes.storage.pseudonyms import pseudonym
from pelican_likes.storage.schema import articles
from pelican_likes.storage.store import LikeStore


def reader() -> dict[str, str]:
    """The header of a new reader, as the widget makes it: 16 random bytes, 22 characters."""
    return {"Likes-Voter": secrets.token_urlsafe(16)}


def test_like_counts_once_and_says_so(client):
    alice = reader()

    first = client.simulate_put("/api/articles/first/like", headers=alice)
    again = client.simulate_put("/api/articles/first/like", headers=alice)

    assert first.status_code == again.status_code == 200
    assert first.json == again.json == {"slug": "first", "likes": 1, "liked": True}


def test_unlike_withdraws_once(client):
    alice, bob = reader(), reader()
    client.simulate_put("/api/articles/first/like", headers=alice)
    client.simulate_put("/api/articles/first/like", headers=bob)

    first = client.simulate_delete("/api/articles/first/like", headers=alice)
    again = client.simulate_delete("/api/articles/first/like", headers=alice)

    assert first.json == again.json == {"slug": "first", "likes": 1, "liked": False}


def test_unlike_without_a_like_changes_nothing(client):
    result = client.simulate_delete("/api/articles/second/like", headers=reader())

    assert result.status_code == 200
    assert result.json == {"slug": "second", "likes": 0, "liked": False}


def test_get_tells_each_reader_whether_they_like_it(client):
    alice, bob = reader(), reader()
    client.simulate_put("/api/articles/été-2024/like", headers=alice)

    mine = client.simulate_get("/api/articles/été-2024/like", headers=alice)
    theirs = client.simulate_get("/api/articles/été-2024/like", headers=bob)
    anonymous = client.simulate_get("/api/articles/été-2024/like")

    assert mine.json == {"slug": "été-2024", "likes": 1, "liked": True}
    assert theirs.json == anonymous.json == {"slug": "été-2024", "likes": 1, "liked": False}


def test_answers_about_one_reader_are_never_shared_by_caches(client):
    result = client.simulate_get("/api/articles/first/like", headers=reader())

    assert "no-store" in result.headers["cache-control"]
    assert "Likes-Voter" in result.headers["vary"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_unknown_article_is_404(client, method):
    result = client.simulate_request(method, "/api/articles/never-published/like", headers=reader())

    assert result.status_code == 404
    assert "never-published" in result.json["detail"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize(
    "slug", ["a" * 201, "with%20space", "semi;colon", "%FF", "%00", "quote%22", "%E2%80%AE"]
)
def test_malformed_slug_is_400(client, method, slug):
    result = client.simulate_request(method, f"/api/articles/{slug}/like", headers=reader())

    assert result.status_code == 400
    assert "slug" in result.json["detail"]


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_write_without_token_is_400(client, method):
    result = client.simulate_request(method, "/api/articles/first/like")

    assert result.status_code == 400
    assert "Likes-Voter" in result.json["detail"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize(
    "token",
    [
        "x" * 21,  # too short
        "x" * 129,  # too long
        "x" * 21 + "=",  # base64 padding is not in the alphabet
        "x" * 21 + "é",
        "x" * 21 + " y",
        "x" * 11 + "\t" + "x" * 11,
    ],
)
def test_malformed_token_is_400(client, method, token):
    result = client.simulate_request(
        method, "/api/articles/first/like", headers={"Likes-Voter": token}
    )

    assert result.status_code == 400
    assert "Likes-Voter" in result.json["detail"]


def test_token_lengths_at_the_limits_are_accepted(client):
    for token in ("a" * 22, "-_" * 64):
        result = client.simulate_put("/api/articles/first/like", headers={"Likes-Voter": token})
        assert result.status_code == 200
    assert result.json["likes"] == 2


def test_duplicated_token_header_is_refused_not_guessed(client):
    headers = [("Likes-Voter", "a" * 22), ("Likes-Voter", "b" * 22)]

    result = client.simulate_put("/api/articles/first/like", headers=headers)

    assert result.status_code == 400
    assert client.simulate_get("/api/likes", params={"slug": "first"}).json["likes"] == {"first": 0}


def test_database_keeps_only_pseudonyms_of_keyed_hashes(client, store: LikeStore, secret: bytes):
    tokens = [secrets.token_urlsafe(16) for _ in range(5)]
    addresses = ["203.0.113.7", "2001:db8::7", "198.51.100.23", "192.0.2.1", "192.0.2.2"]
    for token, address in zip(tokens, addresses, strict=True):
        result = client.simulate_put(
            "/api/articles/first/like",
            headers={"Likes-Voter": token, "X-Forwarded-For": "192.0.2.99"},
            remote_addr=address,
        )
        assert result.status_code == 200

    dump = _dump(store)

    for secret_value in [*tokens, *addresses, "192.0.2.99", "2001:db8:"]:
        assert secret_value not in dump
    voters = [hmac.new(secret, t.encode(), hashlib.sha256).hexdigest() for t in tokens]
    for voter in voters:
        assert voter not in dump
    with store.engine.connect() as conn:
        first_id = conn.scalar(select(articles.c.id).where(articles.c.slug == "first"))
    assert {pseudonym(voter, first_id) for voter in voters} <= set(dump.split())


def _dump(store: LikeStore) -> str:
    """Every value of every row of every table, as one text."""
    metadata = MetaData()
    metadata.reflect(store.engine)
    with store.engine.connect() as conn:
        return "\n".join(
            str(value)
            for table in metadata.sorted_tables
            for row in conn.execute(select(table))
            for value in row
        )


def test_an_article_closed_to_likes_is_409_and_keeps_its_count(client, store):
    reader = {"Likes-Voter": "closed-reader-0123456789"}
    client.simulate_put("/api/articles/first/like", headers=reader)

    store.close_likes(["first"])
    refused = [
        client.simulate_request(method, "/api/articles/first/like", headers=headers)
        for method in ("PUT", "DELETE")
        for headers in (reader, {"Likes-Voter": "other-reader-0123456789ab"})
    ]

    assert [result.status_code for result in refused] == [409] * 4
    assert "Likes are closed for the article 'first'" in refused[0].json["detail"]
    state = client.simulate_get("/api/articles/first/like", headers=reader).json
    assert state == {"slug": "first", "likes": 1, "liked": True}
