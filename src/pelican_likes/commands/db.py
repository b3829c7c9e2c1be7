"""``pelican-likes db upgrade``, ``db downgrade`` and ``db current``: the schema, by Alembic.

Each imports ``migrate``, and with it Alembic, when it runs: Alembic was half of every other
command's start, ``--help`` included.
"""

import argparse

from pelican_likes.commands.usage import UsageError


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``db`` and its actions to the ``pelican-likes`` sub-commands."""
    group = commands.add_parser("db", help="create or migrate the schema")
    actions = group.add_subparsers(title="db commands", required=True, metavar="ACTION")

    up = actions.add_parser("upgrade", help="migrate the schema up (to the latest by default)")
    up.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    up.set_defaults(run=upgrade)

    down = actions.add_parser("downgrade", help="migrate the schema down")
    down.add_argument("revision", help="target revision; 'base' removes every table")
    down.add_argument(
        "--yes", action="store_true", help="drop what the downgrade loses (it names it first)"
    )
    down.set_defaults(run=downgrade)

    current = actions.add_parser("current", help="print the schema's current revision")
    current.set_defaults(run=show_current)


def upgrade(args: argparse.Namespace, url: str) -> None:
    from pelican_likes.storage import migrate

    print(f"database at revision {migrate.upgrade(url, args.revision) or 'base'}")


def downgrade(args: argparse.Namespace, url: str) -> None:
    """Refused without ``--yes`` where it would drop data, which nothing else would show: a closed
    article quietly taking likes again, a renamed one's old address no longer counting."""
    from pelican_likes.storage import migrate

    losses = migrate.downgrade_losses(url, args.revision)
    if losses and not args.yes:
        raise UsageError(
            f"downgrading to {args.revision} would drop {'; '.join(losses)}; "
            "run it again with --yes to drop them"
        )
    now = migrate.downgrade(url, args.revision)
    for loss in losses:
        print(f"dropped {loss}")
    print(f"database at revision {now or 'base'}")


def show_current(args: argparse.Namespace, url: str) -> None:
    from pelican_likes.storage import migrate

    print(migrate.current_revision(url) or "base")
