"""Likes and unlikes as every resource writes them: the JSON API's and the form's.

A write goes through the same steps in the same order wherever it comes from: the slug checked,
then what the resource checks of its own (the reader's token, the form's origin), then one action
of the client's rate budget spent, then storage, then the worker's count cache. Checking first
means a malformed request spends none of the client's budget; spending before storage means a
client over its budget never reaches the database. ``LikeWrites.to`` checks the slug and is the
only way to the writes, so no resource can take the steps in another order.
"""

from dataclasses import dataclass

import falcon

from pelican_likes.api.count_cache import CountCache
from pelican_likes.api.daily_limit import DailyLimit
from pelican_likes.api.limits import WriteLimit
from pelican_likes.api.slugs import check_slug
from pelican_likes.storage.store import LikeState, LikeStore


@dataclass(frozen=True)
class LikeWrites:
    """What every write needs, wired once by ``create_app`` and shared by the resources."""

    store: LikeStore
    write_limit: WriteLimit
    daily_limit: DailyLimit
    cache: CountCache

    def to(self, slug: str) -> "ArticleWrites":
        """The writes to ``slug``, once it can name an article; otherwise a 400."""
        return ArticleWrites(self, check_slug(slug))


@dataclass(frozen=True)
class ArticleWrites:
    """The writes to one checked slug, each leaving its fresh count in the worker's cache."""

    writes: LikeWrites
    slug: str

    def like(self, req: falcon.Request, voter: str) -> LikeState:
        """``voter``'s like, within the client's rate budget and its network's daily allowance."""
        self.writes.write_limit.check(req)
        store = self.writes.store
        return self._cached(self.writes.daily_limit.like(store, req, self.slug, voter))

    def unlike(self, req: falcon.Request, voter: str) -> LikeState:
        """``voter``'s like withdrawn, within the rate budget: the daily allowance counts likes."""
        self.writes.write_limit.check(req)
        return self._cached(self.writes.store.unlike(self.slug, voter))

    def _cached(self, state: LikeState) -> LikeState:
        self.writes.cache.update(state.slug, state.likes)
        return state
