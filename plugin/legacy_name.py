"""The plugin's name before 0.2, ``PLUGINS = ["plugin"]``, kept working for one release.

0.1 installed the plugin as a top-level package named ``plugin``; 0.2 installs it as the namespace
plugin ``pelican.plugins.likes`` and ships no ``plugin`` at all. Pelican imports every namespace
plugin while it looks for them, before it loads ``PLUGINS``; that import puts a finder for the old
name at the end of ``sys.meta_path``, so a real module named ``plugin`` (a blog's own, or this
repository's folder when Pelican runs in a checkout) still comes first. Either way the build logs
a warning naming the new form. Remove in 0.3.
"""

import importlib.abc
import importlib.machinery
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

OLD_NAME = "plugin"

logger = logging.getLogger(__name__)


def warn_old_name() -> None:
    """Tell the blogger, once per build, how to enable the plugin from now on."""
    logger.warning(
        'pelican-likes: PLUGINS = ["plugin"] is deprecated and stops working in 0.3: write '
        '"likes" in PLUGINS instead (or leave PLUGINS unset to load every installed plugin)'
    )


def answer_old_name() -> None:
    """Make ``import plugin`` find this plugin when nothing else has that name."""
    if not any(isinstance(finder, _OldNameFinder) for finder in sys.meta_path):
        sys.meta_path.append(_OldNameFinder())


class _OldNameFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``plugin``, and only that name, as a module whose ``register`` warns first."""

    def find_spec(
        self,
        name: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        return importlib.machinery.ModuleSpec(name, self) if name == OLD_NAME else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default module

    def exec_module(self, module: ModuleType) -> None:
        setattr(module, "register", _register_under_old_name)  # noqa: B010 - a module made here


def _register_under_old_name() -> None:
    from pelican.plugins import likes  # here, since the package imports this module

    warn_old_name()
    likes.register()
