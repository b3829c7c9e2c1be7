"""The widget's script and stylesheet: copied into the output once, and referenced from the
``<head>`` of each page that shows a widget, as files (never inline) so a strict CSP works."""

import functools
import shutil
from pathlib import Path

from markupsafe import Markup

# Pelican ships no types, so mypy knows ``pelican`` only as the namespace holding this plugin.
from pelican import Pelican  # type: ignore[attr-defined]

from pelican.plugins.likes.settings import LikesSettings

STATIC_FOLDER = Path(__file__).parent / "static"
OUTPUT_FOLDER = "likes"
STYLESHEET = f"{OUTPUT_FOLDER}/likes.css"
SCRIPT = f"{OUTPUT_FOLDER}/likes.js"

_STYLESHEET_TAG = Markup('<link rel="stylesheet" href="{url}">\n')
_SCRIPT_TAG = Markup('<script src="{url}" defer></script>\n')


def copy_assets(pelican: Pelican) -> None:
    """``finalized`` receiver: put ``likes/likes.js`` and ``likes/likes.css`` in the output."""
    if not LikesSettings.from_pelican(pelican.settings).enabled:
        return
    target = Path(pelican.output_path) / OUTPUT_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for asset in (STYLESHEET, SCRIPT):
        shutil.copyfile(STATIC_FOLDER / Path(asset).name, target / Path(asset).name)


# Cached, as a page's SITEURL takes few values: Markup.format, on every page, showed in profiles.
@functools.lru_cache(maxsize=64)
def stylesheet_tag(siteurl: str) -> Markup:
    """The stylesheet's ``<link>``; ``siteurl`` is the page's ``SITEURL`` (relative or not)."""
    return _STYLESHEET_TAG.format(url=f"{siteurl}/{STYLESHEET}")


@functools.lru_cache(maxsize=64)
def script_tag(siteurl: str) -> Markup:
    """The script's deferred ``<script>``, which runs once the page is parsed."""
    return _SCRIPT_TAG.format(url=f"{siteurl}/{SCRIPT}")
