"""The plugin's settings as a blogger writes them: LIKES_API_URL checked where it is set."""

import pytest

from pelican.plugins.likes.settings import api_url_problem
from tests.plugin.pelican_builds import PUBLISHED, likes_warnings


@pytest.mark.parametrize(
    "api_url",
    ["/api", "/api/", "/blog/api", "https://likes.example.com/api", "http://127.0.0.1:8202/api",
     "//likes.example.com/api"],
)  # fmt: skip
def test_urls_the_widget_can_reach_pass(api_url):
    assert api_url_problem(api_url) is None


@pytest.mark.parametrize(
    ("api_url", "expected"),
    [
        ("127.0.0.1:8202/api", "neither a path from the blog's root"),
        ("localhost:8202/api", "neither a path from the blog's root"),
        ("api", "neither a path from the blog's root"),
        ("ftp://likes.example.com/api", "neither a path from the blog's root"),
        ("https:///api", "neither a path from the blog's root"),
        ("http://127.0.0.1:8202", "expected e.g. 'http://127.0.0.1:8202/api'"),
        ("/likes", "does not end in /api"),
    ],
)
def test_urls_the_widget_cannot_reach_say_what_was_expected(api_url, expected):
    problem = api_url_problem(api_url)

    assert problem is not None and expected in problem
    assert repr(api_url) in problem


def test_a_build_with_an_api_url_without_scheme_warns_once_and_goes_on(
    build_site, caplog, sqlite_url
):
    site = build_site(PUBLISHED, LIKES_API_URL="127.0.0.1:8202/api", LIKES_DATABASE_URL=sqlite_url)

    [warning] = likes_warnings(caplog)
    assert "LIKES_API_URL '127.0.0.1:8202/api'" in warning.getMessage()
    assert 'data-likes-api="127.0.0.1:8202/api"' in site.page("first-post.html")


def test_a_build_with_the_default_api_url_warns_nothing(build_site, caplog, sqlite_url):
    build_site(PUBLISHED, LIKES_DATABASE_URL=sqlite_url)

    assert likes_warnings(caplog) == []


@pytest.mark.parametrize("hide_below", [-1, "5", 2.5])
def test_a_build_with_a_likes_hide_below_that_is_no_count_warns_once_and_shows_counts(
    build_site, caplog, sqlite_url, hide_below
):
    site = build_site(PUBLISHED, LIKES_HIDE_BELOW=hide_below, LIKES_DATABASE_URL=sqlite_url)

    [warning] = likes_warnings(caplog)
    assert warning.getMessage() == (
        f"likes: LIKES_HIDE_BELOW {hide_below!r}: expected a whole number, 0 or more; "
        "every count is shown"
    )
    assert '<span class="likes-count">0</span>' in site.page("first-post.html")


def test_a_build_with_likes_hide_below_hides_the_low_counts(build_site, caplog, sqlite_url):
    site = build_site(PUBLISHED, LIKES_HIDE_BELOW=1, LIKES_DATABASE_URL=sqlite_url)

    assert likes_warnings(caplog) == []
    page = site.page("first-post.html")
    assert '<span class="likes-count" hidden="">0</span>' in page
    assert 'aria-label="Like this article"' in page
