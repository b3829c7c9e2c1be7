"""The author's commands, ``pelican-likes stats`` and ``pelican-likes report``: what readers liked,
and when.

Like every command they end a mistake (an unknown article, a ``--since`` that is not a period, a
database without tables or articles, a report that cannot be written) with one line on stderr
and a non-zero exit, having written nothing.
"""

import argparse
import os
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pelican_likes.commands.output import add_format_argument, print_listing
from pelican_likes.commands.usage import UsageError, is_whole_number
from pelican_likes.reports.page import render_report, report_file, write_report
from pelican_likes.reports.social import DEFAULT_CACHE, SocialLikes, read_social
from pelican_likes.reports.stats import LikesStats, open_stats_engine, read_stats
from pelican_likes.reports.summary import as_json, as_rows, stats_table

DEFAULT_TOP = 10
_DAYS = re.compile(r"(\d+)d", re.ASCII)  # as --top, ASCII digits only


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``stats`` and ``report`` to the ``pelican-likes`` sub-commands."""
    stats = commands.add_parser(
        "stats",
        help="the most liked articles of a period, with a sparkline of their likes per day",
        description="Rank articles by their likes in a period (all time by default, by total), "
        "with their totals and likes per UTC day. A table on a terminal, plain text elsewhere; "
        "CSV and JSON carry every day of the period.",
    )
    _period_arguments(stats)
    add_format_argument(stats)
    stats.set_defaults(run=show_stats)

    report = commands.add_parser(
        "report",
        help="write the stats as one HTML page of charts that opens without a network",
        description="Write one self-contained HTML file: likes per day for the whole blog and "
        "for each top article, and the table of totals.",
    )
    _period_arguments(report)
    report.add_argument(
        "-o", "--output", type=Path, default=Path("likes.html"), help="default: likes.html"
    )
    report.set_defaults(run=make_report)


def _period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "slugs", nargs="*", metavar="ARTICLE", help="report on these articles only (slugs)"
    )
    parser.add_argument(
        "--since",
        default=None,
        metavar="PERIOD",
        help="the last N days (30d: today and the 29 days before) or a date (2026-01-01); "
        "default: all time",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        metavar="FOLDER",
        help="the build's CACHE_PATH, where it keeps the likes of the articles' Mastodon, "
        "Bluesky and webmention.io posts, shown beside ours (default: cache)",
    )
    parser.add_argument(
        "--top",
        default=str(DEFAULT_TOP),
        metavar="N",
        help=f"how many articles to rank (default: {DEFAULT_TOP}; 0: every liked article)",
    )


def show_stats(args: argparse.Namespace, url: str) -> None:
    stats = _read(args, url)
    print_listing(
        args.format,
        table=lambda out: stats_table(stats, out),
        rows=as_rows(stats),
        document=lambda: as_json(stats),
    )


def make_report(args: argparse.Namespace, url: str) -> None:
    target: Path = args.output
    _check_writable(target)
    stats = _read(args, url)
    write_report(render_report(stats), target)
    print(f"wrote {target}: {len(stats.articles)} article(s), {len(stats.days):,} day(s)")


def parse_since(text: str | None, today: date) -> date | None:
    """The first UTC day of a period: ``30d`` is today and the 29 days before; a date is itself."""
    if text is None:
        return None
    text = text.strip()
    days = _DAYS.fullmatch(text)
    if days:
        return _days_back(days.group(1), text, today)
    try:
        since = date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--since: expected a number of days such as 30d, or a date such as 2026-01-01; "
            f"got {text!r}"
        ) from None
    if since > today:
        raise UsageError(f"--since {text} is after today ({today:%Y-%m-%d}, UTC)")
    return since


def _days_back(digits: str, text: str, today: date) -> date:
    """The first day of the last ``digits`` days, today included, back to 0001-01-01 at most."""
    most = (today - date.min).days + 1
    # Lengths first: int() refuses more than 4,300 digits, in a message about Python.
    count = int(digits) if len(digits.lstrip("0")) <= len(str(most)) else most + 1
    if count < 1:
        raise UsageError(f"--since {text}: a period is at least 1 day (1d is today)")
    if count > most:
        raise UsageError(
            f"--since {text}: at most {most}d, which starts on 0001-01-01, the earliest date"
        )
    return today - timedelta(days=count - 1)


def parse_top(text: str) -> int:
    """``--top``'s number of articles, 0 for all of them."""
    if not is_whole_number(text.strip()):
        raise UsageError(f"--top: expected a whole number >= 0, got {text!r}")
    return int(text)


def _read(args: argparse.Namespace, url: str) -> LikesStats:
    today = datetime.now(UTC).date()
    since = parse_since(args.since, today)
    top = parse_top(args.top)
    cache = read_social(args.cache)  # before the database: a bad cache file writes nothing
    engine = open_stats_engine(url)
    try:
        stats = read_stats(engine, since, top=top, slugs=args.slugs, today=today)
    finally:
        engine.dispose()
    return stats if cache is None else replace(stats, social=SocialLikes.of_cache(cache))


def _check_writable(target: Path) -> None:
    """Fail before the database is read if the report could not be written anyway."""
    folder = report_file(target).parent
    if not folder.is_dir():
        raise OSError(f"cannot write the report to {target}: no folder {folder}")
    if not os.access(folder, os.W_OK):
        raise OSError(f"cannot write the report to {target}: {folder} is not writable")
