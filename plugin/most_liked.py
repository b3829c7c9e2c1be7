"""The ``likes_most_liked(n)`` Jinja global: the blog's most liked articles, for a "Most liked"
list in a sidebar, on the index or under an article.

It ranks the counts baked into the articles once per build (baked_counts.py), so a theme can
call it on every page without a query of its own.
"""

from collections.abc import Mapping, Sequence

from pelican.contents import Article
from pelican.generators import Generator

from pelican.plugins.likes.settings import LikesSettings
from pelican.plugins.likes.widget import COUNT_ATTRIBUTE, shows_widget


class MostLiked:
    """``likes_most_liked(n)``: the ``n`` published articles with the highest counts, equal
    counts newest first; articles nobody liked yet, or without a widget, are left out."""

    def __init__(self, context: Mapping[str, object], settings: LikesSettings) -> None:
        # The build's context, which every generator shares and the articles generator fills
        # with the published articles: a page's own ``articles`` may be a category's alone.
        self.context = context
        self.settings = settings
        self._ranked_from: object = None
        self._ranked: list[Article] = []

    def __call__(self, n: int = 5) -> list[Article]:
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"likes_most_liked(n) takes a whole number n >= 0, not {n!r}")
        if not self.settings.enabled:
            return []
        return self._ranking()[:n]

    def _ranking(self) -> list[Article]:
        """Ranked once per list of articles: the counts are final before any page is written."""
        published = self.context.get("articles")
        if not isinstance(published, Sequence):
            return []
        if published is not self._ranked_from:
            self._ranked = rank(published)
            self._ranked_from = published
        return self._ranked


def rank(articles: Sequence[Article]) -> list[Article]:
    """Articles with likes, most liked first, then newest first."""
    liked = [a for a in articles if shows_widget(a) and getattr(a, COUNT_ATTRIBUTE, 0) > 0]
    newest_first = sorted(liked, key=lambda article: article.date, reverse=True)
    return sorted(newest_first, key=lambda article: -getattr(article, COUNT_ATTRIBUTE))


def add_most_liked(generator: Generator) -> None:
    """``generator_init`` receiver: give every template ``likes_most_liked``, enabled or not, so
    a theme's call never breaks a build that turned likes off."""
    settings = LikesSettings.from_pelican(generator.settings)
    generator.env.globals["likes_most_liked"] = MostLiked(generator.context, settings)
