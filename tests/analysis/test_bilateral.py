"""World Bank bilateral matrices: loaders on excerpts cut from the real files, and the layout checks.

An excerpt keeps the title, the header, a few countries (a square block of their published cells),
a total row and column recomputed over the kept cells (so the untouched excerpt passes the totals
check), the blank row and the notes. Tests then alter one thing and expect a clear failure.
"""

from __future__ import annotations

import csv
import math

import pytest

from khar_analysis.analysis import bilateral
from khar_analysis.core import workbooks
from khar_analysis.core.countries import UnknownCountryError
from khar_analysis.core.layout_checks import UnknownLayoutError

KEEP = ["Armenia", "Azerbaijan", "India", "Pakistan", "Russian Federation", "Ukraine"]
#: Without the India-Pakistan gap cells, whose markers would trip the cell check first.
PLAIN = ["Armenia", "Azerbaijan", "Kazakhstan", "Russian Federation", "Ukraine"]


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


def test_remittance_excerpt_keeps_the_published_cells(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    table = bilateral.parse_matrix(cut_matrix(grid, KEEP), name, "remittances", "excerpt.xlsx", "src")
    assert (table["year"].unique().tolist(), table["edition"].unique().tolist()) == ([2017], ["2018-04"])
    assert bilateral.cell(table, "RUS", "AZE") == published(grid, "Russian Federation", "Azerbaijan")
    assert table["source"].unique().tolist() == ["src"]
    gaps = table.loc[table["is_not_available"], ["origin", "destination"]].values.tolist()
    assert sorted(gaps) == [["IND", "PAK"], ["PAK", "IND"]]
    assert math.isnan(bilateral.cell(table, "IND", "PAK"))


def test_share_and_partners_use_the_total_row(sheet):
    name, grid = sheet("wb_remittance_matrix_2016")
    table = bilateral.parse_matrix(cut_matrix(grid, KEEP), name, "remittances", "excerpt.xlsx")
    s = bilateral.share(table, "RUS", "AZE")
    assert s["basis"] == "published total"
    ranking = bilateral.partners(table, "destination", "AZE")
    assert ranking["partner"].iloc[0] == "RUS"
    assert ranking["share_pct"].iloc[0] == pytest.approx(s["share_pct"])
    assert ranking["share_pct"].sum() == pytest.approx(100.0)


def test_migration_excerpt_with_residual_groups(sheet):
    name, grid = sheet("wb_migration_matrix_2017")
    table = bilateral.parse_matrix(cut_matrix(grid, ["Armenia", "Azerbaijan", "Russian Federation"],
                                              bilateral.RESIDUALS), name, "migrants", "excerpt.xlsx")
    assert set(table["origin"]) == {"ARM", "AZE", "RUS", "_ONO", "_OSO", "_WLD"}
    assert bilateral.cell(table, "AZE", "RUS") == published(grid, "Azerbaijan", "Russian Federation")
    assert table["edition"].unique().tolist() == ["2017 matrix"]


def test_gap_markers_out_of_place_fail(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, KEEP)
    cut[4][1:], cut[5][1:] = cut[5][1:], cut[4][1:]
    with pytest.raises(UnknownLayoutError, match="not a number nor a known gap"):
        bilateral.parse_matrix(cut, name, "remittances", "excerpt.xlsx")


def test_values_shifted_one_column_fail(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, PLAIN)
    for r in range(2, 2 + len(PLAIN) + 1):
        cut[r] = [cut[r][0], 0.0, *cut[r][1:-1]]
    with pytest.raises(UnknownLayoutError, match="non-zero cell for themselves"):
        bilateral.parse_matrix(cut, name, "remittances", "excerpt.xlsx")


def test_a_cell_that_disagrees_with_its_totals_fails(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, PLAIN)
    cut[5][2] += 100.0
    with pytest.raises(UnknownLayoutError, match="rows or columns have moved"):
        bilateral.parse_matrix(cut, name, "remittances", "excerpt.xlsx")


def test_labels_out_of_line_with_values_fail(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, PLAIN)
    labels = [cut[r][0] for r in range(2, 2 + len(PLAIN))]
    for r, label in zip(range(2, 2 + len(PLAIN)), labels[1:] + labels[:1], strict=True):
        cut[r][0] = label
    with pytest.raises(UnknownLayoutError, match="non-zero cell for themselves"):
        bilateral.parse_matrix(cut, name, "remittances", "excerpt.xlsx")


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
        bilateral.parse_matrix(cut, name, "remittances", "excerpt.xlsx")
    assert str(err.value).startswith("excerpt.xlsx: ")


def test_unknown_country_spelling_fails(sheet):
    name, grid = sheet("wb_remittance_matrix_2017")
    cut = cut_matrix(grid, KEEP)
    cut[1][1] = cut[2][0] = "Atlantis"
    with pytest.raises(UnknownCountryError, match="Atlantis"):
        bilateral.parse_matrix(cut, name, "remittances", "excerpt.xlsx")


def test_notes_state_the_stock_year(raw):
    assert bilateral.stated_stock_year(raw("wb_remittance_matrix_2016")) == 2013
    assert bilateral.stated_stock_year(raw("wb_remittance_matrix_2017")) == 2017


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


def test_csv_extract_takes_year_and_version_from_its_name(raw, tmp_path):
    path, grid = cut_csv(raw, tmp_path, KEEP)
    table = bilateral.load_remittance_matrix_csv(path, "src")
    assert (table["year"].unique().tolist(), table["edition"].unique().tolist()) == ([2018], ["2019-10"])
    row = next(r for r in grid if r[0] == "Russian Federation")
    assert bilateral.cell(table, "RUS", "AZE") == float(row[grid[0].index("Azerbaijan")])
    assert bilateral.share(table, "RUS", "AZE")["basis"] == "sum of cells"
    assert table["is_not_available"].sum() == 2


def test_csv_extract_renamed_fails(raw, tmp_path):
    path, _ = cut_csv(raw, tmp_path, KEEP, name="remittances.csv")
    with pytest.raises(UnknownLayoutError, match="file name should read"):
        bilateral.load_remittance_matrix_csv(path)


def test_csv_extract_with_a_total_row_fails(raw, tmp_path):
    path, _ = cut_csv(raw, tmp_path, KEEP)
    text = path.read_text(encoding="utf-8-sig").replace("Ukraine", "World")
    path.write_text(text, encoding="utf-8-sig")
    with pytest.raises(UnknownLayoutError, match="no total row or column"):
        bilateral.load_remittance_matrix_csv(path)


def test_full_2016_and_2017_editions_share_one_split(raw):
    """The 2017 edition's notes name 2017 stocks, yet its split equals the 2016 edition's."""
    m16 = bilateral.load_matrix_xlsx(raw("wb_remittance_matrix_2016"), "remittances")
    m17 = bilateral.load_matrix_xlsx(raw("wb_remittance_matrix_2017"), "remittances")
    assert bilateral.allocation_difference(m16, m17)["max_diff_pp"] < 1e-6
    assert "one split, rescaled" in bilateral.compare_allocations(m16, m17)
    assert bilateral.share(m17, "RUS", "AZE")["share_pct"] == pytest.approx(58.11, abs=0.005)
