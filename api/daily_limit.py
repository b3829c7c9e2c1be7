"""LIKES_DAILY_LIMIT: the likes one client network may add to one article per UTC day.

Counted in the database (pelican_likes.storage.daily_cap), so every worker and host shares one
tally, and under a keyed hash, so no address is stored. Unlikes are never refused.
"""

from collections.abc import Iterable

import falcon

from pelican_likes.api.clients import UNKNOWN_CLIENT, Network, client_address
from pelican_likes.storage.store import LikeState, LikeStore


class DailyLimit:
    """Likes through the store, each counted against its network's allowance of the day."""

    def __init__(self, limit: int, trusted_proxies: Iterable[Network]) -> None:
        self.limit = limit
        self._trusted = tuple(trusted_proxies)

    def like(self, store: LikeStore, req: falcon.Request, slug: str, voter: str) -> LikeState:
        """``voter``'s like of ``slug``; DailyLimitReached (a 429) if the network's is spent."""
        if not self.limit:
            return store.like(slug, voter)
        network = client_address(req.remote_addr, req.get_header("X-Forwarded-For"), self._trusted)
        if network == UNKNOWN_CLIENT:
            # Counting every such request under one name would let one client spend the
            # allowance of all of them; counting none would leave them uncapped.
            raise falcon.HTTPBadRequest(
                description="The API cannot tell which network this like comes from; a proxy "
                "in front of it must send X-Forwarded-For."
            )
        return store.like(slug, voter, network=network, daily_limit=self.limit)
