"""The reader on real files: each format, Pelican's processing, and broken files."""

import datetime

import pytest
from pelican import Pelican
from pelican.contents import Article
from pelican.readers import MarkdownReader, Readers

from pelican.plugins.likes.frontmatter_reader import SKIP_REASON, FrontmatterReader
from tests.plugin.pelican_builds import ARTICLES, pelican_settings

UTC_PLUS_2 = datetime.timedelta(hours=2)


def read(name: str, **settings: object) -> tuple[str, dict]:
    return FrontmatterReader(pelican_settings(**settings)).read(str(ARTICLES / name))


def names(values: list) -> list[str]:
    return [value.name for value in values]


def test_astro_yaml():
    content, metadata = read("astro-post.md")

    assert content == "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>"
    assert metadata["title"] == "First post"
    assert metadata["date"] == datetime.datetime(2022, 7, 8)
    assert metadata["modified"] == datetime.datetime(2022, 7, 10)
    assert metadata["summary"] == "<p>Lorem <em>ipsum</em> dolor sit amet.</p>"
    assert names(metadata["tags"]) == ["astro", "blogging"]
    assert metadata["image"] == "/blog-placeholder-3.jpg"


def test_hugo_toml():
    content, metadata = read("hugo-toml.md")

    assert content == "<p>Hugo keeps its settings between plus signs.</p>"
    assert metadata["date"] == datetime.datetime(2023, 9, 14, 6, 30, tzinfo=datetime.UTC)
    assert metadata["date"].utcoffset() == UTC_PLUS_2
    assert metadata["modified"] == datetime.datetime(2023, 9, 15)
    assert metadata["status"] == "draft"
    assert metadata["category"].name == "Notes"
    assert names(metadata["tags"]) == ["hugo", "toml", "Archive"]  # the other category
    assert metadata["summary"] == "<p>A <em>short</em> summary.</p>"
    assert metadata["image"] == "cover.png"
    assert metadata["weight"] == 3


def test_hugo_json():
    content, metadata = read("hugo-json.md")

    assert content == "<p>Hugo also accepts JSON frontmatter.</p>"
    assert metadata["date"].utcoffset() == UTC_PLUS_2
    assert names(metadata["tags"]) == ["json", "hugo"]
    assert names(metadata["authors"]) == ["Ada Lovelace", "Grace Hopper"]
    assert metadata["slug"] == "json-post"


def test_jekyll_yaml():
    _content, metadata = read("jekyll-post.md")

    assert metadata["date"] == datetime.datetime(2023, 9, 14, 6, 30, tzinfo=datetime.UTC)
    assert metadata["modified"] == datetime.datetime(2024, 1, 2)
    assert metadata["summary"] == "<p>A day on the ridge.</p>"
    assert metadata["category"].name == "Travel"
    assert names(metadata["tags"]) == ["walking", "hills", "Europe"]  # the other category
    assert metadata["author"].name == "Jane Doe"
    assert metadata["status"] == "draft"  # published: false
    assert metadata["layout"] == "post"


def test_yaml_lists_survive_and_markdown_follows_the_markdown_setting():
    content, metadata = read("lists-and-markdown.md")

    assert names(metadata["tags"]) == ["one", "two words"]
    assert metadata["series"] == {"name": "Basics", "part": 2}
    assert metadata["readingtime"] == 5
    assert metadata["likes"] is False
    assert "<table>" in content
    assert '<div class="highlight">' in content  # codehilite, from Pelican's MARKDOWN default


def test_the_markdown_setting_is_used_for_the_body():
    content, _metadata = read(
        "lists-and-markdown.md",
        MARKDOWN={"extension_configs": {"markdown.extensions.fenced_code": {}}},
    )

    assert "<table>" not in content
    assert '<code class="language-python">' in content


def test_titles_are_escaped_text():
    _content, metadata = read("script-title.md")

    assert metadata["title"] == "Why &lt;script&gt;alert(1)&lt;/script&gt; stays text"


@pytest.mark.parametrize(
    "before",
    ["\ufeff", "\n" * 600, " \n\t\n", "\u00a0\u3000\n"],
    ids=["byte-order mark", "600 blank lines", "spaces and tabs", "Unicode spaces"],
)
def test_frontmatter_is_found_after_a_bom_or_any_blank_space(tmp_path, before):
    """The reader peeks at a file's first bytes to hand files without frontmatter to Pelican
    unread; what comes before the ``---`` must not hide it."""
    post = tmp_path / "post.md"
    post.write_text(f"{before}---\ntitle: Found\npubDate: 2024-05-01\n---\nBody.\n", "utf-8")

    content, metadata = FrontmatterReader(pelican_settings()).read(str(post))

    assert metadata["title"] == "Found" and content == "<p>Body.</p>"


@pytest.mark.parametrize(
    ("timezone", "offset"),
    [("UTC", datetime.timedelta(0)), ("America/New_York", datetime.timedelta(hours=-4))],
)
def test_dates_without_an_offset_are_in_the_timezone_setting(timezone, offset):
    settings = pelican_settings(TIMEZONE=timezone)
    content, metadata = FrontmatterReader(settings).read(str(ARTICLES / "astro-post.md"))

    article = Article(content, metadata, settings=settings)

    assert article.date.utcoffset() == offset


def test_dates_with_an_offset_keep_it_whatever_the_timezone():
    settings = pelican_settings(TIMEZONE="America/New_York")
    content, metadata = FrontmatterReader(settings).read(str(ARTICLES / "hugo-toml.md"))

    assert Article(content, metadata, settings=settings).date.utcoffset() == UTC_PLUS_2


def test_a_file_without_frontmatter_is_read_by_pelicans_markdown_reader():
    content, metadata = read("native-pelican.md")

    assert content.startswith("<p>Pelican's own <code>Key: value</code>")
    assert metadata["title"] == "Native metadata"
    assert metadata["date"] == datetime.datetime(2021, 3, 4, 10, 0)
    assert names(metadata["tags"]) == ["pelican", "native"]
    assert metadata["summary"] == "<p>A <em>native</em> summary.</p>"


@pytest.mark.parametrize(
    ("name", "place", "message"),
    [
        ("broken-yaml.md", "broken-yaml.md:4:14", "invalid YAML frontmatter"),
        ("broken-toml.md", "broken-toml.md:3:6", "invalid TOML frontmatter"),
        ("broken-json.md", "broken-json.md:4:1", "invalid JSON frontmatter"),
        ("unclosed.md", "unclosed.md:1", "YAML frontmatter is never closed"),
        ("bad-date.md", "bad-date.md", "date: 'someday soon' is not a valid date"),
    ],
)
def test_a_broken_file_is_skipped_with_the_line_that_says_why(name, place, message):
    content, metadata = read(name)

    assert content == ""
    assert metadata["status"] == "skip"
    reason = metadata[SKIP_REASON]
    assert reason.startswith("tests/plugin/fixtures/articles/")
    assert f"{place}: {message}" in reason
    assert "\n" not in reason


def start_plugin(tmp_path) -> None:
    """The plugin as a build starts it: registered, then told Pelican is initialized."""
    Pelican(pelican_settings(PATH=str(tmp_path), OUTPUT_PATH=str(tmp_path / "output")))


def test_the_plugin_reads_md_and_markdown_files(tmp_path):
    start_plugin(tmp_path)
    readers = Readers(pelican_settings())

    assert type(readers.readers["md"]) is FrontmatterReader
    assert type(readers.readers["markdown"]) is FrontmatterReader
    assert type(readers.readers["mkd"]) is MarkdownReader


def test_a_reader_chosen_in_readers_is_left_in_place(tmp_path):
    start_plugin(tmp_path)
    readers = Readers(pelican_settings(READERS={"md": None}))

    assert "md" not in readers.readers
    assert type(readers.readers["markdown"]) is FrontmatterReader


def test_yaml_text_fields_keep_their_text_as_written():
    _content, metadata = read("yaml-text-as-written.md")

    assert metadata["title"] == "Yes"
    assert metadata["slug"] == "0755"
    assert metadata["author"].name == "No"
    assert metadata["subtitle"] == "1e3"
    assert metadata["summary"] == "<p>on</p>"
    assert names(metadata["tags"]) == ["yes", "0755", "2024-01-01"]
    assert metadata["category"].name == "2024"
    assert metadata["date"] == datetime.datetime(2024, 3, 4)  # not a text field: still a date
    assert metadata["likes"] is False  # a flag: YAML's no is false


def test_jekylls_space_separated_categories_and_tags():
    _content, metadata = read("jekyll-new-site.md")

    assert metadata["title"] == "Welcome to Jekyll!"
    assert metadata["category"].name == "jekyll"
    assert names(metadata["tags"]) == ["ruby", "static-sites", "update"]


def test_hugos_url_is_where_the_page_is_saved_and_linked():
    _content, metadata = read("hugo-url.md")

    assert metadata["url"] == "about-us/"
    assert metadata["save_as"] == "about-us/index.html"


def test_a_url_on_another_site_is_left_out_with_a_warning(caplog):
    _content, metadata = read("hugo-url-elsewhere.md")

    assert "url" not in metadata
    assert "save_as" not in metadata
    [record] = [r for r in caplog.records if r.name == "pelican.plugins.likes.field_mapping"]
    assert record.getMessage() == (
        "tests/plugin/fixtures/articles/hugo-url-elsewhere.md: url "
        "'https://other.example/elsewhere/' is not a path on this site: left out"
    )
