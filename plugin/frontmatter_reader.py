"""The Markdown reader for articles written for Astro, Jekyll or Hugo, in place of Pelican's own.

Files with YAML, TOML or JSON frontmatter are read here; files without, and files whose ``---``
lines wrap Pelican's own ``Key: value`` metadata, are handed to Pelican's MarkdownReader
unchanged, so native metadata reads exactly as in any Pelican site.
"""

import codecs
import logging
import os
from typing import TYPE_CHECKING, ClassVar

from markdown import Markdown
from markdown.extensions.meta import MetaExtension
from pelican.generators import Generator
from pelican.readers import MarkdownReader, Readers
from pelican.utils import pelican_open

from pelican.plugins.likes import field_mapping
from pelican.plugins.likes.frontmatter_errors import FrontmatterError
from pelican.plugins.likes.generator_slugs import (
    GENERATOR,
    SOURCES,
    generator_slug,
    is_jekyll_post,
)
from pelican.plugins.likes.jekyll_dates import in_site_time, read_as_jekyll
from pelican.plugins.likes.settings import LikesSettings

if TYPE_CHECKING:
    from pelican.plugins.likes.frontmatter_parser import Document

logger = logging.getLogger(__name__)

EXTENSIONS = ("md", "markdown")

_META_NAMES = {"meta", "markdown.extensions.meta"}

# The metadata field that carries, from the reader to the log, why a file was skipped.
SKIP_REASON = "frontmatter_error"


class FrontmatterReader(MarkdownReader):  # type: ignore[misc]  # Pelican ships no types
    """Reads frontmatter fields as Pelican metadata and renders the body with ``MARKDOWN``."""

    file_extensions: ClassVar[list[str]] = list(EXTENSIONS)
    _frontmatter_markdown: Markdown | None = None
    _slug_source: str | None = None

    def read(self, source_path: str) -> tuple[str, dict[str, object]]:
        if not _may_have_frontmatter(source_path):
            return self._read_without_frontmatter(source_path)
        try:
            with pelican_open(source_path) as text:
                document = _frontmatter(text)
            if document is None:
                return self._read_without_frontmatter(source_path)
            markdown = self._markdown()
            markdown.reset()
            content = markdown.convert(document.body)
            fields = field_mapping.to_pelican(document.fields, _shown_path(source_path))
            as_generator = self._as_generator_made()
            if as_generator and "slug" not in fields:
                slug = generator_slug(source_path, document.format)
                if slug:
                    fields["slug"] = slug
            metadata = self._process(fields, markdown, source_path)
            if as_generator and is_jekyll_post(source_path, document.format):
                for name in ("date", "modified"):
                    if name in metadata:
                        metadata[name] = in_site_time(
                            metadata[name], self.settings.get("TIMEZONE") or "UTC"
                        )
        except FrontmatterError as error:
            return self._skip(source_path, error)
        return content, metadata

    def _read_without_frontmatter(self, source_path: str) -> tuple[str, dict[str, object]]:
        """Pelican's own reading, Markdown metadata and all."""
        content_and_metadata: tuple[str, dict[str, object]] = super().read(source_path)
        return content_and_metadata

    def _process(
        self, metadata: dict[str, object], markdown: Markdown, source_path: str
    ) -> dict[str, object]:
        """Pelican's processing of each field, summary rendered as Markdown as Pelican does."""
        processed = {}
        for name, value in metadata.items():
            if name in self.settings["FORMATTED_FIELDS"] and isinstance(value, str):
                markdown.reset()
                value = markdown.convert(value)
            try:
                processed[name] = self.process_metadata(name, value)
            except ValueError as error:  # Pelican's date parser names the value it rejects
                processed[name] = self._as_jekyll_reads(name, value, source_path, error)
        return processed

    def _as_jekyll_reads(
        self, name: str, value: object, source_path: str, error: ValueError
    ) -> object:
        """A date Pelican refuses, read as Jekyll reads it (jekyll_dates.py), with a warning
        naming what Jekyll drops; else the FrontmatterError for Pelican's ``error``."""
        jekyll = read_as_jekyll(value) if isinstance(value, str) else None
        if jekyll is None:
            raise FrontmatterError(f"{name}: {error}") from None
        logger.warning(
            "%s: %s %r read as Jekyll reads it, %s (in TIMEZONE unless it has a zone): "
            "%r after the time is left out",
            _shown_path(source_path),
            name,
            value,
            jekyll.text,
            jekyll.dropped,
        )
        return self.process_metadata(name, jekyll.text)

    def _as_generator_made(self) -> bool:
        """Whether ``LIKES_SLUG_SOURCE`` is "generator": slugs, and a Jekyll post's dates in the
        site's time zone, as the generator made them. An unknown value is one error line per
        build, and Pelican's slugs."""
        if self._slug_source is None:
            source = LikesSettings.from_pelican(self.settings).slug_source
            if source not in SOURCES:
                logger.error(
                    "LIKES_SLUG_SOURCE %r is none of %s: slugs are made as Pelican makes them",
                    source,
                    ", ".join(map(repr, SOURCES)),
                )
            self._slug_source = source
        return self._slug_source == GENERATOR

    def _markdown(self) -> Markdown:
        """Markdown as configured in ``MARKDOWN``, minus the ``meta`` extension that Pelican adds:
        on a frontmatter file it would eat the body's first lines and mangle YAML lists.

        One instance per reader, reset before each use: setting up the extensions again for
        every file showed in every build (measured: docs/performance.md#reading-frontmatter-files).
        """
        if self._frontmatter_markdown is None:
            self._frontmatter_markdown = self._new_markdown()
        return self._frontmatter_markdown

    def _new_markdown(self) -> Markdown:
        config = dict(self.settings["MARKDOWN"])
        config["extensions"] = [
            extension
            for extension in config.get("extensions", [])
            if extension not in _META_NAMES and not isinstance(extension, MetaExtension)
        ]
        config["extension_configs"] = {
            name: options
            for name, options in config.get("extension_configs", {}).items()
            if name not in _META_NAMES
        }
        return Markdown(**config)

    def _skip(self, source_path: str, error: FrontmatterError) -> tuple[str, dict[str, object]]:
        """Have Pelican skip just this file, carrying the one line that says why.

        Raising instead would make Pelican log "Could not process" without the reason. The line
        is logged by report_skipped_file, not here: Pelican's reader cache replays read()'s
        result without calling it, and a cached broken file must not vanish without a word.
        """
        return "", {"status": "skip", SKIP_REASON: error.located(_shown_path(source_path))}


# What a file with frontmatter starts with, after blank space: ``---`` (YAML's, or Pelican's own
# metadata wrapped in it), TOML's ``+++``, JSON's ``{``.
_FRONTMATTER_STARTS = ("-", "+", "{")
_PEEK_BYTES = 512
_BINARY = getattr(os, "O_BINARY", 0)  # Windows reads descriptors as text without it


def _may_have_frontmatter(source_path: str) -> bool:
    """Whether the file's first bytes leave room for frontmatter: read whole and decoded only
    then, since Pelican's reader, which takes the rest, reads the file itself.

    Undecided (True) when the first bytes are all blank space, or the first after it is not
    ASCII (Unicode space, which ``str.lstrip`` also strips).
    """
    # os.read, not open(): a buffered file object is slower for so few bytes (measured:
    # docs/performance.md#reading-frontmatter-files).
    descriptor = os.open(source_path, os.O_RDONLY | _BINARY)
    try:
        head = os.read(descriptor, _PEEK_BYTES)
    finally:
        os.close(descriptor)
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if not start:
        return len(head) == _PEEK_BYTES
    return start[0] >= 0x80 or chr(start[0]) in _FRONTMATTER_STARTS


def _frontmatter(text: str) -> "Document | None":
    """``text`` split into frontmatter and body, or None if it has none for this reader.

    The parser, and YAML with it, is imported for the first file that may have frontmatter: a
    blog of Pelican-style files never loads them.
    """
    if not text.lstrip().startswith(_FRONTMATTER_STARTS):
        return None
    from pelican.plugins.likes import frontmatter_parser

    return frontmatter_parser.parse(text, field_mapping.AS_WRITTEN)


def use_frontmatter_reader(readers: Readers) -> None:
    """``readers_init`` receiver: read ``.md`` and ``.markdown`` files with FrontmatterReader.

    Only where Pelican's own MarkdownReader is in place: a reader chosen in ``READERS``, or a
    format disabled there with None, is left as configured.
    """
    for extension in EXTENSIONS:
        if readers.reader_classes.get(extension) is MarkdownReader:
            readers.reader_classes[extension] = FrontmatterReader


def report_skipped_file(_generator: Generator, metadata: dict[str, object]) -> None:
    """``article_generator_context``/``page_generator_context`` receiver: one error line per
    unreadable file and build, naming the file and the place (``path:line:column: why``)."""
    reason = metadata.get(SKIP_REASON)
    if reason:
        logger.error("%s", reason)


def _shown_path(path: str) -> str:
    """``path`` relative to the current folder when it lies inside it, as Pelican shows paths."""
    relative = os.path.relpath(path)
    return path if relative.startswith(os.pardir) else relative
