"""Which article each count of another system is of: by the URL the blog's build registered for
the article, else by its slug (or a former one) in the address's last segment.

Addresses are compared as a reader would see them, not as they are spelled: the scheme, a
``www.`` host prefix, the port, the query string and the fragment are ignored, percent-escapes
are decoded, and ``/post/``, ``/post`` and ``/post/index.html`` are one page. The slug fallback
also takes ``/2020/post.html`` for the article ``post``, which covers a blog whose URL pattern
changed since the count was kept.

Counts of pages on other hosts than the blog's are set aside as other sites' (applause-button's
published file holds every site's); the blog's hosts are those of its registered URLs, or the one
``--site`` gives, which also says under which path a blog lives (``https://example.com/blog/``)
when its URLs were registered without a host.
"""

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from pelican_likes.imports.source import Count, SourceError
from pelican_likes.storage.records import ArticleAddress

NO_ARTICLE = "no article has this address or slug"
_INDEX_PAGES = ("index.html", "index.htm")
_PAGE_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class Site:
    """Where the blog is: the hosts it is served from (none known: any), and the path it lives
    under (``/blog``, or ``""`` at the root)."""

    hosts: frozenset[str]
    prefix: str = ""


@dataclass
class Matching:
    """What a file's counts came to: each article's counts, those no article took (with why),
    and how many were other sites'."""

    matched: dict[str, list[Count]] = field(default_factory=dict)
    unmatched: list[tuple[Count, str]] = field(default_factory=list)
    other_sites: int = 0

    def totals(self) -> dict[str, int]:
        """Each matched article's base likes: the sum of its counts, as a page kept under two
        spellings (``http://`` and ``https://``) had two counts that were both its readers'."""
        return {slug: sum(c.likes for c in counts) for slug, counts in self.matched.items()}


def site_of(articles: Iterable[ArticleAddress], given: str | None) -> Site:
    """The blog's hosts (``given``'s and every registered URL's) and the path ``given`` names."""
    hosts = {host for a in articles if (host := split_address(a.url)[0]) is not None}
    prefix = ""
    if given:
        host, prefix = split_address(given if "//" in given else f"//{given}")
        if host is None:
            raise SourceError(f"--site must name the blog's host, got {given!r}")
        hosts.add(host)
    return Site(frozenset(hosts), prefix)


def match(counts: Iterable[Count], articles: list[ArticleAddress], site: Site) -> Matching:
    """Sort ``counts`` into the articles they are of, the unmatched and the other sites'."""
    index = _Index(articles)
    matching = Matching()
    for count in counts:
        if count.refused:
            matching.unmatched.append((count, count.refused))
            continue
        if count.address:
            host, path = split_address(count.address)
            if host is not None and site.hosts and host not in site.hosts:
                matching.other_sites += 1
                continue
            slug = index.by_address(host, path, site.prefix)
        else:
            slug = index.by_slug(count.slug)
        if slug is None:
            matching.unmatched.append((count, NO_ARTICLE))
        else:
            matching.matched.setdefault(slug, []).append(count)
    return matching


def split_address(address: str) -> tuple[str | None, str]:
    """The host (None if the address has none) and the page's path, as they are compared."""
    parts = urlsplit(address.strip())
    host = _host(parts.hostname) if parts.netloc else None
    return host, _path(parts.path)


def _host(hostname: str | None) -> str:
    host = (hostname or "").rstrip(".")
    with contextlib.suppress(UnicodeError):  # not a name IDNA can spell: compared as it is
        host = host.encode("idna").decode("ascii")
    return host.removeprefix("www.")


def _path(path: str) -> str:
    """``/a/b/``, ``/a//b`` and ``/a/b/index.html`` as ``/a/b``; escapes decoded."""
    path = "/" + "/".join(part for part in unquote(path).split("/") if part)
    for index_page in _INDEX_PAGES:
        if path.endswith("/" + index_page) or path == "/" + index_page:
            path = path[: -len(index_page)]
    return path.rstrip("/")


def _slug_in(path: str) -> str:
    """The last segment of a path, without ``.html``: the slug a Pelican URL is made of."""
    last = path.rsplit("/", 1)[-1]
    for suffix in _PAGE_SUFFIXES:
        last = last.removesuffix(suffix)
    return last


class _Index:
    """The registered articles looked up by address and by slug."""

    def __init__(self, articles: list[ArticleAddress]) -> None:
        self._full: dict[tuple[str, str], str] = {}
        self._path_of_full: dict[str, str] = {}  # a host-less count's path, on any host of ours
        self._path: dict[str, str] = {}
        self._slugs: dict[str, str] = {}
        for article in articles:
            host, path = split_address(article.url) if article.url else (None, "")
            if host is not None:
                self._full[host, path] = article.slug
                self._path_of_full.setdefault(path, article.slug)
            elif article.url:
                self._path[path] = article.slug
            self._slugs[article.slug] = article.slug
        for article in articles:
            for former in article.former_slugs:
                self._slugs.setdefault(former, article.slug)

    def by_address(self, host: str | None, path: str, prefix: str) -> str | None:
        if host is not None and (found := self._full.get((host, path))):
            return found
        if host is None and (found := self._path_of_full.get(path)):
            return found
        if found := self._path.get(path):
            return found
        if prefix:
            if not path.startswith(prefix + "/"):
                return None  # another part of the host than the blog's
            if found := self._path.get(path.removeprefix(prefix)):
                return found
        return self.by_slug(_slug_in(path))

    def by_slug(self, slug: str) -> str | None:
        return self._slugs.get(slug) if slug else None
