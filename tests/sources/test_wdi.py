"""WDI loader: excerpts of the real workbooks (integration), and the identity check on tiny inline sheets."""

from __future__ import annotations

import datetime
import math
from types import SimpleNamespace

import pytest

from khar_analysis.core import workbooks
from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.sources import wdi
from khar_analysis.sources.identity import WrongFileError

integration = pytest.mark.integration


def wdi_excerpt(grids, source_id, codes):
    """The WDI preamble, header and the rows of ``codes``; the metadata sheet whole."""
    g = grids(source_id)
    data = [list(r) for r in g["Data"][:4]] + [list(r) for r in g["Data"][4:] if r[1] in codes]
    return data, g["Metadata - Countries"]


@integration
def test_wdi_excerpt_in_millions(grids):
    data, meta = wdi_excerpt(grids, "wdi_remittances_usd_2023-05-10", {"AZE", "RUS", "WLD", "INX"})
    table = wdi.parse_wdi(data, meta, "wdi.xls", "src")
    assert table["edition"].unique().tolist() == ["2023-05-10"]
    row = next(r for r in data if r[1] == "AZE")
    year = data[3].index("2016")
    got = table.loc[(table["economy"] == "AZE") & (table["year"] == 2016), "usd_mn"].iloc[0]
    assert got == pytest.approx(row[year] / 1e6)
    assert set(table.loc[table["is_aggregate"], "economy"]) == {"WLD", "INX"}
    assert math.isnan(table.loc[(table["economy"] == "AZE") & (table["year"] == 1960), "usd_mn"].iloc[0])


@integration
def test_wdi_percent_of_gdp_gets_its_own_unit(grids):
    data, meta = wdi_excerpt(grids, "wdi_remittances_pct_gdp_2023-05-10", {"AZE"})
    table = wdi.parse_wdi(data, meta, "wdi.xls")
    assert "pct_gdp" in table.columns and "usd_mn" not in table.columns


@integration
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
        wdi.parse_wdi(data, meta, "wdi.xls")


def tiny_sheets(indicator: str = "BX.TRF.PWKR.CD.DT"):
    data = [["Data Source", "World Development Indicators"],
            ["Last Updated Date", datetime.datetime(2023, 5, 10)], [],
            ["Country Name", "Country Code", "Indicator Name", "Indicator Code", "2021", "2022"],
            ["Azerbaijan", "AZE", "Personal remittances, received", indicator, 1.5e9, None]]
    meta = [["Country Code", "Region"], ["AZE", "Europe & Central Asia"]]
    return {"Data": data, "Metadata - Countries": meta}


def wdi_record(source_id="wdi_remittances_usd_2023-05-10", indicator="BX.TRF.PWKR.CD.DT", vintage="2023-05-10"):
    return SimpleNamespace(id=source_id, release="", data_generated=vintage,
                           format={"indicator": indicator, "loader": "wdi_indicator_xls"})


def test_loader_reads_the_record_s_indicator(monkeypatch, tmp_path):
    monkeypatch.setattr(workbooks, "read_grids", lambda file, sheets=None: tiny_sheets())
    table = wdi.load_indicator(tmp_path / "w.xls", wdi_record())
    assert table["source"].unique().tolist() == ["wdi_remittances_usd_2023-05-10"]
    assert table.loc[table["year"] == 2021, "usd_mn"].tolist() == [1500.0]
    assert math.isnan(table.loc[table["year"] == 2022, "usd_mn"].iloc[0])


@pytest.mark.parametrize("src, what", [
    (wdi_record("wdi_remittances_pct_gdp_2023-05-10", "BX.TRF.PWKR.DT.GD.ZS"),
     "indicator code should be 'BX.TRF.PWKR.DT.GD.ZS', the file has 'BX.TRF.PWKR.CD.DT'"),
    (wdi_record(vintage="2024-01-01"), "vintage .* should be '2024-01-01', the file has '2023-05-10'"),
])
def test_loader_refuses_a_file_for_another_indicator_or_vintage(monkeypatch, tmp_path, src, what):
    monkeypatch.setattr(workbooks, "read_grids", lambda file, sheets=None: tiny_sheets())
    with pytest.raises(WrongFileError, match=rf"^{src.id}: the file is not what its manifest record says: {what}"):
        wdi.load_indicator(tmp_path / "w.xls", src)
