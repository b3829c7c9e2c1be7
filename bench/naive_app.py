"""The hand-made like button this project replaces, kept only to be measured against.

It opens a database connection per request, reads the count, adds one in Python and writes it
back: the design whose lost likes and connection cost bench/writes.py puts in figures. Never use
it for anything else.
"""

import os

import falcon
import psycopg2


class NaiveLike:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def on_put(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        conn = psycopg2.connect(self.dsn)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT likes FROM naive_counts WHERE slug = %s", (slug,))
                (count,) = cursor.fetchone()
                cursor.execute(
                    "UPDATE naive_counts SET likes = %s WHERE slug = %s", (count + 1, slug)
                )
            conn.commit()
        finally:
            conn.close()
        resp.media = {"slug": slug, "likes": count + 1, "liked": True}


app = falcon.App()
app.add_route("/api/articles/{slug}/like", NaiveLike(os.environ.get("NAIVE_DSN", "")))
