"""GET /api/openapi.json: the contract widgets, themes and other clients code against.

Built from the constants the code enforces (slug and token rules, slug count, body limit), so
the document cannot drift from the checks; the tests hold every answer they get to it.
"""

import json

import falcon

from pelican_likes.api.errors import DAILY_LIMIT_TYPE, PROBLEM_JSON
from pelican_likes.api.form_likes import FORM_PATH, VOTER_COOKIE
from pelican_likes.api.form_origins import RETURN_MAX_LENGTH, RETURN_PARAMETER
from pelican_likes.api.form_pages import LANG_PARAMETER
from pelican_likes.api.like_counts import MAX_SLUGS
from pelican_likes.api.middleware import MAX_BODY_BYTES
from pelican_likes.api.slugs import SLUG_PATTERN
from pelican_likes.api.voters import TOKEN_MAX_LENGTH, TOKEN_MIN_LENGTH, TOKEN_PATTERN, VOTER_HEADER
from pelican_likes.storage.slugs import SLUG_RULE

_DESCRIPTION = f"""\
Anonymous likes for the articles of a Pelican blog.

A reader is a random token the browser makes and sends as `{VOTER_HEADER}`; only a keyed hash of
it is stored. Every error is `{PROBLEM_JSON}` (RFC 9457) with a readable `detail`, including 404
for an unknown path and 405 (with `Allow`) for a method a path does not serve. Every GET also
answers HEAD. No operation takes a request body: a body over {MAX_BODY_BYTES} bytes is 413, a
non-empty body that is not JSON is 415, one that breaks off (a bad chunk, fewer bytes than its
`Content-Length`) is 400, one that stops arriving is 408, and a small JSON body is ignored.

Readers without JavaScript like through the widget's HTML form instead: `POST {FORM_PATH}/{{slug}}`,
accepted only from the API's own origin or an allowed one, identifies the reader by a cookie it
sets (`{VOTER_COOKIE}`, HttpOnly, SameSite=Lax) and answers 303 back to the page. Its errors are
a small HTML page in the form's `lang` (status kept) for a browser whose `Accept` prefers
`text/html`, problem details for any other client."""


def _ref(kind: str, name: str) -> dict[str, object]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _content(media_type: str, schema: str) -> dict[str, object]:
    return {media_type: {"schema": _ref("schemas", schema)}}


def _problem(description: str, *headers: str) -> dict[str, object]:
    answer: dict[str, object] = {
        "description": description,
        "content": _content(PROBLEM_JSON, "Problem"),
    }
    if headers:
        answer["headers"] = {name: _ref("headers", name) for name in headers}
    return answer


# Answers any request may meet, whatever the operation: its body is checked before any route.
_ALWAYS = {
    "400": "BadRequest",
    "408": "RequestTimeout",
    "413": "ContentTooLarge",
    "415": "UnsupportedMediaType",
}


def _operation(
    operation_id: str, summary: str, parameters: list[str], answers: dict[str, str]
) -> dict[str, object]:
    """An operation whose answers, by status code, are named response components."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [_ref("parameters", name) for name in parameters],
        "responses": {
            code: _ref("responses", name) for code, name in sorted((answers | _ALWAYS).items())
        },
    }


_READ = {"200": "LikeState", "400": "BadRequest", "404": "NotFound", "503": "Unavailable"}
_WRITE = _READ | {"409": "Closed", "429": "TooManyRequests"}
_FORM_WRITE = {code: name for code, name in _WRITE.items() if code != "200"} | {
    "303": "BackToThePage",
    "403": "ForeignOrigin",
}
_SLUG = {"type": "string", "pattern": SLUG_PATTERN, "description": f"An article slug: {SLUG_RULE}."}
_COUNT = {"type": "integer", "minimum": 0}
_VOTER_DESCRIPTION = (
    f"The reader: a random token the browser made and keeps ({TOKEN_MIN_LENGTH} to "
    f"{TOKEN_MAX_LENGTH} characters of A-Z a-z 0-9 - _). Only an HMAC of it is stored."
)

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "pelican-likes API", "version": "1", "description": _DESCRIPTION},
    "paths": {
        "/api/likes": {
            "get": _operation(
                "getLikes",
                f"The counts of up to {MAX_SLUGS} articles; unknown slugs are left out",
                ["Slugs", "IfNoneMatch"],
                {"200": "Counts", "304": "NotModified", "400": "BadRequest", "503": "Unavailable"},
            )
        },
        "/api/articles/{slug}/like": {
            "get": _operation(
                "getLike",
                "An article's count and whether the asking reader likes it",
                ["Slug", "OptionalVoter"],
                _READ,
            ),
            "put": _operation(
                "like",
                "Like an article; liking again changes nothing",
                ["Slug", "Voter"],
                _WRITE,
            ),
            "delete": _operation(
                "unlike",
                "Withdraw a like; withdrawing again changes nothing",
                ["Slug", "Voter"],
                _WRITE,
            ),
        },
        f"{FORM_PATH}/{{slug}}": {
            "post": _operation(
                "likeWithForm",
                "Like an article from the widget's form, without JavaScript; liking again changes "
                "nothing",
                ["Slug", "Return", "Lang", "Origin", "VoterCookie"],
                _FORM_WRITE,
            )
        },
        "/api/health": {
            "get": _operation(
                "getHealth",
                "Whether the database answers",
                [],
                {"200": "Health", "503": "Unavailable"},
            )
        },
        "/api/openapi.json": {
            "get": _operation("getOpenAPI", "This document", [], {"200": "Document"})
        },
    },
    "components": {
        "schemas": {
            "Slug": _SLUG,
            "Counts": {
                "type": "object",
                "required": ["likes"],
                "additionalProperties": False,
                "properties": {
                    "likes": {
                        "type": "object",
                        "propertyNames": _ref("schemas", "Slug"),
                        "additionalProperties": _COUNT,
                        "maxProperties": MAX_SLUGS,
                    }
                },
            },
            "LikeState": {
                "type": "object",
                "required": ["slug", "likes", "liked"],
                "additionalProperties": False,
                "properties": {
                    "slug": _ref("schemas", "Slug"),
                    "likes": _COUNT,
                    "liked": {
                        "type": "boolean",
                        "description": "Whether the asking reader likes it.",
                    },
                },
            },
            "Health": {
                "type": "object",
                "required": ["status"],
                "additionalProperties": False,
                "properties": {"status": {"const": "ok"}},
            },
            "Problem": {
                "type": "object",
                "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": {
                        "enum": ["about:blank", DAILY_LIMIT_TYPE],
                        "description": f"{DAILY_LIMIT_TYPE} for a like over LIKES_DAILY_LIMIT.",
                    },
                    "title": {"type": "string", "description": "The HTTP status phrase."},
                    "status": {"type": "integer", "minimum": 400, "maximum": 599},
                    "detail": {"type": "string", "minLength": 1, "description": "What went wrong."},
                },
            },
        },
        "parameters": {
            "Slug": {
                "name": "slug",
                "in": "path",
                "required": True,
                "schema": _ref("schemas", "Slug"),
            },
            "Slugs": {
                "name": "slug",
                "in": "query",
                "required": True,
                "style": "form",
                "explode": True,
                "description": "Repeat for each article: ?slug=a&slug=b.",
                "schema": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_SLUGS,
                    "items": _ref("schemas", "Slug"),
                },
            },
            "Voter": {
                "name": VOTER_HEADER,
                "in": "header",
                "required": True,
                "description": _VOTER_DESCRIPTION,
                "schema": {"type": "string", "pattern": TOKEN_PATTERN},
            },
            "OptionalVoter": {
                "name": VOTER_HEADER,
                "in": "header",
                "required": False,
                "description": f"{_VOTER_DESCRIPTION} Without it, `liked` is false.",
                "schema": {"type": "string", "pattern": TOKEN_PATTERN},
            },
            "Return": {
                "name": RETURN_PARAMETER,
                "in": "query",
                "required": True,
                "description": "The page to send the reader back to: an absolute URL, or a path "
                "on the origin of the page that sent the form. It must be on that origin, the "
                "API's, or one in LIKES_ALLOWED_ORIGINS.",
                "schema": {"type": "string", "minLength": 1, "maxLength": RETURN_MAX_LENGTH},
            },
            "Lang": {
                "name": LANG_PARAMETER,
                "in": "query",
                "required": False,
                "description": "The widget's language (a BCP 47 tag): that of the HTML page a "
                "failed form gets when its Accept prefers text/html; English if none is shipped.",
                "schema": {"type": "string", "maxLength": 100},
            },
            "Origin": {
                "name": "Origin",
                "in": "header",
                "required": True,
                "description": "Sent by browsers with every form post: the API's own origin "
                "(LIKES_PUBLIC_ORIGIN, never the Host header) or one in LIKES_ALLOWED_ORIGINS, "
                "so that no other site can make readers like.",
                "schema": {"type": "string"},
            },
            "VoterCookie": {
                "name": VOTER_COOKIE,
                "in": "cookie",
                "required": False,
                "description": "The reader, as an earlier form post set it; without it (or with a "
                "damaged one) the answer sets a new one. Only an HMAC of it is stored.",
                "schema": {"type": "string"},
            },
            "IfNoneMatch": {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "An ETag from an earlier answer: 304 if the counts did not change.",
                "schema": {"type": "string"},
            },
        },
        "headers": {
            "ETag": {"schema": {"type": "string"}, "description": "Identifies these counts."},
            "Cache-Control": {
                "schema": {"type": "string"},
                "description": "How long a browser or CDN may reuse the answer.",
            },
            "Location": {
                "schema": {"type": "string", "format": "uri"},
                "description": "The page the form was sent from.",
            },
            "Set-Cookie": {
                "schema": {"type": "string"},
                "description": f"`{VOTER_COOKIE}`: the reader's random token; HttpOnly, "
                f"SameSite=Lax, Secure over HTTPS, Path={FORM_PATH}, Max-Age of 400 days.",
            },
            "Retry-After": {
                "schema": {"type": "integer", "minimum": 1},
                "description": "Seconds to wait before trying again.",
            },
        },
        "responses": {
            "Counts": {
                "description": "The counts, by slug.",
                "headers": {
                    "ETag": _ref("headers", "ETag"),
                    "Cache-Control": _ref("headers", "Cache-Control"),
                },
                "content": _content("application/json", "Counts"),
            },
            "NotModified": {
                "description": "The counts are those of the ETag given in If-None-Match.",
                "headers": {
                    "ETag": _ref("headers", "ETag"),
                    "Cache-Control": _ref("headers", "Cache-Control"),
                },
            },
            "LikeState": {
                "description": "The article's count and whether the asking reader likes it.",
                "content": _content("application/json", "LikeState"),
            },
            "Health": {
                "description": "The database answers.",
                "content": _content("application/json", "Health"),
            },
            "Document": {
                "description": "This OpenAPI document.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "BackToThePage": {
                "description": "Liked: the reader is sent back to the page (303 See Other).",
                "headers": {
                    "Location": _ref("headers", "Location"),
                    "Set-Cookie": _ref("headers", "Set-Cookie"),
                },
            },
            "ForeignOrigin": _problem(
                "The Origin is neither the API's own nor one in LIKES_ALLOWED_ORIGINS."
            ),
            "BadRequest": _problem(
                f"A malformed slug, {VOTER_HEADER} token, parameter or request body."
            ),
            "RequestTimeout": _problem("A request body that stopped arriving."),
            "NotFound": _problem("No article is registered under this slug."),
            "Closed": _problem("Likes are closed: the blog turned them off for this article."),
            "ContentTooLarge": _problem(f"A request body over {MAX_BODY_BYTES} bytes."),
            "UnsupportedMediaType": _problem("A non-empty request body that is not JSON."),
            "TooManyRequests": _problem(
                "Too many writes from this address in a short time; or, with the problem type "
                f"{DAILY_LIMIT_TYPE}, too many likes of this article from this network today, "
                "Retry-After then being the seconds until midnight UTC.",
                "Retry-After",
            ),
            "Unavailable": _problem(
                "The database cannot be reached, or has no likes tables yet (its operator "
                "has to run `pelican-likes db upgrade`).",
                "Retry-After",
            ),
        },
    },
}


class OpenAPIDocument:
    """Serves ``DOCUMENT``, encoded once."""

    def __init__(self) -> None:
        self._body = json.dumps(DOCUMENT, indent=2).encode()

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_JSON
        resp.cache_control = ["public", "max-age=3600"]
        resp.data = self._body

    on_head = on_get
