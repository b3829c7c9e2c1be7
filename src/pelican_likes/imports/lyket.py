"""Lyket's buttons, in the CSV its dashboard documents for them: a ``path,amount`` header, then a
row per button, ``like-buttons/NAMESPACE/ID,AMOUNT``.

A Lyket button is named by its type, an optional namespace and an ID of the site's choosing,
usually the post's slug (Lyket's own blog uses ``namespace="blog" id="count-api"``); so the ID is
matched as a slug. Like and clap buttons carry counts of likes; an updown button's amount is
likes less dislikes, and a rate button's is a sum of stars: those are listed, not imported.
"""

import csv
import re
from pathlib import Path

from pelican_likes.imports.source import Count, SourceError, whole_count

_HEADER = ["path", "amount"]
# [type]-buttons/[namespace]/[id], the namespace optional.
_PATH = re.compile(r"(?P<type>[a-z]+)-buttons/(?:(?P<namespace>[^/]+)/)?(?P<id>[^/]+)")
_LIKES = ("like", "clap")


def read(path: Path) -> list[Count]:
    """A count per button, a button listed again with the same amount once; a SourceError at
    the first bad row, or at a button listed again with another amount."""
    counts: dict[str, Count] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = csv.reader(handle, strict=True)
        try:
            for row in rows:
                place = f"{path}:{rows.line_num}"
                if not row or all(not cell.strip() for cell in row):
                    continue
                if rows.line_num == 1:
                    _check_header(place, row)
                    continue
                button, count = _count(place, row)
                first = counts.setdefault(button, count)
                if first.likes != count.likes:
                    raise SourceError(
                        f"{place}: {button!r} is listed again with another amount "
                        f"(first at {first.place})"
                    )
        except csv.Error as error:
            raise SourceError(f"{path}:{rows.line_num}: {error}") from None
        except UnicodeDecodeError as error:
            raise SourceError(f"{path}: not UTF-8 text (byte {error.start})") from None
    return list(counts.values())


def _check_header(place: str, row: list[str]) -> None:
    """Lyket reads its header without case or spaces (ButtonsImporter's transformHeader)."""
    header = [re.sub(r"\W", "", cell.lower()) for cell in row]
    if header != _HEADER:
        raise SourceError(f"{place}: expected Lyket's header 'path,amount', got {','.join(row)!r}")


def _count(place: str, row: list[str]) -> tuple[str, Count]:
    if len(row) != 2:
        raise SourceError(f"{place}: expected 'path,amount', got {','.join(row)!r}")
    button = row[0].strip()
    found = _PATH.fullmatch(button)
    if found is None:
        raise SourceError(
            f"{place}: expected a button's path, TYPE-buttons/NAMESPACE/ID, got {button!r}"
        )
    amount = whole_count(row[1], place, "amount")
    kind = found["type"]
    refused = "" if kind in _LIKES else f"{kind} buttons do not count likes"
    return button, Count(amount, place, slug=found["id"], refused=refused, label=button)
