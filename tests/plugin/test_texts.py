"""The widget's words by language: shipped translations, LIKES_TEXTS, plural forms and digits.

That the browser (Intl) writes and chooses the same as Babel here is checked in
tests/browser/test_languages.py.
"""

import logging
import shutil
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from babel import Locale

from pelican.plugins.likes.texts import (
    FALLBACK_LANGUAGE,
    SOCIAL_SERVICES,
    TEXT_NAMES,
    TextCatalog,
    catalog_for,
    checked_overrides,
    shipped_languages,
)
from tests.plugin.pelican_builds import ARTICLES

SHIPPED = shipped_languages()
CATALOG = catalog_for(None)
TRANSLATIONS = Path(__file__).parents[2] / "src" / "pelican_likes" / "translations.toml"


def texts(lang: str, default: str | None = None):
    return CATALOG.for_language(lang, default)


def test_the_shipped_languages_are_the_entries_of_translations_toml():
    entries = tomllib.loads(TRANSLATIONS.read_text(encoding="utf-8"))

    assert tuple(entries) == SHIPPED
    assert FALLBACK_LANGUAGE in SHIPPED


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_shipped_language_has_a_label_for_each_of_its_plural_forms(lang):
    spoken = texts(lang)
    forms = set(Locale.parse(lang, sep="-").plural_form.tags) | {"other"}

    assert spoken.lang == lang
    labels = dict(spoken.labels)
    assert set(labels) == forms
    assert all(label.startswith("{count}") for label in labels.values())  # label in name
    assert (spoken.error and spoken.error != texts("en").error) or lang == "en"
    assert (spoken.limit and spoken.limit != texts("en").limit) or lang == "en"
    assert (spoken.counted and spoken.counted != texts("en").counted) or lang == "en"


@pytest.mark.parametrize(
    ("lang", "count", "label"),
    [
        ("en", 1, "1 like, like this article"),
        ("en", 1234, "1,234 likes, like this article"),
        ("fr", 0, "0 j’aime, aimer cet article"),  # noqa: RUF001 - French apostrophe
        ("fr", 1_000_000, "1\u202f000\u202f000 de j’aime, aimer cet article"),  # noqa: RUF001
        ("de", 1234, "1.234 Likes, diesen Artikel liken"),
        ("es", 1234, "1.234 me gusta, dar me gusta a este artículo"),
        ("pl", 2, "2 polubienia, polub ten artykuł"),
        ("pl", 5, "5 polubień, polub ten artykuł"),
        ("pl", 22, "22 polubienia, polub ten artykuł"),
        ("pl", 1234, "1\xa0234 polubienia, polub ten artykuł"),
        ("ja", 1234, "1,234 件のいいね、この記事にいいねする"),
        ("ar", 2, "2 إعجابان، أعجبني هذا المقال"),
        ("ar", 11, "11 إعجابًا، أعجبني هذا المقال"),
    ],
)
def test_labels_take_the_plural_form_and_the_digits_of_the_language(lang, count, label):
    assert texts(lang).label(count) == label


def test_texts_in_a_language_babel_does_not_know_count_in_the_other_form_with_english_digits():
    unknown = replace(texts("en"), lang="xx-not-a-language")

    assert unknown.label(1) == "1 likes, like this article"
    assert unknown.count(1234) == "1,234"
    assert unknown.label(1234) == "1,234 likes, like this article"


def test_arabic_is_written_right_to_left_and_the_rest_left_to_right():
    assert texts("ar").direction == "rtl"
    assert {texts(lang).direction for lang in SHIPPED if lang != "ar"} == {"ltr"}


@pytest.mark.parametrize(
    ("lang", "spoken", "words_of"),
    [
        ("pt-BR", "pt-BR", "pt"),  # a region of a shipped language: its words, its digits
        ("pt_PT", "pt-PT", "pt"),  # as Pelican users may write it
        ("zh-CN", "zh-Hans-CN", "zh-Hans"),  # the same script, as Babel names it
        ("zh", "zh", "zh-Hans"),
        ("zh-TW", "de", "de"),  # Traditional Chinese is not shipped: DEFAULT_LANG speaks
        ("sv", "de", "de"),
        ("not a language", "de", "de"),
        (None, "de", "de"),
    ],
)
def test_the_articles_language_else_the_blogs(lang, spoken, words_of):
    found = texts(lang, default="de")

    assert found.lang == spoken
    assert found.labels == texts(words_of).labels


def test_without_texts_for_either_english_speaks():
    assert texts("sv", default="fi").lang == "en"


def test_likes_texts_overrides_any_text_and_keeps_the_rest():
    catalog = TextCatalog(
        checked_overrides(
            {"fr": {"label": {"one": "{count} coup de cœur"}}, "en": {"error": "Oops."}}
        )
    )

    french = catalog.for_language("fr", None)
    assert french.label(1) == "1 coup de cœur"
    assert french.label(2) == "2 j’aime, aimer cet article"  # noqa: RUF001
    assert french.error == texts("fr").error
    assert catalog.for_language("en", None).error == "Oops."


def test_the_name_without_a_count_is_a_text_of_its_own():
    catalog = TextCatalog(checked_overrides({"en": {"action": "Like it"}}))

    assert texts("fr").action == "Aimer cet article"
    assert catalog.for_language("en", None).action == "Like it"
    assert catalog.for_language("sv", None).action == "Like it"  # English, as the labels


def test_likes_texts_adds_a_language():
    swedish = {"label": {"one": "{count} gillning", "other": "{count} gillningar"}, "error": "Fel."}
    catalog = TextCatalog(checked_overrides({"sv": swedish}))

    found = catalog.for_language("sv", "en")
    assert (found.lang, found.label(1), found.label(3), found.error) == (
        "sv",
        "1 gillning",
        "3 gillningar",
        "Fel.",
    )
    assert catalog.has_texts("sv-FI") and not CATALOG.has_texts("sv")


def test_a_single_label_stands_for_every_plural_form():
    catalog = TextCatalog(checked_overrides({"ja": {"label": "{count} いいね"}}))

    assert catalog.for_language("ja", None).label(5) == "5 いいね"


@pytest.mark.parametrize(
    ("given", "logged"),
    [
        ([], "LIKES_TEXTS must map languages to texts"),
        ({"klingon-xx": {"error": "x"}}, "LIKES_TEXTS['klingon-xx']: expected a language tag"),
        ({"fr": "texte"}, "LIKES_TEXTS['fr']: expected a language tag mapped to texts"),
        ({"fr": {"lable": "{count}"}}, "LIKES_TEXTS['fr']['lable']: unknown text; the widget's"),
        ({"fr": {"label": {"few": "{count}"}}}, "'few' is not a plural form of fr"),
        ({"fr": {"label": {"other": "aimer"}}}, "['other']: expected text holding {count}"),
        ({"fr": {"label": 3}}, "expected text, or texts by plural form"),
        ({"fr": {"error": ""}}, "LIKES_TEXTS['fr']['error']: expected text"),
        ({"sv": {"label": {"one": "{count} gillning"}}}, "no 'other' label"),
    ],
)
def test_mistakes_in_likes_texts_are_logged_and_left_out(caplog, given, logged):
    with caplog.at_level(logging.ERROR):
        catalog = TextCatalog(checked_overrides(given))

    assert logged in caplog.text
    assert catalog.for_language("fr", None) == texts("fr")
    assert set(TEXT_NAMES) == {"label", "error", "limit", "action", "counted"}


def test_a_build_names_each_language_its_widgets_cannot_speak(
    build_site, sqlite_url, caplog, tmp_path
):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ARTICLES / "astro-post.md", content / "astro-post.md")
    text = (ARTICLES / "astro-post-fr.md").read_text(encoding="utf-8")
    (content / "astro-post-sv.md").write_text(text.replace("lang: fr", "lang: sv"), "utf-8")

    site = build_site([], LIKES_DATABASE_URL=sqlite_url)

    warnings = [r.getMessage() for r in caplog.records if "no widget texts" in r.getMessage()]
    assert warnings == ["Likes: no widget texts for the language 'sv'; its widgets speak 'en' "
                        "(LIKES_TEXTS can add them)"]  # fmt: skip
    assert 'lang="en"' in site.page("first-post-sv.html")


def test_a_likes_texts_of_the_wrong_shape_is_named_in_the_build(caplog):
    with caplog.at_level(logging.ERROR):
        catalog = catalog_for(["fr"])

    assert "LIKES_TEXTS must map languages to texts" in caplog.text
    assert catalog.for_language("fr", None) == texts("fr")


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_shipped_language_counts_each_service_in_each_of_its_plural_forms(lang):
    spoken = texts(lang)
    forms = set(Locale.parse(lang, sep="-").plural_form.tags) | {"other"}

    social = dict(spoken.social)
    assert set(social) == set(SOCIAL_SERVICES)
    for service in SOCIAL_SERVICES:
        assert set(dict(social[service])) == forms, service
        assert all("{count}" in text for _, text in social[service])
    english = dict(texts("en").social)
    assert lang == "en" or social["webmention"] != english["webmention"]


@pytest.mark.parametrize(
    ("lang", "service", "count", "text"),
    [
        ("en", "mastodon", 12, "12 on Mastodon"),
        ("en", "bluesky", 1234, "1,234 on Bluesky"),
        ("fr", "mastodon", 1234, "1\u202f234 sur Mastodon"),
        ("ja", "bluesky", 5, "Blueskyで5件"),
        ("ar", "webmention", 3, "3 على الويب"),
    ],
)
def test_social_counts_are_written_in_the_language_s_digits(lang, service, count, text):
    assert texts(lang).social_count(service, count) == text


def test_likes_texts_can_reword_a_service_and_mistakes_are_named(caplog):
    given = {
        "en": {"social": {"mastodon": {"other": "{count} boosts of joy"}, "myspace": "{count}"}},
        "fr": {"social": {"bluesky": {"one": "un seul"}}},
    }
    with caplog.at_level(logging.ERROR):
        catalog = TextCatalog(checked_overrides(given))

    assert catalog.for_language("en", None).social_count("mastodon", 2) == "2 boosts of joy"
    assert catalog.for_language("fr", None).social_count("bluesky", 1) == "1 sur Bluesky"
    assert "unknown service 'myspace'" in caplog.text
    assert "expected text holding {count}" in caplog.text
