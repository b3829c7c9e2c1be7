"""pelican-likes, the Pelican plugin: reads Astro, Jekyll and Hugo frontmatter, and gives every
published article a like widget whose count is in the HTML before any script runs.

Only the frontmatter reader and the settings are imported before Pelican has read the build's
settings; the rest (the widget, its texts, the storage process) is imported only by builds with
``LIKES_ENABLED``, so a blog that turns likes off pays nothing for them. The storage layer and
SQLAlchemy are not imported here: a rebuild reads its counts with the database's driver alone,
and other builds do the database work in a process of their own (exchange.py).
"""

import pelican.plugins.signals as signals
from markupsafe import Markup

# Pelican ships no types, so mypy knows ``pelican`` only as the namespace holding this plugin:
# ``Pelican`` is not in it, and ``signals`` (above) is found only imported as a module of its own.
from pelican import Pelican  # type: ignore[attr-defined]
from pelican.generators import Generator

from pelican.plugins.likes.legacy_name import OLD_NAME, answer_old_name, warn_old_name
from pelican.plugins.likes.settings import (
    LikesSettings,
    warn_about_api_url,
    warn_about_hide_below,
    warn_about_social_settings,
)

answer_old_name()


def register() -> None:
    """Connect the plugin's first receiver; Pelican calls this once per build."""
    if __name__ == OLD_NAME:  # loaded from a checkout's plugin/ folder by its old name
        warn_old_name()
    signals.initialized.connect(connect_receivers)


def connect_receivers(pelican: Pelican) -> None:
    """``initialized`` receiver: connect the frontmatter reader, and with ``LIKES_ENABLED`` every
    receiver of the likes themselves (each one still checks the setting: a process may run
    several builds)."""
    from pelican.plugins.likes.frontmatter_reader import (
        report_skipped_file,
        use_frontmatter_reader,
    )

    signals.readers_init.connect(use_frontmatter_reader)
    signals.article_generator_context.connect(report_skipped_file)
    signals.page_generator_context.connect(report_skipped_file)
    settings = LikesSettings.from_pelican(pelican.settings)
    if not settings.enabled:
        signals.generator_init.connect(add_inert_template_helpers)
        return
    warn_about_api_url(settings)
    warn_about_hide_below(settings)
    warn_about_social_settings(settings)
    from pelican.plugins.likes.assets import copy_assets
    from pelican.plugins.likes.baked_counts import bake_counts, start_exchange, watch_article
    from pelican.plugins.likes.icons import warn_about_icon
    from pelican.plugins.likes.most_liked import add_most_liked
    from pelican.plugins.likes.placement import use_placing_templates
    from pelican.plugins.likes.social.baking import bake_social_counts
    from pelican.plugins.likes.texts import warn_about_untranslated_languages
    from pelican.plugins.likes.widget import add_jinja_global

    warn_about_icon(settings.icon)
    signals.generator_init.connect(start_exchange)
    signals.content_object_init.connect(watch_article)
    signals.generator_init.connect(add_jinja_global)
    signals.generator_init.connect(add_most_liked)
    signals.article_generator_finalized.connect(bake_counts)
    signals.article_generator_finalized.connect(bake_social_counts)
    signals.article_generator_finalized.connect(warn_about_untranslated_languages)
    signals.generator_init.connect(use_placing_templates)
    signals.finalized.connect(copy_assets)


def add_inert_template_helpers(generator: Generator) -> None:
    """``generator_init`` receiver with likes off: ``likes_widget`` and ``likes_most_liked`` for
    the themes that call them, showing nothing, without importing what they would show."""
    generator.env.globals.setdefault("likes_widget", _no_widget)
    generator.env.globals.setdefault("likes_most_liked", _no_articles)


def _no_widget(*args: object, **kwargs: object) -> Markup:
    return Markup("")


def _no_articles(*args: object, **kwargs: object) -> list[object]:
    return []
