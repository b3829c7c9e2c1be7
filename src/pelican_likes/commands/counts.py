"""``pelican-likes recount`` and ``import-counts``: an article's count rebuilt from its likes,
and counts carried over from the system a blog used before (import_counts.py)."""

import argparse

from pelican_likes.commands import import_counts
from pelican_likes.storage.store import LikeStore


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``recount`` and ``import-counts`` to the ``pelican-likes`` sub-commands."""
    recount = commands.add_parser(
        "recount",
        help="rebuild the counts from the likes recorded, after rows were changed by hand",
    )
    recount.set_defaults(run=recount_likes)

    import_counts.add_command(commands)


def recount_likes(args: argparse.Namespace, url: str) -> None:
    with LikeStore.from_url(url) as store:
        changed = store.recount()
    print(f"recounted; {changed} article count(s) changed")
