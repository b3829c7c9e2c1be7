"""Splitting a Markdown file into frontmatter fields and body, with errors that point at a line.

python-frontmatter detects and splits the three formats; this module adds what a blog author needs
when a file is wrong: the line and column of the mistake, counted in the file as written.
"""

import functools
import json
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass

import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, SafeLoader, YAMLHandler

from pelican.plugins.likes.frontmatter_errors import FrontmatterError
from pelican.plugins.likes.native_metadata import is_native_metadata


class TOMLHandler(BaseHandler):
    """Hugo's ``+++`` frontmatter, parsed with the standard library.

    python-frontmatter's own TOML handler needs the ``toml`` package and, when it is missing,
    drops out silently: a ``+++`` file then loses all its metadata without a word (measured).
    """

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> dict[str, object]:
        return tomllib.loads(fm)


class TextKeepingYAMLHandler(YAMLHandler):
    """YAML frontmatter whose text fields keep their text as written.

    YAML 1.1 reads ``title: Yes`` as true and ``slug: 0755`` as 493; turning those back into text
    cannot restore ``0755``, so the plain scalars of the fields named in ``text_fields`` are
    resolved as strings before they are built.
    """

    def load_keeping_text(self, fm: str, text_fields: Collection[str]) -> object:
        """The YAML in ``fm``, the plain scalars of ``text_fields`` as text."""
        return yaml.load(fm, Loader=_text_keeping_loader(frozenset(text_fields)))  # noqa: S506


@functools.cache
def _text_keeping_loader(text_fields: frozenset[str]) -> type:
    """A safe loader that reads the top-level fields ``text_fields`` (lowercased) as text."""

    # python-frontmatter's SafeLoader is libyaml's where installed, else PyYAML's: a base class
    # that types cannot name.
    class TextKeepingLoader(SafeLoader):  # type: ignore[valid-type,misc]
        def construct_document(self, node: yaml.Node) -> object:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value.lower() in text_fields:
                        _resolve_as_text(value)
            return super().construct_document(node)

    return TextKeepingLoader


_STR_TAG = "tag:yaml.org,2002:str"
_TYPED_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "timestamp")}


def _resolve_as_text(node: yaml.Node) -> None:
    """Plain scalars YAML would make booleans, numbers or dates, as their text (in lists too).

    libyaml marks a plain scalar with the style "", PyYAML with None.
    """
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _resolve_as_text(item)
    elif isinstance(node, yaml.ScalarNode) and not node.style and node.tag in _TYPED_TAGS:
        node.tag = _STR_TAG


HANDLERS: dict[str, BaseHandler] = {
    "YAML": TextKeepingYAMLHandler(),
    "TOML": TOMLHandler(),
    "JSON": JSONHandler(),
}

# tomllib (before Python 3.14) has the position only inside the message.
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True)
class Document:
    """A Markdown file with frontmatter: its fields as parsed, and the Markdown after them."""

    fields: dict[str, object]
    body: str
    format: str


def parse(text: str, text_fields: Collection[str] = ()) -> Document | None:
    """Split ``text`` into frontmatter and body; None when it has no frontmatter for this reader:
    none at all, or Pelican's own metadata between ``---`` lines (see native_metadata.py).

    YAML fields named in ``text_fields`` (lowercase) keep their text as written. Raises
    FrontmatterError when the frontmatter is unclosed, unparsable or not key/value fields.
    """
    stripped = text.lstrip()
    blank_lines = text[: len(text) - len(stripped)].count("\n")
    detected = [(name, handler) for name, handler in HANDLERS.items() if handler.detect(stripped)]
    if not detected:
        return None
    name, handler = detected[0]
    first_line = blank_lines + 1
    try:
        fm, body = handler.split(stripped)
    except ValueError:
        raise FrontmatterError(f"{name} frontmatter is never closed", first_line) from None
    # Python-Markdown reads metadata only from the very first line on.
    if name == "YAML" and len(stripped) == len(text) and is_native_metadata(fm):
        return None
    # Lines of the frontmatter text count from the opening delimiter's line.
    offset = blank_lines + stripped.count("\n", 0, _opening_end(handler, stripped))
    fields = _load(handler, fm, offset, text_fields)
    if fields is None:  # an empty YAML block
        fields = {}
    if not isinstance(fields, dict):
        raise FrontmatterError(
            f"{name} frontmatter must be key/value fields, not a {type(fields).__name__}",
            first_line,
        )
    return Document({str(key): value for key, value in fields.items()}, body.lstrip("\n"), name)


def _opening_end(handler: BaseHandler, text: str) -> int:
    """Where the opening delimiter ends, which ``handler.detect`` found at the start of ``text``."""
    opening = handler.FM_BOUNDARY.match(text) if handler.FM_BOUNDARY else None
    return opening.end() if opening else 0


def _load(handler: BaseHandler, fm: str, offset: int, text_fields: Collection[str]) -> object:
    """The parsed frontmatter, with any parse error moved to the line it is on in the file."""
    try:
        if isinstance(handler, TextKeepingYAMLHandler):
            return handler.load_keeping_text(fm, text_fields)
        return handler.load(fm)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        problem = error.problem or "invalid YAML"
        if error.context:
            problem = f"{problem} ({error.context})"
        line, column = (offset + mark.line + 1, mark.column + 1) if mark else (None, None)
        raise FrontmatterError(f"invalid YAML frontmatter: {problem}", line, column) from None
    except yaml.YAMLError as error:
        raise FrontmatterError(f"invalid YAML frontmatter: {error}") from None
    except json.JSONDecodeError as error:
        raise FrontmatterError(
            f"invalid JSON frontmatter: {error.msg}", offset + error.lineno, error.colno
        ) from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        if position is None:
            raise FrontmatterError(f"invalid TOML frontmatter: {message}") from None
        raise FrontmatterError(
            f"invalid TOML frontmatter: {message[: position.start()]}",
            offset + int(position.group(1)),
            int(position.group(2)),
        ) from None
    except (ValueError, TypeError, AttributeError, OverflowError) as error:
        # PyYAML's constructors fail with these on some values it emits itself, such as a
        # timestamp with a seconds offset (found by tests/plugin/test_reader_properties.py).
        raise FrontmatterError(f"invalid frontmatter value: {error}") from None
