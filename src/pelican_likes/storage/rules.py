"""The rules of registering and renaming articles, in plain Python and without SQLAlchemy.

The store applies them in SQL (``statements.upsert_articles``) or calls them (``renames.rename``);
a rebuild's shortcut (``pelican_likes.builds.unchanged``) calls them on what it read with the
database's driver alone. So both answer alike: tests/storage/test_rules.py holds the SQL to these
rules, and tests/builds/test_unchanged_agrees.py the shortcut to the whole exchange.
"""

from collections.abc import Callable
from dataclasses import dataclass

from pelican_likes.storage.records import ArticleInfo
from pelican_likes.storage.slugs import SLUG_RULE, is_valid_slug


def has_host(url: str) -> bool:
    """Whether ``url`` names its host: ``https://blog.example/...`` or ``//blog.example/...``."""
    return "://" in url or url.startswith("//")


def kept_url(stored: str, built: str) -> str:
    """The URL an article keeps when registered again: the build's, unless that has no host (a
    local build's ``/post.html``) and the stored one has (the production build's)."""
    return stored if has_host(stored) and not has_host(built) else built


def registers_nothing(*, title: str, url: str, closed: bool, built: ArticleInfo) -> bool:
    """Whether registering ``built`` leaves the stored article (``title``, ``url``, ``closed``)
    as it is: open to likes, with the same title and the URL it would keep."""
    fitted = built.fitted()
    return not closed and title == fitted.title and url == kept_url(url, fitted.url)


@dataclass(frozen=True)
class Unknown:
    """``old`` names no article, as its slug or a former one: the rename is left out."""


@dataclass(frozen=True)
class Refusal:
    """The rename would lose or mix up likes; ``reason`` says why."""

    reason: str


@dataclass(frozen=True)
class AlreadyMerged:
    """``old`` is already a former slug of ``article``, which ``new`` names: nothing to do."""

    article: int


@dataclass(frozen=True)
class TakeName:
    """``new`` names no article: ``article`` (``old``'s) takes it."""

    article: int


@dataclass(frozen=True)
class Merge:
    """``source``'s likes go to ``target``, and ``source`` is removed."""

    source: int
    target: int


RenamePlan = Unknown | Refusal | AlreadyMerged | TakeName | Merge

# Where a slug points: the id of the article it is the own slug of, or a former slug of.
Lookup = Callable[[str], int | None]


def plan_rename(
    old: str, new: str, *, own: Lookup, former: Lookup, slug_of: Callable[[int], str]
) -> RenamePlan:
    """What renaming ``old`` to ``new`` does, decided from where both slugs point before it.

    ``own`` and ``former`` look a slug up as an article's own slug or as a former one;
    ``slug_of`` names an article in a refusal.
    """
    for slug in (old, new):
        if not is_valid_slug(slug):
            return Refusal(f"invalid article slug {slug!r}: a slug is {SLUG_RULE}")
    if old == new:
        return Refusal(f"{old!r} is already the article's slug")
    source, target = own(old), own(new)
    target_id = target if target is not None else former(new)
    if source is None:
        owner = former(old)
        if owner is None:
            return Unknown()
        if owner != target_id:
            return Refusal(f"{old!r} is already a former slug of {slug_of(owner)!r}")
        return AlreadyMerged(owner)
    if target is None:
        if target_id is not None and target_id != source:
            owner_slug = slug_of(target_id)
            return Refusal(f"{new!r} is a former slug of {owner_slug!r}; rename to {owner_slug!r}")
        return TakeName(source)
    return Merge(source, target)
