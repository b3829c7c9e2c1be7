"""Which pages may send the widget's form, and where its answer may send the reader back to.

A form post is the one write a foreign page can make a reader's browser send without a CORS
preflight: auto-submitted from many readers' browsers, it would plant likes from as many
addresses. So the ``Origin`` header browsers add to every form post must be the API's public
origin (LIKES_PUBLIC_ORIGIN) or one in LIKES_ALLOWED_ORIGINS. The reader is then sent back only to
a page of such an origin: a return URL anywhere else would make the API an open redirect.

The API's own origin is a setting, never the request's ``Host``: a page whose host name is made
to resolve to the API's address (DNS rebinding) sends a matching ``Host`` and ``Origin`` itself.
"""

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import falcon

RETURN_PARAMETER = "return"
RETURN_MAX_LENGTH = 2000

_DEFAULT_PORTS = {"http": 80, "https": 443}
# What a URL may hold as it is: RFC 3986's reserved and unreserved characters, and escapes.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_ABSOLUTE = re.compile(r"https?://[^/]", re.IGNORECASE)

# What browsers send for an opaque origin (a sandboxed frame, a data: URL, a page under
# no-referrer): any page can make it theirs, so it is never a sender, even when all are allowed.
OPAQUE_ORIGIN = "null"


class FormOrigins:
    """The origins allowed to send the form: the API's public one, and LIKES_ALLOWED_ORIGINS.

    With ``*`` any page may send it, as any page may call the API, but never an opaque origin;
    the reader is then sent back only to the origin of the page that sent the form.
    """

    def __init__(self, allowed_origins: tuple[str, ...], public_origin: str | None) -> None:
        self._any = allowed_origins == ("*",)
        listed = () if self._any else allowed_origins
        self._listed = frozenset(listed + ((public_origin,) if public_origin else ()))

    def sender(self, req: falcon.Request) -> str:
        """The origin of the page that sent the form, if it may have; otherwise a 403."""
        origin = req.get_header("Origin")
        if origin and origin != OPAQUE_ORIGIN and (self._any or origin in self._listed):
            return origin
        raise falcon.HTTPForbidden(
            description="This form is accepted only from the blog's own pages: the request's "
            "Origin must be LIKES_PUBLIC_ORIGIN or one in LIKES_ALLOWED_ORIGINS."
        )

    def return_url(self, req: falcon.Request, sender: str) -> str:
        """Where the reader goes back to: the page they sent the form from, as its ``Referer``
        names it; else the ``return`` parameter, absolute or relative to the sending page's
        origin, on that origin or another allowed one; otherwise a 400."""
        page = sending_page(req.referer, sender)
        if page is not None:
            return page
        value = req.get_param(RETURN_PARAMETER) or ""
        target = _absolute(value, sender)
        origin = serialised_origin(target) if target else None
        if not target or origin is None or not (origin == sender or origin in self._listed):
            raise falcon.HTTPBadRequest(
                description=f"The {RETURN_PARAMETER!r} parameter must be the URL of the page "
                "the form was sent from, on the blog's origin (or this API's)."
            )
        return quote(target, safe=_URL_SAFE)

    def back_link(self, req: falcon.Request) -> str | None:
        """The ``return`` page as a link for a reader whose form failed, if it is on the origin
        of the page the form came from (allowed to send it or not: the reader was just there),
        or on an allowed one; otherwise None."""
        origin = req.get_header("Origin")
        if not origin or origin == OPAQUE_ORIGIN:
            return None
        try:
            return self.return_url(req, origin)
        except falcon.HTTPError:
            return None


def sending_page(referer: str | None, sender: str) -> str | None:
    """The page the form was sent from, if ``referer`` names it: a full URL on the ``sender``'s
    origin, with a path or query.

    The build cannot always tell where a page is: with ``RELATIVE_URLS``, a blog under a subpath
    (``/myblog/``) knows its articles' paths only from its own root. The browser knows, and says
    so in ``Referer`` under the default policy when the API is on the page's origin. A bare origin
    (``https://blog.example/``) is what that policy leaves of a page on another origin, so it is
    left to ``return``; and the origin must be the sender's, which makes this no redirect that
    ``return`` could not make.
    """
    if not referer or not _ABSOLUTE.match(referer):
        return None
    page = _absolute(referer, sender)
    if page is None or serialised_origin(page) != sender:
        return None
    parts = urlsplit(page)
    if parts.path in ("", "/") and not parts.query:
        return None
    return quote(page, safe=_URL_SAFE)


def _absolute(value: str, base: str) -> str | None:
    """``value`` resolved against the origin ``base``: an absolute http(s) URL, or a path.

    Whatever parsers read differently is refused outright, since the browser, not urljoin, has
    the last word: backslashes, spaces and control characters (which browsers drop or turn into
    slashes), and schemes or slashes not followed by a host (``///evil.example`` and
    ``https:///evil.example`` leave the blog in a browser).
    """
    if not value or len(value) > RETURN_MAX_LENGTH or "\\" in value:
        return None
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in value):
        return None
    if _SCHEME.match(value):
        return value if _ABSOLUTE.match(value) else None
    if value.startswith("//"):
        return None
    return urljoin(f"{base}/", value)


def serialised_origin(url: str) -> str | None:
    """``url``'s origin as a browser serialises it, or None for anything but http(s)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an unparsable host or port
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown_port = f":{port}" if port is not None and port != _DEFAULT_PORTS[parts.scheme] else ""
    return urlunsplit((parts.scheme, f"{host}{shown_port}", "", "", ""))
