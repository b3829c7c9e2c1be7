"""The one way commands print: the format chosen, tables for people, CSV and JSON for scripts."""

import argparse
import csv
import io
import json

import pytest
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pelican_likes.commands.output import (
    FORMATS,
    add_format_argument,
    print_columns,
    print_listing,
    print_table,
    write_csv,
    write_json,
)


def table(console: Console) -> list[Text | Table]:
    grid = Table(box=box.SIMPLE_HEAD if console.is_terminal else None, pad_edge=False)
    grid.add_column("Name")
    grid.add_column("Likes", justify="right")
    grid.add_row("a long name", "1")
    grid.add_row("short", "1,000")
    return [Text("Heading"), grid]


def test_every_command_offers_the_same_formats_table_first():
    parser = argparse.ArgumentParser()
    add_format_argument(parser)

    assert FORMATS == ("table", "csv", "json")
    assert parser.parse_args([]).format == "table"
    assert parser.parse_args(["--format", "json"]).format == "json"
    with pytest.raises(SystemExit):
        parser.parse_args(["--format", "xml"])


def test_off_a_terminal_a_table_is_plain_text_without_trailing_blanks():
    out = io.StringIO()
    console = Console(file=out, width=200, no_color=True)

    print_table(console, *table(console))

    assert out.getvalue() == "Heading\nName         Likes\na long name      1\nshort        1,000\n"


def test_on_a_terminal_a_table_is_printed_as_rich_draws_it():
    out, drawn = io.StringIO(), io.StringIO()
    console = Console(file=out, width=40, force_terminal=True, color_system="truecolor")
    rich = Console(file=drawn, width=40, force_terminal=True, color_system="truecolor")

    print_table(console, *table(console))
    rich.print(*table(rich))

    assert out.getvalue() == drawn.getvalue()
    assert "\x1b[" in out.getvalue()
    assert "─" in out.getvalue()


def test_columns_are_aligned_two_spaces_apart_without_trailing_blanks():
    out = io.StringIO()

    print_columns([("SLUG", "TITLE", "LIKES"), ("a-post", "", "12"), ("b", "B", "3")], "<<>", out)

    assert out.getvalue() == "SLUG    TITLE  LIKES\na-post            12\nb       B          3\n"


def test_csv_has_unix_line_ends_and_quotes_what_needs_it():
    out = io.StringIO()

    write_csv([["slug", "likes"], ["a,b", 3], ["c", 0]], out)

    assert out.getvalue() == 'slug,likes\n"a,b",3\nc,0\n'
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["slug", "likes"],
        ["a,b", "3"],
        ["c", "0"],
    ]


def test_csv_texts_a_spreadsheet_would_run_as_formulas_start_with_a_quote():
    out = io.StringIO()
    formulas = [
        '=HYPERLINK("https://evil.example","Click")',
        "+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
    ]

    write_csv([formulas, ["a=1", " =1", "'quoted", "a\rb", -3, 0.5]], out)

    assert out.getvalue().count("\n") == 2
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [
        ["'" + cell for cell in formulas],
        ["a=1", " =1", "'quoted", "a\rb", "-3", "0.5"],  # numbers are numbers, not formulas
    ]


def test_json_is_indented_keeps_text_as_written_and_ends_its_line():
    out = io.StringIO()

    write_json({"title": "文字 ü", "likes": [1, 2]}, out)

    assert out.getvalue().endswith("}\n")
    assert "文字 ü" in out.getvalue()
    assert '\n  "likes": [\n' in out.getvalue()
    assert json.loads(out.getvalue()) == {"title": "文字 ü", "likes": [1, 2]}


@pytest.mark.parametrize("chosen", FORMATS)
def test_a_listing_builds_only_the_format_asked_for(capsys, chosen):
    built: list[str] = []

    def rows():
        built.append("csv")
        yield ["slug", "likes"]
        yield ["a", 1]

    def drawn(console: Console) -> list[Text | Table]:
        built.append("table")
        return table(console)

    def document() -> dict[str, int]:
        built.append("json")
        return {"a": 1}

    print_listing(chosen, table=drawn, rows=rows(), document=document)

    printed = capsys.readouterr().out
    assert built == [chosen]
    expected = {
        "table": "Heading\nName         Likes\na long name      1\nshort        1,000\n",
        "csv": "slug,likes\na,1\n",
        "json": '{\n  "a": 1\n}\n',
    }
    assert printed == expected[chosen]
