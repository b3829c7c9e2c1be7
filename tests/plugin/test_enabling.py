"""Enabling the installed plugin as Pelican blogs do: by auto-discovery, by either name in PLUGINS
beside a real plugin of the pelican-plugins organisation (pelican-sitemap, from the package index),
beside a blog's own plugins folder, and under the 0.1 name with a deprecation warning.

Each build is ``pelican`` run in a blog folder outside the repository, so only what is installed
can be found (the repository's ``plugin/`` folder would otherwise answer to its old name).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugin.pelican_builds import ARTICLES, FIXTURES
from tests.support import REPO

PELICAN = Path(sys.executable).with_name("pelican")
SETTINGS = """\
TIMEZONE = "UTC"
SITEURL = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
LIKES_DATABASE_URL = {database!r}
"""
DEPRECATION = 'PLUGINS = ["plugin"] is deprecated and stops working in 0.3: write "likes"'


def build(blog: Path, database: str, settings: str = "") -> tuple[Path, str]:
    """Build the blog in ``blog`` with ``settings`` added to its pelicanconf.py; return its output
    folder and what pelican printed."""
    (blog / "content").mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTICLES / "astro-post.md", blog / "content" / "astro-post.md")
    (blog / "pelicanconf.py").write_text(SETTINGS.format(database=database) + settings)
    done = subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "output"],
        cwd=blog, capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "500"},  # one log record, one line
    )  # fmt: skip
    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed
    return blog / "output", printed


def has_widget(output: Path) -> bool:
    """Whether the article's page has its like widget (without the plugin the Astro-style
    article is not even read, so the page may be missing)."""
    page = output / "first-post.html"
    return page.exists() and "data-likes-slug=" in page.read_text()


def test_a_blog_without_plugins_setting_gets_likes_and_every_other_installed_plugin(
    tmp_path, sqlite_url
):
    output, printed = build(tmp_path, sqlite_url)

    assert has_widget(output)
    assert (output / "likes" / "likes.js").exists()
    assert (output / "sitemap.xml").exists()
    assert "deprecated" not in printed


@pytest.mark.parametrize("name", ["likes", "pelican.plugins.likes"])
def test_either_name_in_plugins_works_beside_a_namespace_plugin(tmp_path, sqlite_url, name):
    output, printed = build(tmp_path, sqlite_url, f'PLUGINS = [{name!r}, "sitemap"]\n')

    assert has_widget(output)
    assert (output / "sitemap.xml").exists()
    assert "Cannot load plugin" not in printed


def test_a_plugins_list_without_likes_leaves_likes_off(tmp_path, sqlite_url):
    output, _ = build(tmp_path, sqlite_url, 'PLUGINS = ["sitemap"]\n')

    assert not has_widget(output)
    assert not (output / "likes").exists()
    assert (output / "sitemap.xml").exists()


def test_a_blog_with_its_own_plugins_folder_still_builds(tmp_path, sqlite_url):
    shutil.copytree(FIXTURES / "legacy-plugins", tmp_path / "plugins")
    settings = 'PLUGIN_PATHS = ["plugins"]\nPLUGINS = ["stamp", "likes"]\n'

    output, printed = build(tmp_path, sqlite_url, settings)

    assert (output / "stamp.txt").read_text() == "the blog's own plugin ran"
    assert has_widget(output)
    assert "Cannot load plugin" not in printed


def test_the_old_name_still_works_for_one_release_and_says_what_to_write(tmp_path, sqlite_url):
    output, printed = build(tmp_path, sqlite_url, 'PLUGINS = ["plugin", "sitemap"]\n')

    assert has_widget(output)
    assert (output / "sitemap.xml").exists()
    assert DEPRECATION in printed
    assert "Cannot load plugin" not in printed


def test_the_old_name_in_a_checkout_loads_the_plugin_folder_with_the_same_warning(
    tmp_path, sqlite_url
):
    done = subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", str(tmp_path / "output"),
         "-e", 'PLUGINS=["plugin"]', f'LIKES_DATABASE_URL="{sqlite_url}"'],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "500"},
    )  # fmt: skip

    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed
    assert DEPRECATION in printed
    assert "data-likes-slug=" in (tmp_path / "output" / "index.html").read_text()


DISABLED_BUILD = """\
import sys
from pelican import Pelican
from pelican.settings import read_settings

settings = read_settings(override={{
    "PATH": {content!r}, "OUTPUT_PATH": {output!r}, "PLUGINS": ["likes"], "THEME": {theme!r},
    "LIKES_ENABLED": False, "TIMEZONE": "UTC", "SITEURL": "", "FEED_ALL_ATOM": None,
    "CATEGORY_FEED_ATOM": None,
}})
Pelican(settings).run()
print(sorted(name for name in sys.modules if name.split(".")[0] in ("sqlalchemy", "babel")))
print(sorted(name for name in sys.modules if name.startswith("pelican.plugins.likes.")))
print(sorted(name for name in sys.modules if name.split(".")[0] in ("yaml", "frontmatter")))
"""


def build_disabled(tmp_path: Path, article: str) -> list[str]:
    """Build ``article`` with likes off in a process of its own (in the suite's, other builds
    have imported everything); return the three lines of module names it printed."""
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ARTICLES / article, content / article)
    script = DISABLED_BUILD.format(
        content=str(content), output=str(tmp_path / "output"), theme=str(REPO / "theme")
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-3:]


def test_a_build_with_likes_disabled_imports_no_storage_and_adds_nothing(tmp_path):
    """The demo theme calls ``likes_widget`` and ``likes_most_liked``, which must still answer."""
    storage, plugin_modules, _ = build_disabled(tmp_path, "astro-post.md")
    assert storage == "[]"  # neither SQLAlchemy nor the widget's texts (Babel)
    assert "placement" not in plugin_modules and "baked_counts" not in plugin_modules
    page = (tmp_path / "output" / "first-post.html").read_text()  # read from its frontmatter
    assert "data-likes-slug" not in page
    assert not (tmp_path / "output" / "likes").exists()


def test_a_blog_of_pelican_style_files_never_loads_the_frontmatter_parser(tmp_path):
    _, plugin_modules, parsers = build_disabled(tmp_path, "native-pelican.md")

    assert parsers == "[]"  # neither PyYAML nor python-frontmatter
    assert "frontmatter_parser" not in plugin_modules
    assert "<h1>Native metadata</h1>" in (tmp_path / "output" / "native-metadata.html").read_text()
