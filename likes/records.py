"""The plain records callers hand the store and get back from it, importable without SQLAlchemy:
a build sends them to, and receives them from, a process of its own (publication.py)."""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ArticleInfo:
    """What the blog tells the database about an article when it is built."""

    slug: str
    title: str = ""
    url: str = ""


@dataclass(frozen=True)
class Renamed:
    """What a rename did, or would do (``dry_run``)."""

    old: str
    new: str
    # "renamed": ``new`` was not registered, so ``old`` took the name; "merged": ``old``'s likes
    # went to ``new``; "unchanged": ``old`` was already a former slug of ``new``.
    outcome: Literal["renamed", "merged", "unchanged"]
    likes: int  # the article's count afterwards, which both slugs answer with
    moved: int = 0  # likes of ``old`` that ``new`` did not have
    shared: int = 0  # readers who liked both, counted once
