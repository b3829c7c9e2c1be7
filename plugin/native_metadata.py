"""Telling Pelican's own ``Key: value`` metadata between ``---`` lines from YAML frontmatter.

Python-Markdown's ``meta`` extension, which Pelican's MarkdownReader uses, skips a ``---`` first
line and ends the metadata at a ``---`` line, so Pelican users wrap their metadata that way. Much
of that metadata is not YAML (``Summary: Test: this``, ``Title: [Update] New release``), and where
it is, YAML reads it differently (``Title: Yes`` as true, ``Slug: 0755`` as 493). Such a file is
handed to Pelican's reader whole, and reads exactly as it would without the ``---`` lines.
"""

import re

import yaml
from markdown.extensions.meta import META_MORE_RE, META_RE

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where PyYAML has it

# Keys only YAML frontmatter has, whose meaning Pelican's reader would drop.
_YAML_ONLY_KEYS = {"draft", "published"}

# Values YAML reads as something other than their text: quoted, flow lists and mappings, block
# scalars, anchors, aliases, tags, comments. A Pelican author writes none of these on purpose.
_YAML_VALUE = re.compile(r"""^["'\[{|>&*!#]""")
# Continuation lines YAML reads as a nested list or mapping.
_YAML_NESTED = re.compile(r"^(-(\s|$)|[A-Za-z0-9_-]+:(\s|$))")


def is_native_metadata(block: str) -> bool:
    """Whether ``block``, the text between a file's ``---`` lines, is Pelican's own metadata.

    It is when every line is Python-Markdown metadata (a ``Key: value`` line first, then such
    lines or continuation lines indented four spaces, no blank line), some key is capitalized as
    Pelican writes them (``Title:``; Jekyll, Hugo and Astro write ``title:``), no key is Hugo's
    ``draft`` or Jekyll's ``published`` (Pelican has ``Status``: a draft must never be published
    by mistake), and either YAML cannot read it as fields or no value uses YAML's own syntax
    (quotes, ``[...]``, ``{...}``, ``|``, ``>``, nested lists or mappings).
    """
    lines = block.strip("\n").split("\n")
    if not _is_meta_syntax(lines):
        return False
    keys = [match["key"] for line in lines if (match := META_RE.match(line))]
    if not any(key[0].isupper() for key in keys) or _YAML_ONLY_KEYS & {k.lower() for k in keys}:
        return False
    return not _reads_as_yaml_fields(block) or not _uses_yaml_syntax(lines)


def _is_meta_syntax(lines: list[str]) -> bool:
    if not lines or not META_RE.match(lines[0]):
        return False
    return all(line.strip() and (META_RE.match(line) or META_MORE_RE.match(line)) for line in lines)


def _reads_as_yaml_fields(block: str) -> bool:
    try:
        fields = yaml.load(block, Loader=_LOADER)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError):
        return False
    return isinstance(fields, dict)


def _uses_yaml_syntax(lines: list[str]) -> bool:
    for line in lines:
        if match := META_RE.match(line):
            if _YAML_VALUE.match(match["value"]):
                return True
        elif _YAML_NESTED.match(line.strip()):
            return True
    return False
