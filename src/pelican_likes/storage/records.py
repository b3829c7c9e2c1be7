"""The plain records callers hand the store and get back from it, importable without SQLAlchemy:
a build sends them to, and receives them from, a process of its own (publication.py)."""

from dataclasses import dataclass, replace
from typing import Literal

# The lengths of the articles table's title and url columns (schema.py).
TITLE_LENGTH = 500
URL_LENGTH = 1000


@dataclass(frozen=True)
class ArticleInfo:
    """What the blog tells the database about an article when it is built."""

    slug: str
    title: str = ""
    url: str = ""

    def fitted(self) -> "ArticleInfo":
        """The article as the database stores it: title and URL cut to their columns' lengths.
        They only label an article here, so an overlong one is cut rather than allowed to fail a
        whole build."""
        return replace(self, title=_fit(self.title, TITLE_LENGTH), url=_fit(self.url, URL_LENGTH))


@dataclass(frozen=True)
class Renamed:
    """What a rename did, or would do (``dry_run``)."""

    old: str
    new: str
    # "renamed": ``new`` was not registered, so ``old`` took the name; "merged": ``old``'s likes
    # went to ``new``; "unchanged": ``old`` was already a former slug of ``new``.
    outcome: Literal["renamed", "merged", "unchanged"]
    likes: int  # the article's count afterwards, which both slugs answer with
    # Likes of ``old`` moved to ``new``; a reader who liked both counts twice: like rows of two
    # articles cannot be told to be one reader's (pseudonyms.py).
    moved: int = 0


@dataclass(frozen=True)
class ArticleSummary:
    """An article as the command line lists it."""

    slug: str
    title: str
    url: str
    likes: int


@dataclass(frozen=True)
class ArticleAddress:
    """Where an article was published, and what else named it: what counts carried over from
    another system are matched against (pelican_likes.imports.matching)."""

    slug: str
    url: str  # as the last build registered it: with its host, or from the root (``/post.html``)
    former_slugs: tuple[str, ...] = ()


@dataclass(frozen=True)
class LikeState:
    """An article's count and whether the asking voter is among those who like it."""

    slug: str
    likes: int
    liked: bool


def _fit(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
