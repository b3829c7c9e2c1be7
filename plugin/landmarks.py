"""The landmark elements of a rendered page (``<article>``, ``<main>``, ``<header>``,
``<footer>``, ``<aside>``, ``<nav>``), found by their tags alone: enough for placement.py to tell
which copy of an article's text is its body, and where the article's element ends, without
parsing the page. Comments, scripts and styles are skipped, since they may mention tags."""

import re
from collections import Counter
from collections.abc import Iterator

LANDMARKS = ("article", "main", "header", "footer", "aside", "nav")
# Around the article's body, not holding it: its header, where themes print the summary, and
# the page's sidebars, menus and footers.
BESIDE_BODY = ("header", "footer", "aside", "nav")
_TAGS = re.compile(
    r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<(/?)(" + "|".join(LANDMARKS) + r")\b[^>]*>",
    re.IGNORECASE | re.DOTALL,
)


def _landmark_tags(html: str, start: int, stop: int) -> Iterator[tuple[re.Match[str], str, bool]]:
    """Each landmark tag in ``html[start:stop]``: its match, its name, and whether it closes."""
    for tag in _TAGS.finditer(html, start, stop):
        if tag.group(3):
            yield tag, tag.group(3).lower(), tag.group(2) == "/"


def open_at(html: str, start: int, offset: int) -> Counter[str]:
    """How many of each landmark element are open at ``offset``, counting from ``start``."""
    opened: Counter[str] = Counter()
    for _, name, closing in _landmark_tags(html, start, offset):
        opened[name] += -1 if closing else 1
    return +opened


def article_end(html: str, start: int) -> int | None:
    """Where the page's article element closes: the first ``<article>`` after ``start`` that is
    not in a header, footer, sidebar or menu, else the first ``<main>``; None if it has neither."""
    for wanted in ("article", "main"):
        depth = 0
        beside = Counter[str]()
        for tag, name, closing in _landmark_tags(html, start, len(html)):
            if name in BESIDE_BODY and not depth:
                beside[name] += -1 if closing else 1
            elif name == wanted and closing and depth:
                depth -= 1
                if depth == 0:
                    return tag.start()
            elif name == wanted and not closing and (depth or not +beside):
                depth += 1
    return None
