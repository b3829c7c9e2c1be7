"""What an article slug may look like, shared by the plugin (which registers slugs) and the API
(which receives them in URLs), so a slug the blog publishes is always one the API accepts."""

import re

SLUG_MAX_LENGTH = 200

# Word characters (Unicode letters and digits included, as Pelican's slugify may produce them),
# dots, tildes and hyphens: nothing that needs escaping in a URL path segment or an HTML attribute.
# The rule in words, for error messages and documentation.
SLUG_RULE = f"1 to {SLUG_MAX_LENGTH} letters, digits, '.', '~', '_' or '-'"

_SLUG = re.compile(rf"[\w.~-]{{1,{SLUG_MAX_LENGTH}}}")


def is_valid_slug(slug: object) -> bool:
    """Tell whether ``slug`` can name an article in the likes database and in API URLs."""
    return isinstance(slug, str) and _SLUG.fullmatch(slug) is not None
