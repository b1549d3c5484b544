"""ENERGY-1, the Eurostat comparison and the data vintages, on the real editions (integration)."""

from __future__ import annotations

import pandas as pd
import pytest

from khar_analysis.analysis import energy
from khar_analysis.claims import register as claims
from khar_analysis.sources import registry, statreview

EDITIONS = (2019, 2020, 2021, 2022, 2023, 2024)
EUROSTAT = "eurostat_nrg_ti_gas_2022-04-05"


def _matrix_rows(edition: int, rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """(matrix, importer, exporter, bcm) rows of one edition (data year = edition - 1)."""
    return pd.DataFrame([{"edition": edition, "data_year": edition - 1, "matrix": m, "importer": i, "exporter": e,
                          "bcm": b} for m, i, e, b in rows])


def test_editions_and_eu_series_inline():
    matrices = pd.concat([_matrix_rows(2023, [("pipeline", "_EU", "AZE", 10.0), ("pipeline", "_EU", "NOR", 70.0),
                                              ("lng", "ITA", "QAT", 15.0), ("lng", "TUR", "USA", 5.0),
                                              ("lng", "_EU_OTHER", "USA", 5.0)]),
                          _matrix_rows(2021, [("pipeline", "DEU", "RUS", 50.0)])])
    assert energy.editions(matrices) == [(2021, 2020), (2023, 2022)]
    eu = energy.eu_series(matrices, "AZE")
    assert eu[["year", "partner_bcm", "eu_imports_bcm", "share_pct"]].values.tolist() == [[2022, 10.0, 100.0, 10.0]]


def test_role_rose_needs_volume_and_share_inline():
    series = pd.DataFrame({"year": [2021, 2022, 2023], "partner_bcm": [8.0, 11.0, 12.0], "share_pct": [5.0, 4.0, 6.0]})
    holds, text = energy.role_rose(series, (2021, 2021), 2022)
    assert holds is False and text == "8.0 -> 11.5 bcm, share 5.0% -> 5.0% (2021 -> 2022-2023)"


def test_role_margin_takes_the_measure_that_rose_less_inline():
    series = pd.DataFrame({"year": [2021, 2022, 2023], "partner_bcm": [10.0, 11.0, 13.0],
                           "share_pct": [5.0, 6.0, 7.0]})
    value, unit, against, precision = energy.role_margin(series, (2021, 2021), 2022)
    assert (value, unit, precision) == (2.0, "bcm", energy.VOLUME_PRECISION_BCM)  # +20% against the share's +30%
    assert against == "volume 2022-2023 over 2021 (share +1.5 pp)"
    fell = series.assign(share_pct=[5.0, 4.0, 4.5])
    value, unit, against, _ = energy.role_margin(fell, (2021, 2021), 2022)
    assert (value, unit) == (-0.75, "pp") and against.startswith("share 2022-2023 over 2021")


def test_eurostat_amounts_replace_one_origin_inline():
    eurostat = pd.DataFrame({"year": [2019, 2020], "partner_bcm": [12.0, 9.0], "total_bcm": [40.0, 30.0]})
    direct = pd.DataFrame({"data_year": [2020, 2020, 2021], "origin": ["RUS", "AZE", "RUS"],
                           "total_bcm": [10.0, 8.0, 7.0]})
    assert energy.eurostat_amounts(eurostat, direct, "RUS") == {
        "Eurostat nrg_ti_gas for RUS, Statistical Review for the others, data 2020": ({"RUS": 9.0, "AZE": 8.0},
                                                                                       30.0)}


@pytest.fixture(scope="module")
def review(raw):
    for y in EDITIONS:
        raw(f"ei_statistical_review_{y}")
    return statreview.load_editions([f"ei_statistical_review_{y}" for y in EDITIONS], ("TUR",))


# --- ENERGY-1 ------------------------------------------------------------------------------------

def test_other_cis_is_azerbaijan(review):
    check = energy.check_other_cis(review.matrices, review.interregional).dropna()
    assert (check["matrix_other_cis_exporters_bcm"] == 0).all()
    assert (check["series_other_cis_bcm"] - check["matrix_azerbaijan_bcm"]).abs().max() < 0.02


@pytest.mark.integration
def test_role_rose_and_its_verdict_can_fail(review):
    series = energy.europe_series(review.interregional, 2024)
    holds, text = energy.role_rose(series, (2021, 2021), 2022)
    assert holds and "2021 -> 2022-2023" in text
    claim = claims.load_register()["ENERGY-1"].part_claim("azerbaijan")
    assert claims.assess(claim, holds).verdict == "reproduced"
    fell = series.assign(share_pct=series["share_pct"].where(series["year"] < 2022, 1.0))
    assert energy.role_rose(fell, (2021, 2021), 2022)[0] is False
    assert claims.assess(claim, False).verdict == "not_reproduced"
    assert claims.assess(claim, True, variants={"other": False}).verdict == "reproduced_with_caveat"


@pytest.mark.integration
def test_first_published_and_eu_series(review):
    first = energy.first_published_series(review.matrices, review.interregional, "AZE").set_index("year")
    assert list(first.index) == [2018, 2019, 2020, 2021, 2022, 2023]
    assert first.loc[2021, "partner_bcm"] == pytest.approx(19.47, abs=0.01)  # later revised to 18.67
    eu = energy.eu_series(review.matrices, "AZE")
    assert list(eu["year"]) == [2021, 2022, 2023]


# --- Eurostat ------------------------------------------------------------------------------------

@pytest.mark.integration
def test_eurostat_turkey(raw):
    share = energy.eurostat_share(registry.load(EUROSTAT), "TUR", "RUS").set_index("year")
    assert share.loc[2018, "total_tj"] == 1925967
    assert share.loc[2011, "share_pct"] == pytest.approx(100 * 973146 / 1680569)
    assert share.loc[2018, "total_bcm"] == pytest.approx(1925967 / 40_000)


# --- vintages ------------------------------------------------------------------------------------

def test_vintage_table_spread(review):
    table = energy.vintage_table(review.interregional, "_EUR", "pipeline_imports", "_CIS_OTHER", 2018)
    assert table.loc[2021, 2022] == pytest.approx(19.47, abs=0.01)
    assert table.loc[2021, "spread_bcm"] == pytest.approx(0.8, abs=0.01)
    year, spread = energy.largest_revision(table)
    assert year == 2021 and spread == pytest.approx(0.8, abs=0.01)
    rev = energy.revisions(table)
    hit = rev[(rev["year"] == 2021) & (rev["edition"] == "2022")]
    assert hit["revision_bcm"].iloc[0] == pytest.approx(0.8, abs=0.01)
