"""UN DESA loaders: excerpts of the real files (integration), and the identity check on tiny inline files."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import pytest

from khar_analysis.analysis import migration
from khar_analysis.core import workbooks
from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.sources import undesa
from khar_analysis.sources.identity import WrongFileError

KEEP = ["Armenia", "Azerbaijan", "Kazakhstan", "Russian Federation", "Ukraine"]

integration = pytest.mark.integration


def cut_un_csv(raw, tmp_path, keep, extra_rows=(), change=None):
    """The 2019 extract cut to the ``keep`` destinations and origins (all years); ``extra_rows`` are
    destination names kept as well (e.g. a region row); ``change(grid)`` alters the excerpt."""
    src = raw("undesa_ims_2019_origin_destination")
    grid = list(csv.reader(src.read_text(encoding="utf-8").splitlines()))
    idx = [grid[0].index(n) for n in keep]
    rows = [grid[0]] + [r for r in grid[1:] if r[1] in keep or r[1] in extra_rows]
    cut = [[*r[:2], *[r[i] for i in idx]] for r in rows]
    if change:
        change(cut)
    out = tmp_path / src.name
    with open(out, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(cut)
    return out, grid


@integration
def test_un_2019_excerpt(raw, tmp_path):
    path, grid = cut_un_csv(raw, tmp_path, KEEP, extra_rows=["Caribbean"])
    table = undesa.read_origin_destination(path, "src")
    assert sorted(table["year"].unique()) == undesa.UN_YEARS_2019
    row = next(r for r in grid if r[0] == "2019" and r[1] == "Russian Federation")
    got = table.loc[(table["year"] == 2019) & (table["origin"] == "AZE") & (table["destination"] == "RUS"), "persons"]
    assert got.iloc[0] == float(row[grid[0].index("Azerbaijan")])
    assert "Caribbean" not in set(table["destination_name"])


@integration
@pytest.mark.parametrize("extra, change, message", [
    ([], lambda g: g.insert(1, ["1990", "Western Asia", *["0"] * len(KEEP)]), "destinations of 1990"),
    ([], lambda g: g[1].__setitem__(3, "n/a"), "unknown markers"),
    ([], lambda g: g[0].__setitem__(1, "Destination"), "first two columns"),
    ([], lambda g: g[1].__setitem__(0, "2020"), "years"),
    ([], lambda g: g[0].__setitem__(2, "Azerbaijan"), "destinations of 1990|should equal"),
])
def test_un_2019_layout_changes_fail(raw, tmp_path, extra, change, message):
    path, _ = cut_un_csv(raw, tmp_path, KEEP, extra_rows=extra, change=change)
    with pytest.raises(UnknownLayoutError, match=message):
        undesa.read_origin_destination(path)


@pytest.fixture(scope="session")
def table1(raw):
    return workbooks.read_grids(raw("undesa_ims_2020_destination"), ["Table 1"])["Table 1"]


def un2020_excerpt(table1, names):
    """Title rows, header and the rows of WORLD and of ``names`` (stripped of indentation and notes)."""
    keep = [r for r in table1[11:] if r[1] is not None and str(r[1]).strip().rstrip("*") in {"WORLD", *names}]
    return [list(r) for r in table1[:11]] + [list(r) for r in keep]


@integration
def test_un_2020_excerpt(table1):
    grid = un2020_excerpt(table1, {"Azerbaijan", "Russian Federation", "South Sudan"})
    table = undesa.parse_destination(grid, "un2020.xlsx")
    rus = table[(table["destination"] == "RUS") & (table["year"] == 2020)].iloc[0]
    src = next(r for r in grid if str(r[1]).strip() == "Russian Federation")
    assert rus["persons"] == src[11] and rus["type_of_data"] == "B"
    assert "AZE" in set(table["destination"])
    assert table.loc[table["destination_name"] == "WORLD", "is_aggregate"].all()
    assert table.loc[(table["destination"] == "SSD") & (table["year"] == 1990), "persons"].isna().all()


@integration
@pytest.mark.parametrize("change, message", [
    (lambda g: g[1].__setitem__(4, "International Migrant Stock 2024: Destination"), "cell E2"),
    (lambda g: g[10].__setitem__(11, 2019), "row 11 years"),
    (lambda g: g[-1].__setitem__(3, 31), "names and UN location codes disagree"),
    (lambda g: g[-1].__setitem__(6, "n.a."), "row "),
])
def test_un_2020_layout_changes_fail(table1, change, message):
    grid = un2020_excerpt(table1, {"Azerbaijan", "Russian Federation"})
    change(grid)
    with pytest.raises(UnknownLayoutError, match=message):
        undesa.parse_destination(grid, "un2020.xlsx")


@integration
def test_stock_series_on_an_excerpt(raw, tmp_path):
    path, _ = cut_un_csv(raw, tmp_path, KEEP)
    table = undesa.read_origin_destination(path)
    out = migration.stock_series("AZE", "RUS", [table])
    assert out["year"].tolist() == undesa.UN_YEARS_2019
    first = out.iloc[0]
    aze_abroad = table[(table["year"] == 1990) & (table["origin"] == "AZE")]["persons"].sum()
    assert first["diaspora_total"] == aze_abroad
    assert first["basis"] == "sum of cells"


def tiny_2019(tmp_path, years=undesa.UN_YEARS_2019):
    cols = ["Armenia", "Azerbaijan"]
    lines = [["Year", "Dest", *cols]]
    for y in years:
        lines += [[str(y), "Armenia", "0", "100"], [str(y), "Azerbaijan", "..", "0"], [str(y), "Caribbean", "1", "2"]]
    path = tmp_path / "un2019.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(lines)
    return path


def test_2019_loader_on_a_tiny_extract(tmp_path):
    src = SimpleNamespace(id="undesa_ims_2019_origin_destination", release="", data_generated="2019", format={})
    table = undesa.load_origin_destination(tiny_2019(tmp_path), src)
    assert set(table["source"]) == {src.id} and "Caribbean" not in set(table["destination_name"])
    assert table["is_not_available"].sum() == len(undesa.UN_YEARS_2019)


def test_2019_loader_refuses_another_revision_naming_the_source(tmp_path):
    src = SimpleNamespace(id="undesa_ims_2020_origin_destination", release="", data_generated="2020", format={})
    with pytest.raises(WrongFileError, match=r"^undesa_ims_2020_origin_destination: .*should be '2020', .*'2019'"):
        undesa.load_origin_destination(tiny_2019(tmp_path), src)
