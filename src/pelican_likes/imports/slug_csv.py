"""``slug,likes`` rows: the plain CSV any older system's counts can be written as, and the
default of ``import-counts``.

Slugs are taken as they are: one no article has is an error for the whole file, as it always was
(a typo in a hand-written file should not pass as "not matched").
"""

import csv
from pathlib import Path

from pelican_likes.imports.source import Count, SourceError, whole_count


def read(path: Path) -> list[Count]:
    """Parse ``slug,likes`` rows, rejecting the whole file at its first bad line.

    Spreadsheets save UTF-8 with a byte-order mark, which is skipped. A slug listed twice is
    refused rather than one of its counts silently kept. A header row ``slug,likes`` is allowed.
    """
    counts: list[Count] = []
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
                count = _count(path, number, row)
                if count.slug in lines:
                    raise SourceError(
                        f"{path}:{number}: {count.slug!r} is listed again "
                        f"(first on line {lines[count.slug]})"
                    )
                lines[count.slug] = number
                counts.append(count)
        except csv.Error as error:
            raise SourceError(f"{path}:{rows.line_num}: {error}") from None
        except UnicodeDecodeError as error:
            raise SourceError(f"{path}: not UTF-8 text (byte {error.start})") from None
    return counts


def _count(path: Path, number: int, row: list[str]) -> Count:
    if len(row) != 2 or not row[0].strip():
        raise SourceError(f"{path}:{number}: expected 'slug,likes', got {','.join(row)!r}")
    place = f"{path}:{number}"
    return Count(whole_count(row[1], place), place, slug=row[0].strip())
