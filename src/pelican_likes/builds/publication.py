"""A build's one exchange with the likes database: register the blog's articles, give renamed ones
the likes of their former slugs, close the articles that no longer take likes, read every count.

The Pelican plugin runs it in a process of its own, started as the build starts
(plugin/storage_process.py): the storage layer and SQLAlchemy, slow to import
(docs/performance.md#the-storage-layers-import), then load on another core while Pelican reads the
articles. So this module imports neither until ``publish`` runs, and what goes in and comes out
is plain records, sent as a pickle over the process's pipes.
"""

import os
import pickle
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pelican_likes.storage.records import ArticleInfo, Renamed

if TYPE_CHECKING:
    from pelican_likes.storage.store import LikeStore


@dataclass(frozen=True)
class Publication:
    """What a build tells the database."""

    database_url: str
    articles: tuple[ArticleInfo, ...]
    # (former slug, article's slug) pairs from the articles' frontmatter.
    former_slugs: tuple[tuple[str, str], ...] = ()
    # Articles the build shows without a widget: closed to likes, their counts kept.
    closed: tuple[str, ...] = ()
    # Articles the build shows whose records another build writes (another language's site):
    # only their counts are read.
    counted: tuple[str, ...] = ()

    def counted_slugs(self) -> list[str]:
        """Every slug whose count the build shows: its articles' and the ``counted`` ones."""
        return [article.slug for article in self.articles] + list(self.counted)


@dataclass(frozen=True)
class Published:
    """What the database answered: the articles' counts, by slug, and what the renames did; or,
    in ``problem``, why the database could not be used (then no count at all)."""

    database: str  # its URL without the password, for messages
    counts: dict[str, int] = field(default_factory=dict)
    renamed: tuple[Renamed, ...] = ()
    refused: tuple[str, ...] = ()  # why former slugs were not merged, one line each
    problem: str | None = None


def publish(publication: Publication, store: "LikeStore | None" = None) -> Published:
    """Make the exchange, on ``store`` if given (opened on the publication's database), else on a
    store of its own; every database problem, a bad URL included, comes back as ``problem``."""
    from pelican_likes.storage.database import redacted
    from pelican_likes.storage.errors import StorageError
    from pelican_likes.storage.store import LikeStore

    shown = redacted(publication.database_url)
    try:
        store = store or LikeStore.from_url(publication.database_url)
        try:
            store.register(publication.articles)
            outcomes = store.adopt_former_slugs(publication.former_slugs)
            store.close_likes(publication.closed)
            counts = store.counts(publication.counted_slugs())
        finally:
            store.dispose()
    except StorageError as error:
        return Published(shown, problem=str(error))
    renamed = tuple(outcome for outcome in outcomes if isinstance(outcome, Renamed))
    refused = tuple(str(outcome) for outcome in outcomes if not isinstance(outcome, Renamed))
    return Published(shown, counts, renamed, refused)


def opened_store(database_url: str) -> "LikeStore | None":
    """A store on ``database_url`` with its connections open, or None if it cannot be opened
    (``publish`` then tries again, and says why): what a storage process prepares while the
    build reads its articles."""
    from pelican_likes.storage.errors import StorageError
    from pelican_likes.storage.store import LikeStore

    try:
        store = LikeStore.from_url(database_url)
        store.connect()
    except StorageError:
        return None
    return store


def serve() -> None:
    """A storage process's life: load the storage layer, read the database URL (pickled) from
    stdin and open a store on it, read one pickled Publication, write the pickled Published to
    stdout, and exit.

    Output meant for the terminal goes to stderr, so that nothing else reaches the pipe the
    answer travels on. The process exits at once after answering, skipping the interpreter's
    clean-up (the store closed its connections already), which would otherwise hold up the build.
    """
    answer = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    # Both ends are this package in the same interpreter (the parent starts this process with
    # its own sys.executable), so a pickle carries the records exactly.
    try:
        database_url = pickle.load(sys.stdin.buffer)  # noqa: S301 - written by our parent
        store = opened_store(database_url)
        publication = pickle.load(sys.stdin.buffer)  # noqa: S301 - likewise
    except EOFError:  # the build ended without asking (it failed, or had no articles to bake)
        os._exit(0)
    if store is not None and publication.database_url != database_url:
        store.dispose()
        store = None
    pickle.dump(publish(publication, store), answer)
    answer.flush()
    sys.stderr.flush()
    os._exit(0)
