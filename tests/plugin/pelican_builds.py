"""What the plugin's tests share: fixture folders, Pelican settings and a built site's pages."""

from dataclasses import dataclass
from pathlib import Path

from pelican.settings import read_settings

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = FIXTURES / "articles"
PAGES = FIXTURES / "pages"
HELPER_THEME = FIXTURES / "helper-theme"

# The settings every build starts from: the plugin, and no feeds (they warn without SITEURL).
BASE_SETTINGS = {
    "PLUGINS": ["likes"],
    "TIMEZONE": "UTC",
    "SITEURL": "",
    "FEED_ALL_ATOM": None,
    "CATEGORY_FEED_ATOM": None,
    "TRANSLATION_FEED_ATOM": None,
    "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None,
}


def pelican_settings(**overrides: object) -> dict:
    """Pelican's settings with ``overrides``, as ``pelican`` reads them from a pelicanconf.py."""
    return read_settings(override={**BASE_SETTINGS, **overrides})


@dataclass(frozen=True)
class Site:
    """A built site's output folder."""

    output: Path

    def page(self, name: str) -> str:
        return (self.output / name).read_text(encoding="utf-8")
