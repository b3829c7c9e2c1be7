"""One build's exchange with the likes database, made the cheapest way the build allows.

A rebuild that changes nothing in the database (every article registered as the build shows it)
is answered by the database's driver alone (pelican_likes.builds.unchanged), in milliseconds.
Any other build needs the storage layer, slow to import: a storage process loads it on another core
while Pelican reads the articles (storage_process.py). Started for every build, that process slowed
the rebuilds it was not needed for, as two busy cores slow each other (measured:
docs/performance.md#the-storage-layers-import). So it starts only once the build reads an article
that the database does not have under that title, or if the database cannot be read without it. (A
changed URL is not looked for here: it changes with the settings, seldom, and then costs only the
overlap.) Nor does it start where SQLAlchemy is already loaded (Pelican run from a program that
uses it, a test suite): the import it spares is then paid, and the process costs a Python's start.
"""

import sys

from markupsafe import Markup
from pelican.contents import Article

from pelican.plugins.likes.storage_process import StorageProcess
from pelican.plugins.likes.widget import return_url, shows_widget
from pelican_likes.builds.publication import Publication, Published, publish
from pelican_likes.builds.unchanged import registered_titles, unchanged_publication
from pelican_likes.storage.records import ArticleInfo


class BuildExchange:
    """The exchange of one articles generator: watches its articles as they are read, then
    publishes them once."""

    def __init__(self, database_url: str, siteurl: str) -> None:
        self._database_url = database_url
        self._siteurl = siteurl
        self._storage: StorageProcess | None = None
        self._titles = registered_titles(database_url)
        if self._titles is None:
            self._start()

    def see(self, article: Article) -> None:
        """An article just read: if the database does not have it, or not under this title, start
        the storage process. Translations are left out: they share their original's record."""
        titles = self._titles  # None only when the storage process was started at once
        if self._storage is not None or titles is None:
            return
        if not article.in_default_lang or not shows_widget(article):
            return
        stored = titles.get(article.slug)
        if stored != article.title and stored != _stored_title(article):
            self._start()

    def publish(self, publication: Publication) -> Published:
        """The database's answer to ``publication``: from the driver alone if nothing changes,
        else from the storage process, or from this process if none was started."""
        published = unchanged_publication(publication)
        if published is not None:
            self.stop()
            return published
        if self._storage is None:
            return publish(publication)
        return self._storage.publish(publication)

    def stop(self) -> None:
        """End the storage process, if one was started and is still waiting."""
        if self._storage is not None:
            self._storage.stop()

    def _start(self) -> None:
        if self._storage is None and not storage_layer_loaded():
            self._storage = StorageProcess(self._database_url)


def storage_layer_loaded() -> bool:
    """Whether this process has already imported what the storage process would load for it."""
    return "sqlalchemy" in sys.modules


def article_info(article: Article, url: str, siteurl: str) -> ArticleInfo:
    """What the database keeps about an article: its title as plain text, and its public URL
    (``url`` is ``article.url``, under ``SITEURL``)."""
    return ArticleInfo(slug=article.slug, title=plain_title(article), url=return_url(url, siteurl))


def plain_title(article: Article) -> str:
    """The article's title as text: Pelican titles are HTML (``&amp;``, ``<em>``)."""
    return Markup(article.title).striptags()  # noqa: S704 - parsed as HTML, never output


def _stored_title(article: Article) -> str:
    return ArticleInfo(article.slug, plain_title(article)).fitted().title
