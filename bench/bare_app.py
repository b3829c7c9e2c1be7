"""A bare Falcon endpoint answering a fixed 20-article counts document: the ceiling of Falcon
under gunicorn on this machine, against which bench/reads.py measures the real read path."""

import falcon

BODY = {"likes": {f"article-{n}": n * 7 for n in range(20)}}


class Counts:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = BODY


app = falcon.App()
app.add_route("/api/likes", Counts())
