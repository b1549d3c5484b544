"""SIPRI loaders on tiny excerpts of the real files, the layout checks, and the ranking arithmetic."""

from __future__ import annotations

import pytest

from khar_analysis.analysis import arms
from khar_analysis.core.layout_checks import UnknownLayoutError

PERYEAR = "sipri_register_peryear_2026-02-12"
CLASSIC = "sipri_register_2024-03-18"
TIV = "sipri_tiv_imports_2024-10-13"


def _turkish_rows(i: int, line: str) -> bool:
    return i <= 12 or ",Turkiye,Azerbaijan," in line or line.startswith("Azerbaijan,Turkiye,")


def test_peryear_excerpt_loads_tidy(excerpt):
    df = arms.load_register_peryear(excerpt(PERYEAR, _turkish_rows))
    assert list(df.columns) == arms.TIDY_COLUMNS
    assert set(df["supplier"]) == {"TUR"} and set(df["recipient"]) == {"AZE"}
    assert df["release"].iloc[0] == "2026-02-12"
    tb2 = df[df["designation"] == "Bayraktar TB-2"]
    assert tb2[["delivery_year", "units_delivered", "tiv_delivered_mn"]].values.tolist() == [[2020, 12.0, 28.8]]


def test_peryear_renamed_column_fails_naming_file_and_column(excerpt, tmp_path):
    src = excerpt(PERYEAR, _turkish_rows)
    bad = tmp_path / "renamed.csv"
    bad.write_bytes(src.read_bytes().replace(b"TIV delivery values", b"TIV delivered"))
    with pytest.raises(UnknownLayoutError, match=r"renamed.csv: unexpected header on line 12 \(missing: \['TIV"):
        arms.load_register_peryear(bad)


def test_peryear_reordered_columns_fail(excerpt, tmp_path):
    src = excerpt(PERYEAR, _turkish_rows)
    bad = tmp_path / "reordered.csv"
    bad.write_bytes(src.read_bytes().replace(b"Supplier,Recipient", b"Recipient,Supplier", 1))
    with pytest.raises(UnknownLayoutError, match="same names, different order"):
        arms.load_register_peryear(bad)


def test_peryear_wrong_encoding_fails_with_offset(excerpt, tmp_path):
    src = excerpt(PERYEAR, _turkish_rows)
    bad = tmp_path / "latin.csv"
    bad.write_bytes(src.read_bytes().replace(b"Turkiye", "Türkiye".encode("latin-1"), 1))
    with pytest.raises(UnknownLayoutError, match=r"latin.csv: not valid ascii text: byte .* at offset \d+"):
        arms.load_register_peryear(bad)


def test_peryear_missing_generated_line_fails(excerpt, tmp_path):
    src = excerpt(PERYEAR, _turkish_rows)
    bad = tmp_path / "nodate.csv"
    bad.write_bytes(src.read_bytes().replace(b"Data generated:", b"Data made:"))
    with pytest.raises(UnknownLayoutError, match="line 11 should read 'Data generated"):
        arms.load_register_peryear(bad)


def test_classic_excerpt_and_splits_conserve_tiv(excerpt):
    orders = arms.load_register_classic(excerpt(CLASSIC, _turkish_rows))
    assert orders["release"].iloc[0] == "2024-03-18"
    mrl = orders[orders["designation"] == "T-122/300"].iloc[0]
    assert mrl["delivery_years"] == "2012; 2013; 2014" and mrl["tiv_delivered_mn"] == 44.0
    totals = {s: arms.split_orders(orders, s)["tiv_delivered_mn"].sum() for s in arms.SPLITS}
    assert totals["equal"] == pytest.approx(orders["tiv_delivered_mn"].sum())
    assert totals["equal"] == pytest.approx(totals["first_year"]) == pytest.approx(totals["last_year"])
    equal = arms.split_orders(orders, "equal")
    assert equal[equal["designation"] == "T-122/300"]["tiv_delivered_mn"].tolist() == pytest.approx([44 / 3] * 3)
    with pytest.raises(ValueError, match="split='even'"):
        arms.split_orders(orders, "even")


def test_classic_unexpected_flag_value_fails(excerpt, tmp_path):
    src = excerpt(CLASSIC, _turkish_rows)
    bad = tmp_path / "flag.csv"
    bad.write_bytes(src.read_bytes().replace(b"2020,?,12,?,Bayraktar", b"2020,yes,12,?,Bayraktar"))
    with pytest.raises(UnknownLayoutError, match=r"is_order_year_estimate holds \['yes'\]"):
        arms.load_register_classic(bad)


def test_tiv_table_keeps_empty_as_zero_and_flags_below_half(raw):
    tiv = arms.load_tiv_imports(raw(TIV))
    aze = tiv[tiv["recipient"] == "AZE"].set_index("delivery_year")
    assert aze.loc[2011, "tiv_mn"] == 568.0 and aze.loc[2021, "tiv_mn"] == 0.0
    assert not aze["is_below_half"].any()
    assert tiv["release"].iloc[0] == "2024-10-13"


def test_ranking_window_and_margin_on_the_reference_release(raw):
    df = arms.load_register_peryear(raw(PERYEAR))
    ranking = arms.supplier_ranking(df, "AZE", 2011, 2020)
    assert arms.top_order(ranking, 4) == ["RUS", "ISR", "BLR", "TUR"]
    assert ranking["share_pct"].sum() == pytest.approx(100)
    assert arms.rank_of(ranking, "TUR") == 4 and arms.rank_of(ranking, "ATL") is None
    margin = arms.margin_after(ranking, 4)
    assert margin["next_supplier"] == "UKR" and margin["tiv_mn"] > 0
    with pytest.raises(ValueError, match="before its start"):
        arms.supplier_ranking(df, "AZE", 2020, 2011)
    windows = arms.window_ranks(df, "AZE", "TUR", 10, 2011, 2020)
    assert windows["window"].tolist() == ["2011-2020"] and windows["rank"].tolist() == [4]


def test_war_premise_changes_with_the_data(raw):
    df = arms.load_register_peryear(raw(PERYEAR))
    holds, text = arms.war_premise(df, "AZE", "TUR", (2011, 2019), 2020)
    assert holds and "Bayraktar TB-2" in text
    no_uav, _ = arms.war_premise(df[~df["description"].str.contains("UAV")], "AZE", "TUR", (2011, 2019), 2020)
    assert not no_uav
