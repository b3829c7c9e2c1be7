"""pelican-likes: an anonymous, exact like button for Pelican blogs.

This package holds everything but the Pelican plugin, grouped by role: ``storage`` (the one layer
that reads and writes likes, which the API, the plugin and the commands all build on), ``builds``
(a blog build's exchange with the database), ``commands`` (the ``pelican-likes`` command line),
``reports`` (the author's stats and HTML report), and, mapped from the repository's top-level
folders, ``api`` (``api/``) and ``migrations`` (``migrations/``). The plugin installs as
``pelican.plugins.likes`` from ``plugin/``. Imports run one way: nothing in ``storage`` imports
the others, and the API and the plugin never import each other.
"""
