"""A whole likes database as a stream of plain records, in the order an export writes them and an
import reads them: the header (the schema revision), every article, former slug, merged id and
like row, and a last record that counts them, so a stream cut short is told from a whole one.

Articles carry their numeric id, and like rows the id of their article: a row's pseudonym is
``SHA-256(voter ":" id)`` for that id or one merged into the article (pseudonyms.py), so the
database a stream is imported into must know those ids to recognise the rows' readers
(imports.py). Importable without SQLAlchemy, like records.py.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal


@dataclass(frozen=True, slots=True)
class Header:
    """The schema revision the records were read at; import takes this release's only."""

    revision: str


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    id: int
    slug: str
    title: str
    url: str
    base_likes: int
    closed: bool


@dataclass(frozen=True, slots=True)
class AliasRecord:
    """A former slug of the article ``article`` (an id of the stream's)."""

    slug: str
    article: int


@dataclass(frozen=True, slots=True)
class MergeRecord:
    """``former_id``, an article merged into ``article``: rows made under it are the article's."""

    article: int
    former_id: int


@dataclass(frozen=True, slots=True)
class LikeRecord:
    """A like row as stored: its article's id, the reader's pseudonym, and when (UTC)."""

    article: int
    voter: str
    at: datetime


@dataclass(frozen=True, slots=True)
class End:
    """How many records of each kind came before: a stream without it was cut short."""

    articles: int
    aliases: int
    merges: int
    likes: int


Record = Header | ArticleRecord | AliasRecord | MergeRecord | LikeRecord | End

Section = Literal["header", "article", "alias", "merge", "like", "end"]

# The order of a stream's sections; each record kind in one, each section at most once.
SECTIONS: tuple[Section, ...] = ("header", "article", "alias", "merge", "like", "end")

SECTION_OF: dict[type, Section] = {
    Header: "header",
    ArticleRecord: "article",
    AliasRecord: "alias",
    MergeRecord: "merge",
    LikeRecord: "like",
    End: "end",
}


class ImportRefused(ValueError):
    """A record that cannot be imported: the message says why, and the reader of the stream
    names where (the line of a file). Nothing of the stream is written."""


@dataclass(frozen=True)
class Imported:
    """What importing a stream did, or would do (``dry_run``): nothing, the second time."""

    articles_added: int = 0
    articles_updated: int = 0  # title, URL, base likes or closed flag taken from the stream
    aliases: int = 0  # former slugs added, or pointed at another article
    merges: int = 0  # ids recorded as merged into an article: the rows' ids of origin
    likes: int = 0  # like rows added; those already there are left as they are
    recounted: int = 0  # article counts that the rows changed

    @property
    def changed(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)
