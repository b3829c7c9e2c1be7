"""How every command prints what it lists: a table for people, CSV or JSON for scripts.

The table is drawn by rich: colours, links and a box on a terminal, plain aligned text anywhere
else (a pipe, a file, ``NO_COLOR``, ``TERM=dumb``), so ``stats | grep`` reads as well as the
screen. A command hands ``print_listing`` its table, its rows and its document; only the one of
the format asked for is built.
"""

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO

from rich.console import Console, RenderableType

FORMATS = ("table", "csv", "json")

# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): an article titled
# '=HYPERLINK("https://evil.example", "Click")' would be a live link in the author's sheet.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    """``--format table|csv|json``, the same choice on every command that lists."""
    parser.add_argument("--format", choices=FORMATS, default="table", help="default: table")


def print_listing(
    output_format: str,
    *,
    table: Callable[[Console], Sequence[RenderableType]],
    rows: Iterable[Sequence[object]],
    document: Callable[[], object],
) -> None:
    """Print to stdout in ``output_format``: ``table(console)``'s parts for people, ``rows`` (a
    header first) as CSV, or ``document()`` as JSON."""
    if output_format == "csv":
        write_csv(rows, sys.stdout)
    elif output_format == "json":
        write_json(document(), sys.stdout)
    else:
        out = console()
        print_table(out, *table(out))


def console() -> Console:
    """Rich on a terminal; elsewhere plain text as wide as it needs, so that no line wraps."""
    terminal = Console(highlight=False)
    if terminal.is_terminal:
        return terminal
    return Console(highlight=False, width=10_000, no_color=True)


def print_table(console: Console, *parts: RenderableType) -> None:
    """Print as rich draws it on a terminal; elsewhere without padding after the last column."""
    if console.is_terminal:
        console.print(*parts)
        return
    with console.capture() as captured:
        console.print(*parts)
    console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def print_columns(rows: Sequence[Sequence[str]], align: str, file: IO[str]) -> None:
    """``rows`` as plain columns two spaces apart, each aligned as ``align`` says (``<`` or
    ``>`` per column), without trailing blanks: for listings that stay plain on a terminal."""
    widths = [max(len(row[n]) for row in rows) for n in range(len(align))]
    for row in rows:
        cells = (
            f"{cell:{side}{width}}" for cell, side, width in zip(row, align, widths, strict=True)
        )
        file.write("  ".join(cells).rstrip() + "\n")


def write_csv(rows: Iterable[Sequence[object]], file: IO[str]) -> None:
    """``rows``, the header first, as CSV with Unix line ends, each text a spreadsheet would
    take for a formula given a leading ``'``, as OWASP advises, which shows it as text."""
    # With "\r\n" as its line end the writer quotes a cell holding a lone "\r" too, which a
    # spreadsheet would otherwise take for the start of a row; each row then ends in "\n".
    row_text = io.StringIO()
    writer = csv.writer(row_text, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_as_text(cell) for cell in row])
        file.write(row_text.getvalue().removesuffix("\r\n") + "\n")
        row_text.seek(0)
        row_text.truncate()


def _as_text(cell: object) -> object:
    """``cell``, a ``'`` before it if it is a text starting like a formula; numbers are kept."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def write_json(document: object, file: IO[str]) -> None:
    """``document`` as indented JSON, non-ASCII text kept as it is, and a final line end."""
    json.dump(document, file, indent=2, ensure_ascii=False)
    file.write("\n")
