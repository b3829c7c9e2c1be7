"""The README's "try it on your own blog" recipe, followed word for word: a blog made by
``pelican-quickstart`` in an empty folder, the recipe's commands read from README.md and run as a
shell runs them (only its port variable given a free port), then a reader's like with JavaScript
and another's without, in Chromium, both counted."""

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from pelican_likes.storage.store import LikeStore
from tests.support import (
    CHROMIUM,
    REPO,
    free_port,
    launch_chromium,
    unavailable,
    wait_for_url,
    wait_until,
)

# What a blogger writes first, in Pelican's own metadata.
ARTICLE = """\
Title: My first post
Date: 2026-12-01 10:00
Slug: my-first-post

Hello, readers.
"""
SLUG = "my-first-post"

# pelican-quickstart's questions, answered as a blogger trying it locally would: the defaults
# (path, title, author and language come from the flags), no URL prefix, no publishing.
QUICKSTART_ANSWERS = "\n\n\n\nn\n" + "\n" * 20

RECIPE_INTRODUCTION = "To try it on your own blog first"
# A shell variable holding a port, the one thing the test may change in the recipe.
PORT_VARIABLE = re.compile(r"^(\w*port)=\d+\b", re.IGNORECASE | re.MULTILINE)


def readme_recipe() -> str:
    """The shell block that follows the README's introduction to trying it on one's own blog."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index(RECIPE_INTRODUCTION) :]
    block = re.search(r"```sh\n(.*?)```", after, re.DOTALL)
    assert block, "README.md: no ```sh block after the recipe's introduction"
    return block.group(1)


def with_port(recipe: str, port: int) -> str:
    """The recipe with its port variable set to ``port``; it must have exactly one."""
    assert len(PORT_VARIABLE.findall(recipe)) == 1, "the recipe should give its port as a variable"
    return PORT_VARIABLE.sub(lambda found: f"{found.group(1)}={port}", recipe)


def tools_environment() -> dict[str, str]:
    """The environment of a blogger whose shell finds pelican-likes' commands on its PATH."""
    tools = str(Path(sys.executable).parent)
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("LIKES_", "DATABASE_URL"))}
    return {**kept, "PATH": f"{tools}{os.pathsep}{kept.get('PATH', '')}"}


@pytest.fixture
def quickstart_blog(tmp_path: Path) -> Path:
    """A blog made by ``pelican-quickstart`` in an empty folder, with one article written."""
    blog = tmp_path / "my-blog"
    blog.mkdir()
    subprocess.run(
        ["pelican-quickstart", "-p", ".", "-t", "My blog", "-a", "A. Blogger", "-l", "en"],
        input=QUICKSTART_ANSWERS, cwd=blog, env=tools_environment(), check=True,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "PLUGINS" not in (blog / "pelicanconf.py").read_text().replace("# PLUGINS", "")
    (blog / "content" / f"{SLUG}.md").write_text(ARTICLE)
    return blog


@contextmanager
def recipe_running(blog: Path, log: Path) -> Iterator[str]:
    """The README's recipe run by bash in ``blog``, in a process group of its own, until the
    blog answers at its port; yields the blog's URL and stops the group after."""
    port = free_port()
    with log.open("w") as output:
        shell = subprocess.Popen(
            ["bash", "-e", "-c", with_port(readme_recipe(), port)],
            cwd=blog, env=tools_environment(), stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            # The build runs first: make sure the server found at the port is the recipe's.
            wait_until(lambda: listening(shell, log, url), timeout=120)
            wait_for_url(f"{url}/api/health", process=shell, log=log)
            yield url
        finally:
            os.killpg(shell.pid, signal.SIGTERM)
            shell.wait(timeout=30)


def listening(shell: subprocess.Popen, log: Path, url: str) -> bool:
    """Whether the recipe's gunicorn listens at ``url``; a failure if the recipe ended."""
    if shell.poll() is not None:
        raise AssertionError(f"the recipe ended with {shell.returncode}: {log.read_text()}")
    return f"Listening at: {url} " in log.read_text()


def test_the_readme_recipe_on_a_quickstart_blog_counts_likes_with_and_without_javascript(
    quickstart_blog: Path, tmp_path: Path
):
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import expect, sync_playwright

    log = tmp_path / "recipe.log"
    with recipe_running(quickstart_blog, log) as blog, sync_playwright() as playwright:
        article = f"{blog}/{SLUG}.html"
        chromium = launch_chromium(playwright)
        scripted = chromium.new_context().new_page()
        scripted.goto(article)
        button = scripted.locator(f'.likes[data-likes-slug="{SLUG}"] button')
        with scripted.expect_response(lambda r: r.request.method == "PUT") as answer:
            button.click()
        assert answer.value.status == 200
        expect(button).to_have_attribute("aria-pressed", "true")

        plain = chromium.new_context(java_script_enabled=False).new_page()
        plain.goto(article)
        with plain.expect_navigation(url=f"{article}#likes-counted-{quote(SLUG)}"):
            plain.locator(f'.likes[data-likes-slug="{SLUG}"] button').click()
        expect(plain.locator(".likes-counted")).to_have_text("Thanks, your like is counted.")
        counts = plain.request.get(f"{blog}/api/likes?slug={SLUG}").json()
        chromium.close()

    assert counts == {"likes": {SLUG: 2}}
    store = LikeStore.from_url(f"sqlite:///{quickstart_blog / 'likes.sqlite3'}")
    try:
        assert store.counts([SLUG]) == {SLUG: 2}
    finally:
        store.dispose()
    served = log.read_text()
    assert "[WARNING]" not in served, served  # nothing misconfigured along the way
