"""The ``pelican-likes`` command: the parser, the database every command works on, and errors.

Each command group adds its commands with ``add_commands(subparsers)``, giving each the function
that runs it as ``run(args, url)``. Every failure a user can cause (no database, a bad URL, an
unknown slug, a malformed CSV line) ends in one line on stderr and a non-zero exit, never a
traceback.
"""

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import version

from pelican_likes.commands import articles, counts, db, exchange, likes, social, stats
from pelican_likes.commands.usage import UsageError
from pelican_likes.storage.environment import direct_database_url
from pelican_likes.storage.errors import StorageError


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.run(args, args.database_url or direct_database_url())
    except (StorageError, UsageError, ValueError, OSError) as error:
        print(f"pelican-likes: error: {_one_line(error)}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    """The whole command line; the order of the groups is the order of ``--help``."""
    parser = argparse.ArgumentParser(
        prog="pelican-likes",
        description="Manage the likes database of a Pelican blog.",
    )
    # pyproject.toml is the one place the version is written; the installed metadata carries it.
    release = version("pelican-likes")
    parser.add_argument("--version", action="version", version=f"%(prog)s {release}")
    parser.add_argument(
        "--database-url",
        default=None,
        help="database to use (default: $LIKES_DIRECT_DATABASE_URL, else $DATABASE_URL, "
        "else sqlite:///likes.sqlite3)",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for group in (db, articles, counts, likes, stats, exchange, social):
        group.add_commands(commands)
    return parser


def _one_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
