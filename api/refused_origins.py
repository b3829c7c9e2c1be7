"""The operator told which page origins the API refused, since the reader's browser tells nobody.

A blog whose origin is missing from LIKES_ALLOWED_ORIGINS (or written differently: another scheme,
a ``www.``) gets the widget's error on every page, a CORS message in each reader's console, and
nothing in the API's log. Each refused origin is logged once per worker, with what to do.

Origins come from requests, so anyone can send millions of them: the worker remembers a bounded
number, logs at most one line per ``LOG_INTERVAL``, and escapes and cuts what it writes.
"""

import logging
from collections import OrderedDict

import falcon

from pelican_likes.api.errors import Throttle
from pelican_likes.api.form_likes import FORM_PATH
from pelican_likes.api.form_origins import OPAQUE_ORIGIN

# Origins a worker remembers having logged; the oldest is forgotten (and may be logged again).
REMEMBERED_ORIGINS = 256
# Seconds between two such lines, whatever the origins.
LOG_INTERVAL = 60.0
# Characters of an origin written to the log; a real one is far shorter.
LOGGED_LENGTH = 200

log = logging.getLogger(__name__)


class RefusedOrigins:
    """Middleware that logs an ``Origin`` the CORS middleware gave no Access-Control-Allow-Origin
    (or the form refused). Listed before Falcon's CORS middleware, so it sees CORS's result."""

    def __init__(
        self,
        allowed_origins: tuple[str, ...],
        public_origin: str | None,
        throttle: Throttle | None = None,
    ) -> None:
        self._any = allowed_origins == ("*",)
        self._public_origin = public_origin
        self._throttle = throttle or Throttle(LOG_INTERVAL)
        self._logged: OrderedDict[str, None] = OrderedDict()

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        origin = req.get_header("Origin")
        if not origin or self._any or resp.get_header("Access-Control-Allow-Origin"):
            return
        if origin in (OPAQUE_ORIGIN, self._public_origin):
            return
        if _same_host(origin, req) and not _form_refused(req, resp):
            return  # a page of the API's own host needs no CORS (its form, an allowed origin)
        if origin in self._logged:
            self._logged.move_to_end(origin)
            return
        if not self._throttle.ready():
            return  # not remembered: said when the next line may be
        self._logged[origin] = None
        if len(self._logged) > REMEMBERED_ORIGINS:
            self._logged.popitem(last=False)
        log.warning(
            "refused origin %s: add it to LIKES_ALLOWED_ORIGINS if it is the blog's, written "
            "exactly so (scheme, host and port); said once per origin, at most once a minute",
            _printable(origin),
        )


def _same_host(origin: str, req: falcon.Request) -> bool:
    """Whether ``origin`` names the host the request was sent to: the page is then the API's
    own (a same-origin request carries ``Origin`` too). For a log line, so the ``Host`` header
    may decide; the form's own check never trusts it (form_origins.py)."""
    host = req.get_header("Host")
    return bool(host) and origin.partition("://")[2].lower() == str(host).lower()


def _form_refused(req: falcon.Request, resp: falcon.Response) -> bool:
    """Whether the widget's form was refused for its origin: a page of the API's own host too,
    opened under another name than LIKES_PUBLIC_ORIGIN's (``localhost`` for ``127.0.0.1``)."""
    return req.path.startswith(f"{FORM_PATH}/") and resp.status_code == 403


def _printable(origin: str) -> str:
    """``origin`` quoted, control and non-ASCII characters escaped, cut to ``LOGGED_LENGTH``."""
    shown = ascii(origin[:LOGGED_LENGTH])
    return shown + "..." if len(origin) > LOGGED_LENGTH else shown
