"""Statistical Review loader: layout detection, matrices and series, on the real pinned workbooks or a tiny
workbook built in ``tmp_path`` from a few of their real rows (layout changes simulated by altering them)."""

from __future__ import annotations

import openpyxl
import pytest

from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.provenance import manifest
from khar_analysis.sources import registry, statreview

pytestmark = pytest.mark.integration

EDITIONS = {2019: "Gas - Trade movts - pipeline", 2020: "Gas - Trade movts - pipeline",
            2021: "Gas - Trade movts - pipeline", 2022: "Gas - Trade movts - pipeline",
            2023: "Gas - Trade movts - pipeline", 2024: "Gas trade - pipeline"}


def _sheets(path, kinds=("pipeline", "lng", "interregional", "consumption")):
    """(sheet names, first cells, rows by kind) of a real workbook."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = list(wb.sheetnames)
        cands = [n for k in statreview.SHEET_KINDS for n in k.names if n in names]
        first = {n: next(wb[n].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True))[0] for n in cands}
        layout = statreview.detect_layout(path, names, first)
        rows = {k: list(wb[layout.sheets[k]].iter_rows(values_only=True)) for k in kinds}
    finally:
        wb.close()
    return names, first, layout, rows


@pytest.fixture(scope="module")
def ed2019(raw):
    return _sheets(raw("ei_statistical_review_2019"))


@pytest.fixture(scope="module")
def ed2023(raw):
    return _sheets(raw("ei_statistical_review_2023"), ("pipeline", "lng"))


@pytest.fixture(scope="module")
def review(raw):
    for y in EDITIONS:
        raw(f"ei_statistical_review_{y}")
    return statreview.load_editions([f"ei_statistical_review_{y}" for y in EDITIONS], ("TUR",))


# --- layout detection ----------------------------------------------------------------------------

@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_detect_layout_every_edition(raw, edition):
    path = raw(f"ei_statistical_review_{edition}")
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        names = list(wb.sheetnames)
        first = {n: next(wb[n].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True))[0]
                 for k in statreview.SHEET_KINDS for n in k.names if n in names}
    finally:
        wb.close()
    layout = statreview.detect_layout(path, names, first)
    assert layout.edition == edition and layout.data_year == edition - 1
    assert layout.sheets["pipeline"] == EDITIONS[edition]


def test_unknown_sheet_names_fail(ed2019):
    names, first, _, _ = ed2019
    renamed = [n.replace("Gas - Trade movts LNG", "Gas trade LNG (bcm)") for n in names]
    with pytest.raises(UnknownLayoutError, match="lng table: expected exactly one sheet"):
        statreview.detect_layout("bp-2019.xlsx", renamed, first)
    both = [*names, "Gas trade - pipeline"]
    with pytest.raises(UnknownLayoutError, match=r"found \['Gas - Trade movts - pipeline', 'Gas trade - pipeline'\]"):
        statreview.detect_layout("bp-2019.xlsx", both, {**first, "Gas trade - pipeline": "x"})


def test_title_and_year_mismatch_fail(ed2019):
    names, first, _, _ = ed2019
    odd = {**first, "Gas - Trade movts LNG": "Natural Gas: Trade movements 2017 as liquefied natural gas* "}
    with pytest.raises(UnknownLayoutError, match="pipeline matrix is for 2018 but LNG matrix for 2017"):
        statreview.detect_layout("bp-2019.xlsx", names, odd)
    odd = {**first, "Gas - Trade movts - pipeline": "Natural Gas: Trade movements 2018 by pipeline (Mtoe)"}
    with pytest.raises(UnknownLayoutError, match="first cell should match"):
        statreview.detect_layout("bp-2019.xlsx", names, odd)


# --- matrices ------------------------------------------------------------------------------------

def test_pipeline_matrix_lists_turkey_2019(ed2019):
    _, _, layout, rows = ed2019
    m = statreview.parse_matrix(rows["pipeline"], "pipeline", "bp-2019.xlsx", layout)
    tur = m[m["importer"] == "TUR"].set_index("exporter")["bcm"]
    assert tur["AZE"] == pytest.approx(7.239106875) and tur["RUS"] == pytest.approx(22.755453875)
    europe = m[(m["importer"] == "_EUR") & (m["exporter"] == "AZE")]
    assert bool(europe["is_region_total"].iloc[0]) and europe["bcm"].iloc[0] == pytest.approx(9.192691875)


def test_lng_header_split_over_two_rows(ed2019):
    _, _, layout, rows = ed2019
    m = statreview.parse_matrix(rows["lng"], "lng", "bp-2019.xlsx", layout)
    labels = set(m["exporter_label"])
    assert {"Trinidad & Tobago", "Russian Federation", "United Arab Emirates", "Other Americas"} <= labels
    assert m.loc[(m["importer"] == "TUR") & (m["exporter"] == "DZA"), "bcm"].iloc[0] == pytest.approx(4.687, abs=1e-3)


def test_rounded_edition_dashes_and_daggers(ed2023):
    _, _, layout, rows = ed2023
    m = statreview.parse_matrix(rows["lng"], "lng", "EI-2023.xlsx", layout)
    assert m["is_below_0_05"].sum() > 0
    assert (m.loc[m["is_below_0_05"], "bcm"] == 0).all()
    assert m.loc[(m["importer"] == "TUR") & (m["exporter"] == "USA"), "bcm"].iloc[0] == pytest.approx(5.3)
    p = statreview.parse_matrix(rows["pipeline"], "pipeline", "EI-2023.xlsx", layout)
    assert "TUR" not in set(p["importer"]) and "_EUR_REST" in set(p["importer"])


def _altered(rows, r, c, value):
    out = [list(x) for x in rows]
    out[r][c] = value
    return [tuple(x) for x in out]


@pytest.mark.parametrize(("r", "c", "value", "message"), [
    (2, 23, "Total", "no 'Total imports' column"),
    (17, 9, 99.0, r"row 18 \(Turkey\) sums to"),
    (17, 11, "n.a.", "row 18 column 12: expected a number"),
    (2, 0, "From/To", "no single header row starting with 'To'"),
])
def test_altered_pipeline_sheet_fails_clearly(ed2019, r, c, value, message):
    _, _, layout, rows = ed2019
    with pytest.raises(UnknownLayoutError, match=message) as err:
        statreview.parse_matrix(_altered(rows["pipeline"], r, c, value), "pipeline", "bp-2019.xlsx", layout)
    assert "bp-2019.xlsx" in str(err.value)


def test_header_moved_down_fails(ed2019):
    _, _, layout, rows = ed2019
    pipe = rows["pipeline"]
    shifted = [pipe[0], pipe[1], (None,) * len(pipe[2]), *pipe[2:]]
    with pytest.raises(UnknownLayoutError, match="header row 'To' is row 4, expected row 3"):
        statreview.parse_matrix(shifted, "pipeline", "bp-2019.xlsx", layout)


# --- series --------------------------------------------------------------------------------------

def test_interregional_of_which_rows(review):
    ir = review.interregional
    hit = ir[(ir["edition"] == 2024) & (ir["region"] == "_EUR") & (ir["partner"] == "_CIS_OTHER")
             & (ir["year"] == 2023)]
    assert hit["flow"].tolist() == ["pipeline_imports"] and hit["bcm"].iloc[0] == pytest.approx(23.61, abs=0.01)
    ru = ir[(ir["edition"] == 2019) & (ir["region"] == "_EUR") & (ir["partner"] == "RUS") & (ir["year"] == 2018)]
    assert ru["bcm"].iloc[0] == pytest.approx(193.82, abs=0.01)  # 'of which: Russia' in the older spelling
    assert ir[ir["edition"] == 2023]["partner"].eq("").all()  # the 2023 edition has no origin split


def test_unknown_series_row_fails(ed2019):
    _, _, layout, rows = ed2019
    ir = rows["interregional"]
    r = next(i for i, x in enumerate(ir) if x[0] == "LNG imports")
    with pytest.raises(UnknownLayoutError, match="unknown row label 'LNG imports by sea'"):
        statreview.parse_interregional(_altered(ir, r, 0, "LNG imports by sea"), "bp-2019.xlsx", layout)


def test_load_review_on_a_tiny_workbook(ed2019, tmp_path):
    """A workbook holding only a few real rows of each sheet still loads the same numbers."""
    _, _, layout, rows = ed2019
    ir = rows["interregional"]
    start = next(i for i, x in enumerate(ir) if x[0] == "Europe")
    end = next(i for i, x in enumerate(ir) if i > start and x[0] == "Russia")
    cons = rows["consumption"]
    keep = {"pipeline": rows["pipeline"], "lng": rows["lng"],
            "interregional": [*ir[:3], *ir[start:end], (None,)],
            "consumption": [*cons[:3], next(x for x in cons if x[0] == "Turkey")]}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for kind, sheet_rows in keep.items():
        ws = wb.create_sheet(layout.sheets[kind])
        for row in sheet_rows:
            ws.append(list(row))
    path = tmp_path / "tiny.xlsx"
    wb.save(path)
    rev = statreview.load_review(path, manifest.get("ei_statistical_review_2019"), ("TUR",))
    assert rev.editions == [2019]
    assert rev.consumption.set_index("year").loc[2018, "bcm"] == pytest.approx(47.3, abs=0.01)
    tur = rev.matrices[(rev.matrices["importer"] == "TUR") & (rev.matrices["matrix"] == "pipeline")]
    assert tur.set_index("exporter").loc["IRN", "bcm"] == pytest.approx(7.568, abs=1e-3)




def test_workbook_under_another_record_fails(ed2019, tmp_path):
    """The 2019 tables filed under the 2020 edition's record: the loader names the record."""
    _, _, layout, rows = ed2019
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for kind in ("pipeline", "lng", "interregional", "consumption"):
        ws = wb.create_sheet(layout.sheets[kind])
        ws.append([rows[kind][0][0]])
    path = tmp_path / "tiny.xlsx"
    wb.save(path)
    with pytest.raises(UnknownLayoutError, match="edition 2019, but the manifest record ei_statistical_review_2020 "
                                                 "says edition 2020"):
        statreview.load_review(path, manifest.get("ei_statistical_review_2020"))


def test_every_edition_names_its_loader_and_edition():
    for edition in EDITIONS:
        src = manifest.get(f"ei_statistical_review_{edition}")
        assert registry.loader_of(src) is statreview.load_review and src.format["edition"] == str(edition)


def test_edition_sources_map_each_edition_to_its_record():
    ids = ["ei_statistical_review_2019", "ei_statistical_review_2024"]
    assert statreview.edition_sources(ids) == {2019: "ei_statistical_review_2019", 2024: "ei_statistical_review_2024"}
    with pytest.raises(ValueError, match="the same edition was given twice"):
        statreview.edition_sources([ids[0], ids[0]])
