"""Recorded inflow loaders (WDI, KNOMAD) on excerpts of the real workbooks, and the REM-1 rule."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from khar_analysis.analysis import remittances
from khar_analysis.claims import register as claims
from khar_analysis.core import workbooks
from khar_analysis.core.layout_checks import UnknownLayoutError


@pytest.fixture(scope="session")
def grids(raw):
    """``grids(source_id)`` -> all sheets of a workbook as grids, read once per session."""
    cache = {}

    def get(source_id: str):
        if source_id not in cache:
            cache[source_id] = workbooks.read_grids(raw(source_id))
        return cache[source_id]

    return get


def wdi_excerpt(grids, source_id, codes):
    """The WDI preamble, header and the rows of ``codes``; the metadata sheet whole."""
    g = grids(source_id)
    data = [list(r) for r in g["Data"][:4]] + [list(r) for r in g["Data"][4:] if r[1] in codes]
    return data, g["Metadata - Countries"]


def test_wdi_excerpt_in_millions(grids):
    data, meta = wdi_excerpt(grids, "wdi_remittances_usd_2023-05-10", {"AZE", "RUS", "WLD", "INX"})
    table = remittances.parse_wdi(data, meta, "wdi.xls", "src")
    assert table["edition"].unique().tolist() == ["2023-05-10"]
    row = next(r for r in data if r[1] == "AZE")
    year = data[3].index("2016")
    got = table.loc[(table["economy"] == "AZE") & (table["year"] == 2016), "usd_mn"].iloc[0]
    assert got == pytest.approx(row[year] / 1e6)
    assert set(table.loc[table["is_aggregate"], "economy"]) == {"WLD", "INX"}
    assert math.isnan(table.loc[(table["economy"] == "AZE") & (table["year"] == 1960), "usd_mn"].iloc[0])


def test_wdi_percent_of_gdp_gets_its_own_unit(grids):
    data, meta = wdi_excerpt(grids, "wdi_remittances_pct_gdp_2023-05-10", {"AZE"})
    table = remittances.parse_wdi(data, meta, "wdi.xls")
    assert "pct_gdp" in table.columns and "usd_mn" not in table.columns


@pytest.mark.parametrize("change, message", [
    (lambda d: d[4].__setitem__(3, "BX.TRF.PWKR.CD"), "one known indicator"),
    (lambda d: d[3].__setitem__(5, "1962"), "year columns"),
    (lambda d: d[1].__setitem__(1, "2023-05-10"), "'Last Updated Date' and a date"),
    (lambda d: d[4].__setitem__(0, "Azerbaijan Republic"), "unknown country spelling|names and codes disagree"),
    (lambda d: d[4].__setitem__(1, "AZR"), "not in 'Metadata - Countries'"),
])
def test_wdi_layout_changes_fail(grids, change, message):
    data, meta = wdi_excerpt(grids, "wdi_remittances_usd_2023-05-10", {"AZE"})
    change(data)
    with pytest.raises((UnknownLayoutError, KeyError), match=message):
        remittances.parse_wdi(data, meta, "wdi.xls")


def knomad_excerpt(grids, names):
    g = next(iter(grids("knomad_inward_remittances_2023-06").values()))
    labels = [r[0] if r else None for r in g]
    end = labels.index(None, 1)
    keep = [r for r in g[1:end] if r[0] in names or r[0] in remittances.KNOMAD_AGGREGATES]
    return [list(g[0]), *[list(r) for r in keep], *[list(r) for r in g[end:]]]


def test_knomad_excerpt(grids):
    grid = knomad_excerpt(grids, {"Azerbaijan", "St. Martin (French part)", "Türkiye, Rep. of"})
    table = remittances.parse_knomad_inflows(grid, "knomad.xlsx")
    assert table["edition"].unique().tolist() == ["2023-06"]
    assert set(table["economy"]) == {"AZE", "MAF", "TUR", "_LMY", "_WLD"}
    row = next(r for r in grid if r[0] == "Azerbaijan")
    assert remittances.recorded_total(table, "AZE", 2016) == pytest.approx(row[grid[0].index(2016)])
    assert math.isnan(table.loc[(table["economy"] == "MAF") & (table["year"] == 2018), "usd_mn"].iloc[0])


@pytest.mark.parametrize("change, message", [
    (lambda g: g[0].__setitem__(0, "Remittance inflows (US$ billion)"), "cell A1"),
    (lambda g: g[0].__setitem__(3, 2003), "consecutive years"),
    (lambda g: g.pop(2), "aggregates"),
    (lambda g: g[1].__setitem__(4, "n.a."), "is not a number"),
    (lambda g: g.__setitem__(-2, ["Date: sometime"]), "one 'Date: <Month> <year>' line"),
])
def test_knomad_layout_changes_fail(grids, change, message):
    grid = knomad_excerpt(grids, {"Azerbaijan"})
    change(grid)
    with pytest.raises(UnknownLayoutError, match=message):
        remittances.parse_knomad_inflows(grid, "knomad.xlsx")


# --- REM-1 ----------------------------------------------------------------------------------------

@pytest.fixture
def rem(lay):
    return claims.load_register(lay)["REM-1"]


def test_rem1_rule_can_pass_and_fail(rem):
    low, high = remittances.claimed_band(rem)
    assert (low, high) == (43.0, 49.0)
    assert claims.assess(rem, 46.4).verdict == "reproduced"
    assert claims.assess(rem, high).verdict == "reproduced"
    assert claims.assess(rem, high + 0.1).verdict == "not_reproduced"
    assert claims.assess(rem, 63.5).verdict == "not_reproduced"
    assert claims.assess(rem, None).verdict == "not_testable"


def estimates_frame(rows):
    out = pd.DataFrame(rows)
    out["series"] = out["kind"]
    return out


def test_primary_share_needs_recorded_transfers(rem):
    model = {"source": "m", "edition": "e", "year": 2018, "kind": remittances.MODEL, "definition": "d",
             "numerator": 779.0, "denominator": 1226.0, "unit": "usd_mn", "share_pct": 63.5}
    only_model = estimates_frame([model])
    assert remittances.primary_share(only_model)[0] is None
    assert "no raw file here records transfers" in remittances.observed_text(only_model)
    assert claims.assess(rem, remittances.primary_share(only_model)[0]).verdict == "not_testable"
    recorded = {**model, "source": "central_bank", "year": 2024, "kind": remittances.RECORDED, "share_pct": 45.6}
    both = estimates_frame([model, recorded])
    assert remittances.primary_share(both) == (45.6, "central_bank (2024)")
    assert claims.assess(rem, remittances.primary_share(both)[0]).verdict == "reproduced"
    assert remittances.verdict_reason(both) == ""


def test_spec_verdicts_and_closest(rem):
    rows = [{"source": "a", "edition": "e", "year": y, "kind": remittances.MODEL, "definition": "d",
             "numerator": v, "denominator": 100.0, "unit": "usd_mn", "share_pct": v} for y, v in ((2016, 58.1),
                                                                                               (2018, 47.0))]
    table = remittances.spec_verdicts(estimates_frame(rows), rem, [5.0, 15.0])
    assert table["verdict_if_primary"].tolist() == ["not_reproduced", "reproduced"]
    assert table["within_15pp"].tolist() == [True, True]
    assert table["within_5pp"].tolist() == [False, True]
    assert "47.0%" in remittances.closest(estimates_frame(rows), 46.0)
