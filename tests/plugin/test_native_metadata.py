"""Pelican's own metadata between ``---`` lines reads exactly as Pelican reads it without them."""

from pathlib import Path

import pelican
import pytest
from markdown.extensions.meta import META_MORE_RE, META_RE
from pelican.readers import MarkdownReader
from pelican.urlwrappers import URLWrapper

from pelican.plugins.likes.frontmatter_reader import FrontmatterReader
from pelican.plugins.likes.native_metadata import is_native_metadata
from tests.plugin.pelican_builds import ARTICLES, pelican_settings

PELICAN_CONTENT = Path(pelican.__file__).parent / "tests" / "content"
PELICAN_MARKDOWN = sorted(
    path
    for extension in MarkdownReader.file_extensions
    for path in PELICAN_CONTENT.rglob(f"*.{extension}")
)
IN_DASHES = sorted(ARTICLES.glob("native-in-dashes-*.md"))

# Pelican's own tests read its content with these settings as well as with the defaults.
PELICANS_TEST_SETTINGS = {
    "FORMATTED_FIELDS": ["summary", "custom_formatted_field"],
    "MARKDOWN": {
        "extension_configs": {
            "markdown.extensions.footnotes": {},
            "markdown.extensions.toc": {"title": "Table of Contents"},
        },
        "output_format": "html5",
    },
}


def comparable(value: object) -> object:
    """Metadata values compared by what they hold: Pelican's Tag == "Foo" would compare slugs."""
    if isinstance(value, URLWrapper):
        return (type(value).__name__, value.name)
    if isinstance(value, list):
        return [comparable(item) for item in value]
    return (type(value).__name__, value)


def read(reader_class: type, path: Path, settings: dict) -> tuple[str, dict]:
    content, metadata = reader_class(pelican_settings(**settings)).read(str(path))
    return content, {name: comparable(value) for name, value in metadata.items()}


def wrapped(text: str) -> str:
    """``text`` with its Markdown metadata (the lines Python-Markdown takes) between ``---``."""
    lines = text.removeprefix("\ufeff").split("\n")
    count = 0
    while count < len(lines) and (
        META_RE.match(lines[count]) or (count and META_MORE_RE.match(lines[count]))
    ):
        count += 1
    return "\n".join(["---", *lines[:count], "---", *lines[count:]])


def unwrapped(text: str) -> str:
    """``text`` without the ``---`` lines around its metadata."""
    _, metadata, body = text.split("---\n", 2)
    return metadata + body


def test_pelicans_test_content_is_all_there():
    names = {path.name for path in PELICAN_MARKDOWN}
    assert len(names) >= 19
    assert "article_with_markdown_and_nested_metadata.md" in names
    assert "article_with_markdown_and_footnote.md" in names


@pytest.mark.parametrize("settings", [{}, PELICANS_TEST_SETTINGS], ids=["defaults", "pelicans"])
@pytest.mark.parametrize("source", PELICAN_MARKDOWN, ids=lambda path: path.name)
def test_pelicans_test_content_reads_the_same_between_dashes(source, settings, tmp_path):
    in_dashes = tmp_path / source.name
    in_dashes.write_text(wrapped(source.read_text(encoding="utf-8")), encoding="utf-8")

    assert read(FrontmatterReader, in_dashes, settings) == read(MarkdownReader, source, settings)


@pytest.mark.parametrize("source", IN_DASHES, ids=lambda path: path.name)
def test_metadata_yaml_would_misread_reads_as_pelican_reads_it(source, tmp_path):
    plain = tmp_path / source.name
    plain.write_text(unwrapped(source.read_text(encoding="utf-8")), encoding="utf-8")

    assert read(FrontmatterReader, source, {}) == read(MarkdownReader, plain, {})


def test_the_values_yaml_would_change_are_kept():
    def metadata(name: str) -> dict:
        return FrontmatterReader(pelican_settings()).read(str(ARTICLES / name))[1]

    not_yaml = metadata("native-in-dashes-not-yaml.md")
    yaml_reads_otherwise = metadata("native-in-dashes-yaml-reads-otherwise.md")
    html_title = metadata("native-in-dashes-html-title.md")

    assert not_yaml["title"] == "[Update] New release"
    assert not_yaml["summary"] == "<p>Test: This metadata value looks like metadata</p>"
    assert yaml_reads_otherwise["title"] == "Yes"
    assert yaml_reads_otherwise["slug"] == "0755"
    assert [tag.name for tag in yaml_reads_otherwise["tags"]] == ["one", "two"]
    assert yaml_reads_otherwise["summary"] == (
        "<p>A multi-line summary\nwith <strong>inline markup</strong>.</p>"
    )
    assert html_title["title"] == "Tom & Jerry"
    assert [author.name for author in html_title["authors"]] == ["Tom", "Jerry"]
    assert html_title["likes"] == "false"  # Pelican's text, which the widget reads as a flag


@pytest.mark.parametrize(
    "block",
    [
        "Title: [Update] New release",  # not YAML at all
        "Title: Yes\nSlug: 0755",  # YAML, read otherwise
        "Title: A\nSummary: Test: this",
        "Title: A\nSummary:\n    Two lines\n    of summary",
        "Title: A\ncustom_field: lowercase after a capitalized key",
        'Title: "Quoted" and then not',  # quotes YAML cannot read
    ],
)
def test_pelican_metadata(block):
    assert is_native_metadata(block)


@pytest.mark.parametrize(
    "block",
    [
        "title: Yes\nslug: 0755",  # Jekyll, Hugo and Astro keys are lowercase
        "title: A\nsummary: Test: this",  # lowercase and broken: a YAML error, not a guess
        'Title: "Quoted"',  # YAML's quotes
        "Title: A\nTags: [a, b]",  # YAML's flow list
        "Title: A\nTags:\n    - a\n    - b",  # YAML's block list, indented like continuations
        "Title: A\nCover:\n    image: c.png",  # a nested mapping
        "Title: A\nSummary: >\n    folded",  # a block scalar
        "Title: Secret: plans\nDraft: true",  # Hugo's draft: never published by mistake
        "Title: A\nPublished: false",  # Jekyll's
        "Title: A\n\nDate: 2024-01-01",  # a blank line ends Python-Markdown's metadata
        "Title: A\n  - a",  # not Python-Markdown's syntax
        "",
    ],
)
def test_yaml_frontmatter(block):
    assert not is_native_metadata(block)


def test_a_block_after_blank_lines_is_not_read_by_pelican(tmp_path):
    """Python-Markdown reads metadata only from the first line: after a blank line Pelican would
    drop it, so such a file is YAML and, here, reported as broken YAML."""
    source = tmp_path / "late.md"
    source.write_text("\n---\nTitle: A\nSummary: Test: this\n---\n\nBody.\n", encoding="utf-8")

    _content, metadata = FrontmatterReader(pelican_settings()).read(str(source))

    assert metadata["status"] == "skip"
