"""Renamed articles keep their likes: former slugs read from frontmatter, merged at build time.

``likes_aliases: [old-slug, ...]`` names them, and so do Hugo's ``aliases`` (old paths of the page)
where a path ends in a slug. The store merges each former slug's likes into the article, its
readers still recognised (one who liked both counts twice), all in one transaction; the old slug
then answers with the merged count, so pages cached with its widget still work.
"""

import logging
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from pelican.contents import Article

from pelican_likes.builds.publication import Published
from pelican_likes.storage.records import Renamed
from pelican_likes.storage.slugs import SLUG_RULE, is_valid_slug

logger = logging.getLogger(__name__)

PAGE_SUFFIXES = (".html", ".htm")


def former_slugs(article: Article) -> list[str]:
    """The former slugs ``article`` names, in order, each once; ``likes_aliases`` entries that
    cannot be slugs are named in a warning."""
    found: list[str] = []
    for given in _as_list(getattr(article, "likes_aliases", None)):
        if is_valid_slug(given):
            found.append(given)
        else:
            logger.warning(
                "%s: likes_aliases: %r cannot be a slug (a slug is %s); ignored",
                article.relative_source_path,
                given,
                SLUG_RULE,
            )
    found += filter(None, map(_slug_of_path, _as_list(getattr(article, "aliases", None))))
    return [slug for n, slug in enumerate(found) if slug not in found[:n] and slug != article.slug]


def claimed_former_slugs(articles: Iterable[Article]) -> dict[str, Article]:
    """The former slugs whose likes go to an article, each with that article; a former slug that
    is still an article of the blog, or that two articles claim, is left out with a warning.

    The store merges them (publication.py) and only those that ever had likes."""
    articles = list(articles)
    current = {article.slug: article for article in articles}
    claims: dict[str, list[Article]] = {}
    for article in articles:
        for slug in former_slugs(article):
            claims.setdefault(slug, []).append(article)
    claimed = {}
    for slug, claimants in claims.items():
        if slug in current:
            _warn(claimants[0], slug, f"it is still the slug of {_source(current[slug])}")
        elif len({article.slug for article in claimants}) > 1:
            others = ", ".join(_source(article) for article in claimants[1:])
            _warn(claimants[0], slug, f"{others} claim(s) it too")
        else:
            claimed[slug] = claimants[0]
    return claimed


def report_merges(published: Published, claimed: dict[str, Article]) -> None:
    """Log what the store did with the ``claimed`` former slugs: each merge, and each refusal."""
    for refused in published.refused:
        logger.warning("Likes: former slug not merged: %s", refused)
    for renamed in published.renamed:
        if renamed.outcome != "unchanged":
            _report(renamed, claimed[renamed.old])


def _report(renamed: Renamed, article: Article) -> None:
    logger.info(
        "%s: the likes of %r now count for %r (%d moved): %d in all",
        _source(article),
        renamed.old,
        renamed.new,
        renamed.moved,
        renamed.likes,
    )


def _warn(article: Article, slug: str, why: str) -> None:
    logger.warning("%s: former slug %r not merged: %s", _source(article), slug, why)


def _source(article: Article) -> str:
    return str(article.relative_source_path)


def _slug_of_path(path: str) -> str | None:
    """The slug a page path ends in (``/posts/old-name/``, ``/old-name.html``), if any."""
    last = unquote(urlsplit(path).path).rstrip("/").rpartition("/")[2]
    for suffix in PAGE_SUFFIXES:
        last = last.removesuffix(suffix)
    return last if is_valid_slug(last) else None


def _as_list(value: object) -> list[str]:
    """A frontmatter list, or Pelican metadata's comma-separated text, as strings."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        items = [items]
    return [str(item).strip() for item in items if item is not None and str(item).strip()]
