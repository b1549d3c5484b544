"""Statistical Review and Eurostat loaders (layout detection included) and the ENERGY-1 to ENERGY-3 rules.

Workbook tests read the real pinned workbooks, or a tiny workbook built in ``tmp_path`` from a few of
their real rows; layout changes are simulated by altering those rows.
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from khar_analysis.analysis import energy
from khar_analysis.claims import register as claims
from khar_analysis.core.layout_checks import UnknownLayoutError

EDITIONS = {2019: "Gas - Trade movts - pipeline", 2020: "Gas - Trade movts - pipeline",
            2021: "Gas - Trade movts - pipeline", 2022: "Gas - Trade movts - pipeline",
            2023: "Gas - Trade movts - pipeline", 2024: "Gas trade - pipeline"}
EUROSTAT = "eurostat_nrg_ti_gas_2022-04-05"


def _sheets(path, kinds=("pipeline", "lng", "interregional", "consumption")):
    """(sheet names, first cells, rows by kind) of a real workbook."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = list(wb.sheetnames)
        cands = [n for k in energy.SHEET_KINDS for n in k.names if n in names]
        first = {n: next(wb[n].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True))[0] for n in cands}
        layout = energy.detect_layout(path, names, first)
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
    return energy.load_editions([f"ei_statistical_review_{y}" for y in EDITIONS])


# --- layout detection ----------------------------------------------------------------------------

@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_detect_layout_every_edition(raw, edition):
    path = raw(f"ei_statistical_review_{edition}")
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        names = list(wb.sheetnames)
        first = {n: next(wb[n].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True))[0]
                 for k in energy.SHEET_KINDS for n in k.names if n in names}
    finally:
        wb.close()
    layout = energy.detect_layout(path, names, first)
    assert layout.edition == edition and layout.data_year == edition - 1
    assert layout.sheets["pipeline"] == EDITIONS[edition]


def test_unknown_sheet_names_fail(ed2019):
    names, first, _, _ = ed2019
    renamed = [n.replace("Gas - Trade movts LNG", "Gas trade LNG (bcm)") for n in names]
    with pytest.raises(UnknownLayoutError, match="lng table: expected exactly one sheet"):
        energy.detect_layout("bp-2019.xlsx", renamed, first)
    both = [*names, "Gas trade - pipeline"]
    with pytest.raises(UnknownLayoutError, match=r"found \['Gas - Trade movts - pipeline', 'Gas trade - pipeline'\]"):
        energy.detect_layout("bp-2019.xlsx", both, {**first, "Gas trade - pipeline": "x"})


def test_title_and_year_mismatch_fail(ed2019):
    names, first, _, _ = ed2019
    odd = {**first, "Gas - Trade movts LNG": "Natural Gas: Trade movements 2017 as liquefied natural gas* "}
    with pytest.raises(UnknownLayoutError, match="pipeline matrix is for 2018 but LNG matrix for 2017"):
        energy.detect_layout("bp-2019.xlsx", names, odd)
    odd = {**first, "Gas - Trade movts - pipeline": "Natural Gas: Trade movements 2018 by pipeline (Mtoe)"}
    with pytest.raises(UnknownLayoutError, match="first cell should match"):
        energy.detect_layout("bp-2019.xlsx", names, odd)


# --- matrices ------------------------------------------------------------------------------------

def test_pipeline_matrix_lists_turkey_2019(ed2019):
    _, _, layout, rows = ed2019
    m = energy.parse_matrix(rows["pipeline"], "pipeline", "bp-2019.xlsx", layout)
    tur = m[m["importer"] == "TUR"].set_index("exporter")["bcm"]
    assert tur["AZE"] == pytest.approx(7.239106875) and tur["RUS"] == pytest.approx(22.755453875)
    europe = m[(m["importer"] == "_EUR") & (m["exporter"] == "AZE")]
    assert bool(europe["is_region_total"].iloc[0]) and europe["bcm"].iloc[0] == pytest.approx(9.192691875)


def test_lng_header_split_over_two_rows(ed2019):
    _, _, layout, rows = ed2019
    m = energy.parse_matrix(rows["lng"], "lng", "bp-2019.xlsx", layout)
    labels = set(m["exporter_label"])
    assert {"Trinidad & Tobago", "Russian Federation", "United Arab Emirates", "Other Americas"} <= labels
    assert m.loc[(m["importer"] == "TUR") & (m["exporter"] == "DZA"), "bcm"].iloc[0] == pytest.approx(4.687, abs=1e-3)


def test_rounded_edition_dashes_and_daggers(ed2023):
    _, _, layout, rows = ed2023
    m = energy.parse_matrix(rows["lng"], "lng", "EI-2023.xlsx", layout)
    assert m["is_below_0_05"].sum() > 0
    assert (m.loc[m["is_below_0_05"], "bcm"] == 0).all()
    assert m.loc[(m["importer"] == "TUR") & (m["exporter"] == "USA"), "bcm"].iloc[0] == pytest.approx(5.3)
    p = energy.parse_matrix(rows["pipeline"], "pipeline", "EI-2023.xlsx", layout)
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
        energy.parse_matrix(_altered(rows["pipeline"], r, c, value), "pipeline", "bp-2019.xlsx", layout)
    assert "bp-2019.xlsx" in str(err.value)


def test_header_moved_down_fails(ed2019):
    _, _, layout, rows = ed2019
    pipe = rows["pipeline"]
    shifted = [pipe[0], pipe[1], (None,) * len(pipe[2]), *pipe[2:]]
    with pytest.raises(UnknownLayoutError, match="header row 'To' is row 4, expected row 3"):
        energy.parse_matrix(shifted, "pipeline", "bp-2019.xlsx", layout)


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
        energy.parse_interregional(_altered(ir, r, 0, "LNG imports by sea"), "bp-2019.xlsx", layout)


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
    rev = energy.load_review(path)
    assert rev.editions == [2019]
    assert rev.consumption.set_index("year").loc[2018, "bcm"] == pytest.approx(47.3, abs=0.01)
    tur = rev.matrices[(rev.matrices["importer"] == "TUR") & (rev.matrices["matrix"] == "pipeline")]
    assert tur.set_index("exporter").loc["IRN", "bcm"] == pytest.approx(7.568, abs=1e-3)


# --- ENERGY-1 ------------------------------------------------------------------------------------

def test_other_cis_is_azerbaijan(review):
    check = energy.check_other_cis(review).dropna()
    assert (check["matrix_other_cis_exporters_bcm"] == 0).all()
    assert (check["series_other_cis_bcm"] - check["matrix_azerbaijan_bcm"]).abs().max() < 0.02


def test_role_rose_and_its_verdict_can_fail(review):
    series = energy.europe_series(review.interregional, 2024)
    holds, text = energy.role_rose(series, (2021, 2021), 2022)
    assert holds and "2021 -> 2022-2023" in text
    claim = claims.load_register()["ENERGY-1"]
    assert claims.assess(claim, holds).verdict == "reproduced"
    fell = series.assign(share_pct=series["share_pct"].where(series["year"] < 2022, 1.0))
    assert energy.role_rose(fell, (2021, 2021), 2022)[0] is False
    assert claims.assess(claim, False).verdict == "not_reproduced"
    assert claims.assess(claim, True, variants={"other": False}).verdict == "reproduced_with_caveat"


def test_first_published_and_eu_series(review):
    first = energy.first_published_series(review).set_index("year")
    assert list(first.index) == [2018, 2019, 2020, 2021, 2022, 2023]
    assert first.loc[2021, "partner_bcm"] == pytest.approx(19.47, abs=0.01)  # later revised to 18.67
    eu = energy.eu_series(review)
    assert list(eu["year"]) == [2021, 2022, 2023]


# --- ENERGY-2 ------------------------------------------------------------------------------------

def test_aggregate_record_finds_turkey_hidden(review):
    rec = energy.aggregate_record(review.matrices, ["TUR"])
    pipe = rec[rec["matrix"] == "pipeline"].set_index("data_year")
    assert pipe.loc[[2018, 2019, 2020], "listed"].all()
    assert set(pipe.loc[[2021, 2022, 2023], "hidden_in"]) == {"Rest of Europe"}
    assert rec[rec["matrix"] == "lng"]["listed"].all()


def test_direct_ranking_and_bounds(review):
    direct = energy.imports_by_origin(review.matrices, "TUR")
    assert sorted(direct["edition"].unique()) == [2019, 2020, 2021]
    y2020 = direct[direct["edition"] == 2021]
    assert energy.top_supplier(y2020) == ["RUS"]
    assert y2020["share_pct"].sum() == pytest.approx(100)
    cal = energy.balance_calibration(review.matrices, review.consumption, "TUR")
    margin = energy.max_balance_error(cal)
    assert 0 < margin < 2
    bounded = energy.bounded_origins(review.matrices, review.consumption, "TUR", energy.TURKEY_PIPELINE_SUPPLIERS,
                                     margin)
    assert (bounded["lower_bcm"] <= bounded["upper_bcm"] + 1e-9).all()
    assert set(bounded.loc[bounded["is_top"], "origin"]) == {"RUS"}
    undecided = energy.bounded_origins(review.matrices, review.consumption, "TUR",
                                       energy.TURKEY_PIPELINE_SUPPLIERS, margin_bcm=20.0)
    variants = energy.energy2_variants(direct, undecided, 2021)
    assert variants["edition 2024 (data 2023), bounded"] == []


def test_energy2_rule_can_fail():
    claim = claims.load_register()["ENERGY-2"]
    assert claims.assess(claim, ["RUS"]).verdict == "reproduced"
    assert claims.assess(claim, ["AZE"]).verdict == "not_reproduced"
    assert claims.assess(claim, ["RUS"], variants={"bounded": []}).verdict == "reproduced_with_caveat"


def test_top_supplier_refuses_an_aggregate_first():
    ranked = pd.DataFrame({"origin": ["_EUR_OTHER", "RUS"], "total_bcm": [9.0, 5.0]})
    assert energy.top_supplier(ranked) == []


# --- ENERGY-3 ------------------------------------------------------------------------------------

def _energy3(review, matrices=None, series=None, margin=None):
    """The ENERGY-3 premise on the real editions, or on altered matrices / an altered export series."""
    matrices = review.matrices if matrices is None else matrices
    cal = energy.balance_calibration(matrices, review.consumption, "TUR")
    margin = energy.max_balance_error(cal) if margin is None else margin
    bounded = energy.bounded_origins(matrices, review.consumption, "TUR", energy.TURKEY_PIPELINE_SUPPLIERS, margin)
    route = energy.flow_into(matrices, "RUS", "AZE")
    transit = energy.flow_into(matrices, "RUS", "TUR", lower=bounded, margin_bcm=margin)
    series = energy.first_published_series(review) if series is None else series
    return energy.energy3_premise(series, route, transit, (2021, 2021), 2022, "AZE", "RUS", "TUR")


def test_flow_into_is_exact_when_listed_and_bounded_when_hidden(review):
    aze = energy.flow_into(review.matrices, "RUS", "AZE").set_index("data_year")
    assert not aze["listed"].any() and set(aze["row_label"]) == {"Other CIS"}
    assert (aze["lower_bcm"] == 0).all() and (aze["upper_bcm"] > 0).all()
    assert aze["received"].isna().all() and energy.received_after(aze.reset_index(), 2022) is None
    cal = energy.balance_calibration(review.matrices, review.consumption, "TUR")
    bounded = energy.bounded_origins(review.matrices, review.consumption, "TUR", energy.TURKEY_PIPELINE_SUPPLIERS,
                                     energy.max_balance_error(cal))
    tur = energy.flow_into(review.matrices, "RUS", "TUR", lower=bounded,
                           margin_bcm=energy.max_balance_error(cal)).set_index("data_year")
    assert tur.loc[2020, "listed"] and tur.loc[2020, "lower_bcm"] == tur.loc[2020, "upper_bcm"]
    assert tur.loc[2022, "row_label"] == "Rest of Europe"
    assert 0 < tur.loc[2022, "lower_bcm"] < tur.loc[2022, "upper_bcm"]
    assert tur["received"].eq(True).all()
    loose = energy.flow_into(review.matrices, "RUS", "TUR", lower=bounded, margin_bcm=50.0)
    assert energy.received_after(loose, 2022) is None
    with pytest.raises(ValueError, match="no data year from 2030"):
        energy.received_after(loose, 2030)


def test_energy3_premise_gives_each_verdict(review):
    claim = claims.load_register()["ENERGY-3"]
    real = _energy3(review)
    assert real["observed"] is None and "'Other CIS'" in real["reason"]
    assert list(real["variants"].values()) == [True]
    verdict = claims.assess(claim, **real)
    assert verdict.verdict == "not_testable" and "premise holds" not in verdict.reason
    # Russia sends nothing to the row that holds Azerbaijan: the premise is contradicted
    m = review.matrices
    dry = m.assign(bcm=m["bcm"].where(~((m["exporter"] == "RUS") & (m["importer"] == "_CIS_OTHER")), 0.0))
    contradicted = _energy3(review, matrices=dry)
    assert contradicted["observed"] is False
    assert claims.assess(claim, **contradicted).verdict == "not_reproduced"
    # Azerbaijan listed as an importer of its own, receiving Russian gas: the premise holds
    listed = m.assign(importer=m["importer"].replace("_CIS_OTHER", "AZE"))
    held = _energy3(review, matrices=listed)
    assert held["observed"] is True and "cannot be decided" not in held["reason"]
    verdict = claims.assess(claim, **held)
    assert verdict.verdict == "not_testable" and "premise holds" in verdict.reason
    # Azerbaijan's exports to Europe not higher after 2021: contradicted whatever the matrices show
    first = energy.first_published_series(review)
    flat = first.assign(partner_bcm=first["partner_bcm"].where(first["year"] < 2022, 1.0))
    assert _energy3(review, matrices=listed, series=flat)["observed"] is False


# --- Eurostat ------------------------------------------------------------------------------------

def test_eurostat_turkey(raw):
    es = energy.load_eurostat_gas_imports(raw(EUROSTAT))
    assert set(es["siec"]) == {"natural_gas", "lng"} and set(es["partner"]) == {"RUS", "_WLD"}
    share = energy.eurostat_share(es, "TUR").set_index("year")
    assert share.loc[2018, "total_tj"] == 1925967
    assert share.loc[2011, "share_pct"] == pytest.approx(100 * 973146 / 1680569)
    assert share.loc[2018, "total_bcm"] == pytest.approx(1925967 / 40_000)
    geo = es[(es["reporter"] == "GEO") & (es["year"] == 2011)]
    assert geo["tj_gcv"].isna().all()  # ':' is not available, not zero


def test_eurostat_changed_unit_fails(raw, tmp_path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(raw(EUROSTAT))
    ws = wb["Summary"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == energy.EUROSTAT_UNIT:
                cell.value = "Million cubic metres"
    path = tmp_path / "eurostat_mcm.xlsx"
    wb.save(path)
    with pytest.raises(UnknownLayoutError, match=r"eurostat_mcm\.xlsx: unexpected Sheet 1: unit"):
        energy.load_eurostat_gas_imports(path)


# --- vintages ------------------------------------------------------------------------------------

def test_vintage_table_spread(review):
    table = energy.vintage_table(review.interregional, "_EUR", "pipeline_imports", "_CIS_OTHER", 2018)
    assert table.loc[2021, 2022] == pytest.approx(19.47, abs=0.01)
    assert table.loc[2021, "spread_bcm"] == pytest.approx(0.8, abs=0.01)
    year, spread = energy.largest_revision(table)
    assert year == 2021 and spread == pytest.approx(0.8, abs=0.01)
    rev = energy.revisions(table)
    hit = rev[(rev["year"] == 2021) & (rev["edition"] == "2022")]
    assert hit["revision_bcm"].iloc[0] == pytest.approx(0.8, abs=0.01)
