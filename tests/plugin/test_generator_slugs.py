"""A blog moved from Jekyll, Hugo or Astro keeps its URLs: with ``LIKES_SLUG_SOURCE =
"generator"`` each file's slug is the one its generator gave it, and with the generator's URL
pattern in ``ARTICLE_URL``/``ARTICLE_SAVE_AS`` each page is where it was (fixtures/migrated:
posts shaped as Jekyll's own blog, Hugo's quick start and Astro's blog template write them).

The expected Jekyll slugs and dates are Ruby 3.1's: ``Utils.slugify(..., mode: "pretty", cased:
true)`` and ``Time.parse(...).localtime`` as Jekyll 4 calls them.
"""

import datetime
import logging
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pelican import Pelican

from pelican.plugins.likes.generator_slugs import generator_slug, jekyll_title
from pelican.plugins.likes.jekyll_dates import read_as_jekyll
from tests.plugin.pelican_builds import FIXTURES, Site, pelican_settings

MIGRATED = FIXTURES / "migrated"
LOS_ANGELES = "America/Los_Angeles"  # the time zone of Jekyll's own blog (its _config.yml)

JEKYLL_URLS = {
    "ARTICLE_URL": "{date:%Y}/{date:%m}/{date:%d}/{slug}.html",  # /:year/:month/:day/:title.html
    "ARTICLE_SAVE_AS": "{date:%Y}/{date:%m}/{date:%d}/{slug}.html",
    "TIMEZONE": LOS_ANGELES,
}


def folder_urls(folder: str) -> dict[str, str]:
    """Hugo's ``/posts/:slug/`` (the section's folder), Astro's ``/blog/[...slug]/``."""
    return {
        "ARTICLE_URL": f"{folder}/{{slug}}/",
        "ARTICLE_SAVE_AS": f"{folder}/{{slug}}/index.html",
    }


@pytest.fixture
def build_migrated(tmp_path: Path):
    """Build the fixture posts of ``generator`` (a folder of fixtures/migrated) with settings."""

    def build(generator: str, **settings: object) -> Site:
        content = tmp_path / "content"
        shutil.copytree(MIGRATED / generator, content, dirs_exist_ok=True)
        output = tmp_path / "output"
        Pelican(pelican_settings(PATH=str(content), OUTPUT_PATH=str(output), **settings)).run()
        return Site(output)

    return build


def slugs(store) -> set[str]:
    return {article.slug for article in store.articles()}


def test_jekyll_posts_keep_their_urls(build_migrated, sqlite_url, caplog):
    site = build_migrated(
        "jekyll", LIKES_SLUG_SOURCE="generator", LIKES_DATABASE_URL=sqlite_url, **JEKYLL_URLS
    )

    # 02:12 on May 6th at +0200 is May 5th in Los Angeles, as Jekyll dates the URL.
    assert "Jekyll 1.0.0 Released" in site.page("2013/05/05/jekyll-1-0-0-released.html")
    assert "Jekyll 3.9.3 Released" in site.page("2023/01/29/jekyll-3-9-3-released.html")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("generator", "folder", "pages"),
    [
        (
            "hugo",
            "posts",
            [
                "posts/my-first-post/index.html",
                "posts/trip-to-lisbon/index.html",  # a page bundle: its folder's name
                "posts/static-site-notes/index.html",  # its frontmatter's slug
            ],
        ),
        ("astro", "blog", ["blog/why-i-moved-to-astro/index.html"]),
    ],
)
def test_hugo_and_astro_posts_keep_their_urls(build_migrated, sqlite_url, generator, folder, pages):
    site = build_migrated(
        generator,
        LIKES_SLUG_SOURCE="generator",
        LIKES_DATABASE_URL=sqlite_url,
        **folder_urls(folder),
    )

    for page in pages:
        assert 'class="likes"' in site.page(page)


def test_likes_are_registered_under_the_generators_slugs(build_migrated, store, database_url):
    for generator in ("jekyll", "hugo", "astro"):
        build_migrated(generator, LIKES_SLUG_SOURCE="generator", LIKES_DATABASE_URL=database_url)

    assert slugs(store) == {
        "jekyll-1-0-0-released",
        "jekyll-3-9-3-released",
        "my-first-post",
        "trip-to-lisbon",
        "static-site-notes",
        "why-i-moved-to-astro",
    }


def test_by_default_slugs_come_from_titles_as_pelican_makes_them(
    build_migrated, store, database_url
):
    build_migrated("jekyll", LIKES_DATABASE_URL=database_url)

    assert slugs(store) == {"jekyll-100-released", "jekyll-393-released"}


def test_an_unknown_slug_source_is_one_error_line_and_pelicans_slugs(
    build_migrated, store, database_url, caplog
):
    build_migrated("astro", LIKES_SLUG_SOURCE="filename", LIKES_DATABASE_URL=database_url)

    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "LIKES_SLUG_SOURCE 'filename' is none of 'title', 'generator'" in error.getMessage()
    assert slugs(store) == {"why-i-moved-my-blog-to-astro-and-what-i-miss"}


def test_jekylls_date_with_words_after_the_time_is_read_as_jekyll_reads_it(
    build_migrated, sqlite_url, caplog
):
    """``2023-01-29 18:30:22 2023 -0800``: Ruby's Time.parse takes the date and the time and
    drops the rest, zone included; the time is then the site's (TIMEZONE here)."""
    build_migrated("jekyll", LIKES_DATABASE_URL=sqlite_url, **JEKYLL_URLS)

    [warning] = [r for r in caplog.records if "read as Jekyll reads it" in r.getMessage()]
    message = warning.getMessage()
    assert "2023-01-29-jekyll-3-9-3-released.markdown" in message
    assert "'2023 -0800' after the time is left out" in message


def test_a_jekyll_date_is_that_time_in_the_sites_time_zone():
    jekyll = read_as_jekyll("2023-01-29 18:30:22 2023 -0800")

    assert jekyll is not None
    read = datetime.datetime.fromisoformat(jekyll.text).replace(tzinfo=ZoneInfo(LOS_ANGELES))
    assert read.isoformat() == "2023-01-29T18:30:22-08:00"  # Ruby, TZ=America/Los_Angeles


@pytest.mark.parametrize(
    ("written", "read"),
    [  # Ruby 3.1's Time.parse, TZ=UTC
        ("2023-01-29 18:30:22 2023 -0800", "2023-01-29T18:30:22"),
        ("2023-01-29 18:30:22 -0800 2023", "2023-01-29T18:30:22-0800"),
        ("2023-01-29 18:30 2023", "2023-01-29T18:30:00"),
        ("2023-01-29 18:30:22 +05:30 2023 x", "2023-01-29T18:30:22+05:30"),
        ("2023-01-29T18:30:22Z 2023", "2023-01-29T18:30:22Z"),
        ("2023-1-9 8:30:22 2023 -0800", "2023-01-09T08:30:22"),
        ("2023-01-29 18:30:22.5 2023 -0800", "2023-01-29T18:30:22.5"),
    ],
)
def test_dates_with_words_after_the_time(written, read):
    jekyll = read_as_jekyll(written)

    assert jekyll is not None and jekyll.text == read


@pytest.mark.parametrize(
    "written",
    [
        "2023-01-29 18:30:22 PST 2023",  # Ruby knows PST: not guessed at here
        "2023-01-29 tomorrow",
        "Jan 29 2023 18:30 2023",
        "2023-01-29 18:30:22",  # nothing after the time: Pelican's own parser reads it
    ],
)
def test_other_dates_are_left_to_pelican(written):
    assert read_as_jekyll(written) is None


@pytest.mark.parametrize(
    ("title", "slug"),
    [  # Ruby 3.1, Jekyll's SLUGIFY_PRETTY_REGEXP
        ("jekyll-1-0-0-released", "jekyll-1-0-0-released"),
        ("Hello World!", "Hello-World!"),
        ("a  b", "a-b"),
        ("--x--", "x"),
        ("café_au lait", "café_au-lait"),
        ("what's new?", "what's-new"),
        ("C++ tips", "C++-tips"),
    ],
)
def test_jekylls_pretty_slugs(title, slug):
    assert jekyll_title(title) == slug


@pytest.mark.parametrize(
    ("path", "frontmatter", "slug"),
    [
        ("_posts/2013-05-06-jekyll-1-0-0-released.markdown", "YAML", "jekyll-1-0-0-released"),
        ("content/posts/My First Post.md", "TOML", "my-first-post"),
        ("content/posts/my-bundle/index.md", "YAML", "my-bundle"),
        ("content/posts/my-bundle/_index.md", "JSON", "my-bundle"),
        ("content/posts/2013-05-06-dated.md", "TOML", "2013-05-06-dated"),  # Hugo's: all of it
        ("src/content/blog/first-post.md", "YAML", "first-post"),
    ],
)
def test_which_generator_made_a_file(path, frontmatter, slug):
    assert generator_slug(path, frontmatter) == slug
