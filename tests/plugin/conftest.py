"""Real Pelican builds for the plugin's tests: fixture articles copied into a temporary content
folder, built with the plugin into a temporary output folder.

Databases come from the suite's conftest (``sqlite_url``, ``database_url`` on both backends).
"""

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.log import LimitFilter

from tests.plugin.pelican_builds import ARTICLES, Site, pelican_settings


@pytest.fixture(autouse=True)
def fresh_pelican_log_filter() -> None:
    """Pelican drops any warning already logged once in the process (its LimitFilter): each test
    is a build of its own and must see its own warnings."""
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


@pytest.fixture
def storage_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds whose storage process cannot start, so that they publish in the test's own
    process, where its statements can be watched (the fallback of storage_process.py)."""

    def cannot_start(*args: object, **kwargs: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr("pelican.plugins.likes.storage_process.subprocess.Popen", cannot_start)


@pytest.fixture
def build_site(tmp_path: Path) -> Callable[..., Site]:
    """Build a site from fixture articles (names in fixtures/articles) with extra settings."""

    def build(articles: Iterable[str], **settings: object) -> Site:
        content = tmp_path / "content"
        content.mkdir(exist_ok=True)
        for name in articles:
            shutil.copy(ARTICLES / name, content / name)
        output = tmp_path / "output"
        config = pelican_settings(PATH=str(content), OUTPUT_PATH=str(output), **settings)
        Pelican(config).run()
        return Site(output)

    return build
