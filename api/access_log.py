"""gunicorn's access log, written at a fraction of its cost for the shipped line format.

For every request gunicorn's logger builds an atom of every request header, response header and
environ variable, and escapes each, whatever the format names; then logging makes a record of the
line and takes the handler's lock (gevent's, in a gevent worker) to write it. With the shipped
format, both were a share of an uncached count read worth cutting (measured:
docs/performance.md#gunicorns-access-log). This logger builds only the five atoms that format
names and writes the line to gunicorn's own stream or file itself; any other format, or handlers
of the operator's (``--log-config``, syslog), are left to gunicorn and logging.
Imports gunicorn alone: the master loads it, and imports nothing of the API.
"""

import datetime as dt
import logging
import time
import traceback
from typing import TYPE_CHECKING, Any

from gunicorn.glogging import Logger, SafeAtoms

if TYPE_CHECKING:
    from gunicorn.http.message import Request
    from gunicorn.http.wsgi import Response

# Time, request line, status, body bytes, milliseconds: no client address, referrer or user
# agent, so that readers stay anonymous (docs/security.md).
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


# The handlers gunicorn makes for --access-logfile: "-" (stdout) or a file.
_PLAIN_HANDLERS = (logging.StreamHandler, logging.FileHandler)


class AccessLogger(Logger):  # type: ignore[misc]  # gunicorn ships no types
    """gunicorn's Logger, with the atoms of ``ACCESS_LOG_FORMAT`` built alone."""

    _second: int | None = None
    _stamp = ""

    def access(
        self,
        resp: "Response",
        req: "Request",
        environ: dict[str, object],
        request_time: dt.timedelta,
    ) -> None:
        """The request's line, written as gunicorn's handler would write it: the message and a
        newline, flushed."""
        handlers = self._plain_handlers()
        if handlers is None:
            super().access(resp, req, environ, request_time)
            return
        try:
            line = ACCESS_LOG_FORMAT % SafeAtoms(self.atoms(resp, req, environ, request_time))
            for handler in handlers:
                handler.stream.write(line + handler.terminator)
                handler.stream.flush()
        except Exception:  # as gunicorn's access(): a line that fails is an error line, no more
            self.error(traceback.format_exc())

    def _plain_handlers(self) -> list["logging.StreamHandler[Any]"] | None:
        """gunicorn's own handlers of the access log when they are all there is and the line is
        the shipped format's, so that writing it directly changes nothing; else None."""
        log = self.access_log
        if (
            self.cfg.access_log_format != ACCESS_LOG_FORMAT
            or log.filters
            or log.disabled
            or not log.isEnabledFor(logging.INFO)
        ):
            return None
        plain = []
        for handler in log.handlers:
            if (
                type(handler) not in _PLAIN_HANDLERS
                or not isinstance(handler, logging.StreamHandler)
                or not getattr(handler, "_gunicorn", False)
                or handler.filters
                or handler.level > logging.INFO
                or handler.stream is None
            ):
                return None
            plain.append(handler)
        return plain or None

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
