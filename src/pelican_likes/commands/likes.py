"""``pelican-likes likes list`` and ``likes remove``: an article's likes per hour or day, so that a
flood shows, and the removal of the likes of a window.

Times are ISO 8601; one without an offset is UTC, as every time these commands print.
"""

import argparse
from collections.abc import Iterator, Sequence
from datetime import datetime

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from pelican_likes.commands.output import add_format_argument, print_listing
from pelican_likes.storage.flood import PERIODS, Removal, Window, parse_time
from pelican_likes.storage.store import LikeStore

BAR = "█"
BAR_WIDTH = 40  # characters of the busiest period's bar

_TIME_HELP = "ISO 8601, e.g. 2026-12-01T10:00 or 2026-12-01T11:00+01:00; without an offset, UTC"


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``likes list`` and ``likes remove`` to the ``pelican-likes`` sub-commands."""
    group = commands.add_parser("likes", help="see and remove the likes of an article by time")
    actions = group.add_subparsers(title="likes commands", required=True, metavar="ACTION")

    listing = actions.add_parser(
        "list",
        help="an article's likes per hour or day (UTC), to spot a flood",
        description="Count ARTICLE's likes per UTC hour or day, periods without likes left out. "
        "ARTICLE may be a former slug of a renamed article.",
    )
    listing.add_argument("slug", metavar="ARTICLE")
    listing.add_argument("--by", choices=PERIODS, default="day", help="default: day")
    _window_arguments(listing, required=False)
    add_format_argument(listing)
    listing.set_defaults(run=show_likes)

    remove = actions.add_parser(
        "remove",
        help="delete an article's likes recorded in a time window, and lower its count",
        description="Delete the likes of ARTICLE recorded from --from up to, not including, "
        "--to, and lower its count by as many, in one transaction. Check the window with "
        "`likes list` and --dry-run first: a removed like is gone.",
    )
    remove.add_argument("slug", metavar="ARTICLE")
    _window_arguments(remove, required=True)
    remove.add_argument(
        "--dry-run", action="store_true", help="say how many would go; change nothing"
    )
    remove.set_defaults(run=remove_window)


def _window_arguments(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--from",
        dest="start",
        metavar="TIME",
        required=required,
        help=f"start of the window, included; {_TIME_HELP}",
    )
    parser.add_argument(
        "--to", dest="end", metavar="TIME", required=required, help="end of the window, excluded"
    )


def read_window(args: argparse.Namespace) -> Window:
    """The window of ``--from`` and ``--to``, either of which may be absent from ``likes list``."""
    start = parse_time(args.start, "--from") if args.start is not None else None
    end = parse_time(args.end, "--to") if args.end is not None else None
    return Window(start, end)


def show_likes(args: argparse.Namespace, url: str) -> None:
    window = read_window(args)
    with LikeStore.from_url(url) as store:
        periods = store.likes_per_period(args.slug, args.by, window)
    print_listing(
        args.format,
        table=lambda out: likes_table(args.slug, args.by, window, periods, out),
        rows=as_rows(periods),
        document=lambda: as_json(args.slug, args.by, window, periods),
    )


def remove_window(args: argparse.Namespace, url: str) -> None:
    window = read_window(args)
    with LikeStore.from_url(url) as store:
        removal = store.remove_likes(args.slug, window, dry_run=args.dry_run)
    print(describe_removal(removal, dry_run=args.dry_run))


def describe_removal(removal: Removal, *, dry_run: bool = False) -> str:
    """One line saying what a removal did, or would do."""
    what = f"like(s) of {removal.slug!r} recorded {removal.window.describe()}"
    before = removal.likes + removal.removed
    if dry_run:
        return (
            f"would remove {removal.removed} {what}; its count would go from {before} to "
            f"{removal.likes}; nothing changed"
        )
    return f"removed {removal.removed} {what}; its count went from {before} to {removal.likes}"


def likes_table(
    slug: str, by: str, window: Window, periods: Sequence[tuple[datetime, int]], out: Console
) -> list[RenderableType]:
    """A heading and one row per period with its likes and a bar, the busiest period's the
    longest; a note under a table without rows."""
    peak = max((count for _, count in periods), default=0)
    heading = Text(f"Likes of {slug!r} per {by} (UTC), {window.describe()}")
    table = Table(
        box=box.SIMPLE_HEAD if out.is_terminal else None,
        show_footer=True,
        pad_edge=False,
    )
    table.add_column("Period", footer="Total")
    table.add_column("Likes", justify="right", footer=f"{sum(c for _, c in periods):,}")
    table.add_column("")
    for start, count in periods:
        bar = BAR * max(1, round(count / peak * BAR_WIDTH))
        table.add_row(_period(start, by), f"{count:,}", bar)
    return [heading, table] if periods else [heading, table, "No likes in this window."]


def _period(start: datetime, by: str) -> str:
    """A period's start as ``2026-12-01 10:00`` or ``2026-12-01``: ISO 8601's 4-digit years,
    which strftime's %Y does not write before the year 1000."""
    if by == "hour":
        return start.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")
    return start.date().isoformat()


def as_rows(periods: Sequence[tuple[datetime, int]]) -> Iterator[Sequence[object]]:
    """A header, then ``period_start,likes`` rows, the start in ISO 8601 with its UTC offset."""
    yield ["period_start", "likes"]
    for start, count in periods:
        yield [start.isoformat(), count]


def as_json(
    slug: str, by: str, window: Window, periods: Sequence[tuple[datetime, int]]
) -> dict[str, object]:
    """The article, the window and every period with likes, times in ISO 8601 with offsets."""
    return {
        "article": slug,
        "by": by,
        "from": window.start.isoformat() if window.start else None,
        "to": window.end.isoformat() if window.end else None,
        "total": sum(count for _, count in periods),
        "periods": [{"start": start.isoformat(), "likes": count} for start, count in periods],
    }
