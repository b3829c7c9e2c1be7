"""translations.toml as the READMEs present it: a language ships by being an entry there,
and the READMEs name exactly those entries, so that adding one cannot leave them behind."""

import re
from pathlib import Path

from pelican.plugins.likes.texts import shipped_languages

ROOT = Path(__file__).parents[2]
SHIPPED = shipped_languages()  # translations.toml's entries, as tests/plugin/test_texts.py checks


def test_the_readme_counts_the_shipped_languages():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    counted = re.search(r"speaks the article's language \((\d+) shipped", readme)

    assert counted, "README.md no longer says how many languages ship"
    assert int(counted[1]) == len(SHIPPED)


def test_the_plugin_readme_names_every_shipped_language_in_order():
    readme = (ROOT / "plugin" / "README.md").read_text(encoding="utf-8")

    where = r"\s+in\s+`src/pelican_likes/translations.toml`"
    listed = re.search(rf"ships words for (.*?){where}", readme, re.S)

    assert listed, "plugin/README.md no longer lists the shipped languages"
    assert tuple(re.findall(r"\(`([^`]+)`\)", listed[1])) == SHIPPED
