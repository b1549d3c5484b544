"""Dates as intervals, three-valued logic, and the one reader of dates written in URLs.

A date of uncertain precision is the set of days on which something may have happened
(:class:`When`): ``day`` one day, ``month`` the month, ``year`` the year, ``range`` a first..last day
(a multi-day event *or* a one-day uncertainty such as a time-zone ambiguity: either way the event lies
somewhere inside). Comparisons return ``True`` (certain), ``False`` (certainly not) or ``None``
(indeterminate at the data's precision): a month against a day inside that month is ``None``, and so is
the order of two events on the same day (the hour is unknown). ``None`` combines by Kleene's rules
(:func:`and3`, :func:`or3`, :func:`not3`).

:func:`url_date` is the only place that reads a date from a URL; the event checks and the citation
audit both use it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlparse

Truth = bool | None

PRECISIONS = ("day", "month", "year", "range")
#: Average Gregorian month in days (365.2425 / 12), for readings such as "several months".
DAYS_PER_MONTH = 30.436875
#: UTC offsets bounding every local calendar date (UTC-12 .. UTC+14), for a Unix time in a URL.
TZ_BOUNDS = (timedelta(hours=-12), timedelta(hours=14))
_FORMS = {
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "year": re.compile(r"^\d{4}$"),
    "range": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}


# --- intervals ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class When:
    """The days on which something may have happened: ``start`` .. ``end``, both inclusive."""

    start: date
    end: date
    precision: str = "day"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"interval ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        """Length in calendar days."""
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return self.start.strftime("%Y-%m")
        if self.precision == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def month_when(year: int, month: int) -> When:
    """The whole of one calendar month."""
    return When(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month")


def calendar_when(year: int, month: int | None = None, day: int | None = None, year_end: int | None = None) -> When:
    """The interval of a calendar date written to the day, the month or the year, or of the years
    ``year``..``year_end`` (a text's "2024-2025")."""
    if year_end:
        return When(date(year, 1, 1), date(year_end, 12, 31), "range")
    if day and month:
        d = date(year, month, day)
        return When(d, d, "day")
    if month:
        return month_when(year, month)
    return When(date(year, 1, 1), date(year, 12, 31), "year")


def parse_when(text: str, precision: str | None = None, end_text: str = "") -> When:
    """An interval from a written date. ``precision`` None infers it from the form (yyyy, yyyy-mm,
    yyyy-mm-dd); ``range`` needs ``end_text`` (yyyy-mm-dd). Raises ValueError on any inconsistency."""
    text = str(text).strip()
    if precision is None:
        precision = next((p for p in ("day", "month", "year") if _FORMS[p].match(text)), None)
        if precision is None:
            raise ValueError(f"{text!r} is not yyyy, yyyy-mm or yyyy-mm-dd")
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r} is not one of {PRECISIONS}")
    if not _FORMS[precision].match(text):
        raise ValueError(f"date {text!r} does not have the form of precision {precision!r}")
    if precision != "range" and end_text:
        raise ValueError(f"precision {precision!r} takes no end date (found {end_text!r})")
    if precision == "day":
        d = date.fromisoformat(text)
        return When(d, d, "day")
    if precision == "month":
        y, m = (int(x) for x in text.split("-"))
        if not 1 <= m <= 12:
            raise ValueError(f"month {text!r} does not exist")
        return month_when(y, m)
    if precision == "year":
        return When(date(int(text), 1, 1), date(int(text), 12, 31), "year")
    if not _FORMS["day"].match(end_text or ""):
        raise ValueError(f"a range needs an end date yyyy-mm-dd, found {end_text!r}")
    start, end = date.fromisoformat(text), date.fromisoformat(end_text)
    if end <= start:
        raise ValueError(f"range end {end_text} is not after its start {text}")
    return When(start, end, "range")


# --- three-valued logic ---------------------------------------------------------------------------

def and3(values: Iterable[Truth]) -> Truth:
    """Kleene conjunction: False if any is False, else None if any is None, else True."""
    values = list(values)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def or3(values: Iterable[Truth]) -> Truth:
    """Kleene disjunction: True if any is True, else None if any is None, else False."""
    values = list(values)
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def not3(value: Truth) -> Truth:
    """Kleene negation: None stays None."""
    return None if value is None else not value


def mark(result: Truth) -> str:
    """A three-valued result as a word: yes, no, indeterminate."""
    return {True: "yes", False: "no", None: "indeterminate"}[result]


# --- relations between intervals ------------------------------------------------------------------

def before(a: When, b: When) -> Truth:
    """Did ``a`` happen before ``b``? True if every day of ``a`` precedes every day of ``b``; False if
    every day of ``a`` follows every day of ``b``; None otherwise (overlap, or the same day)."""
    if a.end < b.start:
        return True
    if a.start > b.end:
        return False
    return None


def after(a: When, b: When) -> Truth:
    """Did ``a`` happen after ``b``? (:func:`before` with the roles swapped.)"""
    return before(b, a)


def within(a: When, period: When) -> Truth:
    """Did ``a`` happen inside ``period``? True if ``a`` lies wholly inside, False if wholly outside,
    None if it straddles an edge (e.g. a month-precision event against one day of that month)."""
    if period.start <= a.start and a.end <= period.end:
        return True
    if a.end < period.start or a.start > period.end:
        return False
    return None


def day_gap(a: When, b: When) -> tuple[int, int]:
    """The smallest and largest number of calendar days from ``a`` to ``b`` their precision allows."""
    return (b.start - a.end).days, (b.end - a.start).days


@dataclass(frozen=True)
class Reading:
    """A registered reading of a vague phrase: from ``min`` to ``max`` ``unit`` (days or months)."""

    phrase: str
    min: float
    max: float
    unit: str
    why: str

    def __post_init__(self) -> None:
        if self.unit not in ("days", "months"):
            raise ValueError(f"reading of {self.phrase!r}: unit {self.unit!r} is not days or months")
        if self.max < self.min:
            raise ValueError(f"reading of {self.phrase!r}: max {self.max} is below min {self.min}")

    def bounds(self) -> str:
        """The reading as text, e.g. ``2-7 days``."""
        span = f"{self.min:g}" if self.min == self.max else f"{self.min:g}-{self.max:g}"
        return f"{span} {self.unit}"


def gap_holds(a: When, b: When, reading: Reading) -> tuple[Truth, str]:
    """Is the time from ``a`` to ``b`` inside ``reading``? True if every possible gap is, False if
    none is, None otherwise; with the gap as text (months are days / :data:`DAYS_PER_MONTH`)."""
    lo, hi = day_gap(a, b)
    scale = 1.0 if reading.unit == "days" else DAYS_PER_MONTH
    lo_u, hi_u = lo / scale, hi / scale
    if reading.min <= lo_u and hi_u <= reading.max:
        result: Truth = True
    elif hi_u < reading.min or lo_u > reading.max:
        result = False
    else:
        result = None
    fmt = (lambda v: f"{v:.0f}") if reading.unit == "days" else (lambda v: f"{v:.1f}")
    shown = fmt(lo_u) if lo == hi else f"{fmt(lo_u)}..{fmt(hi_u)}"
    return result, f"{shown} {reading.unit}"


# --- dates written in URLs ------------------------------------------------------------------------

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
_MONTH_ABBR = {name[:3]: n for n, name in enumerate(_MONTH_NAMES, start=1)}


@dataclass(frozen=True)
class UrlDate:
    """A date read from a URL's path.

    ``when`` is the interval of days the publication may fall on; ``kind`` names the pattern it came
    from: ``report`` (a full date), ``month``, ``year``, ``upload`` (a WordPress upload folder: the month
    the file was put on that site, which dates the copy, not the work) or ``timestamp`` (a Unix time).
    ``written`` is the date as the URL encodes it (a Unix time as its UTC calendar date).
    """

    when: When
    kind: str
    written: str

    def iso(self) -> str:
        """The date as the URL writes it: yyyy-mm-dd, yyyy-mm or yyyy (a Unix time: its UTC date)."""
        return self.written

    def span(self) -> tuple[date, date]:
        """First and last possible day."""
        return self.when.start, self.when.end


def _valid(year: int, month: int | None = None, day: int | None = None) -> bool:
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return False
    return 1900 <= year <= 2100


def _calendar(year: int, month: int | None, day: int | None, kind: str) -> UrlDate:
    when = calendar_when(year, month, day)
    return UrlDate(when, kind, str(when))


def _unix(seconds: int) -> UrlDate | None:
    moment = datetime.fromtimestamp(seconds, UTC)
    if not 2000 <= moment.year <= 2035:
        return None
    first, last = (moment + TZ_BOUNDS[0]).date(), (moment + TZ_BOUNDS[1]).date()
    return UrlDate(When(first, last, "day" if first == last else "range"), "timestamp", moment.date().isoformat())


def url_date(url: str) -> UrlDate | None:
    """The publication date a URL's path carries, or None. Only the path is read (never host or query),
    and the first rule that matches wins:

    1. ``/wp-content/uploads/yyyy/mm/`` -> month, kind ``upload`` (the copy's upload month);
    2. ``yyyy-mm-dd`` or ``yyyy/mm/dd`` (one- or two-digit month and day; followed by ``/``, ``-``,
       ``.`` or the end) -> day, kind ``report``;
    3. ``/yyyy/mon/dd/`` (English three-letter month, as The Guardian writes) -> day, ``report``;
    4. a slug ending ``-<10 digits>`` -> a Unix time (2000-2035): the local dates it can denote anywhere
       (UTC-12 .. UTC+14), one day or a two-day range, kind ``timestamp``;
    5. ``/yyyy/mm/`` -> month; 6. an English month name then the year (``September-2016``) -> month;
    7. ``/yyyy/`` -> year.

    Years are 19xx or 20xx, and a date that does not exist is no date.

    >>> str(url_date("https://example.org/world/2024/dec/25/story").when)
    '2024-12-25'
    >>> url_date("https://example.org/wp-content/uploads/2017/01/file.pdf").kind
    'upload'
    >>> str(url_date("https://example.org/slug-1722458765").when)
    '2024-07-31..2024-08-01'
    """
    if not url:
        return None
    path = urlparse(url).path
    if m := re.search(r"/wp-content/uploads/(\d{4})/(\d{2})/", path):
        y, mo = int(m[1]), int(m[2])
        return _calendar(y, mo, None, "upload") if _valid(y, mo) else None
    for m in re.finditer(r"(?<![\d])((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?=[/-]|\.|$)", path):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        if _valid(y, mo, d):
            return _calendar(y, mo, d, "report")
    if m := re.search(r"/((?:19|20)\d{2})/([a-z]{3})/(\d{1,2})/", path, re.IGNORECASE):
        y, mo, d = int(m[1]), _MONTH_ABBR.get(m[2].lower()), int(m[3])
        if mo and _valid(y, mo, d):
            return _calendar(y, mo, d, "report")
    if (m := re.search(r"-(\d{10})/?$", path)) and (stamped := _unix(int(m[1]))):
        return stamped
    if m := re.search(r"/((?:19|20)\d{2})/(\d{2})(?=/)", path):
        y, mo = int(m[1]), int(m[2])
        if _valid(y, mo):
            return _calendar(y, mo, None, "month")
    names = "|".join(_MONTH_NAMES)
    if m := re.search(rf"(?<![a-z])({names})[-_ ]((?:19|20)\d{{2}})(?!\d)", path, re.IGNORECASE):
        return _calendar(int(m[2]), _MONTH_NAMES.index(m[1].lower()) + 1, None, "month")
    if m := re.search(r"/((?:19|20)\d{2})/", path):
        return _calendar(int(m[1]), None, None, "year")
    return None
