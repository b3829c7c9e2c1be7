"""gunicorn's access log, written at a fraction of its cost for the shipped line format.

For every request gunicorn's logger builds an atom of every request header, response header and
environ variable, and escapes each, whatever the format names: with the shipped format, a share of
an uncached count read worth cutting (measured: docs/performance.md#gunicorns-access-log). This
logger builds only the five atoms that format names, and leaves any other format to gunicorn.
Imports gunicorn alone: the master loads it, and imports nothing of the API.
"""

import datetime as dt
import time
from typing import TYPE_CHECKING

from gunicorn.glogging import Logger

if TYPE_CHECKING:
    from gunicorn.http.message import Request
    from gunicorn.http.wsgi import Response

# Time, request line, status, body bytes, milliseconds: no client address, referrer or user
# agent, so that readers stay anonymous (docs/security.md).
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


class AccessLogger(Logger):  # type: ignore[misc]  # gunicorn ships no types
    """gunicorn's Logger, with the atoms of ``ACCESS_LOG_FORMAT`` built alone."""

    _second: int | None = None
    _stamp = ""

    def atoms(
        self,
        resp: "Response",
        req: "Request",
        environ: dict[str, object],
        request_time: dt.timedelta,
    ) -> dict[str, object]:
        if self.cfg.access_log_format != ACCESS_LOG_FORMAT:
            everything: dict[str, object] = super().atoms(resp, req, environ, request_time)
            return everything
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        request_line = (
            f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}"
        )
        return {
            "t": self.now(),
            "r": request_line,
            "s": status,
            "b": str(resp.sent) if getattr(resp, "sent", None) is not None else "-",
            "M": request_time.seconds * 1000 + request_time.microseconds // 1000,
        }

    def now(self) -> str:
        """gunicorn's timestamp, formatted once a second rather than for every line."""
        second = int(time.time())
        if second != self._second:
            self._stamp = time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(second))
            self._second = second
        return self._stamp
