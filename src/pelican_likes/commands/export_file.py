"""The export file: one JSON object a line, each an exchange record (storage/exchange.py), so
that a million likes are written and read a line at a time, and a bad line is named by number.

    {"type": "header", "format": "pelican-likes export", "revision": "0006"}
    {"type": "article", "id": 1, "slug": "...", "title": "...", "url": "...", "base_likes": 0, "closed": false}
    {"type": "alias", "slug": "old-slug", "article": 1}
    {"type": "merge", "article": 1, "former_id": 2}
    {"type": "like", "article": 1, "voter": "<64 hex digits>", "at": "2026-12-07T10:00:00+00:00"}
    {"type": "end", "articles": 1, "aliases": 1, "merges": 1, "likes": 1}

docs/deploy.md#backups says what each field holds.
"""  # noqa: E501

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import datetime
from typing import IO, Any

from pelican_likes.storage.exchange import (
    SECTION_OF,
    AliasRecord,
    ArticleRecord,
    End,
    Header,
    ImportRefused,
    LikeRecord,
    MergeRecord,
    Record,
)

FORMAT = "pelican-likes export"

# Each record type's fields (besides "type") and the JSON type each must have.
_FIELDS: dict[str, dict[str, type]] = {
    "header": {"format": str, "revision": str},
    "article": {"id": int, "slug": str, "title": str, "url": str, "base_likes": int,
                "closed": bool},
    "alias": {"slug": str, "article": int},
    "merge": {"article": int, "former_id": int},
    "like": {"article": int, "voter": str, "at": str},
    "end": {"articles": int, "aliases": int, "merges": int, "likes": int},
}  # fmt: skip

_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false"}


def write_records(records: Iterable[Record], file: IO[str]) -> End:
    """Write ``records``, one a line; the end record, which says how many of each there were."""
    for record in records:
        file.write(json.dumps(_as_object(record), ensure_ascii=False) + "\n")
        if isinstance(record, End):
            return record
    raise ImportRefused("the database's records ended without their end record")


def _as_object(record: Record) -> dict[str, object]:
    match record:
        case Header(revision):
            return {"type": "header", "format": FORMAT, "revision": revision}
        case LikeRecord(article, voter, at):
            return {"type": "like", "article": article, "voter": voter, "at": at.isoformat()}
        case _:
            return {"type": SECTION_OF[type(record)], **asdict(record)}


class RecordReader:
    """The records of an export file's lines, read as they are asked for; ``line`` is the number
    of the line last read, which is where a record refused by the import is."""

    def __init__(self, lines: Iterable[bytes]) -> None:
        self._lines = lines
        self.line = 0
        self.exhausted = False

    def __iter__(self) -> Iterator[Record]:
        for raw in self._lines:
            self.line += 1
            yield _record(_object(raw))
        self.exhausted = True

    def where(self) -> int:
        """The line an error of the import is on: the one after the last for a file that ends
        too early."""
        return self.line + 1 if self.exhausted else self.line


def _object(raw: bytes) -> dict[str, Any]:
    try:
        found = json.loads(raw)
    except UnicodeDecodeError:
        raise ImportRefused("not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ImportRefused(f"not JSON ({error.msg}, column {error.colno})") from None
    if not isinstance(found, dict):
        raise ImportRefused(f"expected a JSON object, got {type(found).__name__}")
    return found


def _record(found: dict[str, Any]) -> Record:
    kind = found.get("type")
    fields = _FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        raise ImportRefused(f"unknown record type {kind!r}; expected one of {', '.join(_FIELDS)}")
    given = set(found) - {"type"}
    if given != set(fields):
        raise ImportRefused(
            f"a {kind} record has the fields {', '.join(fields)}; "
            f"got {', '.join(sorted(given)) or 'none'}"
        )
    for name, wanted in fields.items():
        value = found[name]
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            raise ImportRefused(f"{kind} field {name!r} must be {_TYPE_NAMES[wanted]}")
    values = {name: found[name] for name in fields}
    match kind:
        case "header":
            if values["format"] != FORMAT:
                raise ImportRefused(f"not a {FORMAT}: its format is {values['format']!r}")
            return Header(values["revision"])
        case "article":
            return ArticleRecord(**values)
        case "alias":
            return AliasRecord(**values)
        case "merge":
            return MergeRecord(**values)
        case "like":
            return LikeRecord(values["article"], values["voter"], _moment(values["at"]))
        case _:
            return End(**values)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ImportRefused(f"a like time that is not ISO 8601: {text!r}") from None
    if moment.tzinfo is None:
        raise ImportRefused(f"a like time without its UTC offset: {text!r}")
    return moment
