"""``pelican-likes articles add``, ``articles list`` and ``articles rename``: the articles a blog
registered, and the move of an article's likes to its new slug."""

import argparse
import sys

from pelican_likes.commands.output import print_columns
from pelican_likes.reports.summary import printable
from pelican_likes.storage.store import ArticleInfo, LikeStore, Renamed


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``articles`` and its actions to the ``pelican-likes`` sub-commands."""
    group = commands.add_parser("articles", help="register and list articles")
    actions = group.add_subparsers(title="articles commands", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="register articles so they can be liked")
    add.add_argument("slugs", nargs="+", metavar="SLUG")
    add.add_argument("--title", default="", help="title to store (default: the slug)")
    add.set_defaults(run=add_articles)

    listing = actions.add_parser("list", help="list articles, most liked first")
    listing.set_defaults(run=list_articles)

    rename = actions.add_parser(
        "rename",
        help="give an article's likes to its new slug",
        description="Merge OLD's likes into NEW (a reader who liked both counts twice: the "
        "database cannot tell that two likes are one reader's), or rename "
        "OLD to NEW if NEW is not registered. OLD keeps answering with NEW's count, so pages "
        "cached with the old widget still work.",
    )
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.add_argument(
        "--dry-run", action="store_true", help="say what would change; change nothing"
    )
    rename.set_defaults(run=rename_article)


def add_articles(args: argparse.Namespace, url: str) -> None:
    with LikeStore.from_url(url) as store:
        store.register(ArticleInfo(slug, args.title or slug) for slug in args.slugs)
    print(f"registered {len(set(args.slugs))} article(s)")


def list_articles(args: argparse.Namespace, url: str) -> None:
    """Plain columns on a terminal too: the list is read by eye and by ``grep`` alike."""
    with LikeStore.from_url(url) as store:
        summaries = store.articles()
    rows = [("SLUG", "TITLE", "LIKES")]
    rows += [(printable(a.slug), printable(a.title), str(a.likes)) for a in summaries]
    print_columns(rows, "<<>", sys.stdout)


def rename_article(args: argparse.Namespace, url: str) -> None:
    with LikeStore.from_url(url) as store:
        renamed = store.rename(args.old, args.new, dry_run=args.dry_run)
    print(describe_rename(renamed, dry_run=args.dry_run))


def describe_rename(renamed: Renamed, *, dry_run: bool = False) -> str:
    """One line saying what a rename did, or would do."""
    old, new = repr(renamed.old), repr(renamed.new)
    if renamed.outcome == "unchanged":
        return f"{old} is already a former slug of {new}; nothing to do"
    if renamed.outcome == "renamed":
        done = f"{old} {'would be' if dry_run else 'was'} renamed to {new}"
    else:
        done = f"{renamed.moved} like(s) of {old} {'would move' if dry_run else 'moved'} to {new}"
    if dry_run:
        return f"{done}; {new} would have {renamed.likes} like(s), as would {old}; nothing changed"
    return f"{done}; {new} has {renamed.likes} like(s), and {old} answers with that count"
