"""A contributor's first steps: a checkout installed with a plain ``pip install -e .`` builds the
demo blog with ``pelican content`` from the repository's root, every article with its widget.

The copy of the checkout is made from git's list of files, so that nothing this test run built
(a strict editable install's links, caches) is there to help.
"""

import re
import shutil
import subprocess
import venv
from pathlib import Path

from tests.support import REPO, Release, clean_environment

SLUG = re.compile(r'data-likes-slug="([^"]+)"')


def checkout_copy(target: Path) -> Path:
    """The repository's tracked files, copied to ``target``, as a fresh clone has them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def test_no_folder_of_the_repository_shadows_the_plugin_name():
    importable = [path for path in REPO.iterdir() if path.is_dir() or path.suffix == ".py"]
    shadows = [path.name for path in importable if path.stem == "likes"]

    assert shadows == []


def test_a_plain_editable_install_builds_the_demo_from_the_repository_root(tmp_path):
    checkout = checkout_copy(tmp_path / "checkout")
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    installed = Release(dist=tmp_path, venv=environment)
    # Offline, as this machine is: the demo's shared posts are on hosts that do not exist, and a
    # build that may fetch warns about them (tests/plugin/social/ tests both).
    env = clean_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'likes.sqlite3'}", LIKES_SOCIAL_OFFLINE="1"
    )
    installed.run(
        str(installed.tool("pip")), "install", "--quiet", "-e", ".", cwd=checkout, env=env
    )

    installed.run(str(installed.tool("pelican-likes")), "db", "upgrade", cwd=checkout, env=env)
    built = installed.run(str(installed.tool("pelican")), "content", cwd=checkout, env=env)

    published = int(re.search(r"Processed (\d+) articles", built).group(1))
    sources = checkout.glob("content/*.md")
    pages = [page for md in sources if (page := checkout / "output" / f"{md.stem}.html").exists()]
    assert "ERROR" not in built and "WARNING" not in built, built
    assert published == len(pages) == len(list(checkout.glob("content/*.md"))) - 1  # one draft
    assert all(SLUG.search(page.read_text()) for page in pages)
    assert (checkout / "output" / "likes" / "likes.js").exists()
