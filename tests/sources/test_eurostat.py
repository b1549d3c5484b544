"""Eurostat nrg_ti_gas loader on the real pinned extract, and a copy with a changed unit or dataset."""

from __future__ import annotations

import dataclasses
import warnings

import openpyxl
import pytest

from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.provenance import manifest
from khar_analysis.sources import eurostat, registry

pytestmark = pytest.mark.integration

EUROSTAT = "eurostat_nrg_ti_gas_2022-04-05"


def test_eurostat_loads_tidy(raw):
    es = registry.load(EUROSTAT)
    assert set(es["siec"]) == {"natural_gas", "lng"} and set(es["partner"]) == {"RUS", "_WLD"}
    tur = es[(es["reporter"] == "TUR") & (es["siec"] == "natural_gas") & (es["year"] == 2018)]
    assert tur.set_index("partner").loc["_WLD", "tj_gcv"] == 1925967
    geo = es[(es["reporter"] == "GEO") & (es["year"] == 2011)]
    assert geo["tj_gcv"].isna().all()  # ':' is not available, not zero


def test_eurostat_changed_unit_fails(raw, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(raw(EUROSTAT))
    ws = wb["Summary"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == eurostat.UNIT:
                cell.value = "Million cubic metres"
    path = tmp_path / "eurostat_mcm.xlsx"
    wb.save(path)
    with pytest.raises(UnknownLayoutError, match=r"eurostat_mcm\.xlsx: unexpected Sheet 1: unit"):
        eurostat.load_gas_imports(path, manifest.get(EUROSTAT))


def test_eurostat_other_dataset_fails_naming_the_record(raw):
    src = manifest.get(EUROSTAT)
    other = dataclasses.replace(src, format={**src.format, "dataset": "NRG_TI_OIL"})
    with pytest.raises(UnknownLayoutError, match=f"dataset 'NRG_TI_OIL' of the manifest record {EUROSTAT}"):
        eurostat.load_gas_imports(raw(EUROSTAT), other)
