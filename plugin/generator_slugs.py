"""The slug the generator that wrote a file gave it, for ``LIKES_SLUG_SOURCE = "generator"``: a
blog moved from Jekyll, Hugo or Astro keeps its articles' URLs (with ``ARTICLE_URL`` set to the
generator's pattern, see plugin/README.md), where Pelican would make each slug from the title.

- Jekyll: a post's file is named ``YYYY-MM-DD-title.ext``; its URL's ``:title`` is the part after
  the date through Jekyll's "pretty" slugify, case kept (``Utils.slugify`` as
  ``Drops::UrlDrop#title`` calls it): ``2013-05-06-jekyll-1-0-0-released.markdown`` is
  ``jekyll-1-0-0-released``, where the title makes ``jekyll-100-released``.
- Hugo and Astro: the file's name, or its folder's for a page bundle (``my-post/index.md``),
  lowercased and its spaces made hyphens, as Hugo's paths and Astro's ids are.

A ``slug`` in the frontmatter is used as written, before any of these, as all three use it.
Which generator wrote a file is told from the file: TOML and JSON frontmatter are Hugo's; a
YAML file named as Jekyll names its posts is Jekyll's; any other takes its name.
"""

import os
import re
import unicodedata

# Jekyll's Document::DATE_FILENAME_MATCHER, on the file's name.
_JEKYLL_POST = re.compile(r"(?P<date>\d{2,4}-\d{1,2}-\d{1,2})-(?P<title>[^/]*)(?P<ext>\.[^.]+)")
# What Jekyll's SLUGIFY_PRETTY_REGEXP keeps besides letters, marks and decimal digits.
_PRETTY_MARKS = frozenset("._~!$&'()+,;=@")
_SPACES = re.compile(r"\s+")
_BUNDLE_INDEXES = ("index", "_index")

GENERATOR = "generator"
SOURCES = ("title", GENERATOR)


def generator_slug(source_path: str, frontmatter_format: str) -> str:
    """The slug Jekyll, Hugo or Astro gave the file at ``source_path``, whose frontmatter is in
    ``frontmatter_format`` ("YAML", "TOML" or "JSON")."""
    jekyll = _jekyll_post_title(source_path, frontmatter_format)
    if jekyll is not None:
        return jekyll_title(jekyll)
    stem = os.path.splitext(os.path.basename(source_path))[0]
    if stem in _BUNDLE_INDEXES:
        stem = os.path.basename(os.path.dirname(os.path.abspath(source_path))) or stem
    return _SPACES.sub("-", stem.strip()).lower()


def is_jekyll_post(source_path: str, frontmatter_format: str) -> bool:
    """Whether the file is a Jekyll post: YAML frontmatter, named as Jekyll names posts."""
    return _jekyll_post_title(source_path, frontmatter_format) is not None


def _jekyll_post_title(source_path: str, frontmatter_format: str) -> str | None:
    """The part of a Jekyll post's file name after its date; None for another file."""
    found = _JEKYLL_POST.fullmatch(os.path.basename(source_path))
    return found["title"] if found and frontmatter_format == "YAML" else None


def jekyll_title(text: str) -> str:
    """``text`` as Jekyll's ``slugify(text, mode: "pretty", cased: true)`` makes it: each run of
    other characters than letters, marks (``\\p{L}``, ``\\p{M}``), decimal digits (``\\p{Nd}``)
    and ``._~!$&'()+,;=@`` a hyphen, none at either end."""
    slug: list[str] = []
    for char in text:
        if _is_pretty(char):
            slug.append(char)
        elif not slug or slug[-1] != "-":  # a hyphen here is one put for such a run
            slug.append("-")
    return "".join(slug).strip("-")


def _is_pretty(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd" or char in _PRETTY_MARKS
