"""pelican-likes, the Pelican plugin: reads Astro, Jekyll and Hugo frontmatter, and gives every
published article a like widget whose count is in the HTML before any script runs."""

from pelican.plugins import signals

from pelican.plugins.likes.assets import copy_assets
from pelican.plugins.likes.baked_counts import bake_counts
from pelican.plugins.likes.frontmatter_reader import report_skipped_file, use_frontmatter_reader
from pelican.plugins.likes.legacy_name import OLD_NAME, answer_old_name, warn_old_name
from pelican.plugins.likes.most_liked import add_most_liked
from pelican.plugins.likes.placement import use_placing_templates
from pelican.plugins.likes.texts import warn_about_untranslated_languages
from pelican.plugins.likes.widget import add_jinja_global

answer_old_name()


def register() -> None:
    """Connect the plugin's receivers; Pelican calls this once per build."""
    if __name__ == OLD_NAME:  # loaded from a checkout's plugin/ folder by its old name
        warn_old_name()
    signals.readers_init.connect(use_frontmatter_reader)
    signals.article_generator_context.connect(report_skipped_file)
    signals.page_generator_context.connect(report_skipped_file)
    signals.generator_init.connect(add_jinja_global)
    signals.generator_init.connect(add_most_liked)
    signals.article_generator_finalized.connect(bake_counts)
    signals.article_generator_finalized.connect(warn_about_untranslated_languages)
    signals.generator_init.connect(use_placing_templates)
    signals.finalized.connect(copy_assets)
