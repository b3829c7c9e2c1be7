"""Field Notes, the demo blog: `pelican content` from the repository root builds it into output/.

Counts come from DATABASE_URL (default sqlite:///likes.sqlite3 here); create its tables first
with `pelican-likes db upgrade`. Every LIKES_* setting is described in plugin/README.md.
"""

AUTHOR = "Field Notes"
SITENAME = "Field Notes"
SITEURL = ""
RELATIVE_URLS = True  # the output works from any folder or local server

PATH = "content"
STATIC_PATHS = ["images"]
THEME = "theme"

TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10

# The plugin's full name: a blog with pelican-likes installed from PyPI can write "likes", which
# Pelican finds among its namespace plugins; a checkout installed with a plain `pip install -e .`
# is importable under that name but not listed among them, and "likes" would not be found.
PLUGINS = ["pelican.plugins.likes"]

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {},
    },
    "output_format": "html5",
}

LIKES_API_URL = "/api"
# The demo's shared posts (content/posting-the-blog-elsewhere.md) are on hosts that do not exist:
# `make run` builds with LIKES_SOCIAL_OFFLINE=1 (links, no counts); a plain `pelican content`
# warns once per service and goes on, waiting at most this long to connect.
LIKES_SOCIAL_CONNECT_TIMEOUT = 1.0

# A local demo has no public address to put in feeds.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
