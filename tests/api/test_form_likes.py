"""POST /api/form-likes/{slug}: the widget's form for readers without JavaScript, on SQLite and
PostgreSQL, every answer held to the OpenAPI document."""

import hashlib
import hmac

import pytest
from sqlalchemy import select

from pelican_likes.api.form_likes import COOKIE_MAX_AGE, VOTER_COOKIE
from pelican_likes.storage.pseudonyms import pseudonym
from pelican_likes.storage.schema import likes

BLOG = "https://blog.example"
FORM = {"Origin": BLOG, "Content-Type": "application/x-www-form-urlencoded"}
THANKS = "#likes-counted-first"  # the widget's "your like is counted", which its CSS shows


@pytest.fixture
def blog_client(make_client):
    """A client of an API that the blog at BLOG calls from another origin."""
    return make_client(allowed_origins=(BLOG,))


def send_form(client, slug="first", back="/first.html", headers=FORM, **kwargs):
    return client.simulate_post(
        f"/api/form-likes/{slug}", params={"return": back}, headers=headers, **kwargs
    )


def test_a_form_like_counts_and_sends_the_reader_back(blog_client, store):
    result = send_form(blog_client)

    assert result.status_code == 303
    assert result.headers["location"] == f"{BLOG}/first.html{THANKS}"
    assert result.headers["cache-control"] == "no-store"
    assert result.content == b""
    assert store.counts(["first"]) == {"first": 1}


def test_the_cookie_is_first_party_http_only_lax_and_only_for_the_form(blog_client):
    cookie = send_form(blog_client).cookies[VOTER_COOKIE]

    assert cookie.http_only is True
    assert cookie.same_site == "Lax"
    assert cookie.path == "/api/form-likes"
    assert cookie.domain is None  # this host only
    assert cookie.max_age == COOKIE_MAX_AGE
    assert cookie.secure is False  # served over plain HTTP here


def test_over_https_the_cookie_is_secure(blog_client):
    assert send_form(blog_client, protocol="https").cookies[VOTER_COOKIE].secure is True


def test_a_reader_with_the_cookie_counts_once(blog_client, store):
    token = send_form(blog_client).cookies[VOTER_COOKIE].value

    again = send_form(blog_client, cookies={VOTER_COOKIE: token})

    assert again.status_code == 303
    assert again.cookies[VOTER_COOKIE].value == token  # kept, its lifetime renewed
    assert store.counts(["first"]) == {"first": 1}
    assert send_form(blog_client).status_code == 303  # another reader, without the cookie
    assert store.counts(["first"]) == {"first": 2}


def test_only_the_hmac_of_the_cookie_is_stored(blog_client, store, secret):
    token = send_form(blog_client).cookies[VOTER_COOKIE].value

    with store.engine.connect() as conn:
        article_id, stored_voter = conn.execute(select(likes.c.article_id, likes.c.voter)).one()
        stored = [stored_voter]
    voter = hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()
    assert stored == [pseudonym(voter, article_id)]
    assert len(token) == 32 and token not in stored


def test_a_damaged_cookie_is_replaced(blog_client, store):
    result = send_form(blog_client, cookies={VOTER_COOKIE: "not a token;"})

    assert result.status_code == 303
    assert result.cookies[VOTER_COOKIE].value != "not a token;"
    assert store.counts(["first"]) == {"first": 1}


def test_the_cookie_and_the_header_are_one_reader_when_they_hold_one_token(blog_client, store):
    token = send_form(blog_client).cookies[VOTER_COOKIE].value

    result = blog_client.simulate_get("/api/articles/first/like", headers={"Likes-Voter": token})

    assert result.json == {"slug": "first", "likes": 1, "liked": True}


def test_the_apis_own_pages_may_send_the_form(make_client, store):
    own = "http://falconframework.org"  # the test client's host
    client = make_client(public_origin=own)

    result = send_form(client, headers={"Origin": own}, back="/first.html")

    assert result.status_code == 303
    assert result.headers["location"] == f"{own}/first.html{THANKS}"
    assert store.counts(["first"]) == {"first": 1}


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://blog.example",  # the blog's origin is https
        "https://blog.example.evil.example",
        "https://blog.example:8443",
        "null",  # a sandboxed frame, or a page that sends no referrer
        "",
        None,
    ],
)
def test_a_form_from_any_other_page_is_refused_and_counts_nothing(blog_client, store, origin):
    headers = {} if origin is None else {"Origin": origin}

    result = send_form(blog_client, headers=headers)

    assert result.status_code == 403
    assert "Origin" in result.json["detail"]
    assert VOTER_COOKIE not in result.cookies
    assert store.counts(["first"]) == {"first": 0}


@pytest.mark.parametrize(
    ("back", "location"),
    [
        ("/first.html", f"{BLOG}/first.html{THANKS}"),
        ("first.html?from=index#likes", f"{BLOG}/first.html?from=index{THANKS}"),
        (f"{BLOG}/2024/first.html", f"{BLOG}/2024/first.html{THANKS}"),
        ("https://BLOG.example:443/first.html", f"https://BLOG.example:443/first.html{THANKS}"),
        ("/été-2024.html", f"{BLOG}/%C3%A9t%C3%A9-2024.html{THANKS}"),
    ],
)
def test_the_reader_goes_back_to_the_blogs_page(blog_client, back, location):
    result = send_form(blog_client, back=back)

    assert (result.status_code, result.headers["location"]) == (303, location)


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/",
        "//evil.example/first.html",
        "///evil.example/first.html",
        "https:///evil.example/first.html",
        "https:evil.example",
        "HTTPS:\\\\evil.example",
        "/\\evil.example/first.html",
        "\\\\evil.example",
        "\t//evil.example",
        " https://evil.example",
        "/first.html\r\nSet-Cookie: x=1",
        "https://blog.example@evil.example/",
        "https://evil.example%2F@blog.example/",
        "https://blog.example.evil.example/",
        "http://blog.example/first.html",  # the blog is https
        "https://blog.example:8443/first.html",
        "https://blog.example:99999/",
        "https://[::1/",
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://blog.example/first.html",
        "/" + "a" * 2000,
        "",
    ],
)
def test_foreign_or_malformed_return_urls_are_refused(blog_client, store, back):
    result = send_form(blog_client, back=back)

    assert result.status_code == 400
    assert "location" not in result.headers
    assert "'return'" in result.json["detail"]
    assert store.counts(["first"]) == {"first": 0}


def test_a_missing_return_url_is_refused(blog_client):
    result = blog_client.simulate_post("/api/form-likes/first", headers=FORM)

    assert result.status_code == 400


def test_with_any_origin_allowed_the_reader_goes_back_only_to_the_sending_page(make_client):
    client = make_client(allowed_origins=("*",))
    sender = {"Origin": "https://some.blog"}

    accepted = send_form(client, headers=sender, back="/first.html")
    elsewhere = send_form(client, headers=sender, back="https://evil.example/")

    assert accepted.headers["location"] == f"https://some.blog/first.html{THANKS}"
    assert elsewhere.status_code == 400


def test_unknown_and_malformed_slugs(blog_client):
    assert send_form(blog_client, slug="missing").status_code == 404
    assert send_form(blog_client, slug="a b").status_code == 400


def test_form_likes_spend_the_write_budget(make_client, store):
    client = make_client(allowed_origins=(BLOG,), rate_limit=2)

    statuses = [send_form(client).status_code for _ in range(3)]

    assert statuses == [303, 303, 429]
    assert store.counts(["first"]) == {"first": 2}


def test_only_post_is_served(blog_client):
    assert blog_client.simulate_get("/api/form-likes/first").status_code == 405


def test_with_any_origin_allowed_an_opaque_origin_is_still_refused(make_client, store):
    """``null`` names no page (a sandboxed frame, a page under no-referrer, a data: URL): any
    page could send it, so even ``*`` does not let it in."""
    own = "https://likes.example"
    client = make_client(allowed_origins=("*",), public_origin=own)

    result = send_form(client, headers={"Origin": "null"}, back=f"{own}/first.html")

    assert result.status_code == 403
    assert "Origin" in result.json["detail"]
    assert VOTER_COOKIE not in result.cookies
    assert store.counts(["first"]) == {"first": 0}


def test_the_reader_goes_back_to_the_page_the_browser_names(blog_client, store):
    """With ``RELATIVE_URLS`` under a subpath the build knows the article only from the blog's
    root; the browser's ``Referer`` (same-origin, under the default policy) knows the page."""
    page = f"{BLOG}/myblog/2023/short-note/"
    headers = {**FORM, "Referer": page}

    result = send_form(blog_client, back="/2023/short-note/", headers=headers)
    without_return = blog_client.simulate_post("/api/form-likes/first", headers=headers)

    assert (result.status_code, result.headers["location"]) == (303, f"{page}{THANKS}")
    assert (without_return.status_code, without_return.headers["location"]) == (
        303,
        f"{page}{THANKS}",
    )
    assert store.counts(["first"]) == {"first": 2}


@pytest.mark.parametrize(
    "referer",
    [
        f"{BLOG}/",  # all a cross-origin page says under the default policy: the return wins
        BLOG,
        "https://evil.example/first.html",
        "http://blog.example/first.html",  # the blog is https
        "https://blog.example:8443/first.html",
        "https://blog.example@evil.example/first.html",
        "https://blog.example.evil.example/first.html",
        "//evil.example/first.html",
        "/elsewhere.html",
        "https:///evil.example/first.html",
        "https://blog.example/\\evil.example",
        "https://blog.example/first.html\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
        "https://blog.example/" + "a" * 2000,
        "",
    ],
)
def test_a_referer_naming_no_page_of_the_sender_leaves_the_return_url(blog_client, referer):
    result = send_form(blog_client, headers={**FORM, "Referer": referer})

    assert (result.status_code, result.headers["location"]) == (303, f"{BLOG}/first.html{THANKS}")


def test_a_foreign_referer_never_makes_a_foreign_return_url_acceptable(blog_client, store):
    headers = {**FORM, "Referer": "https://evil.example/first.html"}

    result = send_form(blog_client, back="https://evil.example/", headers=headers)

    assert result.status_code == 400
    assert "location" not in result.headers
    assert store.counts(["first"]) == {"first": 0}
