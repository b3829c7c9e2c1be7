"""Dates Pelican's parser refuses that Jekyll reads: a date and time followed by other words.

Jekyll reads a ``date`` with Ruby's ``Time.parse`` (``Utils.parse_date``), which takes the date and
time it finds, and a zone only where it follows the time: whatever comes after is dropped without a
word, and a time without a zone is in the site's ``timezone``. Jekyll's own blog has ``date:
2023-01-29 18:30:22 2023 -0800`` (its 3.9.3 release post): Jekyll reads 18:30:22 in its site's
time zone, the ``2023 -0800`` after the time dropped (Ruby 3.1: ``Date._parse`` finds no zone).
Read here the same way, in Pelican's ``TIMEZONE``, which is what Jekyll's ``timezone`` was.

Only dates of this shape are read so: a numeric date, a time, then words starting with a digit or
a sign. Anything else Pelican refuses stays refused: Ruby's parser reads far more (month names,
zone names such as ``PST``), and guessing at those could shift a date without a word.
"""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

_DATE_TIME_AND_MORE = re.compile(
    r"\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})[ T]+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}(?:\.\d+)?))?"
    r"(?:[ ]*(?P<zone>Z|[+-]\d{2}:?\d{2})(?=\s))?"
    r"\s+(?P<dropped>[\d+-].*?)\s*",
    re.DOTALL,
)


@dataclass(frozen=True)
class JekyllDate:
    """A date as Jekyll reads it: ISO 8601 text for Pelican's parser, and what it dropped."""

    text: str
    dropped: str


def read_as_jekyll(value: str) -> JekyllDate | None:
    """``value`` as Jekyll reads it, if it is a date and time followed by words Jekyll drops;
    otherwise None."""
    found = _DATE_TIME_AND_MORE.fullmatch(value)
    if found is None:
        return None
    second = found["second"] or "00"
    if "." not in second:
        second = second.zfill(2)
    text = (
        f"{int(found['y']):04d}-{int(found['m']):02d}-{int(found['d']):02d}"
        f"T{int(found['hour']):02d}:{found['minute']}:{second}{found['zone'] or ''}"
    )
    return JekyllDate(text, found["dropped"])


def in_site_time(value: object, timezone: str) -> object:
    """A date with a zone as Jekyll keeps it, in the site's time zone (``Time#localtime``): the
    day in a post's URL is the site's. ``2016-08-25 09:50:00 +0300`` is August 24th in Los
    Angeles, and Jekyll's own blog has it at ``/news/2016/08/24/``."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(ZoneInfo(timezone))
    return value
