"""POST /api/form-likes/{slug}: a like sent by the widget's form, for readers without JavaScript.

Such a reader has no token in ``localStorage``, so the API gives the browser one in a cookie of its
own origin, set only by this answer to a click and sent back only to this path: ``HttpOnly``,
``SameSite=Lax``, ``Secure`` over HTTPS. As with the header, only its HMAC is stored. The answer
is ``303 See Other`` back to the page, which shows the new count after the next build, or at once
where the script runs; without it, the URL's fragment names the widget's thanks, which its
stylesheet shows (``:target``). Liking again changes nothing; withdrawing a like needs the script.
"""

import secrets
from urllib.parse import quote

import falcon

from pelican_likes.api.form_origins import FormOrigins
from pelican_likes.api.like_writes import LikeWrites
from pelican_likes.api.voters import Voters, is_valid_token

VOTER_COOKIE = "likes_voter"
FORM_PATH = "/api/form-likes"
# The id of the widget's "your like is counted" text is this and the slug (plugin/widget.py).
COUNTED_FRAGMENT = "likes-counted-"
# 400 days: the longest any browser keeps a cookie (Chrome caps Max-Age there).
COOKIE_MAX_AGE = 400 * 24 * 3600


class FormLike:
    """One reader's like of one article, sent by an HTML form."""

    def __init__(self, voters: Voters, writes: LikeWrites, origins: FormOrigins) -> None:
        self._voters = voters
        self._writes = writes
        self._origins = origins

    def on_post(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        article = self._writes.to(slug)
        sender = self._origins.sender(req)
        back = self._origins.return_url(req, sender)
        token = reader_token(req)
        article.like(req, self._voters.voter(token))
        resp.set_cookie(
            VOTER_COOKIE,
            token,
            max_age=COOKIE_MAX_AGE,
            path=FORM_PATH,
            secure=req.scheme == "https",
            http_only=True,
            same_site="Lax",
        )
        resp.status = falcon.HTTP_SEE_OTHER
        resp.set_header("Location", counted(back, article.slug))
        resp.cache_control = ["no-store"]


def counted(back: str, slug: str) -> str:
    """The page ``back`` at the widget's thanks for ``slug``, in place of any fragment it had."""
    return f"{back.partition('#')[0]}#{COUNTED_FRAGMENT}{quote(slug, safe='')}"


def reader_token(req: falcon.Request) -> str:
    """The token in the reader's cookie, or a new one for a first like (or a damaged cookie)."""
    for token in req.get_cookie_values(VOTER_COOKIE) or ():
        if is_valid_token(token):
            return token
    return secrets.token_urlsafe(24)
