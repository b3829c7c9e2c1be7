"""The released package on a clean machine: the sdist and wheel built and checked as an index
would, the wheel installed into a fresh virtualenv outside the checkout, and a blog made from
nothing in an empty folder liked through the installed API.

Nothing of the repository is importable there: the plugin, its static files, the migrations, their
alembic.ini and the gunicorn settings can only come from the wheel.
"""

import json
import re
import subprocess
import sys
import tomllib
import urllib.request
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from pelican_likes.storage import migrate
from tests.support import REPO, SECRET, Release, clean_environment, gunicorn

ARTICLE = """\
---
title: "Hello from Astro"
description: "The first post of a blog made from nothing."
pubDate: "Jul 08 2022"
heroImage: "/blog-placeholder-3.jpg"
tags: ["astro", "blogging"]
---

The article's text, in **Markdown**.
"""

# What pelican-quickstart writes, less what does not matter here; no PLUGINS: discovery finds us.
PELICANCONF = """\
AUTHOR = "A blogger"
SITENAME = "A clean blog"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""

VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Iterator[Release]:
    root = tmp_path_factory.mktemp("release")
    dist = root / "dist"
    env = clean_environment()
    # The wheel is built from the sdist, as an index's users would rebuild it.
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)],
        env=env, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    environment = root / "venv"
    venv.create(environment, with_pip=True)
    wheel = next(dist.glob("*.whl"))
    release = Release(dist=dist, venv=environment, built=built.stdout + built.stderr)
    release.run(str(release.tool("pip")), "install", "--quiet", str(wheel), cwd=root, env=env)
    yield release


def test_the_build_warns_about_nothing_it_packages(release):
    """setuptools warns of data folders missing from the package list ("Package would be
    ignored"), which a future setuptools would leave out of the wheel."""
    assert "would be ignored" not in release.built
    assert "Warning" not in release.built, release.built


def test_the_distributions_pass_twine_check(release):
    files = sorted(str(path) for path in release.dist.iterdir())

    printed = release.run(
        sys.executable, "-m", "twine", "check", "--strict", *files,
        cwd=release.dist, env=clean_environment(),
    )  # fmt: skip

    assert [name.rsplit("/", 1)[-1] for name in files] == [
        f"pelican_likes-{VERSION}-py3-none-any.whl",
        f"pelican_likes-{VERSION}.tar.gz",
    ]
    assert printed.count("PASSED") == 2


def test_the_wheel_installs_nothing_under_a_generic_name(release):
    shown = release.run(
        str(release.tool("pip")), "show", "-f", "pelican-likes", cwd=release.venv,
        env=clean_environment(),
    )  # fmt: skip
    files = shown.split("Files:", 1)[1].split()
    top_level = {path.split("/", 1)[0] for path in files if not path.startswith("..")}
    under_pelican = {path for path in files if path.startswith("pelican/")}

    assert top_level == {"pelican", "pelican_likes", f"pelican_likes-{VERSION}.dist-info"}
    assert all(path.startswith("pelican/plugins/likes/") for path in under_pelican)
    assert "pelican/__init__.py" not in files and "pelican/plugins/__init__.py" not in files
    for shipped in (
        "pelican/plugins/likes/static/likes.js",
        "pelican/plugins/likes/static/likes.css",
        "pelican_likes/migrations/alembic.ini",
        "pelican_likes/migrations/versions/0001_initial.py",
        "pelican_likes/api/gunicorn_conf.py",
        "pelican_likes/reports/assets/uPlot.iife.min.js",
        "pelican_likes/reports/assets/report.html",
    ):
        assert shipped in files


def test_a_blog_made_from_nothing_gets_likes_through_the_installed_api(release, tmp_path):
    blog = tmp_path / "blog"
    (blog / "content").mkdir(parents=True)
    (blog / "content" / "hello-from-astro.md").write_text(ARTICLE)
    (blog / "pelicanconf.py").write_text(PELICANCONF)
    env = clean_environment(DATABASE_URL=f"sqlite:///{blog / 'likes.sqlite3'}", LIKES_SECRET=SECRET)

    migrated = release.run(str(release.tool("pelican-likes")), "db", "upgrade", cwd=blog, env=env)
    release.run(str(release.tool("pelican")), "content", cwd=blog, env=env)
    page = blog / "output" / "hello-from-astro.html"
    assert baked_count(page) == 0
    assert (blog / "output" / "likes" / "likes.js").exists()

    log = tmp_path / "gunicorn.log"
    python = release.tool("python")
    with gunicorn(env, workers=1, log=log, cwd=blog, python=python) as api:
        liked = put_like(f"{api.url}/api/articles/hello-from-astro/like")
    release.run(str(release.tool("pelican")), "content", cwd=blog, env=env)
    likes = str(release.tool("pelican-likes"))
    stats = release.run(likes, "stats", "--format", "csv", cwd=blog, env=env)
    release.run(likes, "report", "-o", "likes.html", cwd=blog, env=env)

    assert f"database at revision {migrate.head_revision()}" in migrated.lower()
    assert stats.splitlines()[1].startswith("1,hello-from-astro,Hello from Astro,")
    assert "uPlot.tzDate" in (blog / "likes.html").read_text()  # the vendored library, inlined
    assert liked == {"slug": "hello-from-astro", "likes": 1, "liked": True}
    assert baked_count(page) == 1
    served = log.read_text()
    assert "Using worker: gevent" in served  # the shipped settings, not gunicorn's bare defaults
    assert all(path.startswith(f"{release.venv}/") for path in where_installed(python))


def baked_count(page: Path) -> int:
    (count,) = re.findall(r'data-likes-count="(\d+)"', page.read_text())
    return int(count)


def put_like(url: str) -> dict:
    request = urllib.request.Request(
        url, method="PUT", headers={"Likes-Voter": "a-reader-of-a-clean-blog-0123456789"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def where_installed(python: Path) -> list[str]:
    """Where ``python`` imports the storage package and the plugin from."""
    code = "import pelican_likes, pelican.plugins.likes as p; print(pelican_likes.__file__, p.__file__)"  # noqa: E501
    done = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, env=clean_environment(),
        cwd="/", check=True,
    )  # fmt: skip
    return done.stdout.split()
