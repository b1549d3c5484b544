"""Computations on tidy origin-destination tables, on tiny inline tables (loaders: tests/sources/test_knomad.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from khar_analysis.analysis import bilateral

NAMES = {"ARM": "Armenia", "AZE": "Azerbaijan", "RUS": "Russian Federation", "_WLD": "World"}


def table(cells: dict[tuple[str, str], float], value: str = "usd_mn", year: int = 2017,
          edition: str = "2018-04") -> pd.DataFrame:
    """A tidy table from {(origin, destination): value}; NaN cells are marked not available."""
    rows = [{"source": "m", "edition": edition, "year": year, "origin": o, "destination": d, "origin_name": NAMES[o],
             "destination_name": NAMES[d], value: v, "is_not_available": math.isnan(v)} for (o, d), v in cells.items()]
    return pd.DataFrame(rows)


#: Senders to AZE: RUS 60, ARM 30, with a published total of 100 (10 from countries not kept).
MATRIX = {("RUS", "AZE"): 60.0, ("ARM", "AZE"): 30.0, ("AZE", "AZE"): 0.0, ("_WLD", "AZE"): 100.0,
          ("AZE", "RUS"): 5.0, ("ARM", "RUS"): math.nan, ("RUS", "RUS"): 0.0}


def test_value_column_and_cell():
    t = table(MATRIX)
    assert bilateral.value_column(t) == "usd_mn"
    assert bilateral.cell(t, "RUS", "AZE") == 60.0
    assert math.isnan(bilateral.cell(t, "ARM", "RUS"))
    with pytest.raises(KeyError, match="RUS->ARM"):
        bilateral.cell(t, "RUS", "ARM")


def test_total_prefers_the_published_total():
    t = table(MATRIX)
    assert bilateral.total(t, "destination", "AZE") == (100.0, "published total")
    assert bilateral.total(t, "destination", "RUS") == (5.0, "sum of cells")
    with pytest.raises(KeyError):
        bilateral.total(t, "destination", "ARM")


def test_share_and_partners():
    t = table(MATRIX)
    s = bilateral.share(t, "RUS", "AZE")
    assert (s["share_pct"], s["basis"]) == (60.0, "published total")
    ranking = bilateral.partners(t, "destination", "AZE")
    assert ranking["partner"].tolist() == ["RUS", "ARM"] and ranking["rank"].tolist() == [1, 2]
    assert ranking["share_pct"].tolist() == [60.0, 30.0]


def test_allocation_difference_sees_a_rescaled_split_as_the_same():
    a = table({("RUS", "AZE"): 60.0, ("ARM", "AZE"): 40.0})
    rescaled = table({("RUS", "AZE"): 120.0, ("ARM", "AZE"): 80.0}, year=2018, edition="2019-10")
    assert bilateral.allocation_difference(a, rescaled) == {"destinations": 1, "max_diff_pp": 0.0}
    assert "one split, rescaled" in bilateral.compare_allocations(a, rescaled)
    moved = table({("RUS", "AZE"): 70.0, ("ARM", "AZE"): 30.0}, year=2018)
    assert bilateral.allocation_difference(a, moved)["max_diff_pp"] == pytest.approx(10.0)
    assert "differ for 1 receivers, by up to 10.0 pp" in bilateral.compare_allocations(a, moved)
