"""The widget's icon (``LIKES_ICON``): a thumb, a heart or a star, or the blogger's own SVG file,
read at build time, checked and inlined in every widget, hidden from assistive technology (the
button's name says what it does)."""

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from markupsafe import Markup, escape

logger = logging.getLogger(__name__)

# Drawn on a 24-unit square, stroked with the text's colour (likes.css), filled once liked.
SHIPPED = {
    "thumb": "M7 11v10H3V11zm0 0 4-8c1.5 0 3 1 3 3v3h5a2 2 0 0 1 2 2.4l-1.5 7.2A2 2 0 0 1 17.5"
    " 21H7",
    "heart": "M12 20s-8-4.9-8-10.5A4.5 4.5 0 0 1 12 6.6a4.5 4.5 0 0 1 8 2.9C20 15.1 12 20 12 20z",
    "star": "M12 2.8 14.5 9.4 21.5 9.7 16 14.1 17.9 20.9 12 17 6.1 20.9 8 14.1 2.5 9.7 9.5 9.4z",
}
DEFAULT = "thumb"
_SHIPPED_SVG = (
    '<svg class="likes-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24">'
    '<path d="{}"/></svg>'
)
_OWN_SVG = (
    '<svg class="likes-icon likes-icon-own" aria-hidden="true" focusable="false" viewBox="{}">'
    "{}</svg>"
)

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
MAX_BYTES = 16_384  # inlined in every widget, so on every listing page once per article
# Shapes and what shapes are made of; text too. Everything that can run, fetch or style the
# page (<script>, <foreignObject>, <image>, <a>, <animate>, <style>...) is refused.
DRAWING = {
    "svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "defs",
    "use", "symbol", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern",
    "text", "tspan",
}  # fmt: skip
DROPPED = {"title", "desc", "metadata"}  # a tooltip, and what editors note
_OUTSIDE = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import|expression\s*\(", re.IGNORECASE)
_PIXELS = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*")
_ROOT_ONLY = {"viewBox", "width", "height", "x", "y", "version", "id", "class", "style"}


class RefusedIcon(ValueError):
    """An SVG file the widget cannot show safely: why, in words for the build's log."""


@dataclass(frozen=True)
class Icon:
    """The icon every widget of a build shows, and why the one asked for is not it, if so."""

    markup: Markup
    problem: str | None = None


def widget_icon(setting: object) -> Icon:
    """The icon ``LIKES_ICON`` names: a shipped one, or an ``.svg`` file's (relative to the folder
    ``pelican`` runs in); the thumb, with the reason, for anything else."""
    if isinstance(setting, str) and setting in SHIPPED:
        return Icon(shipped_icon(setting))
    if not isinstance(setting, str) or not setting.lower().endswith(".svg"):
        names = ", ".join(repr(name) for name in SHIPPED)
        return _fallback(
            f"LIKES_ICON {setting!r}: expected one of {names}, or the path of an .svg file"
        )
    path = Path(setting)
    try:
        stat = path.stat()
        return Icon(_own_icon(str(path.resolve()), stat.st_mtime_ns, stat.st_size))
    except OSError as error:
        return _fallback(f"LIKES_ICON {setting!r}: cannot read {path}: {error.strerror}")
    except RefusedIcon as refused:
        return _fallback(f"LIKES_ICON {setting!r}: {path} is not used: {refused}")


def warn_about_icon(setting: object) -> None:
    """One warning per build when ``LIKES_ICON`` cannot be shown, naming the setting or file."""
    problem = widget_icon(setting).problem
    if problem is not None:
        logger.warning("likes: %s; the widgets show the thumb", problem)


def shipped_icon(name: str) -> Markup:
    return Markup(_SHIPPED_SVG.format(SHIPPED[name]))  # noqa: S704 - our own path data


def _fallback(problem: str) -> Icon:
    return Icon(shipped_icon(DEFAULT), problem)


@functools.lru_cache(maxsize=8)
def _own_icon(path: str, modified: int, size: int) -> Markup:
    """The file at ``path`` as inline SVG; read again only when it changed (the widget is made
    once per generator, and placement may make it again)."""
    if size > MAX_BYTES:
        raise RefusedIcon(f"it has {size:,} bytes, over the {MAX_BYTES:,} an icon may have")
    return inline_svg(Path(path).read_bytes())


def inline_svg(data: bytes) -> Markup:
    """An SVG document as the widget's icon: its drawing, without what editors leave in, or
    ``RefusedIcon`` saying what could run, fetch or restyle the page. The root's presentation
    attributes move to a group, where the stylesheet's own (stroke, fill) do not override them.
    """
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as error:
        raise RefusedIcon(f"it is not an SVG document ({error})") from error
    if root.tag not in (f"{SVG}svg", "svg"):  # a file written for inlining may omit xmlns
        raise RefusedIcon(f"its root element is <{_local(root.tag)}>, not <svg>")
    namespace = root.tag.removesuffix("svg")
    view_box = root.get("viewBox") or _view_box(root)
    kept = {name: value for name, value in _attributes(root).items() if name not in _ROOT_ONLY}
    drawing = "".join(_element(child, namespace) for child in root)
    if kept:
        drawing = f"<g{_attribute_text(kept)}>{drawing}</g>"
    return Markup(_OWN_SVG.format(escape(view_box), drawing))  # noqa: S704 - escaped in _element


def _view_box(root: Element) -> str:
    """A viewBox from the root's size in pixels, as browsers scale such a file."""
    sizes = [_PIXELS.fullmatch(root.get(name) or "") for name in ("width", "height")]
    if sizes[0] is None or sizes[1] is None:
        raise RefusedIcon("it has no viewBox, nor a width and a height in pixels to make one")
    return f"0 0 {sizes[0].group(1)} {sizes[1].group(1)}"


def _element(element: Element, namespace: str) -> str:
    name = str(element.tag).removeprefix(namespace)
    if not str(element.tag).startswith(namespace) or name.startswith("{"):
        return ""  # an editor's own element (Inkscape's, Sodipodi's)
    if name in DROPPED:
        return ""
    if name not in DRAWING:
        raise RefusedIcon(f"it has a <{name}> element; an icon may hold shapes, text and groups")
    inside = [_text(element.text)]
    for child in element:
        inside += [_element(child, namespace), _text(child.tail)]
    return f"<{name}{_attribute_text(_attributes(element))}>{''.join(inside)}</{name}>"


def _attributes(element: Element) -> dict[str, str]:
    """``element``'s SVG attributes, checked; ``xlink:href`` as ``href``, others' dropped."""
    kept = {}
    tag = _local(str(element.tag))
    for qualified, value in element.attrib.items():
        if qualified == XLINK_HREF:
            name = "href"
        elif qualified.startswith("{"):
            continue  # an editor's (inkscape:label) or xml:space
        else:
            name = qualified
        if name.lower().startswith("on"):
            raise RefusedIcon(f"<{tag}> has an event attribute, {name}")
        if name.lower() == "href" and not value.startswith("#"):  # HTML lowercases "HREF"
            raise RefusedIcon(f"<{tag}> refers to {value!r}, outside the file")
        if _OUTSIDE.search(value):
            raise RefusedIcon(f"<{tag}> {name} refers to outside the file")
        kept[name] = value
    return kept


def _text(text: str | None) -> str:
    """Text as it goes between tags: the indentation between elements left out."""
    return str(escape(text)) if text and not text.isspace() else ""


def _attribute_text(attributes: dict[str, str]) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in attributes.items())


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
