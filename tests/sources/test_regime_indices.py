"""Wiring of the regime family: every index file by source id into one tidy table, with the cross-checks."""

from __future__ import annotations

import pytest

from khar_analysis.sources import regime_indices
from khar_analysis.sources.index_tables import TIDY_COLUMNS

SOURCES = {"vdem_extract": "vdem_extract_v14_v15_v16", "vdem_csv": "vdem_v15_vdem3_csv",
           "vdem_expression_json": "vdem_v15_static_json", "vdem_json": "vdem_v16_static_json",
           "fiw": "fiw_2013-2025_extract", "rsf_series": "rsf_2002-2025_extract", "rsf_raw": "rsf_2025_raw_extract",
           "eiu": "eiu_owid_extract"}


@pytest.mark.integration
def test_load_indices(lay):
    indices = regime_indices.load_indices(["AZE", "GEO"], lay=lay, **SOURCES)
    assert list(indices.tidy.columns) == TIDY_COLUMNS
    assert set(indices.tidy["country"]) == {"AZE", "GEO"}
    # the extract's checked releases come from the unmodified files; only its v14 rows are used from it
    from_extract = indices.tidy[indices.tidy["source"] == "vdem_extract_v14_v15_v16"]
    assert set(from_extract["release"]) == {"v14"}
    assert indices.rsf_check["matches"].all()
    cov = indices.coverage()
    assert cov.loc["vdem_v14:v2x_regime", "source"] == "vdem_extract_v14_v15_v16"
    assert cov.loc["rsf:score", "countries"] == "AZE GEO"
