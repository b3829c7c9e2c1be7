"""``pelican-likes social``: every shared article, each of its posts with the likes and reposts
the build last fetched and when, and the links the build recognised as no post.

It reads the build's cache (``--cache``, Pelican's ``CACHE_PATH``), not the database: run it
where the blog is built. A cache that is not one ends in one line naming the file.
"""

import argparse
from collections.abc import Iterator, Sequence
from pathlib import Path

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table

from pelican_likes.builds.social_cache import SocialCache
from pelican_likes.commands.output import add_format_argument, print_listing
from pelican_likes.reports.social import DEFAULT_CACHE, SERVICE_LABELS, read_social
from pelican_likes.reports.summary import printable

HEADER = ["slug", "title", "service", "url", "likes", "reposts", "fetched_at"]


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``social`` to the ``pelican-likes`` sub-commands."""
    social = commands.add_parser(
        "social",
        help="every shared article's posts, with their likes and when they were fetched",
        description="List each article shared on Mastodon, Bluesky or elsewhere, as the last "
        "build saw it: its posts' likes and reposts and when they were fetched, and its other "
        "links. Read from the build's cache, not the database.",
    )
    social.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        metavar="FOLDER",
        help="the build's CACHE_PATH (default: cache)",
    )
    add_format_argument(social)
    social.set_defaults(run=list_social)


def list_social(args: argparse.Namespace, url: str) -> None:
    cache = read_social(args.cache)
    if cache is None:
        raise FileNotFoundError(
            f"no social counts in {args.cache}: no build with shared articles wrote "
            "likes-social.json there (--cache names the build's CACHE_PATH)"
        )
    rows = list(social_rows(cache))
    print_listing(
        args.format,
        table=lambda out: social_table(rows, out),
        rows=[HEADER, *rows],
        document=lambda: {"articles": [dict(zip(HEADER, row, strict=True)) for row in rows]},
    )


def social_rows(cache: SocialCache) -> Iterator[Sequence[object]]:
    """One row per post and per plain link, articles in slug order, as CSV and JSON carry them:
    likes, reposts and the time are None (empty) where never fetched."""
    for slug, article in sorted(cache.articles.items()):
        for url in article.posts:
            post = cache.posts.get(url)
            fetched = post.fetched_at.isoformat() if post and post.fetched_at else None
            service = post.service if post else ""
            yield [slug, article.title, service, url, post and post.likes,
                   post and post.reposts, fetched]  # fmt: skip
        for url in article.links:
            yield [slug, article.title, "link", url, None, None, None]


def social_table(rows: list[Sequence[object]], console: Console) -> list[RenderableType]:
    table = Table(box=box.SIMPLE_HEAD if console.is_terminal else None, pad_edge=False)
    for name in ("Article", "Service", "Post"):
        table.add_column(name, overflow="fold")
    for name in ("Likes", "Reposts"):
        table.add_column(name, justify="right")
    table.add_column("Fetched")
    for slug, title, service, url, likes, reposts, fetched in rows:
        table.add_row(
            printable(str(title or slug)),
            SERVICE_LABELS.get(str(service), str(service)),
            printable(str(url)),
            "-" if likes is None else f"{likes:,}",
            "-" if reposts is None else f"{reposts:,}",
            "never" if fetched is None else str(fetched)[:16].replace("T", " ") + " UTC",
        )
    return [table] if rows else [table, "No shared article."]
