"""Dates carried by the article's URLs: the one reader is :func:`khar_analysis.core.dates.url_date`.

This module re-exports it for the article layer and keeps :func:`_span`, the day interval of a date the
article's text gives (year, optional month and day, or a range of years).
"""

from __future__ import annotations

import calendar
from datetime import date

from khar_analysis.core.dates import UrlDate, url_date

__all__ = ["UrlDate", "_span", "url_date"]


def _span(year: int, month: int | None = None, day: int | None = None, year_end: int | None = None
          ) -> tuple[date, date]:
    """First and last day of a text date: a day, a month, a year, or years ``year``..``year_end``."""
    if year_end:
        return date(year, 1, 1), date(year_end, 12, 31)
    if day and month:
        return date(year, month, day), date(year, month, day)
    if month:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 1, 1), date(year, 12, 31)
