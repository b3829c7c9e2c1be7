"""Where a theme prints an article's text, for an article without text: the page is rendered
again with a marker standing for the text, which the plugin's placement (placement.py) finds as
it finds any text. A theme that shows nothing for an empty text leaves no marker."""

from collections.abc import Callable
from typing import Any

from markupsafe import Markup


def with_empty_body_marked(
    html: str, context: dict[str, Any], render: Callable[[dict[str, Any]], str]
) -> tuple[str, str]:
    """The page and the text to look for in it, for an article without text: the page rendered
    with EmptyBody's marker for the text and the marker, if the theme prints the text and the
    page is otherwise the same; else the page as it was and no text."""
    marked = render({**context, "article": EmptyBody(context["article"])})
    if EmptyBody.MARKER in marked and marked.replace(EmptyBody.MARKER, "") == html:
        return marked, EmptyBody.MARKER
    return html, ""


class EmptyBody:
    """An article without text, standing in for it with a marker for its text: where the theme
    prints the text, the marker shows where the widget goes. Everything else is the article's."""

    content = Markup("<!--likes: the article's text-->")
    MARKER = str(content)

    def __init__(self, article: object) -> None:
        self._article = article

    def __getattr__(self, name: str) -> Any:
        return getattr(self._article, name)
