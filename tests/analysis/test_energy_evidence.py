"""The evidence rows and filters of the ENERGY verdicts, on tiny inline tables."""

from __future__ import annotations

import pandas as pd

from khar_analysis.analysis import energy_evidence


def test_energy1_evidence_and_filter_inline():
    series = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "partner_bcm": [1.0, 2.0, 3.0, 4.0],
                           "share_pct": [1.0, 1.0, 1.0, 2.0]})
    first = series.assign(edition=[2020, 2021, 2022, 2023])
    rows = energy_evidence.energy1_evidence(series, (2021, 2021), {"wide": (series, (2019, 2021)),
                                                          "first": (first, (2021, 2021))}, 2024,
                                   {2022: "r22", 2023: "r23", 2024: "r24"}, 2022)
    assert rows["series"].tolist() == ["primary"] * 2 + ["wide"] * 4 + ["first"] * 2
    assert rows["source_id"].tolist() == ["r24"] * 6 + ["r22", "r23"]
    assert rows["period"].tolist()[:2] == ["baseline", "after"]
    words, code = energy_evidence.energy1_filter("AZE", (2021, 2021), (2019, 2021), 2022)
    assert "2019-2021 for the wide-baseline variant" in words and 'exporter == "AZE"' in code


def test_energy2_evidence_adds_eurostat_rows_and_filters_inline():
    direct = pd.DataFrame({"edition": [2021, 2021], "data_year": [2020, 2020], "origin": ["RUS", "AZE"],
                           "total_bcm": [16.0, 11.0], "share_pct": [59.26, 40.74]})
    bounded = pd.DataFrame({"edition": [2022], "data_year": [2021], "origin": ["RUS"], "lower_bcm": [10.0],
                            "upper_bcm": [20.0]})
    eurostat = pd.DataFrame({"year": [2019, 2020], "partner_bcm": [15.0, 15.5], "share_pct": [33.0, 34.0]})
    rows = energy_evidence.energy2_evidence(direct, bounded, {2021: "r21", 2022: "r22"}, eurostat, "es", "RUS")
    assert rows["source_id"].tolist() == ["r21", "r21", "r22", "es"]
    assert rows["how"].tolist() == ["listed", "listed", "bounded", "eurostat"]
    assert rows.iloc[3][["data_year", "low_bcm", "high_bcm"]].tolist() == [2020, 15.5, 15.5]
    words, code = energy_evidence.energy2_filter("TUR")
    assert "TUR's gas imports by origin" in words and 'importer == "TUR"' in code
    words, code = energy_evidence.energy3_filter("RUS", "AZE", "TUR", 2022)
    assert "RUS's pipeline flows to AZE and to TUR" in words and "data_year >= 2022" in code
