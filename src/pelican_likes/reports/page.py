"""``pelican-likes report``: the stats as one HTML file that opens anywhere without a network.

Everything is inlined: the styles, the data (as ``stats --format json`` prints it) and the charts'
library, uPlot (MIT), vendored in assets/ with its licence. uPlot was chosen over Python
libraries writing SVG: small enough to inline, it draws every chart of a large blog at once, with
each day's count shown under the pointer, where pygal needs its tooltip script from a CDN and
writes one SVG element per day, and matplotlib would bring NumPy and Pillow into every blog's
install for still pictures (sizes: docs/performance.md, "Figures behind the code").
"""

import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from pelican_likes.reports.social import SERVICE_LABELS
from pelican_likes.reports.stats import LikesStats
from pelican_likes.reports.summary import as_json, period_name, period_span

ASSETS = files("pelican_likes.reports") / "assets"


@dataclass(frozen=True)
class Uplot:
    """The vendored charting library: its code, its styles, its licence and release."""

    js: str
    css: str
    license: str
    version: str


@cache
def uplot() -> Uplot:
    js = (ASSETS / "uPlot.iife.min.js").read_text(encoding="utf-8")
    release = re.search(r"\(v(\d+\.\d+\.\d+)\)", js[:200])
    return Uplot(
        js=js,
        css=(ASSETS / "uPlot.min.css").read_text(encoding="utf-8"),
        license=(ASSETS / "uPlot.LICENSE").read_text(encoding="utf-8"),
        version=release.group(1) if release else "",
    )


def render_report(stats: LikesStats, generated: datetime | None = None) -> str:
    """The whole report page: header figures, a chart per day for the blog and for each top
    article, and the table of totals."""
    generated = generated or datetime.now(UTC)
    library = uplot()
    page = _environment().from_string((ASSETS / "report.html").read_text(encoding="utf-8"))
    return page.render(
        stats=stats,
        period=period_name(stats),
        span=period_span(stats),
        generated=f"{generated:%Y-%m-%d %H:%M} UTC",
        version=version("pelican-likes"),
        best_day=best_day(stats.per_day),
        ranked=[(article, best_day(article.per_day)) for article in stats.articles],
        data=as_json(stats),
        # Likes where the articles were shared, a column per service, if a build kept any.
        social_totals=stats.social_totals(),
        service_labels=SERVICE_LABELS,
        social_of=stats.social_of,
        uplot_js=Markup(library.js),  # noqa: S704 - the vendored file, as shipped
        uplot_css=Markup(library.css),  # noqa: S704 - likewise
        uplot_license=Markup(library.license),  # noqa: S704 - likewise, in a comment
        uplot_version=library.version,
        report_css=Markup(_asset("report.css")),  # noqa: S704 - our own file
        report_js=Markup(_asset("report.js")),  # noqa: S704 - likewise
    )


def best_day(per_day: Mapping[date, int]) -> tuple[str, int] | None:
    """The day with the most likes (the earliest of equals), or None without any."""
    if not per_day:
        return None
    day, count = min(per_day.items(), key=lambda item: (-item[1], item[0]))
    return f"{day:%Y-%m-%d}", count


def linkable(url: str) -> bool:
    """Whether an article's stored URL may be a link in the report: a web address, or a path from
    the blog's root (the plugin stores that without a ``SITEURL``). Anything else stays text: a
    ``javascript:`` or ``data:`` URL would run in the report, ``//host`` leaves the blog, and
    browsers drop the spaces, controls and backslashes that could hide either."""
    if any(char.isspace() or char == "\\" or unicodedata.category(char) == "Cc" for char in url):
        return False
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    return not parts.scheme and url.startswith("/") and not url.startswith("//")


def report_file(target: Path) -> Path:
    """The file a report written to ``target`` lands in: a symlink's target, as the shell's ``>``
    writes through one, else ``target`` itself; refused unless it is a regular file or a new
    path, since a report put in place of a FIFO, a socket or a device would replace it."""
    real = Path(os.path.realpath(target))
    try:
        mode = real.stat().st_mode
    except FileNotFoundError:
        return real
    except OSError as error:  # a loop of symlinks, a folder that cannot be searched
        raise OSError(f"cannot write the report to {target}: {error.strerror}") from error
    if stat.S_ISDIR(mode):
        raise OSError(f"cannot write the report to {target}: it is a folder")
    if not stat.S_ISREG(mode):
        raise OSError(f"cannot write the report to {target}: {real} is not a regular file")
    return real


def write_report(html: str, target: Path) -> None:
    """Write ``html`` to ``target`` (``report_file``'s) whole or not at all: a failed write leaves
    no half a page, and an older report there stays as it was."""
    real = report_file(target)
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before os.replace
            "w", encoding="utf-8", dir=real.parent, prefix=f".{real.name}.", delete=False
        )
    except OSError as error:
        raise OSError(f"cannot write the report to {target}: {error.strerror}") from error
    try:
        with handle:
            handle.write(html)
        os.chmod(handle.name, 0o666 & ~_umask())  # as open() would have made it
        os.replace(handle.name, real)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _environment() -> Environment:
    environment = Environment(
        autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True
    )
    environment.tests["linkable"] = linkable
    return environment
