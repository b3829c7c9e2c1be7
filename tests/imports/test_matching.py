"""Counts matched to articles by the URLs a build registered, else by slug: spellings of one
address that readers reach the same page by are one page; other sites' are set aside."""

import pytest

from pelican_likes.imports.matching import NO_ARTICLE, Site, match, site_of, split_address
from pelican_likes.imports.source import Count, SourceError
from pelican_likes.storage.records import ArticleAddress

BLOG = [
    ArticleAddress("hello-world", "https://blog.example.com/posts/hello-world.html"),
    ArticleAddress("café-au-lait", "https://blog.example.com/posts/café-au-lait/"),
    ArticleAddress("renamed-post", "https://blog.example.com/posts/renamed.html", ("old-post",)),
]


def matched_slug(address: str, articles=BLOG, site: str | None = None) -> str | None:
    matching = match([Count(1, "here", address=address)], articles, site_of(articles, site))
    return next(iter(matching.matched), None)


@pytest.mark.parametrize(
    "address",
    [
        "https://blog.example.com/posts/hello-world.html",
        "http://blog.example.com/posts/hello-world.html",
        "https://www.blog.example.com/posts/hello-world.html",
        "//blog.example.com/posts/hello-world.html",
        "https://BLOG.example.com:443/posts/hello-world.html",
        "https://blog.example.com./posts/hello-world.html",
        "https://blog.example.com/posts/hello-world.html?utm_source=feed&x=1",
        "https://blog.example.com/posts/hello-world.html#comments",
        "https://blog.example.com/posts/hello-world.html/",
        "https://blog.example.com/posts//hello-world.html",
        "https://blog.example.com/posts/hello%2Dworld.html",
        "/posts/hello-world.html",
    ],
)
def test_spellings_of_an_article_s_url_match_it(address):
    assert matched_slug(address) == "hello-world"


@pytest.mark.parametrize(
    "address",
    [
        "https://blog.example.com/posts/caf%C3%A9-au-lait/",
        "https://blog.example.com/posts/café-au-lait",
        "http://www.blog.example.com/posts/caf%c3%a9-au-lait/index.html",
        "https://blog.example.com/posts/caf%C3%A9-au-lait/?ref=home",
    ],
)
def test_percent_escapes_trailing_slashes_and_index_pages_are_one_page(address):
    assert matched_slug(address) == "café-au-lait"


@pytest.mark.parametrize(
    ("address", "slug"),
    [
        ("https://blog.example.com/2019/03/hello-world/", "hello-world"),
        ("https://blog.example.com/hello-world", "hello-world"),
        ("https://blog.example.com/old/old-post.htm", "renamed-post"),
        ("https://blog.example.com/renamed-post/", "renamed-post"),
    ],
)
def test_an_address_the_blog_no_longer_uses_matches_by_its_slug_or_a_former_one(address, slug):
    assert matched_slug(address) == slug


def test_an_article_s_own_slug_comes_before_another_s_former_slug():
    articles = [
        ArticleAddress("moved", "https://blog.example.com/moved.html", ("post",)),
        ArticleAddress("post", "https://blog.example.com/post.html"),
    ]
    assert matched_slug("https://blog.example.com/2019/post/", articles) == "post"


def test_a_blog_under_a_path_matches_its_urls_and_none_of_the_host_s_other_pages():
    articles = [ArticleAddress("notes", "https://example.com/blog/posts/notes.html")]
    assert matched_slug("http://www.example.com/blog/posts/notes.html?x=1", articles) == "notes"
    assert matched_slug("//example.com/shop/", articles) is None


def test_with_a_site_under_a_path_no_page_outside_it_matches_by_slug():
    articles = [ArticleAddress("notes", "/posts/notes.html")]
    site = "https://example.com/blog"

    assert matched_slug("https://example.com/blog/2019/notes/", articles, site) == "notes"
    assert matched_slug("https://example.com/shop/notes/", articles, site) is None
    assert matched_slug("https://example.com/shop/notes/", articles) == "notes"


def test_urls_registered_without_a_host_match_under_the_site_given():
    articles = [ArticleAddress("notes", "/posts/notes.html"), ArticleAddress("a", "/a.html")]
    site = "https://example.com/blog/"

    assert matched_slug("https://example.com/blog/posts/notes.html", articles, site) == "notes"
    assert matched_slug("https://example.com/blog/posts/notes.html", articles) == "notes"
    assert matched_slug("https://elsewhere.example/posts/notes.html", articles, site) is None


def test_counts_of_other_hosts_are_set_aside_and_unmatched_ones_listed_with_why():
    counts = [
        Count(40, "e1", address="//blog.example.com/posts/hello-world.html"),
        Count(2, "e2", address="https://www.blog.example.com/posts/hello-world.html"),
        Count(999, "e3", address="//other.example.org/posts/hello-world.html"),
        Count(3, "e4", address="https://blog.example.com/about/"),
        Count(5, "e5", slug="hello-world", refused="updown buttons do not count likes"),
        Count(7, "e6", slug="old-post"),
        Count(1, "e7", slug="nobody"),
    ]

    matching = match(counts, BLOG, site_of(BLOG, None))

    assert matching.totals() == {"hello-world": 42, "renamed-post": 7}
    assert [c.place for c in matching.matched["hello-world"]] == ["e1", "e2"]
    assert [(c.place, why) for c, why in matching.unmatched] == [
        ("e4", NO_ARTICLE),
        ("e5", "updown buttons do not count likes"),
        ("e7", NO_ARTICLE),
    ]
    assert matching.other_sites == 1


def test_with_no_host_known_every_host_is_the_blog_s():
    articles = [ArticleAddress("notes", "/posts/notes.html")]
    site = site_of(articles, None)

    assert site == Site(frozenset())
    assert matched_slug("https://anything.example/posts/notes.html", articles) == "notes"


@pytest.mark.parametrize(
    ("given", "site"),
    [
        ("https://www.example.com/blog/", Site(frozenset({"example.com"}), "/blog")),
        ("example.com", Site(frozenset({"example.com"}), "")),
        ("http://example.com", Site(frozenset({"example.com"}), "")),
    ],
)
def test_the_site_given_adds_its_host_and_path(given, site):
    assert site_of([ArticleAddress("a", "/a.html")], given) == site


def test_a_site_without_a_host_is_refused():
    with pytest.raises(SourceError, match="--site must name the blog's host"):
        site_of([], "/blog/")


@pytest.mark.parametrize(
    ("address", "path"),
    [
        ("https://b.example/posts//x.html", "/posts/x.html"),
        ("https://b.example/posts/x/index.html", "/posts/x"),
        ("https://b.example/index.html", ""),
        ("https://b.example/", ""),
        ("https://b.example", ""),
        ("/a%20b/c%2Fd", "/a b/c/d"),
    ],
)
def test_paths_compare_without_what_readers_do_not_see(address, path):
    assert split_address(address)[1] == path


def test_hosts_compare_in_their_ascii_spelling():
    assert split_address("https://bücher.example/x/") == ("xn--bcher-kva.example", "/x")
