"""The built blog served beside the API (LIKES_SITE_DIR), for `make run` and local previews.

In production a web server or CDN serves the static blog; this gives a preview one command and
one origin. Pages get a Content-Security-Policy that allows no inline or foreign script, so the
preview also shows that the widget works under a strict policy.
"""

import re
from pathlib import Path

import falcon
import falcon.routing

# Everything outside /api: the API's own unknown paths keep their JSON 404.
SITE_PATHS = re.compile(r"^/(?!api(?:/|$))")

# Scripts and everything else from the blog's own origin only; images from anywhere (articles
# link them); inline style attributes, which Markdown writes for aligned table columns.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'"
)


class SiteFiles:
    """A sink serving the files of the built blog, with ``index.html`` for folder URLs.

    Only files inside the folder are served: a symlink in the output that points outside it, and
    any path segment starting with ``.`` (``/.env``, ``/.git/config``), are 404, as missing files,
    and so are paths no file can have (a NUL byte, an overlong name, a symlink loop).
    """

    def __init__(self, directory: Path) -> None:
        self._root = directory.resolve()
        self._files = falcon.routing.StaticRoute("/", str(self._root))

    def __call__(self, req: falcon.Request, resp: falcon.Response, **params: str) -> None:
        if req.method not in ("GET", "HEAD"):
            raise falcon.HTTPMethodNotAllowed(["GET", "HEAD"])
        if req.path.endswith("/"):
            req.path += "index.html"
        if not self._inside(req.path):
            raise falcon.HTTPNotFound()
        self._files(req, resp)
        resp.set_header("Content-Security-Policy", PAGE_POLICY)
        # Not the API's no-referrer: under it browsers send "Origin: null" with the widget's
        # form, which the API must then refuse.
        resp.set_header("Referrer-Policy", "same-origin")
        resp.cache_control = ["no-cache"]  # a rebuilt blog shows at once; the ETag saves bytes

    def _inside(self, path: str) -> bool:
        """Whether ``path`` names a file of the folder once every symlink on the way is followed."""
        relative = path.lstrip("/")
        if any(part.startswith(".") for part in relative.split("/")):
            return False
        try:
            resolved = (self._root / relative).resolve()
        except (ValueError, OSError, RuntimeError):
            # A NUL byte (ValueError), a name the file system refuses (OSError), a symlink loop
            # (RuntimeError before Python 3.13): no file has such a path.
            return False
        return resolved.is_relative_to(self._root)
