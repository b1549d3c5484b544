"""World Bank / KNOMAD loaders on excerpts cut from the real files, the layout checks, and the identity checks.

An excerpt keeps the title, the header, a few countries (a square block of their published cells),
a total row and column recomputed over the kept cells (so the untouched excerpt passes the totals
check), the blank row and the notes. Tests then alter one thing and expect a clear failure.
"""

from __future__ import annotations

import csv
import math
from types import SimpleNamespace

import pytest

from khar_analysis.analysis import bilateral
from khar_analysis.core import workbooks
from khar_analysis.core.countries import UnknownCountryError
from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.provenance import manifest
from khar_analysis.sources import knomad
from khar_analysis.sources.identity import WrongFileError

KEEP = ["Armenia", "Azerbaijan", "India", "Pakistan", "Russian Federation", "Ukraine"]
#: Without the India-Pakistan gap cells, whose markers would trip the cell check first.
PLAIN = ["Armenia", "Azerbaijan", "Kazakhstan", "Russian Federation", "Ukraine"]

integration = pytest.mark.integration


@pytest.fixture(scope="session")
def sheet(raw):
    """``sheet(source_id)`` -> (sheet name, grid) of a matrix workbook's first sheet, read once."""
    cache = {}

    def get(source_id: str):
        if source_id not in cache:
            cache[source_id] = next(iter(workbooks.read_grids(raw(source_id)).items()))
        return cache[source_id]

    return get


def cut_matrix(grid, keep, residuals=()):
    """A square excerpt of a matrix grid with its totals recomputed over the kept cells."""
    header = workbooks.trimmed(grid[1])
    labels = [r[0] if r else None for r in grid]
    names = [*keep, *residuals]
    cols = [header.index(n) for n in names]
    world = next(i for i, x in enumerate(labels) if isinstance(x, str) and x.strip().casefold() == "world")
    block = [[grid[labels.index(n)][c] for c in cols] for n in names]

    def num(v):
        return v if isinstance(v, int | float) else 0

    col_totals = [sum(num(line[j]) for line in block) for j in range(len(names))]
    out = [[grid[0][0]], [header[0], *names, header[-1]]]
    out += [[n, *line, sum(num(v) for v in line)] for n, line in zip(names, block, strict=True)]
    out.append([labels[world], *col_totals, sum(col_totals)])
    out += [list(r) for r in grid[world + 1:world + 4]]
    return out


def published(grid, origin, destination):
    header = workbooks.trimmed(grid[1])
    row = next(r for r in grid if r and r[0] == origin)
    return row[header.index(destination)]


@integration
def test_remittance_excerpt_keeps_the_published_cells(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    table = knomad.parse_matrix(cut_matrix(grid, KEEP), name, "remittances", "excerpt.xlsx", "src")
    assert (table["year"].unique().tolist(), table["edition"].unique().tolist()) == ([2017], ["2018-04"])
    assert bilateral.cell(table, "RUS", "AZE") == published(grid, "Russian Federation", "Azerbaijan")
    assert table["source"].unique().tolist() == ["src"]
    gaps = table.loc[table["is_not_available"], ["origin", "destination"]].values.tolist()
    assert sorted(gaps) == [["IND", "PAK"], ["PAK", "IND"]]
    assert math.isnan(bilateral.cell(table, "IND", "PAK"))


@integration
def test_share_and_partners_use_the_total_row(sheet):
    name, grid = sheet("wb_remittance_matrix_2016")
    table = knomad.parse_matrix(cut_matrix(grid, KEEP), name, "remittances", "excerpt.xlsx")
    s = bilateral.share(table, "RUS", "AZE")
    assert s["basis"] == "published total"
    ranking = bilateral.partners(table, "destination", "AZE")
    assert ranking["partner"].iloc[0] == "RUS"
    assert ranking["share_pct"].iloc[0] == pytest.approx(s["share_pct"])
    assert ranking["share_pct"].sum() == pytest.approx(100.0)


@integration
def test_migration_excerpt_with_residual_groups(sheet):
    name, grid = sheet("wb_migration_matrix_2017")
    table = knomad.parse_matrix(cut_matrix(grid, ["Armenia", "Azerbaijan", "Russian Federation"],
                                              knomad.RESIDUALS), name, "migrants", "excerpt.xlsx")
    assert set(table["origin"]) == {"ARM", "AZE", "RUS", "_ONO", "_OSO", "_WLD"}
    assert bilateral.cell(table, "AZE", "RUS") == published(grid, "Azerbaijan", "Russian Federation")
    assert table["edition"].unique().tolist() == ["2017 matrix"]


@integration
def test_gap_markers_out_of_place_fail(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, KEEP)
    cut[4][1:], cut[5][1:] = cut[5][1:], cut[4][1:]
    with pytest.raises(UnknownLayoutError, match="not a number nor a known gap"):
        knomad.parse_matrix(cut, name, "remittances", "excerpt.xlsx")


@integration
def test_values_shifted_one_column_fail(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, PLAIN)
    for r in range(2, 2 + len(PLAIN) + 1):
        cut[r] = [cut[r][0], 0.0, *cut[r][1:-1]]
    with pytest.raises(UnknownLayoutError, match="non-zero cell for themselves"):
        knomad.parse_matrix(cut, name, "remittances", "excerpt.xlsx")


@integration
def test_a_cell_that_disagrees_with_its_totals_fails(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, PLAIN)
    cut[5][2] += 100.0
    with pytest.raises(UnknownLayoutError, match="rows or columns have moved"):
        knomad.parse_matrix(cut, name, "remittances", "excerpt.xlsx")


@integration
def test_labels_out_of_line_with_values_fail(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, PLAIN)
    labels = [cut[r][0] for r in range(2, 2 + len(PLAIN))]
    for r, label in zip(range(2, 2 + len(PLAIN)), labels[1:] + labels[:1], strict=True):
        cut[r][0] = label
    with pytest.raises(UnknownLayoutError, match="non-zero cell for themselves"):
        knomad.parse_matrix(cut, name, "remittances", "excerpt.xlsx")


@integration
@pytest.mark.parametrize("change, message", [
    (lambda g: g[0].__setitem__(0, "Bilateral Remittance Matrix 2019"), "row 1 should be the remittances matrix"),
    (lambda g: g[1].__setitem__(0, "sending (across) / receiving (down)"), "corner cell A2"),
    (lambda g: g.insert(len(KEEP) + 3, ["Kosovo", *([0] * (len(KEEP) + 1))]), "blank row and 'Notes:'"),
    (lambda g: g[2].__setitem__(2, "n.a."), "not a number nor a known gap"),
    (lambda g: g.insert(3, ["Latvia", *([0] * (len(KEEP) + 1))]), "country rows"),
])
def test_layout_changes_fail_clearly(sheet, change, message):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, KEEP)
    change(cut)
    with pytest.raises(UnknownLayoutError, match=message) as err:
        knomad.parse_matrix(cut, name, "remittances", "excerpt.xlsx")
    assert str(err.value).startswith("excerpt.xlsx: ")


@integration
def test_unknown_country_spelling_fails(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, KEEP)
    cut[1][1] = cut[2][0] = "Atlantis"
    with pytest.raises(UnknownCountryError, match="Atlantis"):
        knomad.parse_matrix(cut, name, "remittances", "excerpt.xlsx")


@integration
def test_notes_state_the_stock_year(raw):
    assert knomad.stated_stock_year(raw("wb_remittance_matrix_2016")) == 2013
    assert knomad.stated_stock_year(raw("wb_remittance_matrix_2017")) == 2017


def cut_csv(raw, tmp_path, keep, name=None):
    """A square excerpt of the 2018 CSV extract (rows and columns ``keep``), bytes of the kept cells unchanged."""
    src = raw("wb_remittance_matrix_2018")
    grid = list(csv.reader(src.read_text(encoding="utf-8-sig").splitlines()))
    idx = [grid[0].index(n) for n in keep]
    rows = [grid[0]] + [r for r in grid[1:] if r[0] in keep]
    out = tmp_path / (name or src.name)
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows([[r[0], *[r[i] for i in idx]] for r in rows])
    return out, grid


@integration
def test_csv_extract_takes_year_and_version_from_its_name(raw, tmp_path):
    path, grid = cut_csv(raw, tmp_path, KEEP)
    table = knomad.read_remittance_matrix_csv(path, "src")
    assert (table["year"].unique().tolist(), table["edition"].unique().tolist()) == ([2018], ["2019-10"])
    row = next(r for r in grid if r[0] == "Russian Federation")
    assert bilateral.cell(table, "RUS", "AZE") == float(row[grid[0].index("Azerbaijan")])
    assert bilateral.share(table, "RUS", "AZE")["basis"] == "sum of cells"
    assert table["is_not_available"].sum() == 2


@integration
def test_csv_extract_renamed_fails(raw, tmp_path):
    path, _ = cut_csv(raw, tmp_path, KEEP, name="remittances.csv")
    with pytest.raises(UnknownLayoutError, match="file name should read"):
        knomad.read_remittance_matrix_csv(path)


@integration
def test_csv_extract_with_a_total_row_fails(raw, tmp_path):
    path, _ = cut_csv(raw, tmp_path, KEEP)
    text = path.read_text(encoding="utf-8-sig").replace("Ukraine", "World")
    path.write_text(text, encoding="utf-8-sig")
    with pytest.raises(UnknownLayoutError, match="no total row or column"):
        knomad.read_remittance_matrix_csv(path)


@integration
def test_full_2016_and_2017_editions_share_one_split(raw):
    """The 2017 edition's notes name 2017 stocks, yet its split equals the 2016 edition's."""
    m16, m17 = (knomad.load_remittance_matrix_xlsx(raw(sid), manifest.get(sid))
                for sid in ("wb_remittance_matrix_2016", "wb_remittance_matrix_2017"))
    assert bilateral.allocation_difference(m16, m17)["max_diff_pp"] < 1e-6
    assert "one split, rescaled" in bilateral.compare_allocations(m16, m17)
    assert bilateral.share(m17, "RUS", "AZE")["share_pct"] == pytest.approx(58.11, abs=0.005)


def knomad_excerpt(grids, names):
    g = next(iter(grids("knomad_inward_remittances_2023-06").values()))
    labels = [r[0] if r else None for r in g]
    end = labels.index(None, 1)
    keep = [r for r in g[1:end] if r[0] in names or r[0] in knomad.KNOMAD_AGGREGATES]
    return [list(g[0]), *[list(r) for r in keep], *[list(r) for r in g[end:]]]


@integration
def test_knomad_excerpt(grids):
    grid = knomad_excerpt(grids, {"Azerbaijan", "St. Martin (French part)", "Türkiye, Rep. of"})
    table = knomad.parse_inflows(grid, "knomad.xlsx")
    assert table["edition"].unique().tolist() == ["2023-06"]
    assert set(table["economy"]) == {"AZE", "MAF", "TUR", "_LMY", "_WLD"}
    row = next(r for r in grid if r[0] == "Azerbaijan")
    got = table.loc[(table["economy"] == "AZE") & (table["year"] == 2016), "usd_mn"].iloc[0]
    assert got == pytest.approx(row[grid[0].index(2016)])
    assert math.isnan(table.loc[(table["economy"] == "MAF") & (table["year"] == 2018), "usd_mn"].iloc[0])


@integration
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
        knomad.parse_inflows(grid, "knomad.xlsx")


# --- identity: a file of another edition fails naming the source id (tiny inline files) -------------

def record(source_id="wb_remittance_matrix_2018", year="2018", data_generated="2019-10"):
    fmt = {"year": year} if year else {}
    return SimpleNamespace(id=source_id, release="", data_generated=data_generated, format=fmt)


def tiny_csv(tmp_path, name="Bilateralremittancematrix2018Oct2019.csv", cols=("Armenia", "Azerbaijan")):
    lines = [",".join(["", *cols])] + [",".join([c, *("0" if c == d else "5" for d in cols)]) for c in cols]
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def test_csv_loader_reads_a_tiny_extract(tmp_path):
    table = knomad.load_remittance_matrix_csv(tiny_csv(tmp_path), record())
    assert table["source"].unique().tolist() == ["wb_remittance_matrix_2018"]
    assert bilateral.cell(table, "ARM", "AZE") == 5.0


@pytest.mark.parametrize("src, what", [
    (record("wb_remittance_matrix_2017", "2017", "2018-04"), "matrix year should be '2017', the file has '2018'"),
    (record(data_generated="2019-04"), "version month should be '2019-04', the file has '2019-10'"),
    (record(year=None), "no format.year"),
])
def test_csv_loader_refuses_another_edition_naming_the_source(tmp_path, src, what):
    with pytest.raises(WrongFileError, match=rf"^{src.id}: .*{what}"):
        knomad.load_remittance_matrix_csv(tiny_csv(tmp_path), src)


def test_csv_loader_layout_errors_name_the_source(tmp_path):
    with pytest.raises(UnknownLayoutError, match=r"^wb_remittance_matrix_2018: Bilateral.*no total row"):
        knomad.load_remittance_matrix_csv(tiny_csv(tmp_path, cols=("Armenia", "World")), record())
    with pytest.raises(TypeError, match="wb_remittance_matrix_2018: its loader takes no options"):
        knomad.load_remittance_matrix_csv(tiny_csv(tmp_path), record(), kind="migrants")


def tiny_inflows():
    return [["Remittance inflows (US$ million)", 2021, 2022.0], ["Azerbaijan", 1.0, 2.0],
            ["Low-and Middle-Income Countries", 3.0, 4.0], ["World", 5.0, " "], [None], ["Date: June 2023"]]


def test_inflows_loader_checks_the_vintage(monkeypatch, tmp_path):
    monkeypatch.setattr(workbooks, "read_grids", lambda file, *a, **k: {"Sheet1": tiny_inflows()})
    src = SimpleNamespace(id="knomad_inward_remittances_2023-06", release="", data_generated="2023-06", format={})
    table = knomad.load_inflows(tmp_path / "k.xlsx", src)
    assert table.loc[table["economy"] == "AZE", "usd_mn"].tolist() == [1.0, 2.0]
    assert math.isnan(table.loc[(table["economy"] == "_WLD") & (table["year"] == 2022), "usd_mn"].iloc[0])
    later = SimpleNamespace(id="knomad_inward_remittances_2023-12", release="", data_generated="2023-12", format={})
    with pytest.raises(WrongFileError, match=r"^knomad_inward_remittances_2023-12: .*'2023-12', the file has '2023"):
        knomad.load_inflows(tmp_path / "k.xlsx", later)
