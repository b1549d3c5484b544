"""REM-1 computations on tiny inline tables (loaders: tests/sources/test_wdi.py, test_knomad.py; the
register's rule: tests/claims/test_families.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from khar_analysis.analysis import remittances

NAMES = {"ARM": "Armenia", "AZE": "Azerbaijan", "RUS": "Russian Federation", "_WLD": "World"}


def od_table(source, cells, value="usd_mn", year=2017, edition="2018-04"):
    return pd.DataFrame([{"source": source, "edition": edition, "year": year, "origin": o, "destination": d,
                          "origin_name": NAMES[o], "destination_name": NAMES[d], value: v, "is_not_available": False}
                         for (o, d), v in cells.items()])


def estimates_frame(rows):
    out = pd.DataFrame(rows)
    out["series"] = out["kind"]
    return out


MODEL_ROW = {"source": "m", "edition": "e", "year": 2018, "kind": remittances.MODEL, "definition": "d",
             "numerator": 779.0, "denominator": 1226.0, "unit": "usd_mn", "share_pct": 63.5}


def test_share_estimates_every_kind_of_figure():
    matrix = od_table("matrix", {("RUS", "AZE"): 60.0, ("ARM", "AZE"): 20.0, ("_WLD", "AZE"): 100.0})
    stock = od_table("stocks", {("AZE", "RUS"): 300.0, ("AZE", "ARM"): 100.0}, value="persons", year=2019,
                     edition="2019 revision")
    recorded = pd.DataFrame({"source": "wdi", "edition": "2023-05-10", "economy": ["AZE"], "year": [2017],
                             "usd_mn": [120.0]})
    out = remittances.share_estimates("RUS", "AZE", [matrix], [stock], {"stocks": "UN DESA"}, recorded)
    assert out["kind"].tolist() == [remittances.MODEL, remittances.MODEL_OVER_RECORDED, remittances.STOCK_PROXY]
    assert out["share_pct"].tolist() == pytest.approx([60.0, 50.0, 75.0])
    assert out["series"].iloc[-1] == f"{remittances.STOCK_PROXY}: UN DESA"
    assert remittances.recorded_total(recorded, "AZE", 2017) == 120.0
    assert math.isnan(remittances.recorded_total(recorded, "AZE", 2016))
    assert remittances.describe_estimates(out) == "60.0% (2017)"


def test_primary_share_needs_recorded_transfers():
    only_model = estimates_frame([MODEL_ROW])
    assert remittances.primary_share(only_model)[0] is None
    assert "no raw file here records transfers" in remittances.observed_text(only_model)
    assert "model estimates (2018-2018" in remittances.verdict_reason(only_model)
    recorded = {**MODEL_ROW, "source": "central_bank", "year": 2024, "kind": remittances.RECORDED, "share_pct": 45.6}
    both = estimates_frame([MODEL_ROW, recorded])
    assert remittances.primary_share(both) == (45.6, "central_bank (2024)")
    assert remittances.observed_text(both) == "45.6% (central_bank (2024))"
    assert remittances.verdict_reason(both) == ""


def test_spec_table_closest_and_band():
    rows = [{**MODEL_ROW, "year": y, "share_pct": v} for y, v in ((2016, 58.1), (2018, 47.0))]
    table = remittances.spec_table(estimates_frame(rows), 46.0, [5.0, 15.0], ["no", "yes"])
    assert list(table.columns) == ["kind", "year", "source", "definition", "share_pct", "gap_pp",
                                   "verdict_if_primary", "within_5pp", "within_15pp"]
    assert table["gap_pp"].tolist() == [12.1, 1.0]
    assert table["verdict_if_primary"].tolist() == ["no", "yes"]
    assert table["within_5pp"].tolist() == [False, True] and table["within_15pp"].tolist() == [True, True]
    assert "47.0%" in remittances.closest(estimates_frame(rows), 46.0)
    assert remittances.claimed_band(46, 3) == (43.0, 49.0)


def test_trend_per_series():
    rows = [{**MODEL_ROW, "year": y, "share_pct": v} for y, v in ((2016, 58.1), (2018, 63.5))]
    out = remittances.trend(estimates_frame(rows)).iloc[0]
    assert (out.points, out.first_year, out.last_year, out.change_pp) == (2, 2016, 2018, 5.4)


def test_evidence_rows_open_with_the_source_id():
    import pandas as pd
    est = pd.DataFrame({"source": ["m"], "edition": ["e"], "year": [2018], "kind": ["k"], "definition": ["d"],
                        "numerator": [1.0], "denominator": [2.0], "unit": ["usd_mn"], "share_pct": [50.0],
                        "series": ["k"]})
    assert list(remittances.evidence_rows(est).columns) == ["source_id", "edition", "year", "kind", "definition",
                                                            "numerator", "denominator", "unit", "share_pct"]
