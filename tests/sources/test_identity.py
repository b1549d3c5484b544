"""The identity checks every loader uses: a file that is not its record's names the source id."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from khar_analysis.core.layout_checks import UnknownLayoutError, expect_true
from khar_analysis.sources import identity

SRC = SimpleNamespace(id="some_source", release="r", data_generated="2020",
                      format={"countries": "AZE RUS", "year": 2017})


def test_naming_prefixes_the_source_id_once():
    with pytest.raises(UnknownLayoutError, match=r"^some_source: f\.csv: broken$"), identity.naming(SRC):
        expect_true("f.csv", False, "broken")
    with pytest.raises(identity.WrongFileError, match=r"^some_source: the file is not") as err, \
            identity.naming(SRC):
        identity.expect_identity(SRC, "year", "2017", "2018")
    assert str(err.value).count("some_source") == 1


def test_expected_and_countries():
    assert identity.expected(SRC, "year") == "2017"
    with pytest.raises(identity.WrongFileError, match=r"some_source: its manifest record has no format\.indicator"):
        identity.expected(SRC, "indicator")
    identity.expect_countries(SRC, ["RUS", "AZE", "AZE"])
    with pytest.raises(identity.WrongFileError,
                       match=r"country set should be \['AZE', 'RUS'\], the file has \['AZE'\]$"):
        identity.expect_countries(SRC, ["AZE"])
    identity.expect_countries(SimpleNamespace(id="x", format={}), ["ARM"])  # no country set in the record: no check


def test_no_options():
    identity.no_options(SRC, {})
    with pytest.raises(TypeError, match="some_source: its loader takes no options"):
        identity.no_options(SRC, {"wanted": ["AZE"]})


def test_workbook_of_another_edition_fails_naming_the_record(tmp_path):
    """A made-up workbook whose matrices are for 2018 (edition 2019) pinned under the 2020 edition's id."""
    import openpyxl

    from khar_analysis.provenance import manifest
    from khar_analysis.sources import statreview

    titles = {"Gas - Trade movts - pipeline": "Natural Gas: Trade movements 2018 by pipeline",
              "Gas - Trade movts LNG": "Natural Gas: Trade movements 2018 as liquefied natural gas",
              "Gas - Inter-regional trade": "Natural gas: Inter-regional trade",
              "Gas Consumption - Bcm": "Natural Gas: Consumption"}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, title in titles.items():
        wb.create_sheet(sheet).append([title])
    path = tmp_path / "made_up.xlsx"
    wb.save(path)
    with pytest.raises(UnknownLayoutError, match="edition 2019, but the manifest record ei_statistical_review_2020 "
                                                 "says edition 2020"):
        statreview.load_review(path, manifest.get("ei_statistical_review_2020"))
