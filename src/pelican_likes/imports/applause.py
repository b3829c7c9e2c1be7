"""applause-button's clap counts, as its author published them when the hosted service closed.

The hosted back-end (applause-button-server) kept one DynamoDB item per page: ``url``, the page's
address without its scheme or query string (``blog.example.com/2020/01/post.html``), and
``claps``. The published file is that table exported in DynamoDB's JSON, ``{"Item": {"url":
{"S": ...}, "claps": {"N": "12"}, ...}}`` per page: a JSON array of them (as the community server
that took the data over reads it), or one per line (as DynamoDB's export writes them). Also read: a
plain ``{"url": claps}`` object, and the ``[{"url": ..., "claps": ...}]`` list that the service's
``get-multiple`` API answered. The file holds every site's pages; those of other sites are left
to the matching (pelican_likes.imports.matching).
"""

import json
from collections.abc import Iterator
from pathlib import Path

from pelican_likes.imports.source import Count, SourceError, entry_place, read_text, whole_count

# Items are looked up by these names; DynamoDB wraps each value in its type ("S" text, "N" number).
_URL, _CLAPS = "url", "claps"


def read(path: Path) -> list[Count]:
    """Every page's claps in the file, in its order; a SourceError at the first bad entry."""
    text = read_text(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if text.lstrip().startswith("["):
            raise SourceError(f"{path}:{error.lineno}: not JSON: {error.msg}") from None
        return list(_lines(path, text))
    if isinstance(document, dict) and "Item" not in document:
        return [_count(url, claps, f"{path}: {url!r}") for url, claps in document.items()]
    items = document if isinstance(document, list) else [document]
    return [_item(item, entry_place(path, n)) for n, item in enumerate(items, start=1)]


def _lines(path: Path, text: str) -> Iterator[Count]:
    """One item per line, as DynamoDB exports a table."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise SourceError(f"{path}:{number}: not JSON: {error.msg}") from None
        yield _item(item, f"{path}:{number}")


def _item(item: object, place: str) -> Count:
    if isinstance(item, dict) and isinstance(item.get("Item"), dict):
        item = {name: _typed_value(value) for name, value in item["Item"].items()}
    if not isinstance(item, dict) or _URL not in item or _CLAPS not in item:
        raise SourceError(f"{place}: expected an item with 'url' and 'claps', got {item!r:.80}")
    return _count(item[_URL], item[_CLAPS], place)


def _typed_value(value: object) -> object:
    """``{"S": "text"}`` or ``{"N": "12"}`` as the value it holds; anything else as it is."""
    if isinstance(value, dict) and len(value) == 1:
        ((kind, held),) = value.items()
        if kind in ("S", "N"):
            return held
    return value


def _count(url: object, claps: object, place: str) -> Count:
    if not isinstance(url, str) or not url.strip():
        raise SourceError(f"{place}: 'url' must be a page's address, got {url!r:.80}")
    url = url.strip()
    # Stored without the scheme since 2018 (applause-button-server's normalizeUrl); older items
    # may still carry it.
    address = url if "://" in url or url.startswith(("//", "/")) else f"//{url}"
    return Count(whole_count(claps, place, "claps"), place, address=address, label=url)
