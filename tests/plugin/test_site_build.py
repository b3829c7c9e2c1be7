"""Whole sites built with the plugin: what readers of the blog see, and what authors are told."""

import logging
from html.parser import HTMLParser
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from tests.plugin.pelican_builds import PUBLISHED, UNPUBLISHED, count_in

REPO = Path(__file__).resolve().parents[2]


def test_astro_jekyll_and_hugo_articles_become_pelican_pages(build_site, sqlite_url):
    site = build_site(PUBLISHED, LIKES_DATABASE_URL=sqlite_url)

    first = site.page("first-post.html")
    assert "Lorem ipsum dolor sit amet" in first
    assert '<abbr class="published" title="2022-07-08T00:00:00+00:00">' in first
    assert 'href="/tag/astro.html"' in first
    assert "Ada Lovelace" in site.page("json-post.html")


def test_drafts_stay_off_every_public_page(build_site, sqlite_url):
    site = build_site(PUBLISHED + UNPUBLISHED, LIKES_DATABASE_URL=sqlite_url)

    public = [site.page(name) for name in ("index.html", "archives.html", "tags.html")]
    for title in ("Hugo in TOML", "Walking the hills"):
        assert not any(title in html for html in public)
    assert not (site.output / "hugo-in-toml.html").exists()
    draft = site.page("drafts/hugo-in-toml.html")
    assert "data-likes-slug" not in draft


class ScriptElements(HTMLParser):
    """The <script> elements a parser finds in some HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "script":
            self.found.append(dict(attrs))


def test_a_script_in_a_title_stays_text(build_site, sqlite_url):
    site = build_site(["script-title.md"], LIKES_DATABASE_URL=sqlite_url)

    for name in ("script-title.html", "index.html"):
        html = site.page(name)
        # The body: notmyidea prints ``title|striptags`` in <title>, where text is not markup.
        body = html[html.index("<body") :]
        assert "Why &lt;script&gt;alert(1)&lt;/script&gt; stays text</a>" in body
        assert ScriptElements(body).found == []


def test_likes_false_means_no_widget_and_no_widget_files(build_site, sqlite_url):
    site = build_site(["lists-and-markdown.md", "native-pelican.md"], LIKES_DATABASE_URL=sqlite_url)

    for name in ("code-tables.html", "native-metadata.html"):
        html = site.page(name)
        assert "data-likes-slug" not in html
        assert "likes/likes.js" not in html


def test_native_pelican_metadata_still_works(build_site, sqlite_url):
    site = build_site(["native-pelican.md"], LIKES_DATABASE_URL=sqlite_url)

    html = site.page("native-metadata.html")
    assert "<code>Key: value</code>" in html
    assert 'href="/tag/pelican.html"' in html


def test_a_broken_file_is_one_error_line_and_the_rest_is_built(build_site, sqlite_url, caplog):
    site = build_site(["broken-yaml.md", "astro-post.md"], LIKES_DATABASE_URL=sqlite_url)

    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    message = errors[0].getMessage()
    assert message.endswith(
        "broken-yaml.md:4:14: invalid YAML frontmatter: mapping values are not allowed in this"
        " context"
    )
    assert errors[0].exc_info is None
    assert not any("Could not process" in record.getMessage() for record in caplog.records)
    assert count_in(site.page("first-post.html"), "first-post") == 0
    assert "Broken" not in site.page("index.html")


def test_a_cached_broken_file_is_still_reported(build_site, sqlite_url, caplog, tmp_path):
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(tmp_path)}
    build_site(["broken-yaml.md", "astro-post.md"], LIKES_DATABASE_URL=sqlite_url, **cache)
    assert (tmp_path / "ArticlesGenerator-Readers").exists()
    caplog.clear()

    build_site([], LIKES_DATABASE_URL=sqlite_url, **cache)  # same files: read from the cache

    [error] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "broken-yaml.md:4:14: invalid YAML frontmatter" in error.getMessage()


def test_the_demo_blog_builds_from_the_repository_settings(tmp_path, sqlite_url, monkeypatch):
    monkeypatch.chdir(REPO)
    settings = read_settings(
        "pelicanconf.py",
        override={"OUTPUT_PATH": str(tmp_path / "output"), "LIKES_DATABASE_URL": sqlite_url},
    )

    Pelican(settings).run()

    assert settings["PLUGINS"] == ["pelican.plugins.likes"]  # the installed namespace plugin
    output = tmp_path / "output"
    assert (output / "likes" / "likes.js").exists()
    pages = [
        (output / f"{path.stem}.html").read_text(encoding="utf-8")
        for path in (REPO / "content").glob("*.md")
        if (output / f"{path.stem}.html").exists()
    ]
    assert pages
    for html in pages:
        assert 'data-likes-count="0"' in html
        assert '<script src="./likes/likes.js" defer></script>' in html


def test_jekylls_new_site_post_is_listed_under_each_category_and_tag(build_site, sqlite_url):
    site = build_site(["jekyll-new-site.md"], LIKES_DATABASE_URL=sqlite_url)

    assert "Welcome to Jekyll!" in site.page("category/jekyll.html")
    for tag in ("ruby", "static-sites", "update"):
        assert "Welcome to Jekyll!" in site.page(f"tag/{tag}.html")
    assert not (site.output / "category" / "jekyll-update.html").exists()


def test_pelican_metadata_between_dashes_is_built_as_pelican_builds_it(build_site, sqlite_url):
    site = build_site(
        ["native-in-dashes-not-yaml.md", "native-in-dashes-yaml-reads-otherwise.md"],
        LIKES_DATABASE_URL=sqlite_url,
    )

    index = site.page("index.html")
    assert "[Update] New release" in index
    assert "Test: This metadata value looks like metadata" in index
    assert ">Yes</a>" in site.page("0755.html")
