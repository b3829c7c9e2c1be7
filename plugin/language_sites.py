"""Which build writes an article's record when a blog is built once per language.

The i18n_subsites plugin builds the blog again for each language of ``I18N_SUBSITES``, with that
language as ``DEFAULT_LANG`` and a ``SITEURL`` of its own (``/fr``). Every build sees every
version of every article, each as its own site shows it: registering what they showed, the build
run last wrote its title and URL over each article's (the English ``hello-world`` stored as
"Bonjour le monde" at ``/fr/hello-world.html``), gave English-only articles its ``/fr/`` URLs,
and closed to likes the articles it turns into drafts for being in another site's language.

So each article's record is written by one build, the site of its original: the version Pelican
would pick, one not marked ``translation: true``, in the earliest site (the default language's,
which also shows the languages without a site of their own, then the subsites in their order).
The other builds only read its count. A blog built once is one site, which writes every record.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pelican.contents import Content

from pelican.plugins.likes.field_mapping import as_flag
from pelican.plugins.likes.widget import shows_widget, wants_widget


@dataclass(frozen=True)
class LanguageSites:
    """The sites of one blog, as one of its builds knows them from its settings."""

    subsites: tuple[str, ...] = ()
    """The languages of ``I18N_SUBSITES``, in their order: each has a site and a build."""

    lang: str | None = None
    """This build's language if it builds a subsite; None for the default language's site."""

    @classmethod
    def of(cls, settings: Mapping[str, object]) -> "LanguageSites":
        """The sites of the build with these settings: a subsite's are the default site's,
        ``DEFAULT_LANG`` changed to its language."""
        subsites = settings.get("I18N_SUBSITES")
        if not isinstance(subsites, Mapping) or not subsites:
            return cls()
        langs = tuple(str(lang) for lang in subsites)
        default = settings.get("DEFAULT_LANG")
        return cls(langs, default if isinstance(default, str) and default in langs else None)

    def records(self, article: Content) -> bool:
        """Whether this build writes the record of ``article``'s slug: the original of the
        versions that show a widget (``article`` and its translations) is this site's."""
        if not self.subsites:
            return True
        versions = [v for v in (article, *article.translations) if shows_widget(v)]
        return bool(versions) and self._site(_original(versions, self._rank)) == self.lang

    def closes(self, versions: Sequence[Content]) -> bool:
        """Whether this build closes to likes the slug of ``versions``, every version of it the
        build knows: none wants a widget, and their original is this site's."""
        if any(wants_widget(version) for version in versions):
            return False
        return not self.subsites or self._site(_original(versions, self._rank)) == self.lang

    def _site(self, article: Content) -> str | None:
        lang = getattr(article, "lang", None)
        return lang if lang in self.subsites else None

    def _rank(self, article: Content) -> int:
        site = self._site(article)
        return 0 if site is None else 1 + self.subsites.index(site)


def versions_by_slug(contents: Iterable[Content]) -> dict[str, list[Content]]:
    """Every version of each slug among ``contents`` and their translations: a build's lists
    leave out the versions i18n_subsites shows on other sites, their translations do not."""
    by_slug: dict[str, dict[int, Content]] = {}
    for content in contents:
        for version in (content, *content.translations):
            by_slug.setdefault(version.slug, {})[id(version)] = version
    return {slug: list(versions.values()) for slug, versions in by_slug.items()}


def _original(versions: Sequence[Content], rank: Callable[[Content], int]) -> Content:
    """The version Pelican picks as the original: not marked ``translation: true`` (unless all
    are), then the earliest site's."""
    unmarked = [v for v in versions if not _marked_translation(v)]
    return min(unmarked or versions, key=rank)


def _marked_translation(article: Content) -> bool:
    mark = article.metadata.get("translation")
    return mark is not None and as_flag(mark) is not False
