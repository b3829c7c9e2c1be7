"""Splitting files into frontmatter and body, and pointing at the line of a mistake."""

import datetime
import importlib.util

import pytest

from pelican.plugins.likes.frontmatter_parser import FrontmatterError, parse
from tests.plugin.pelican_builds import ARTICLES


def read(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "format", "title"),
    [
        ("astro-post.md", "YAML", "First post"),
        ("hugo-toml.md", "TOML", "Hugo in TOML"),
        ("hugo-json.md", "JSON", "Hugo in JSON"),
    ],
)
def test_each_format_is_split_into_fields_and_body(name, format, title):
    document = parse(read(name))

    assert document.format == format
    assert document.fields["title"] == title
    assert not document.body.startswith(("---", "+++", "}", "\n"))
    assert document.body.strip()


def test_toml_is_read_without_the_toml_package():
    # python-frontmatter's TOML handler silently returns nothing without `toml`.
    assert importlib.util.find_spec("toml") is None

    fields = parse(read("hugo-toml.md")).fields

    assert fields["date"] == datetime.datetime(
        2023, 9, 14, 8, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert fields["cover"] == {"image": "cover.png", "alt": "A cover"}


def test_a_file_without_frontmatter_is_left_to_pelican():
    assert parse(read("native-pelican.md")) is None


@pytest.mark.parametrize(
    ("name", "line", "column", "message"),
    [
        ("broken-yaml.md", 4, 14, "invalid YAML frontmatter: mapping values are not allowed"),
        ("broken-toml.md", 3, 6, "invalid TOML frontmatter: Expected '=' after a key"),
        ("broken-json.md", 4, 1, "invalid JSON frontmatter: Expecting property name"),
        ("unclosed.md", 1, None, "YAML frontmatter is never closed"),
        ("list-frontmatter.md", 1, None, "YAML frontmatter must be key/value fields, not a list"),
    ],
)
def test_errors_point_at_the_line_in_the_file(name, line, column, message):
    with pytest.raises(FrontmatterError) as raised:
        parse(read(name))

    assert (raised.value.line, raised.value.column) == (line, column)
    assert raised.value.message.startswith(message)


def test_lines_are_counted_from_the_top_of_the_file_past_blank_lines():
    text = "\n\n" + read("broken-yaml.md")

    with pytest.raises(FrontmatterError) as raised:
        parse(text)

    assert raised.value.line == 6


def test_an_error_reads_as_one_line_an_editor_can_jump_to():
    error = FrontmatterError("invalid YAML frontmatter: oops", 4, 14)

    assert (
        error.located("content/post.md") == "content/post.md:4:14: invalid YAML frontmatter: oops"
    )
    assert FrontmatterError("never closed", 1).located("a.md") == "a.md:1: never closed"
