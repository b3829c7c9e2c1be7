"""How Astro, Jekyll and Hugo name an article's fields, and the names and shapes Pelican expects.

The result is still raw text where Pelican has a processor (dates, tags, category, author...):
the reader hands those to Pelican's own processing, so they behave as in any Pelican site.
"""

import datetime
import logging
from collections.abc import Mapping
from typing import TypeGuard
from urllib.parse import urlsplit

from markupsafe import escape
from pelican.readers import ensure_metadata_list

from pelican.plugins.likes.frontmatter_errors import FrontmatterError

logger = logging.getLogger(__name__)

# Pelican's name first: when a file has several of these, the earlier one wins. Names are matched
# lowercased, as Pelican lowercases every metadata name.
ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "pubdate", "publishdate"),
    "modified": ("modified", "updateddate", "lastmod", "last_modified_at"),
    "summary": ("summary", "description", "excerpt"),
    "tags": ("tags", "keywords", "subcategories"),
    "image": ("image", "heroimage", "cover"),
}

# Astro, Jekyll and Hugo escape titles in their templates: they are text, whereas Pelican themes
# print ``article.title`` as HTML. Escaping here keeps a "<script>" in a title as words on the page.
TEXT_FIELDS = ("title", "subtitle")

# Fields Pelican reads as one piece of text (several become file paths): a list or a mapping
# there is a mistake to report, not something to write to disk.
PELICAN_TEXT_FIELDS = ("summary", "slug", "status", "save_as", "url", "template", "lang")

# Fields read as text as written in YAML, never as YAML 1.1's booleans, numbers or dates: a title
# ``Yes`` stays "Yes", a slug ``0755`` stays "0755" (aliases included: they become these fields).
AS_WRITTEN = frozenset(
    {*TEXT_FIELDS, *PELICAN_TEXT_FIELDS, "author", "authors", "category", "categories"}
    | {alias for name in ("summary", "tags") for alias in ALIASES[name]}
    | {"likes_aliases", "aliases"}
)

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def to_pelican(fields: Mapping[str, object], source: str) -> dict[str, object]:
    """Pelican metadata for the frontmatter ``fields`` of the file ``source`` (named in the log
    line of any field left out).

    Every field is kept under its lowercased name, so themes still find e.g. ``description``; the
    fields Pelican knows are added under Pelican's names, in the shapes its processors accept.
    """
    metadata = {name.lower(): value for name, value in fields.items() if value is not None}
    if _is_list(metadata.get("author")) and "authors" not in metadata:
        metadata["authors"] = metadata.pop("author")  # Hugo allows a list; Pelican wants authors
    for target, aliases in ALIASES.items():
        alias = next((alias for alias in aliases if alias in metadata), None)
        if alias is not None:
            metadata[target] = metadata[alias]
    _set_category(metadata)
    if "url" in metadata:
        _set_page_path(metadata, source)
    status = _status(metadata)
    if status is not None:
        metadata["status"] = status
    for name in list(metadata):
        shaped = _shape(name, metadata[name])
        if shaped is None:
            del metadata[name]
        else:
            metadata[name] = shaped
    return metadata


def _set_category(metadata: dict[str, object]) -> None:
    """Pelican's one category: ``category`` as written, else the first of Jekyll's and Hugo's
    ``categories``; the other categories are added to the tags, so the article is still listed
    under each of them (Pelican's tag pages are what Jekyll's category pages were)."""
    categories = _split_list(metadata.get("categories", []))
    if "category" in metadata:
        category = _first(metadata["category"])
    else:
        category = categories[0] if categories else None
    if category is not None:
        metadata["category"] = category
    others = [name for name in categories if name != category]
    if others:
        tags = _split_list(metadata.get("tags", []))
        metadata["tags"] = tags + [name for name in dict.fromkeys(others) if name not in tags]


def _set_page_path(metadata: dict[str, object], source: str) -> None:
    """Hugo's ``url``, a path from the site's root, as Pelican's ``url`` and ``save_as``, so the
    page is written where its links point: ``/about-us/`` is saved as ``about-us/index.html``.

    A URL that cannot be a page of this site (another host, a query, ``..``, the site's root) is
    left out with a warning: Pelican would link it where no page is written.
    """
    url = metadata["url"]
    if _is_list(url) or isinstance(url, Mapping):
        return  # reported as not text by _shape
    path = _page_path(str(url).strip())
    if path is None:
        logger.warning("%s: url %r is not a path on this site: left out", source, url)
        del metadata["url"]
        return
    metadata["url"] = path
    if "save_as" not in metadata:
        metadata["save_as"] = path + "index.html" if path.endswith("/") else path


def _page_path(url: str) -> str | None:
    """``url`` relative to the site's root, a folder ending in ``/`` unless its last part has an
    extension (``notes.html``); None when it cannot name a page of this site."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if parts.scheme or parts.netloc or parts.query or parts.fragment or ".." in segments:
        return None
    path = parts.path.strip("/")
    if not path or "\\" in path:
        return None
    return path if "." in segments[-1] else path + "/"


def as_flag(value: object) -> bool | None:
    """``value`` as a yes/no answer (``true``, ``"no"``, ``0``...); None when it is neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
    return None


def _status(metadata: Mapping[str, object]) -> str | None:
    """Pelican's ``status`` from Hugo's/Astro's ``draft: true`` or Jekyll's ``published: false``."""
    if "status" in metadata:
        return None
    if "draft" in metadata and _flag("draft", metadata["draft"]):
        return "draft"
    if "published" in metadata and not _flag("published", metadata["published"]):
        return "draft"
    return None


def _shape(name: str, value: object) -> object:
    """``value`` in the shape Pelican expects for ``name``; None drops an empty field."""
    if name in TEXT_FIELDS:
        return str(escape(_text(value)))
    if name in ("date", "modified"):
        return _date_text(name, value)
    if name == "tags":
        return _split_list(value)
    if name == "authors":
        if _is_list(value):
            return [_text(item) for item in value if item is not None]
        return _text(value)
    if name in ("category", "author"):
        return _first(value)
    if name in PELICAN_TEXT_FIELDS:
        if _is_list(value) or isinstance(value, Mapping):
            raise FrontmatterError(f"{name}: expected text, got {value!r}")
        return _text(value)
    if name == "image" and isinstance(value, Mapping):
        # Hugo themes nest the picture: ``cover: {image: ..., alt: ...}``.
        return value.get("image")
    if name == "likes":
        return _flag(name, value)
    return value


def _date_text(name: str, value: object) -> str:
    """Dates as text for Pelican's own parser, which then applies ``TIMEZONE`` to naive ones."""
    if isinstance(value, datetime.date):  # YAML and TOML dates and datetimes
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise FrontmatterError(f"{name}: expected a date, got {value!r}")


def _flag(name: str, value: object) -> bool:
    flag = as_flag(value)
    if flag is None:
        raise FrontmatterError(f"{name}: expected true or false, got {value!r}")
    return flag


def _split_list(value: object) -> list[str]:
    """Jekyll's list-or-text fields as a list: text with commas or semicolons is split as Pelican
    splits tags, other text at spaces, as Jekyll does (``tags: ruby static-sites``)."""
    if _is_list(value):
        return [_text(item) for item in value if item is not None]
    text = _text(value)
    return ensure_metadata_list(text) if "," in text or ";" in text else text.split()


def _first(value: object) -> str | None:
    if _is_list(value):
        return next((_text(item) for item in value if item is not None), None)
    return _text(value)


def _text(value: object) -> str:
    """Scalars as Pelican's text: YAML reads ``title: 2024`` as a number."""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _is_list(value: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    return isinstance(value, list | tuple)
