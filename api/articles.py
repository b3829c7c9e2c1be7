"""/api/articles/{slug}/like: one reader's like of one article, set, withdrawn or read.

PUT and DELETE state the outcome rather than toggle, so a retried or doubled click changes
nothing; the store makes each one atomic, so concurrent clicks are counted exactly once.
"""

import falcon

from pelican_likes.api.like_writes import LikeWrites
from pelican_likes.api.slugs import check_slug
from pelican_likes.api.voters import VOTER_HEADER, Voters
from pelican_likes.storage.errors import UnknownArticle
from pelican_likes.storage.store import LikeState, LikeStore


class ArticleLike:
    """Whether the asking reader likes an article, and its count."""

    def __init__(self, store: LikeStore, voters: Voters, writes: LikeWrites) -> None:
        self._store = store
        self._voters = voters
        self._writes = writes

    def on_get(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        check_slug(slug)
        voter = self._voters.optional(req)
        _answer(resp, self._store.state(slug, voter) if voter else self._anonymous_state(slug))

    on_head = on_get

    def on_put(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        article = self._writes.to(slug)
        voter = self._voters.required(req)
        _answer(resp, article.like(req, voter))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        article = self._writes.to(slug)
        voter = self._voters.required(req)
        _answer(resp, article.unlike(req, voter))

    def _anonymous_state(self, slug: str) -> LikeState:
        """A reader without a token has liked nothing yet."""
        counts = self._store.counts([slug])
        if slug not in counts:
            raise UnknownArticle(slug)
        return LikeState(slug, counts[slug], liked=False)


def _answer(resp: falcon.Response, state: LikeState) -> None:
    resp.media = {"slug": state.slug, "likes": state.likes, "liked": state.liked}
    # The answer depends on the reader: no shared cache may keep it.
    resp.cache_control = ["private", "no-store"]
    resp.vary = [VOTER_HEADER]
