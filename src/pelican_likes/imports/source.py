"""What every reader of another system's file gives back, and the mistakes it can find in one.

A reader turns a file into ``Count`` records, each naming what the other system kept the count
under (a page address, or a slug) and where in the file it was, and stops at the first entry it
cannot read: nothing is imported from a file that is not whole.
"""

from dataclasses import dataclass
from pathlib import Path

from pelican_likes.storage.schema import MAX_LIKES


class SourceError(ValueError):
    """An entry of the file cannot be read; the message names the file and the line or entry."""


@dataclass(frozen=True)
class Count:
    """One count of the other system: ``likes`` of the page at ``address``, or of ``slug``.

    ``address`` is a URL with its host (``https://blog.example/post/``), without its scheme
    (``//blog.example/post/``), or from the root (``/post/``). ``place`` says where in the file
    the count was read (``claps.json: entry 7``, ``likes.csv:3``), for the summary.
    """

    likes: int
    place: str
    address: str = ""
    slug: str = ""
    # Why the count is listed but not imported (a dislike button's score is no count of likes).
    refused: str = ""
    # What the file called the page, where that is not ``address`` (a URL without its scheme).
    label: str = ""

    @property
    def name(self) -> str:
        """What the other system called the article."""
        return self.label or self.address or self.slug


def whole_count(value: object, place: str, what: str = "likes") -> int:
    """``value`` (a JSON number or a string of ASCII digits) as a count a likes column holds."""
    number = value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= MAX_LIKES:
        shown = value.strip() if isinstance(value, str) else value
        raise SourceError(
            f"{place}: {what} must be a whole number from 0 to {MAX_LIKES:,}, got {shown!r}"
        )
    return number


def entry_place(path: Path, number: int) -> str:
    """Where the ``number``-th (from 1) entry of a JSON document is, for a message."""
    return f"{path}: entry {number}"


def read_text(path: Path) -> str:
    """The file as text: UTF-8, a spreadsheet's byte-order mark skipped; a file of another
    encoding is a SourceError naming it rather than a decoding traceback."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"{path}: not UTF-8 text (byte {error.start})") from None
