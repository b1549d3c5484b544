"""UN DESA loaders on excerpts of the real files, the MIG-1 premise, and the register rows' anchors."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from khar_analysis.analysis import migration
from khar_analysis.article import text as article
from khar_analysis.claims import register as claims
from khar_analysis.core import workbooks
from khar_analysis.core.layout_checks import UnknownLayoutError

KEEP = ["Armenia", "Azerbaijan", "Kazakhstan", "Russian Federation", "Ukraine"]


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


def test_un_2019_excerpt(raw, tmp_path):
    path, grid = cut_un_csv(raw, tmp_path, KEEP, extra_rows=["Caribbean"])
    table = migration.load_undesa_origin_destination(path, "src")
    assert sorted(table["year"].unique()) == migration.UN_YEARS_2019
    row = next(r for r in grid if r[0] == "2019" and r[1] == "Russian Federation")
    got = table.loc[(table["year"] == 2019) & (table["origin"] == "AZE") & (table["destination"] == "RUS"), "persons"]
    assert got.iloc[0] == float(row[grid[0].index("Azerbaijan")])
    assert "Caribbean" not in set(table["destination_name"])


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
        migration.load_undesa_origin_destination(path)


@pytest.fixture(scope="session")
def table1(raw):
    return workbooks.read_grids(raw("undesa_ims_2020_destination"), ["Table 1"])["Table 1"]


def un2020_excerpt(table1, names):
    """Title rows, header and the rows of WORLD and of ``names`` (stripped of indentation and notes)."""
    keep = [r for r in table1[11:] if r[1] is not None and str(r[1]).strip().rstrip("*") in {"WORLD", *names}]
    return [list(r) for r in table1[:11]] + [list(r) for r in keep]


def test_un_2020_excerpt(table1):
    grid = un2020_excerpt(table1, {"Azerbaijan", "Russian Federation", "South Sudan"})
    table = migration.parse_undesa_destination(grid, "un2020.xlsx")
    rus = table[(table["destination"] == "RUS") & (table["year"] == 2020)].iloc[0]
    src = next(r for r in grid if str(r[1]).strip() == "Russian Federation")
    assert rus["persons"] == src[11] and rus["type_of_data"] == "B"
    assert "AZE" in set(table["destination"])
    assert table.loc[table["destination_name"] == "WORLD", "is_aggregate"].all()
    assert table.loc[(table["destination"] == "SSD") & (table["year"] == 1990), "persons"].isna().all()


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
        migration.parse_undesa_destination(grid, "un2020.xlsx")


# --- MIG-1 ----------------------------------------------------------------------------------------

def series(persons):
    return pd.DataFrame([{"source": "s", "edition": "e", "year": 2019, "origin": "AZE", "destination": "RUS",
                          "persons": persons, "share_of_diaspora_pct": 60.0}])


def test_mig1_premise_can_fail(lay):
    mig = claims.load_register(lay)["MIG-1"]
    threshold = float(mig.claimed["value"])
    holds, text = migration.city_premise(series(767_159), threshold, "Moscow")
    assert holds and "Moscow alone is not in these data" in text and "39%" in text
    assert claims.assess(mig, holds).verdict == "not_testable"
    holds, _ = migration.city_premise(series(250_000), threshold, "Moscow")
    assert not holds
    assert claims.assess(mig, holds).verdict == "not_reproduced"
    assert migration.premise_variants(series(250_000), threshold) == {"s, 2019 (250,000)": False}


def test_stock_series_on_an_excerpt(raw, tmp_path):
    path, _ = cut_un_csv(raw, tmp_path, KEEP)
    table = migration.load_undesa_origin_destination(path)
    out = migration.stock_series("AZE", "RUS", [table])
    assert out["year"].tolist() == migration.UN_YEARS_2019
    first = out.iloc[0]
    aze_abroad = table[(table["year"] == 1990) & (table["origin"] == "AZE")]["persons"].sum()
    assert first["diaspora_total"] == aze_abroad
    assert first["basis"] == "sum of cells"


def test_register_rows_locate_their_claims(lay):
    register = claims.load_register(lay)
    for cid in ("REM-1", "MIG-1"):
        c = register[cid]
        assert c.notebook == "02_remittances_migration"
        assert article.quote(c.line, c.anchor, lay)
