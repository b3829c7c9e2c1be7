"""``pelican-likes recount`` and ``import-counts``: an article's count rebuilt from its likes,
and counts carried over from the system a blog used before."""

import argparse
import csv
from pathlib import Path

from pelican_likes.commands.usage import UsageError, is_whole_number
from pelican_likes.storage.schema import MAX_LIKES
from pelican_likes.storage.store import LikeStore


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``recount`` and ``import-counts`` to the ``pelican-likes`` sub-commands."""
    recount = commands.add_parser(
        "recount",
        help="rebuild the counts from the likes recorded, after rows were changed by hand",
    )
    recount.set_defaults(run=recount_likes)

    imports = commands.add_parser(
        "import-counts",
        help="carry counts from an older system (CSV rows of slug,likes) into base_likes",
        description="Set each listed article's base_likes, the count it had before pelican-likes. "
        "Every slug must be registered and listed once, each count a whole number from 0 to "
        f"{MAX_LIKES:,}; nothing is written unless the whole file is valid. A header row "
        "'slug,likes' is allowed.",
    )
    imports.add_argument("file", type=Path, metavar="FILE.csv")
    imports.set_defaults(run=import_counts)


def recount_likes(args: argparse.Namespace, url: str) -> None:
    with LikeStore.from_url(url) as store:
        changed = store.recount()
    print(f"recounted; {changed} article count(s) changed")


def import_counts(args: argparse.Namespace, url: str) -> None:
    counts = read_counts(args.file)
    with LikeStore.from_url(url) as store:
        store.set_base_likes(counts)
    print(f"imported counts for {len(counts)} article(s)")


def read_counts(path: Path) -> dict[str, int]:
    """Parse ``slug,likes`` rows, rejecting the whole file at its first bad line.

    Spreadsheets save UTF-8 with a byte-order mark, which is skipped. A slug listed twice is
    refused rather than one of its counts silently kept.
    """
    counts: dict[str, int] = {}
    lines: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = csv.reader(handle, strict=True)
        try:
            for row in rows:
                number = rows.line_num
                if not row or all(not cell.strip() for cell in row):
                    continue
                if number == 1 and [cell.strip().lower() for cell in row] == ["slug", "likes"]:
                    continue
                slug, likes = _slug_and_likes(path, number, row)
                if slug in lines:
                    raise UsageError(
                        f"{path}:{number}: {slug!r} is listed again (first on line {lines[slug]})"
                    )
                lines[slug] = number
                counts[slug] = likes
        except csv.Error as error:
            raise UsageError(f"{path}:{rows.line_num}: {error}") from None
    return counts


def _slug_and_likes(path: Path, number: int, row: list[str]) -> tuple[str, int]:
    if len(row) != 2 or not row[0].strip():
        raise UsageError(f"{path}:{number}: expected 'slug,likes', got {','.join(row)!r}")
    text = row[1].strip()
    if not is_whole_number(text) or int(text) > MAX_LIKES:
        raise UsageError(
            f"{path}:{number}: likes must be a whole number from 0 to {MAX_LIKES:,}, got {text!r}"
        )
    return row[0].strip(), int(text)
