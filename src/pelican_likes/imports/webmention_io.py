"""Likes received through webmention.io, from the mentions its API lists.

Its README documents the list of mentions as ``api/mentions.jf2`` (a jf2 feed: ``children``, each
with ``wm-property``, ``wm-target`` and ``wm-id``) and ``api/mentions`` (JSON: ``links``, each
with ``activity.type``, ``target`` and ``id``); a like is an entry whose property is ``like-of``
(type ``like``), often one that Bridgy brought from a social network. A site's owner downloads
them all with ``?domain=blog.example&token=...``; pages saved one by one may be put in one JSON
array. Each like counts once, however many pages repeat it (by its id).

``api/count.json`` is not read: it answers with a count for the one target it was asked about
and does not name it, so nothing in it says which article the count is of.
"""

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from pelican_likes.imports.source import Count, SourceError, entry_place, read_text

LikeTest = Callable[[dict[str, object]], bool]


def read(path: Path) -> list[Count]:
    """The number of likes of each target page, in the order each was first liked in the file."""
    try:
        document = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise SourceError(f"{path}:{error.lineno}: not JSON: {error.msg}") from None
    places: dict[str, list[int]] = {}
    seen: set[int | str] = set()
    for number, entry, target in _likes(path, document):
        like_id = entry.get("wm-id", entry.get("id"))
        if isinstance(like_id, int | str):
            if like_id in seen:
                continue
            seen.add(like_id)
        places.setdefault(target, []).append(number)
    return [
        Count(len(numbers), _place(path, numbers), address=target)
        for target, numbers in places.items()
    ]


def _likes(path: Path, document: object) -> Iterator[tuple[int, dict[str, object], str]]:
    """Every like of the document's lists of mentions: its number there, itself, its target."""
    pages = document if isinstance(document, list) else [document]
    number = 0
    for page in pages:
        entries, like = _shape(path, page)
        for entry in entries:
            number += 1
            place = entry_place(path, number)
            if not isinstance(entry, dict):
                raise SourceError(f"{place}: expected a mention, got {entry!r:.80}")
            if like(entry):
                yield number, entry, _target(entry, place)


def _shape(path: Path, page: object) -> tuple[list[object], LikeTest]:
    if isinstance(page, dict) and isinstance(page.get("children"), list):
        return page["children"], _is_jf2_like
    if isinstance(page, dict) and isinstance(page.get("links"), list):
        return page["links"], _is_json_like
    if isinstance(page, dict) and "count" in page:
        raise SourceError(
            f"{path}: api/count.json does not say which page it counts; "
            "download api/mentions.jf2?domain=...&token=... instead"
        )
    raise SourceError(
        f"{path}: expected webmention.io's api/mentions.jf2 (a feed of 'children') "
        "or api/mentions (a list of 'links')"
    )


def _is_jf2_like(entry: dict[str, object]) -> bool:
    return entry.get("wm-property") == "like-of"


def _is_json_like(entry: dict[str, object]) -> bool:
    activity = entry.get("activity")
    return isinstance(activity, dict) and activity.get("type") == "like"


def _target(entry: dict[str, object], place: str) -> str:
    target = entry.get("wm-target", entry.get("like-of", entry.get("target")))
    if not isinstance(target, str) or not target.strip():
        raise SourceError(f"{place}: a like without its target page ('wm-target')")
    return target.strip()


def _place(path: Path, numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:3])) + (", ..." if len(numbers) > 3 else "")
    return f"{path}: entr{'y' if len(numbers) == 1 else 'ies'} {shown}"
