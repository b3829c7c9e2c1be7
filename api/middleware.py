"""What every request and answer goes through, whatever the route: body rules and headers."""

import falcon

from pelican_likes.api.voters import VOTER_HEADER

# No route reads a body; a small one is tolerated for clients that always send ``{}``.
MAX_BODY_BYTES = 1024

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # Only no-cors loads are held to this; the widget's CORS requests are governed by CORS.
    "Cross-Origin-Resource-Policy": "same-origin",
}

# Response headers a browser's script may read besides the simple ones: a 429's wait.
EXPOSED_HEADERS = "Retry-After"

# Falcon's CORS echoes whatever headers a preflight asks for; we grant only those we read.
ALLOWED_REQUEST_HEADERS = f"Content-Type, {VOTER_HEADER}"


class BodyPolicy:
    """413 for a body over ``MAX_BODY_BYTES``, 415 for a non-empty body that is not JSON."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        length = req.content_length  # a malformed Content-Length is Falcon's own 400
        if length is not None and length > MAX_BODY_BYTES:
            raise _too_large()
        body = _read_body(req, length)
        if len(body) > MAX_BODY_BYTES:
            raise _too_large()
        if body and not _is_json(req.content_type):
            raise falcon.HTTPUnsupportedMediaType(
                description="This API takes no request body; if one is sent, it must be JSON."
            )


class ResponseHeaders:
    """Security and caching headers on every answer, errors and preflights included; an
    ``OPTIONS`` answer is a 204 without a body or a ``Content-Type``, preflight or not.

    Runs after Falcon's CORS middleware (it is listed before it), because Falcon neither adds
    ``Vary: Origin`` nor narrows the allowed request headers: without the Vary, a CDN could hand
    one origin's Access-Control-Allow-Origin to another.
    """

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        for name, value in SECURITY_HEADERS.items():
            if resp.get_header(name) is None:  # the blog's pages bring their own policy
                resp.set_header(name, value)
        resp.append_header("Vary", "Origin")
        if resp.get_header("Cache-Control") is None or not req_succeeded:
            resp.cache_control = ["no-store"]
        if resp.get_header("Access-Control-Allow-Methods") is not None:
            resp.set_header("Access-Control-Allow-Headers", ALLOWED_REQUEST_HEADERS)
        if req.method == "OPTIONS" and req_succeeded:
            resp.status = falcon.HTTP_NO_CONTENT
            resp.content_type = None


def _read_body(req: falcon.Request, length: int | None) -> bytes:
    """At most ``MAX_BODY_BYTES + 1`` bytes of the body, without waiting for bytes never sent.

    A body that breaks off (a chunk size of ``ZZ``, a missing CRLF, fewer bytes than its
    ``Content-Length`` before the client stops sending) is the client's error: a 400, logged by
    nobody, before any route or the rate limiter runs.
    """
    try:
        if length is not None:
            body = req.bounded_stream.read()
            if len(body) < length:
                raise _malformed(f"it ended after {len(body)} of the {length} bytes declared")
            return body
        if req.get_header("Transfer-Encoding") and req.env.get("wsgi.input_terminated"):
            # A chunked body has no length; the server marks its input as safe to read to the end.
            return req.stream.read(MAX_BODY_BYTES + 1)
    except falcon.HTTPError:
        raise
    except TimeoutError:
        raise falcon.HTTPError(
            falcon.HTTP_408,
            description="The request body stopped arriving; this API reads no body, send none.",
        ) from None
    except Exception:  # each WSGI server raises its own parse and socket errors
        raise _malformed("its chunked encoding is broken or it ended early") from None
    return b""


def _malformed(why: str) -> falcon.HTTPError:
    return falcon.HTTPBadRequest(
        description=f"The request body is malformed: {why}. This API reads no body; send none."
    )


def _too_large() -> falcon.HTTPError:
    return falcon.HTTPContentTooLarge(
        description=f"This API takes no request body (at most {MAX_BODY_BYTES} bytes are ignored)."
    )


def _is_json(content_type: str | None) -> bool:
    media_type = (content_type or "").partition(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")
