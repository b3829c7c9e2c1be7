"""A blog built once per language by the real i18n_subsites plugin (fixtures/i18n-blog, English
with a French site under /fr/): each article keeps one record, its original's title and URL,
and each version shows the count they share, on SQLite and PostgreSQL.

Each build runs ``pelican`` in a process of its own: i18n_subsites keeps its state and its signal
receivers in the process, where they would reach the suite's other builds.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pelican.plugins.likes.language_sites import LanguageSites
from tests.plugin.pelican_builds import FIXTURES, count_in

BLOG = FIXTURES / "i18n-blog"

OWN_RECORDS = {
    "hello-world": ("Hello world", "/hello-world.html"),
    "only-in-english": ("Only in English", "/only-in-english.html"),
    "seulement-en-francais": ("Seulement en français", "/fr/seulement-en-francais.html"),
    # Published in French only, its English version a draft: the French one is the original.
    "night-trains": ("Trains de nuit", "/fr/night-trains.html"),
}


def build(folder: Path, database_url: str, **settings: object) -> Path:
    """``pelican content`` of the fixture blog, copied into ``folder``; its output folder."""
    shutil.copytree(BLOG, folder, dirs_exist_ok=True)
    extra = {"LIKES_DATABASE_URL": database_url, **settings}
    done = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output",
         "-e", *(f"{key}={json.dumps(value)}" for key, value in extra.items())],
        cwd=folder, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert (folder / "output" / "fr" / "hello-world.html").exists()  # the French site was built
    return folder / "output"


def records(store) -> dict[str, tuple[str, str]]:
    return {article.slug: (article.title, article.url) for article in store.articles()}


@pytest.mark.parametrize("untranslated", ["hide", "keep"])
def test_each_article_keeps_its_own_title_and_url(tmp_path, store, database_url, untranslated):
    """The French site, built last, wrote its titles and /fr/ URLs over every record, and closed
    the English-only article it hides; with "keep" it listed that one at /fr/."""
    build(tmp_path, database_url, I18N_UNTRANSLATED_ARTICLES=untranslated)

    assert records(store) == OWN_RECORDS
    for slug in OWN_RECORDS:  # all open to likes
        assert store.like(slug, "a" * 64).likes == 1


def test_translations_show_the_count_they_share(tmp_path, store, database_url):
    build(tmp_path, database_url, I18N_UNTRANSLATED_ARTICLES="keep")
    for voter in range(3):
        store.like("hello-world", f"{voter:064x}")
    store.like("only-in-english", "a" * 64)

    output = build(tmp_path, database_url, I18N_UNTRANSLATED_ARTICLES="keep")

    assert count_in((output / "hello-world.html").read_text(), "hello-world") == 3
    assert count_in((output / "fr" / "hello-world.html").read_text(), "hello-world") == 3
    english_on_french_site = (output / "fr" / "only-in-english-en.html").read_text()
    assert count_in(english_on_french_site, "only-in-english") == 1
    assert records(store) == OWN_RECORDS


def test_a_blog_built_once_is_one_site_that_writes_every_record():
    assert LanguageSites.of({"DEFAULT_LANG": "en"}) == LanguageSites()
    assert LanguageSites.of({"DEFAULT_LANG": "en", "I18N_SUBSITES": {}}) == LanguageSites()


def test_a_subsite_is_told_by_its_default_language():
    subsites = {"fr": {}, "de": {}}

    assert LanguageSites.of({"DEFAULT_LANG": "en", "I18N_SUBSITES": subsites}).lang is None
    assert LanguageSites.of({"DEFAULT_LANG": "de", "I18N_SUBSITES": subsites}) == LanguageSites(
        ("fr", "de"), "de"
    )
