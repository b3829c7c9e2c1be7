"""``pelican-likes import-counts``: counts carried over from the system a blog used before, read
from that system's file (pelican_likes.imports) and set as the articles' ``base_likes``.

Each import sets the base likes of the articles it matches, replacing what an earlier import set:
running one again changes nothing, and articles the file does not match keep theirs.
"""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

from pelican_likes.commands.output import print_columns
from pelican_likes.commands.usage import UsageError
from pelican_likes.imports import applause, lyket, slug_csv, webmention_io
from pelican_likes.imports.matching import Matching, match, site_of
from pelican_likes.imports.source import Count
from pelican_likes.reports.summary import printable
from pelican_likes.storage.schema import MAX_LIKES
from pelican_likes.storage.store import LikeStore

# Each format's reader, by the name --from takes; the first is the default.
READERS: dict[str, Callable[[Path], list[Count]]] = {
    "slugs": slug_csv.read,
    "applause": applause.read,
    "webmention-io": webmention_io.read,
    "lyket": lyket.read,
}
# Formats whose file holds other sites' pages too: matched only once the blog's host is known.
_EVERY_SITE = ("applause",)


def add_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``import-counts`` to the ``pelican-likes`` sub-commands."""
    imports = commands.add_parser(
        "import-counts",
        help="carry counts from an older system (slug,likes CSV; applause-button; "
        "webmention.io; Lyket) into base_likes",
        description="Set each matched article's base_likes, the count it had before "
        "pelican-likes, replacing what an earlier import set (importing again changes nothing). "
        "With --from slugs (the default), rows of 'slug,likes': every slug must be registered and "
        f"listed once, each count a whole number from 0 to {MAX_LIKES:,}; a header row "
        "'slug,likes' is allowed. The other formats name pages by their URLs, matched to the URLs "
        "the blog's build registered, else by slug; what matches no article is listed and left "
        "out. Nothing is written unless the whole file is valid.",
    )
    imports.add_argument("file", type=Path, metavar="FILE")
    imports.add_argument(
        "--from",
        dest="source",
        choices=list(READERS),
        default="slugs",
        help="the file's format: slugs (slug,likes CSV), applause (applause-button's published "
        "JSON), webmention-io (api/mentions.jf2 or api/mentions JSON), lyket (path,amount CSV); "
        "default: slugs",
    )
    imports.add_argument(
        "--site",
        metavar="URL",
        help="the blog's address, such as https://example.com/blog/ (default: the hosts of the "
        "URLs the builds registered); pages of other hosts are left out",
    )
    imports.add_argument(
        "--dry-run", action="store_true", help="say what would be imported; change nothing"
    )
    imports.set_defaults(run=import_counts)


def import_counts(args: argparse.Namespace, url: str) -> None:
    counts = READERS[args.source](args.file)
    if args.source == "slugs":
        base = {count.slug: count.likes for count in counts}
        with LikeStore.from_url(url) as store:
            store.set_base_likes(base, dry_run=args.dry_run)
        print(_outcome(len(base), dry_run=args.dry_run))
        return
    with LikeStore.from_url(url) as store:
        articles = store.addresses()
        site = site_of(articles, args.site)
        if args.source in _EVERY_SITE and not site.hosts:
            raise UsageError(
                f"{args.file} holds every site's pages, and no registered URL names the blog's "
                "host: give it with --site https://..."
            )
        matching = match(counts, articles, site)
        base = matching.totals()
        store.set_base_likes(base, dry_run=args.dry_run)
    print_summary(matching, sys.stdout)
    print(_outcome(len(base), dry_run=args.dry_run))


def print_summary(matching: Matching, file: IO[str]) -> None:
    """The articles matched, each with the counts it was given, then what matched none."""
    file.write(f"matched {len(matching.matched)} article(s):\n")
    rows = [("", "ARTICLE", "LIKES", "FROM")]  # an empty first column indents the table
    for slug, counts in sorted(matching.matched.items()):
        total = sum(c.likes for c in counts)
        for n, count in enumerate(counts):
            first = n == 0
            rows.append(("", slug if first else "", str(total) if first else "", _from(count)))
    if len(rows) > 1:
        print_columns(rows, "<<><", file)
    if matching.unmatched:
        file.write(f"not matched, nothing imported for them ({len(matching.unmatched)}):\n")
        for count, reason in matching.unmatched:
            file.write(f"  {_from(count)}: {reason}\n")
    if matching.other_sites:
        file.write(f"left out {matching.other_sites:,} count(s) of other sites' pages\n")


def _from(count: Count) -> str:
    """``12 blog.example/post/ (claps.json: entry 3)``, the file's text made printable."""
    return f"{count.likes} {printable(count.name)} ({printable(count.place)})"


def _outcome(articles: int, *, dry_run: bool) -> str:
    if dry_run:
        return f"would import counts for {articles} article(s); nothing written (--dry-run)"
    return f"imported counts for {articles} article(s)"
