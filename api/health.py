"""GET /api/health: for load balancers and uptime checks, true only when likes can be served."""

import falcon

from pelican_likes.storage.store import LikeStore


class Health:
    """200 when the database answers and has the likes tables; otherwise the store's 503."""

    def __init__(self, store: LikeStore) -> None:
        self._store = store

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._store.ping()
        resp.media = {"status": "ok"}

    on_head = on_get
