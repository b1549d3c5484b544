"""Wiring of the remittance and migration family: every record names its loader, and source ids in give
tidy tables out (through the registry and the processed-table cache)."""

from __future__ import annotations

import pytest

from khar_analysis.provenance import manifest
from khar_analysis.sources import registry
from khar_analysis.sources import remittances_migration as tables

#: Manifest files of this family and of the regime family, and the records no loader reads (and why).
FAMILY_GROUPS = {"knomad", "undesa", "worldbank_wdi", "vdem", "rsf", "freedomhouse", "eiu"}
UNREAD = {"vdem_v14_vdemlite_rda": "an R .rda file that cannot be read here; its v14 rows come via the extract"}


def test_every_record_of_these_families_names_a_known_loader(lay):
    records = [s for s in manifest.load_manifest(lay).values() if s.group in FAMILY_GROUPS]
    assert len(records) >= 18
    for src in records:
        if src.id in UNREAD:
            assert "loader" not in src.format
            continue
        assert callable(registry.loader_of(src)), src.id


@pytest.mark.integration
def test_load_table_and_notes(lay):
    table = tables.load_table("wb_remittance_matrix_2018", lay)
    assert set(table["source"]) == {"wb_remittance_matrix_2018"} and set(table["year"]) == {2018}
    assert tables.load_table("wb_remittance_matrix_2018", lay).equals(table)  # cached read
    notes = tables.matrix_notes(["wb_remittance_matrix_2016", "wb_remittance_matrix_2018"], lay)
    assert notes["stated_stock_year"].tolist() == [2013, "not stated in this copy"]
    assert tables.publishers(["undesa_ims_2019_origin_destination"], lay) == {
        "undesa_ims_2019_origin_destination": manifest.get("undesa_ims_2019_origin_destination", lay).publisher}
