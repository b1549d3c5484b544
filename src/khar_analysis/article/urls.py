"""Dates carried by URLs (:func:`url_date`): report dates, month and year folders, upload folders.

Moved unchanged from :mod:`khar_analysis.article.citations`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlparse

from khar_analysis.article import text as article


@dataclass(frozen=True)
class UrlDate:
    """A date read from a URL: ``kind`` is ``report`` (a full date), ``month``, ``year``, ``upload``
    (a WordPress upload folder) or ``timestamp`` (a Unix time in the slug)."""

    year: int
    month: int | None
    day: int | None
    kind: str

    def iso(self) -> str:
        return "-".join([str(self.year)] + [f"{p:02d}" for p in (self.month, self.day) if p])

    def span(self) -> tuple[date, date]:
        return _span(self.year, self.month, self.day)


def _span(year: int, month: int | None = None, day: int | None = None, year_end: int | None = None
          ) -> tuple[date, date]:
    if year_end:
        return date(year, 1, 1), date(year_end, 12, 31)
    if day and month:
        return date(year, month, day), date(year, month, day)
    if month:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 1, 1), date(year, 12, 31)


_MON3 = {names[4]: n for n, names in article.MONTHS.items()}


def _valid_date(year: int, month: int | None = None, day: int | None = None) -> bool:
    try:
        _span(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2100


def url_date(url: str) -> UrlDate | None:
    """The date a URL carries, if any (see :class:`UrlDate` for the kinds); the first pattern wins.

    >>> url_date("https://example.org/world/2024/dec/25/story").iso()
    '2024-12-25'
    >>> url_date("https://example.org/wp-content/uploads/2017/01/file.pdf").kind
    'upload'
    """
    if not url:
        return None
    path = urlparse(url).path
    valid = _valid_date
    if m := re.search(r"/wp-content/uploads/(\d{4})/(\d{2})/", path):
        y, mo = int(m[1]), int(m[2])
        return UrlDate(y, mo, None, "upload") if valid(y, mo) else None
    for m in re.finditer(r"(?<![\d])((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?=[/-]|\.|$)", path):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        if valid(y, mo, d):
            return UrlDate(y, mo, d, "report")
    if m := re.search(r"/((?:19|20)\d{2})/([a-z]{3})/(\d{1,2})/", path, re.IGNORECASE):
        y, mo, d = int(m[1]), _MON3.get(m[2].lower()), int(m[3])
        if mo and valid(y, mo, d):
            return UrlDate(y, mo, d, "report")
    if m := re.search(r"-(\d{10})/?$", path):
        ts = datetime.fromtimestamp(int(m[1]), UTC)
        if 2000 <= ts.year <= 2035:
            return UrlDate(ts.year, ts.month, ts.day, "timestamp")
    if m := re.search(r"/((?:19|20)\d{2})/(\d{2})(?=/)", path):
        y, mo = int(m[1]), int(m[2])
        if valid(y, mo):
            return UrlDate(y, mo, None, "month")
    names = "|".join(names[3] for names in article.MONTHS.values())
    if m := re.search(rf"(?<![a-z])({names})[-_ ]((?:19|20)\d{{2}})(?!\d)", path, re.IGNORECASE):
        return UrlDate(int(m[2]), article.month_number(m[1]), None, "month")
    if m := re.search(r"/((?:19|20)\d{2})/", path):
        return UrlDate(int(m[1]), None, None, "year")
    return None
