"""What the plugin's tests share: fixture folders, Pelican settings and a built site's pages."""

import json
import logging
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
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

# A build as ``pelican`` runs it, in a process of its own, that then prints the SQLAlchemy
# modules it loaded: in the suite's process, other tests import them.
_SQLALCHEMY_SHOWING_BUILD = """\
import json
import sys
from pelican import Pelican
from pelican.settings import read_settings

settings = read_settings(override={{
    "PATH": {content!r}, "OUTPUT_PATH": {output!r}, "PLUGINS": ["likes"],
    "LIKES_DATABASE_URL": {database!r}, "TIMEZONE": "UTC", "SITEURL": "",
    "FEED_ALL_ATOM": None, "CATEGORY_FEED_ATOM": None,
}})
Pelican(settings).run()
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] == "sqlalchemy")))
"""


def sqlalchemy_of_own_build(folder: Path, article: str, database_url: str) -> list[str]:
    """Build the fixture ``article`` into ``folder/out`` on ``database_url``, as ``pelican``
    would, in a process of its own; return the SQLAlchemy modules that build loaded."""
    content = folder / "content"
    content.mkdir(exist_ok=True)
    shutil.copy(ARTICLES / article, content)
    script = _SQLALCHEMY_SHOWING_BUILD.format(
        content=str(content), output=str(folder / "out"), database=database_url
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def pelican_settings(**overrides: object) -> dict:
    """Pelican's settings with ``overrides``, as ``pelican`` reads them from a pelicanconf.py."""
    return read_settings(override={**BASE_SETTINGS, **overrides})


@dataclass(frozen=True)
class Site:
    """A built site's output folder."""

    output: Path

    def page(self, name: str) -> str:
        return (self.output / name).read_text(encoding="utf-8")


# Fixture articles a build publishes, and those it leaves out (drafts, hidden, future-dated...).
PUBLISHED = ["astro-post.md", "hugo-json.md", "script-title.md"]
UNPUBLISHED = ["hugo-toml.md", "jekyll-post.md", "lists-and-markdown.md", "native-pelican.md"]


def count_in(html: str, slug: str) -> int:
    """The count baked into the one widget of ``slug`` on a page."""
    found = re.findall(rf'data-likes-slug="{slug}" data-likes-count="(\d+)"', html)
    assert len(found) == 1, found
    return int(found[0])


def likes_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The warnings (and worse) the plugin logged."""
    return [
        r
        for r in caplog.records
        if r.name.startswith("pelican.plugins.likes") and r.levelno >= logging.WARNING
    ]
