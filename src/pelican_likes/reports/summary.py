"""The stats as the author reads them: the period in words, sparklines, the ranked table, the
rows of ``--format csv`` and the document of ``--format json``, which the HTML report embeds.

The table is a rich renderable that the command prints (``pelican_likes.commands.output``): a
box and colours on a terminal, plain aligned text elsewhere. CSV and JSON carry every day of the
period, not only the sparkline's summary of it.
"""

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from itertools import pairwise

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from pelican_likes.reports.social import SERVICE_LABELS
from pelican_likes.reports.stats import ArticleLikes, LikesStats

SPARK_BARS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 30  # characters: a month is one a day; longer periods are summed into this many


def printable(text: str) -> str:
    """``text`` with its control characters (C0, DEL and C1) shown as U+FFFD: a title written
    raw to a terminal could move the cursor, recolour the screen or retitle the window."""
    return "".join("\ufffd" if unicodedata.category(char) == "Cc" else char for char in text)


def sparkline(values: Sequence[int], width: int = SPARK_WIDTH) -> str:
    """``values`` as block characters, one per value, or summed into ``width`` equal spans of
    days when there are more; an empty span is a space, so a quiet day never looks like a like."""
    if len(values) > width:
        values = [sum(part) for part in _spans(values, width)]
    peak = max(values, default=0)
    if peak == 0:
        return " " * len(values)
    top = len(SPARK_BARS) - 1
    return "".join(
        " " if value == 0 else SPARK_BARS[max(0, round(value / peak * top))] for value in values
    )


def _spans(values: Sequence[int], count: int) -> list[Sequence[int]]:
    """``values`` cut into ``count`` consecutive runs whose lengths differ by one at most."""
    bounds = [round(n * len(values) / count) for n in range(count + 1)]
    return [values[start:end] for start, end in pairwise(bounds)]


def period_label(stats: LikesStats) -> str:
    """The period in words, e.g. ``since 2026-11-02 (2026-11-02 to 2026-12-01, 30 days)``."""
    return f"{period_name(stats)} ({period_span(stats)})"


def period_name(stats: LikesStats) -> str:
    """``all time``, or ``since`` its first day."""
    return "all time" if stats.since is None else f"since {stats.since:%Y-%m-%d}"


def period_span(stats: LikesStats) -> str:
    """The period's first and last days and its length."""
    days = len(stats.days)
    length = "1 day" if days == 1 else f"{days:,} days"
    return f"{stats.first_day:%Y-%m-%d} to {stats.last_day:%Y-%m-%d}, {length}"


def stats_table(stats: LikesStats, console: Console) -> list[RenderableType]:
    """A heading and the top articles with their totals, likes in the period and a sparkline
    each, styled only where ``console`` shows styles; a note under a table without rows."""
    styled = console.is_terminal and not console.no_color
    heading = Text(f"Likes, {period_label(stats)}", style="bold" if styled else "")
    table = Table(
        box=box.SIMPLE_HEAD if console.is_terminal else None,
        show_footer=True,
        header_style="bold" if styled else "",
        footer_style="bold" if styled else "",
        pad_edge=False,
    )
    table.add_column("#", justify="right", footer="")
    table.add_column("Article", footer=f"All {stats.article_count:,} articles", overflow="fold")
    table.add_column("Total", justify="right", footer=f"{stats.total:,}")
    table.add_column("In period", justify="right", footer=f"{stats.in_period:,}")
    blog_line = sparkline(stats.series(stats.per_day))
    table.add_column("Per day", footer=Text(blog_line, style="cyan" if styled else ""))
    for service, total in stats.social_totals().items():
        table.add_column(SERVICE_LABELS[service], justify="right", footer=f"{total:,}")
    for rank, article in enumerate(stats.articles, start=1):
        table.add_row(
            str(rank),
            _title(article, styled),
            f"{article.total:,}",
            f"{article.in_period:,}",
            Text(sparkline(stats.series(article.per_day)), style="green" if styled else ""),
            *(f"{count:,}" for count in stats.social_of(article.slug)),
        )
    return [heading, table] if stats.articles else [heading, table, "No likes in this period."]


def _title(article: ArticleLikes, styled: bool) -> Text:
    """The article's title (its slug if it has none), a link to it on terminals that know links."""
    title = Text(printable(article.title or article.slug))
    if styled and article.url.startswith(("http://", "https://")):
        title.stylize(f"link {article.url}")
    return title


def as_rows(stats: LikesStats) -> Iterator[Sequence[object]]:
    """A header, then one row per article, ranked: its totals, then one column per day."""
    days = [f"{day:%Y-%m-%d}" for day in stats.days]
    social = [f"{service}_likes" for service in stats.social_totals()]
    yield ["rank", "slug", "title", "url", "total", "likes_in_period", *social, *days]
    for rank, article in enumerate(stats.articles, start=1):
        row = [rank, article.slug, article.title, article.url, article.total, article.in_period]
        yield row + stats.social_of(article.slug) + stats.series(article.per_day)


def as_json(stats: LikesStats) -> dict[str, object]:
    """What ``--format json`` prints, and what the HTML report's charts are drawn from: the
    period, the whole blog and the ranked articles, each series with every day in it; with
    ``social`` where a build kept the likes of the articles' posts on other services."""
    blog: dict[str, object] = {
        "articles": stats.article_count,
        "total": stats.total,
        "likes_in_period": stats.in_period,
        "per_day": _per_day(stats, stats.per_day),
    }
    articles: list[dict[str, object]] = [
        {
            "rank": rank,
            "slug": article.slug,
            "title": article.title,
            "url": article.url,
            "total": article.total,
            "likes_in_period": article.in_period,
            "per_day": _per_day(stats, article.per_day),
        }
        for rank, article in enumerate(stats.articles, start=1)
    ]
    if stats.social is not None:
        blog["social"] = dict(stats.social.totals)
        for entry, article in zip(articles, stats.articles, strict=True):
            entry["social"] = stats.social.of(article.slug)
    return {
        "period": {
            "since": stats.since.isoformat() if stats.since else None,
            "first_day": stats.first_day.isoformat(),
            "last_day": stats.last_day.isoformat(),
            "days": len(stats.days),
        },
        "blog": blog,
        "articles": articles,
    }


def _per_day(stats: LikesStats, per_day: Mapping[date, int]) -> dict[str, int]:
    return dict(zip((day.isoformat() for day in stats.days), stats.series(per_day), strict=True))
