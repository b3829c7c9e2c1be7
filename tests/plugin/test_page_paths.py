"""Hugo's ``url`` in real builds: every link to the page leads to a file the build wrote."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

SITE = "https://blog.example"


class Links(HTMLParser):
    """The ``href`` of every ``<a>`` in some HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def served_file(output: Path, page: str, href: str, siteurl: str) -> Path:
    """The file a web server serving ``output`` at ``siteurl`` answers ``href`` on ``page`` with:
    a folder's ``index.html``, as every server does."""
    base = f"{siteurl or 'http://localhost'}/{page}"
    path = urlsplit(urljoin(base, href)).path
    path = path.removeprefix(urlsplit(siteurl).path)
    if path.endswith("/"):
        path += "index.html"
    return output / path.lstrip("/")


@pytest.mark.parametrize(
    "settings",
    [{}, {"RELATIVE_URLS": True}, {"SITEURL": SITE}],
    ids=["siteurl-empty", "relative-urls", "siteurl"],
)
def test_the_index_links_hugos_url_to_a_page_that_exists(build_site, sqlite_url, settings):
    site = build_site(["hugo-url.md", "astro-post.md"], LIKES_DATABASE_URL=sqlite_url, **settings)

    links = [href for href in Links(site.page("index.html")).hrefs if "about-us" in href]
    assert links
    for href in links:
        target = served_file(site.output, "index.html", href, settings.get("SITEURL", ""))
        assert target == site.output / "about-us" / "index.html"
        assert "Hugo writes this page at the path" in target.read_text(encoding="utf-8")
    assert not (site.output / "about-us.html").exists()


def test_the_database_records_the_page_path(build_site, store, database_url):
    build_site(["hugo-url.md"], LIKES_DATABASE_URL=database_url)

    [article] = store.articles()
    assert article.url == "/about-us/"


def test_a_url_on_another_site_is_left_out_and_the_page_built(build_site, sqlite_url, caplog):
    site = build_site(["hugo-url-elsewhere.md"], LIKES_DATABASE_URL=sqlite_url)

    assert "Elsewhere" in site.page("elsewhere.html")
    assert "hugo-url-elsewhere.md: url 'https://other.example/elsewhere/'" in caplog.text
