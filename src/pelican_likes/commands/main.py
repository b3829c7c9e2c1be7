"""The ``pelican-likes`` command: schema migrations and the chores of running a likes database.

Every failure a user can cause (no database, a bad URL, an unknown slug, a malformed CSV line) ends
in one line on stderr and a non-zero exit, never a traceback.
"""

import argparse
import csv
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from alembic.util.exc import CommandError

from pelican_likes.commands import likes as flood_commands
from pelican_likes.commands import stats as stats_commands
from pelican_likes.storage import migrate
from pelican_likes.storage.environment import database_url
from pelican_likes.storage.errors import StorageError
from pelican_likes.storage.schema import MAX_LIKES
from pelican_likes.storage.store import ArticleInfo, LikeStore, Renamed


class UsageError(Exception):
    """A mistake in what the user gave the command (a file, a CSV line)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except (StorageError, UsageError, CommandError, ValueError, OSError) as error:
        print(f"pelican-likes: error: {_one_line(error)}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
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
        help="database to use (default: $DATABASE_URL, else sqlite:///likes.sqlite3)",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="create or migrate the schema")
    db_commands = db.add_subparsers(title="db commands", required=True, metavar="ACTION")
    up = db_commands.add_parser("upgrade", help="migrate the schema up (to the latest by default)")
    up.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    up.set_defaults(run=_db_upgrade)
    down = db_commands.add_parser("downgrade", help="migrate the schema down")
    down.add_argument("revision", help="target revision; 'base' removes every table")
    down.set_defaults(run=_db_downgrade)
    current = db_commands.add_parser("current", help="print the schema's current revision")
    current.set_defaults(run=_db_current)

    arts = commands.add_parser("articles", help="register and list articles")
    arts_commands = arts.add_subparsers(title="articles commands", required=True, metavar="ACTION")
    add = arts_commands.add_parser("add", help="register articles so they can be liked")
    add.add_argument("slugs", nargs="+", metavar="SLUG")
    add.add_argument("--title", default="", help="title to store (default: the slug)")
    add.set_defaults(run=_articles_add)
    listing = arts_commands.add_parser("list", help="list articles, most liked first")
    listing.set_defaults(run=_articles_list)
    rename = arts_commands.add_parser(
        "rename",
        help="give an article's likes to its new slug, each reader counted once",
        description="Merge OLD's likes into NEW (a reader who liked both counts once), or rename "
        "OLD to NEW if NEW is not registered. OLD keeps answering with NEW's count, so pages "
        "cached with the old widget still work.",
    )
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.add_argument(
        "--dry-run", action="store_true", help="say what would change; change nothing"
    )
    rename.set_defaults(run=_articles_rename)

    recount = commands.add_parser(
        "recount",
        help="rebuild the counts from the likes recorded, after rows were changed by hand",
    )
    recount.set_defaults(run=_recount)

    imports = commands.add_parser(
        "import-counts",
        help="carry counts from an older system (CSV rows of slug,likes) into base_likes",
        description="Set each listed article's base_likes, the count it had before pelican-likes. "
        "Every slug must be registered and listed once, each count a whole number from 0 to "
        f"{MAX_LIKES:,}; nothing is written unless the whole file is valid. A header row "
        "'slug,likes' is allowed.",
    )
    imports.add_argument("file", type=Path, metavar="FILE.csv")
    imports.set_defaults(run=_import_counts)

    flood_commands.add_commands(commands, _url)
    stats_commands.add_commands(commands, _url)
    return parser


def _url(args: argparse.Namespace) -> str:
    return args.database_url or database_url()


def _db_upgrade(args: argparse.Namespace) -> None:
    migrate.upgrade(_url(args), args.revision)
    print(f"database at revision {migrate.current_revision(_url(args)) or 'base'}")


def _db_downgrade(args: argparse.Namespace) -> None:
    migrate.downgrade(_url(args), args.revision)
    print(f"database at revision {migrate.current_revision(_url(args)) or 'base'}")


def _db_current(args: argparse.Namespace) -> None:
    print(migrate.current_revision(_url(args)) or "base")


def _articles_add(args: argparse.Namespace) -> None:
    store = LikeStore.from_url(_url(args))
    store.register(ArticleInfo(slug, args.title or slug) for slug in args.slugs)
    print(f"registered {len(set(args.slugs))} article(s)")


def _articles_list(args: argparse.Namespace) -> None:
    summaries = LikeStore.from_url(_url(args)).articles()
    rows = [("SLUG", "TITLE", "LIKES")] + [(a.slug, a.title, str(a.likes)) for a in summaries]
    slug_width = max(len(row[0]) for row in rows)
    title_width = max(len(row[1]) for row in rows)
    likes_width = max(len(row[2]) for row in rows)
    for slug, title, likes in rows:
        print(f"{slug:<{slug_width}}  {title:<{title_width}}  {likes:>{likes_width}}".rstrip())


def _articles_rename(args: argparse.Namespace) -> None:
    renamed = LikeStore.from_url(_url(args)).rename(args.old, args.new, dry_run=args.dry_run)
    print(describe_rename(renamed, dry_run=args.dry_run))


def describe_rename(renamed: Renamed, *, dry_run: bool = False) -> str:
    """One line saying what a rename did, or would do."""
    old, new = repr(renamed.old), repr(renamed.new)
    if renamed.outcome == "unchanged":
        return f"{old} is already a former slug of {new}; nothing to do"
    if renamed.outcome == "renamed":
        done = f"{old} {'would be' if dry_run else 'was'} renamed to {new}"
    else:
        both = f" ({renamed.shared} reader(s) liked both, counted once)" if renamed.shared else ""
        done = f"{renamed.moved} like(s) of {old} {'would move' if dry_run else 'moved'} to {new}"
        done += both
    if dry_run:
        return f"{done}; {new} would have {renamed.likes} like(s), as would {old}; nothing changed"
    return f"{done}; {new} has {renamed.likes} like(s), and {old} answers with that count"


def _recount(args: argparse.Namespace) -> None:
    changed = LikeStore.from_url(_url(args)).recount()
    print(f"recounted; {changed} article count(s) changed")


def _import_counts(args: argparse.Namespace) -> None:
    counts = read_counts(args.file)
    LikeStore.from_url(_url(args)).set_base_likes(counts)
    print(f"imported counts for {len(counts)} article(s)")


def read_counts(path: Path) -> dict[str, int]:
    """Parse ``slug,likes`` rows, rejecting the whole file at its first bad line.

    Spreadsheets save UTF-8 with a byte-order mark, which is skipped. A slug listed twice is
    refused rather than one of its counts silently kept.
    """
    counts: dict[str, int] = {}
    lines: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = csv.reader(handle, strict=True)
        try:
            for row in rows:
                number = rows.line_num
                if not row or all(not cell.strip() for cell in row):
                    continue
                if number == 1 and [cell.strip().lower() for cell in row] == ["slug", "likes"]:
                    continue
                slug, likes = _slug_and_likes(path, number, row)
                if slug in lines:
                    raise UsageError(
                        f"{path}:{number}: {slug!r} is listed again (first on line {lines[slug]})"
                    )
                lines[slug] = number
                counts[slug] = likes
        except csv.Error as error:
            raise UsageError(f"{path}:{rows.line_num}: {error}") from None
    return counts


def _slug_and_likes(path: Path, number: int, row: list[str]) -> tuple[str, int]:
    if len(row) != 2 or not row[0].strip():
        raise UsageError(f"{path}:{number}: expected 'slug,likes', got {','.join(row)!r}")
    text = row[1].strip()
    # isdigit() alone takes digits of every script ("٣", "²"), which int() may or may not read.
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_LIKES:
        raise UsageError(
            f"{path}:{number}: likes must be a whole number from 0 to {MAX_LIKES:,}, got {text!r}"
        )
    return row[0].strip(), int(text)


def _one_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
