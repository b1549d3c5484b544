"""Dates as intervals, three-valued logic, vague-gap readings, and the one URL-date reader (no data needed)."""

from __future__ import annotations

from datetime import date

import pytest

from khar_analysis.core import dates
from khar_analysis.core.dates import Reading, When, parse_when


def day(text: str) -> When:
    return parse_when(text, "day")


def test_parse_when_covers_each_precision():
    assert parse_when("2024-12-25") == When(date(2024, 12, 25), date(2024, 12, 25), "day")
    assert parse_when("2024-02", "month") == When(date(2024, 2, 1), date(2024, 2, 29), "month")
    assert parse_when("2025") == When(date(2025, 1, 1), date(2025, 12, 31), "year")
    assert parse_when("2024-07-31", "range", "2024-08-01").days == 2
    assert str(parse_when("2024-07-31", "range", "2024-08-01")) == "2024-07-31..2024-08-01"
    for text, precision, end in [("2024-13", "month", ""), ("2024-12", "day", ""), ("2024-12-01", "range", ""),
                                 ("25.12.2024", None, ""), ("2024-12-01", "day", "2024-12-02"),
                                 ("2024-12-02", "range", "2024-12-01"), ("2024", "week", "")]:
        with pytest.raises(ValueError):
            parse_when(text, precision, end)


def test_month_against_a_day_inside_it_is_indeterminate_not_true():
    june = parse_when("2025-06")
    assert dates.within(day("2025-06-27"), june) is True
    assert dates.within(june, day("2025-06-27")) is None
    assert dates.within(day("2025-07-01"), june) is False
    assert dates.before(june, day("2025-06-27")) is None
    assert dates.before(june, day("2025-07-01")) is True
    assert dates.after(june, day("2025-07-01")) is False


def test_same_day_order_is_indeterminate():
    assert dates.before(day("2025-06-27"), day("2025-06-27")) is None
    assert dates.before(day("2025-06-27"), day("2025-06-28")) is True
    assert dates.before(day("2025-06-28"), day("2025-06-27")) is False


def test_gaps_respect_precision_and_the_reading():
    few = Reading("несколько дней", 2, 7, "days", "test")
    exact = Reading("за два дня", 2, 2, "days", "test")
    assert dates.day_gap(day("2024-12-25"), day("2024-12-29")) == (4, 4)
    assert dates.gap_holds(day("2024-12-25"), day("2024-12-29"), few) == (True, "4 days")
    assert dates.gap_holds(day("2024-12-25"), day("2025-01-06"), few)[0] is False
    assert dates.gap_holds(day("2024-12-25"), parse_when("2025-01"), few)[0] is None
    assert dates.gap_holds(day("2022-02-22"), day("2022-02-24"), exact)[0] is True
    assert dates.gap_holds(day("2022-02-22"), day("2022-02-25"), exact)[0] is False
    months = Reading("несколько месяцев", 2, 7, "months", "test")
    assert dates.gap_holds(day("2024-12-29"), parse_when("2025-06"), months) == (True, "5.1..6.0 months")
    assert months.bounds() == "2-7 months" and exact.bounds() == "2 days"
    with pytest.raises(ValueError, match="is not days or months"):
        Reading("x", 1, 2, "weeks", "test")


def test_kleene_logic():
    assert dates.and3([True, None]) is None and dates.and3([None, False]) is False and dates.and3([]) is True
    assert dates.or3([False, None]) is None and dates.or3([None, True]) is True
    assert dates.not3(None) is None and dates.not3(False) is True
    assert [dates.mark(v) for v in (True, False, None)] == ["yes", "no", "indeterminate"]


@pytest.mark.parametrize(("url", "iso", "kind", "when"), [
    ("https://example.org/world/2024/dec/25/story", "2024-12-25", "report", "2024-12-25"),
    ("https://example.org/a/b-2024-07-28/", "2024-07-28", "report", "2024-07-28"),
    ("https://example.org/report/2024/10/08/title", "2024-10-08", "report", "2024-10-08"),
    ("https://example.org/item/news-digest-2003-8-8-art-1.html", "2003-08-08", "report", "2003-08-08"),
    ("https://example.org/2024/06/some-story", "2024-06", "month", "2024-06"),
    ("https://example.org/files/Paper-September-2016.pdf", "2016-09", "month", "2016-09"),
    ("https://example.org/topical/2021/some-story", "2021", "year", "2021"),
    ("https://example.org/wp-content/uploads/2013/10/file.pdf", "2013-10", "upload", "2013-10"),
    # 1722458765 = 2024-07-31 20:46 UTC: 31 July west of UTC+3:14, 1 August east of it
    ("https://example.org/posts/detail/slug-1722458765", "2024-07-31", "timestamp", "2024-07-31..2024-08-01"),
    # 1700000000 = 2023-11-14 22:13 UTC: 14 or 15 November
    ("https://example.org/x-1700000000/", "2023-11-14", "timestamp", "2023-11-14..2023-11-15"),
])
def test_url_date_rules(url, iso, kind, when):
    found = dates.url_date(url)
    assert (found.iso(), found.kind, str(found.when)) == (iso, kind, when)
    assert found.span() == (found.when.start, found.when.end)


@pytest.mark.parametrize("url", [
    "", "https://example.org/articles/55498", "https://example.org/a/3474115",
    "https://example.org/x/627104d770071082be26c189161b1ac9",
    "https://example.org/story?date=2024-07-28",  # a query is not the path
    "https://example.org/2024-02-30-story/",  # no such day
    "https://example.org/x-9999999999",  # a Unix time outside 2000-2035
])
def test_url_without_a_date(url):
    assert dates.url_date(url) is None


def test_the_first_rule_wins():
    assert dates.url_date("https://example.org/wp-content/uploads/2013/10/report-2012-05-01.pdf").kind == "upload"
    assert dates.url_date("https://example.org/2024/06/story-2024-06-03").iso() == "2024-06-03"
