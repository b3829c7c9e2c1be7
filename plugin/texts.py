"""The widget's words in the article's language: the translations shipped in translations.toml,
``LIKES_TEXTS`` on top, and Babel for what depends on the count (its plural form, its digits).

The script does the same in the browser with ``Intl.PluralRules`` and ``Intl.NumberFormat``, given
the same language and the same number options (Latin digits, always grouped: Babel has neither
CLDR's other digits nor its minimum grouping), so the baked page and the live widget agree;
tests/browser/test_languages.py compares the two for every shipped language.
"""

import functools
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import chain
from typing import TypedDict, cast

from babel import Locale, UnknownLocaleError
from babel.core import get_global, parse_locale
from babel.numbers import format_decimal
from pelican.generators import ArticlesGenerator

from pelican.plugins.likes.settings import LikesSettings
from pelican_likes.builds.social_cache import SERVICES
from pelican_likes.translations import shipped_translations

logger = logging.getLogger(__name__)

# The widget's texts besides the labels: its status line's messages, the button's name while its
# count is hidden, and the form's thanks.
MESSAGE_NAMES = ("error", "limit", "action", "counted")
TEXT_NAMES = ("label", *MESSAGE_NAMES)
# Beside the button, each service's likes of the article's posts (plugin/social/), by plural form.
SOCIAL_SERVICES = SERVICES
FALLBACK_LANGUAGE = "en"
COUNT = "{count}"


class LanguageTexts(TypedDict, total=False):
    """One language's entry in translations.toml or LIKES_TEXTS, once checked: any of its texts."""

    label: dict[str, str]  # plural form -> accessible name with {count}
    error: str
    limit: str
    action: str
    counted: str
    social: dict[str, dict[str, str]]  # service -> plural form -> text with {count}


# (plural form, text with {count}) pairs, as labels are kept.
Forms = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class WidgetTexts:
    """The words of a widget in one language, and how that language writes a count."""

    lang: str  # a BCP 47 tag: the widget's ``lang`` attribute, and the script's Intl locale
    direction: str  # "ltr" or "rtl", the widget's ``dir``
    labels: tuple[tuple[str, str], ...]  # (plural form, accessible name with {count})
    error: str
    limit: str  # a like refused by the API's LIKES_DAILY_LIMIT
    action: str  # the accessible name while the count is hidden (LIKES_HIDE_BELOW)
    counted: str  # shown without JavaScript once the form's like counted (widget_markup)
    social: tuple[tuple[str, Forms], ...] = ()  # (service, its texts by plural form)

    def count(self, count: int) -> str:
        """``count`` as the language writes it: ``1,234``, ``1 234``, ``1.234``..."""
        return _written_count(self.lang, count)

    def label(self, count: int, shown: str | None = None) -> str:
        """The button's accessible name for ``count`` (written ``shown``, if already), in the
        plural form the language uses."""
        return _label(self.labels, self.lang, count).replace(COUNT, shown or self.count(count))

    def social_count(self, service: str, count: int) -> str:
        """``count`` likes on ``service`` ("12 on Mastodon"), in the count's plural form."""
        forms = dict(self.social)[service]
        return _label(forms, self.lang, count).replace(COUNT, self.count(count))

    def for_script(self, hiding: bool = False) -> str:
        """What the script needs to say the same in the browser, as compact JSON; the name
        without a count only for widgets that may hide theirs."""
        return _script_texts(self.labels, self.error, self.limit, self.action if hiding else "")


@functools.lru_cache(maxsize=4096)
def _label(labels: tuple[tuple[str, str], ...], lang: str, count: int) -> str:
    """The label of ``count``'s plural form in ``lang``; in a language Babel does not know,
    "other", the form every language has. Cached as counts are: Babel's plural rule was a large
    share of each widget's cost (measured: docs/performance.md#widget-texts-and-markup)."""
    locale = _parse(lang)
    form = locale.plural_form(count) if locale else "other"
    by_form = dict(labels)
    return by_form.get(form, by_form["other"])


@functools.lru_cache(maxsize=4096)
def _written_count(lang: str, count: int) -> str:
    """``count`` in ``lang``'s digits, or in English's, the fallback texts' (left to Babel, a
    language it does not know would get the building machine's LC_NUMERIC). Cached: a build's
    articles share a few counts, and formatting each anew was a large share of the plugin's time
    (measured: docs/performance.md#widget-texts-and-markup)."""
    return format_decimal(count, locale=_parse(lang) or FALLBACK_LANGUAGE, group_separator=True)


class TextCatalog:
    """Shipped translations and LIKES_TEXTS, looked up by an article's language."""

    def __init__(self, overrides: Mapping[str, LanguageTexts]) -> None:
        self._shipped = _shipped()
        self._overrides = overrides

    @functools.cache  # noqa: B019 - one catalog per build; a handful of languages each
    def for_language(self, lang: str | None, default: str | None) -> WidgetTexts:
        """The texts of ``lang``, else of ``default`` (DEFAULT_LANG), else English."""
        for candidate in (lang, default, FALLBACK_LANGUAGE):
            locale = _parse(candidate)
            if locale is None:
                continue
            layers = [
                catalog[key]
                for catalog in (self._shipped, self._overrides)
                if (key := _best_key(locale, catalog)) is not None
            ]
            if layers:
                return self._texts(locale, layers)
        raise AssertionError("English ships with the plugin")  # pragma: no cover

    def has_texts(self, lang: str) -> bool:
        """Whether ``lang``'s widgets speak it, rather than DEFAULT_LANG or English."""
        locale = _parse(lang)
        catalogs = (self._shipped, self._overrides)
        return locale is not None and any(_best_key(locale, c) is not None for c in catalogs)

    def _texts(self, locale: Locale, layers: list[LanguageTexts]) -> WidgetTexts:
        labels: dict[str, str] = {}
        error = limit = action = counted = ""
        english = self._shipped[FALLBACK_LANGUAGE]
        social = {service: dict(forms) for service, forms in english["social"].items()}
        for first, layer in zip((True, False), layers, strict=False):
            for service, forms in layer.get("social", {}).items():
                # The language's own forms replace English's; LIKES_TEXTS rewords some of them.
                social[service] = dict(forms) if first else {**social[service], **forms}

            labels.update(layer.get("label", {}))
            error = layer.get("error", error)
            limit = layer.get("limit", limit)
            action = layer.get("action", action)
            counted = layer.get("counted", counted)
        if "other" not in labels:  # a language of LIKES_TEXTS alone, given no "other" label
            labels = dict(english["label"])
        return WidgetTexts(
            lang=str(locale).replace("_", "-"),
            direction="rtl" if locale.text_direction == "rtl" else "ltr",
            labels=tuple(sorted(labels.items())),
            error=error or english["error"],
            limit=limit or english["limit"],
            action=action or english["action"],
            counted=counted or english["counted"],
            social=tuple((name, tuple(sorted(forms.items()))) for name, forms in social.items()),
        )


@functools.lru_cache(maxsize=64)
def _script_texts(labels: tuple[tuple[str, str], ...], error: str, limit: str, action: str) -> str:
    texts = {"label": dict(labels), "error": error, "limit": limit}
    if action:
        texts["action"] = action
    return json.dumps(texts, ensure_ascii=False, separators=(",", ":"))


@functools.lru_cache(maxsize=8)
def text_catalog(overrides_json: str) -> TextCatalog:
    """The catalog for LIKES_TEXTS (as ``json.dumps`` of it): built, and checked, once."""
    return TextCatalog(checked_overrides(json.loads(overrides_json)))


def catalog_for(overrides: object) -> TextCatalog:
    """The catalog for a LIKES_TEXTS value as found in the settings (None for none)."""
    given = {} if overrides is None else overrides
    return text_catalog(json.dumps(given, sort_keys=True, default=repr))


def checked_overrides(given: object) -> dict[str, LanguageTexts]:
    """LIKES_TEXTS with every mistake logged, naming it, and left out."""
    if not isinstance(given, Mapping):
        logger.error("LIKES_TEXTS must map languages to texts, e.g. {'fr': {'error': '...'}}")
        return {}
    checked: dict[str, LanguageTexts] = {}
    for tag, texts in given.items():
        locale = _parse(tag)
        if locale is None or not isinstance(texts, Mapping):
            logger.error("LIKES_TEXTS[%r]: expected a language tag mapped to texts; ignored", tag)
            continue
        checked[str(locale).replace("_", "-")] = _checked_texts(tag, locale, texts)
    return checked


def _checked_texts(tag: str, locale: Locale, texts: Mapping[str, object]) -> LanguageTexts:
    kept: LanguageTexts = {}
    for name, value in texts.items():
        where = f"LIKES_TEXTS[{tag!r}][{name!r}]"
        if name == "label":
            kept["label"] = _checked_labels(where, locale, value)
        elif name == "social":
            kept["social"] = _checked_social(where, locale, value)
        elif name not in MESSAGE_NAMES:
            logger.error(
                "%s: unknown text; the widget's are %s", where, ", ".join((*TEXT_NAMES, "social"))
            )
        elif not isinstance(value, str) or not value.strip():
            logger.error("%s: expected text; ignored", where)
        elif name == "error":
            kept["error"] = value
        elif name == "limit":
            kept["limit"] = value
        elif name == "action":
            kept["action"] = value
        else:
            kept["counted"] = value
    return kept


def _checked_labels(where: str, locale: Locale, value: object) -> dict[str, str]:
    """Labels by plural form; a single text stands for every form."""
    forms = set(locale.plural_form.tags) | {"other"}
    given = {"other": value} if isinstance(value, str) else value
    if not isinstance(given, Mapping):
        logger.error("%s: expected text, or texts by plural form; ignored", where)
        return {}
    labels = {}
    for form, text in given.items():
        if form not in forms:
            logger.error("%s: %r is not a plural form of %s (%s)", where, form, locale,
                         ", ".join(sorted(forms)))  # fmt: skip
        elif not isinstance(text, str) or COUNT not in text:
            logger.error("%s[%r]: expected text holding %s; ignored", where, form, COUNT)
        else:
            labels[form] = text
    if "other" not in labels:
        logger.error("%s: no 'other' label, which every count may need", where)
    return labels


def _checked_social(where: str, locale: Locale, value: object) -> dict[str, dict[str, str]]:
    """Each service's texts, checked as labels are; a service's texts without an "other" text
    are left out, and that service speaks the shipped words."""
    if not isinstance(value, Mapping):
        logger.error("%s: expected texts by service (%s)", where, ", ".join(SOCIAL_SERVICES))
        return {}
    kept = {}
    for service, texts in value.items():
        if service not in SOCIAL_SERVICES:
            logger.error("%s: unknown service %r (%s)", where, service, ", ".join(SOCIAL_SERVICES))
        elif "other" in (forms := _checked_labels(f"{where}[{service!r}]", locale, texts)):
            kept[service] = forms
    return kept


def shipped_languages() -> tuple[str, ...]:
    """The tags of translations.toml, in its order: a language ships by being an entry there."""
    return tuple(_shipped())


def _shipped() -> dict[str, LanguageTexts]:
    return cast(dict[str, LanguageTexts], shipped_translations())


def _best_key(locale: Locale, catalog: Mapping[str, object]) -> str | None:
    """The key of ``catalog`` for ``locale``: the same tag, else the same language in the same
    script (``pt-BR`` finds ``pt``, ``zh-CN`` finds ``zh-Hans`` but ``zh-TW`` does not)."""
    wanted = _language_and_script(locale)
    same = {
        key: found
        for key in catalog
        if (found := _parse(key)) is not None and _language_and_script(found) == wanted
    }
    exact = [key for key, found in same.items() if found == locale]
    general = [key for key, found in same.items() if found.territory is None]
    return next(iter(exact + general + list(same)), None)


@functools.cache
def _language_and_script(locale: Locale | None) -> tuple[str, str] | None:
    if locale is None:
        return None
    if locale.script:
        return locale.language, locale.script
    likely = get_global("likely_subtags")
    for key in (f"{locale.language}_{locale.territory}", locale.language):
        if key in likely:
            return locale.language, parse_locale(likely[key])[2] or ""
    return locale.language, ""


@functools.cache
def _parse(tag: object) -> Locale | None:
    """A language tag as Pelican users write it (``pt-BR``, ``pt_BR``), or None if Babel knows
    no such language."""
    if not isinstance(tag, str) or not tag.strip():
        return None
    try:
        return Locale.parse(tag.strip().replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        return None


def warn_about_untranslated_languages(generator: ArticlesGenerator) -> None:
    """``article_generator_finalized`` receiver: one warning per language of the build whose
    widgets cannot speak it, saying which language they speak instead."""
    settings = LikesSettings.from_pelican(generator.settings)
    if not settings.enabled:
        return
    catalog = catalog_for(settings.texts)
    default = generator.settings.get("DEFAULT_LANG")
    articles = chain(generator.articles, generator.translations)
    for lang in sorted({article.lang for article in articles if getattr(article, "lang", None)}):
        if not catalog.has_texts(lang):
            spoken = catalog.for_language(lang, default).lang
            logger.warning(
                "Likes: no widget texts for the language %r; its widgets speak %r "
                "(LIKES_TEXTS can add them)",
                lang,
                spoken,
            )
