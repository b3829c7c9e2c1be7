"""The words pelican-likes speaks, by language: translations.toml, one entry per shipped language.

The plugin takes the widget's words from it and the API the page a failed form gets, so it lives
here, beneath both: a language ships by being an entry of this one file.
"""

import functools
import tomllib
from importlib.resources import files
from typing import Any


@functools.cache
def shipped_translations() -> dict[str, dict[str, Any]]:
    """translations.toml's entries by language tag, in the file's order."""
    text = files("pelican_likes").joinpath("translations.toml").read_text("utf-8")
    return tomllib.loads(text)
