"""What a reader without JavaScript sees when the widget's form fails: a small page in the blog's
language saying why, with a link back to the article. A script gets problem details as before;
a browser that navigated with the form asks for HTML first, and gets this page, its status kept.

The words are the ``page.*`` texts of translations.toml (the widget's own ``error`` and ``limit``
besides); the form names its language in the ``lang`` parameter.
"""

import functools
from html import escape

import falcon
from babel import Locale, UnknownLocaleError

from pelican_likes.api.errors import PROBLEM_JSON, DailyLimitRefusal, serialize_problem
from pelican_likes.api.form_likes import FORM_PATH
from pelican_likes.api.form_origins import FormOrigins
from pelican_likes.translations import shipped_translations

LANG_PARAMETER = "lang"
PAGE_TEXT_NAMES = ("back", "unknown", "closed", "busy", "refused")
FALLBACK_LANGUAGE = "en"

# The Accept types a failed form's answer is chosen among; browsers navigating prefer HTML.
_ANSWER_TYPES = (PROBLEM_JSON, falcon.MEDIA_JSON, falcon.MEDIA_HTML)

_PAGE = """<!doctype html>
<html lang="{lang}" dir="{direction}">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{message}</title>
<p>{message}</p>
{link}</html>
"""
_LINK = '<p><a href="{href}">{text}</a></p>\n'


class FormPages:
    """The API's error serializer: HTML pages for failed forms, problem details for the rest."""

    def __init__(self, origins: FormOrigins) -> None:
        self._origins = origins
        page_texts()  # read now: an installation without the texts fails at start, in one line

    def serialize(
        self, req: falcon.Request, resp: falcon.Response, error: falcon.HTTPError
    ) -> None:
        if not wants_page(req):
            serialize_problem(req, resp, error)
            return
        lang, texts = texts_for(req.get_param(LANG_PARAMETER) or "")
        message = texts.get(message_name(error), texts["error"])
        back = self._origins.back_link(req)
        link = _LINK.format(href=escape(back), text=escape(texts["back"])) if back else ""
        page = _PAGE.format(
            lang=escape(lang), direction=_direction(lang), message=escape(message), link=link
        )
        resp.content_type = "text/html; charset=utf-8"
        resp.data = page.encode()


def wants_page(req: falcon.Request) -> bool:
    """Whether the request is the widget's form, sent by a browser navigating (not a script)."""
    form = req.path.startswith(f"{FORM_PATH}/")
    return form and req.client_prefers(list(_ANSWER_TYPES)) == falcon.MEDIA_HTML


def message_name(error: falcon.HTTPError) -> str:
    """The text that says why ``error`` befell the reader's like."""
    if isinstance(error, DailyLimitRefusal):
        return "limit"
    names = {403: "refused", 404: "unknown", 409: "closed", 429: "busy"}
    return names.get(error.status_code, "error")


def texts_for(lang: str) -> tuple[str, dict[str, str]]:
    """The language of the page and its texts: ``lang`` as shipped, else without its last
    subtags (``pt-BR`` finds ``pt``, ``zh-Hans-CN`` finds ``zh-Hans``), else English."""
    catalog = page_texts()
    by_tag = {tag.lower(): tag for tag in catalog}
    parts = lang.strip().replace("_", "-").lower().split("-")
    for end in range(len(parts), 0, -1):
        tag = by_tag.get("-".join(parts[:end]))
        if tag is not None:
            return tag, catalog[tag]
    return FALLBACK_LANGUAGE, catalog[FALLBACK_LANGUAGE]


@functools.cache
def page_texts() -> dict[str, dict[str, str]]:
    """Each shipped language's texts for these pages, English filling any gap."""
    shipped = shipped_translations()
    english = _page_texts(shipped[FALLBACK_LANGUAGE])
    return {tag: english | _page_texts(texts) for tag, texts in shipped.items()}


def _page_texts(language: dict[str, object]) -> dict[str, str]:
    """A language's entry of translations.toml: ``error``, ``limit`` and its ``page`` table."""
    page = language.get("page")
    texts = {**language, **page} if isinstance(page, dict) else language
    names = ("error", "limit", *PAGE_TEXT_NAMES)
    return {name: str(texts[name]) for name in names if name in texts}


@functools.cache
def _direction(lang: str) -> str:
    try:
        return "rtl" if Locale.parse(lang, sep="-").text_direction == "rtl" else "ltr"
    except (UnknownLocaleError, ValueError):
        return "ltr"
