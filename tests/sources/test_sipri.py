"""SIPRI loaders: tiny inline files for the identity checks and the split, excerpts of the real files for
the layouts; and the loader choice by ``format.loader``."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.provenance import manifest
from khar_analysis.sources import registry, sipri
from khar_analysis.sources.identity import WrongFileError

PERYEAR = "sipri_register_peryear_2026-02-12"
CLASSIC = "sipri_register_2024-03-18"
TIV = "sipri_tiv_imports_2024-10-13"

PREAMBLE = ["Transfers of major conventional arms", *["note"] * 9]


def _tiv_file(tmp_path, generated: str = "13 Oct 2024 12:33:29 PM", recipient: str = "Azerbaijan"):
    lines = ["Volume of transfers of major arms", *["note"] * 6, f"Data generated: {generated}", "",
             "Recipient,2019,2020,2019-2020,Percentage,Sum total years,Percentage of total",
             f"{recipient},0,19,19,0.1%,19,0.1%"]
    path = tmp_path / "tiv.csv"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def _source(source_id: str, **fmt):
    src = manifest.get(source_id)
    return dataclasses.replace(src, format={**src.format, **fmt})


def test_tiv_table_inline(tmp_path):
    tiv = sipri.load_tiv_imports(_tiv_file(tmp_path), _source(TIV, recipients=["AZE"]))
    assert tiv[["delivery_year", "tiv_mn", "is_below_half"]].values.tolist() == [[2019, 0.0, True], [2020, 19.0, False]]
    assert set(tiv["recipient"]) == {"AZE"} and set(tiv["release"]) == {"2024-10-13"}


def test_generated_date_must_be_the_records(tmp_path):
    with pytest.raises(UnknownLayoutError, match=f"generated 2023-10-13, but the manifest record {TIV} says"):
        sipri.load_tiv_imports(_tiv_file(tmp_path, "13 Oct 2023 1:00:00 PM"), manifest.get(TIV))


def test_recipient_outside_the_extract_fails(tmp_path):
    with pytest.raises(WrongFileError, match=rf"^{TIV}: .*recipients should be \['AZE'\], the file has \['GEO'\]"):
        sipri.load_tiv_imports(_tiv_file(tmp_path, recipient="Georgia"), _source(TIV, recipients=["AZE"]))


def test_file_of_one_recipient_under_a_two_recipient_record_fails(tmp_path):
    """A file holding only Armenia's rows pinned under the AZE+ARM record would read as 'no deliveries to AZE'."""
    with pytest.raises(WrongFileError, match=rf"^{TIV}: .*recipients should be "
                                             r"\['ARM', 'AZE'\], the file has \['ARM'\]$"):
        sipri.load_tiv_imports(_tiv_file(tmp_path, recipient="Armenia"), manifest.get(TIV))


def _peryear_file(tmp_path, recipient: str) -> object:
    row = ['1', 'Turkiye', recipient, 'Bayraktar TB2', 'UAV', 'Aircraft', '2020', 'No', '12', 'No', '2020', 'No',
           'Delivered', 'No', '5', '60', 'No']
    lines = [*PREAMBLE, "Data generated: 12 Feb 2026", ",".join(f'"{h}"' for h in sipri.PERYEAR_COLUMNS) + ";",
             ",".join(f'"{v}"' for v in row) + ";"]
    path = tmp_path / "peryear.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))
    return path


def test_register_of_the_wrong_recipient_under_the_right_id_fails_naming_the_source(tmp_path):
    src = manifest.get(PERYEAR)
    table = sipri.load_register_peryear(_peryear_file(tmp_path, "Azerbaijan"), _source(PERYEAR, recipients=["AZE"]))
    assert table["recipient"].tolist() == ["AZE"] and table["supplier"].tolist() == ["TUR"]
    with pytest.raises(WrongFileError, match=rf"^{PERYEAR}: the file is not what its manifest record says: "
                                             r"recipients should be \['ARM', 'AZE'\], the file has \['GEO'\]"):
        sipri.load_register_peryear(_peryear_file(tmp_path, "Georgia"), src)


def test_split_orders_inline():
    orders = pd.DataFrame([{
        "release": "2024-03-18", "recipient": "AZE", "supplier": "TUR", "supplier_name": "Turkiye",
        "designation": "X", "description": "MRL", "status": "New", "units_delivered": 3.0,
        "tiv_delivered_mn": 30.0, "is_units_delivered_estimate": False, "delivery_years": "2012; 2013; 2014"},
        {"release": "2024-03-18", "recipient": "AZE", "supplier": "TUR", "supplier_name": "Turkiye",
         "designation": "Y", "description": "APC", "status": "New", "units_delivered": None,
         "tiv_delivered_mn": float("nan"), "is_units_delivered_estimate": True, "delivery_years": ""}])
    equal = sipri.split_orders(orders, "equal")
    assert list(equal.columns) == sipri.TIDY_COLUMNS
    assert equal["delivery_year"].tolist() == [2012, 2013, 2014] and equal["tiv_delivered_mn"].sum() == 30.0
    assert sipri.split_orders(orders, "last_year")[["delivery_year", "tiv_delivered_mn"]].values.tolist() == [
        [2014, 30.0]]
    with pytest.raises(ValueError, match="split='even'"):
        sipri.split_orders(orders, "even")


@pytest.mark.parametrize("fmt", [{"loader": "no_such_loader"}, {"loader": None}])
def test_record_without_a_known_loader_fails_naming_the_source(monkeypatch, fmt):
    src = _source(TIV, **fmt)
    if fmt["loader"] is None:
        src = dataclasses.replace(src, format={k: v for k, v in src.format.items() if k != "loader"})
    monkeypatch.setattr(manifest, "get", lambda source_id, lay=None: src)
    with pytest.raises(registry.NoLoaderError) as err:
        registry.loader_of(src)
    assert str(err.value).startswith(f"{TIV}: ") and "\n" not in str(err.value)
    with pytest.raises(registry.NoLoaderError, match=f"^{TIV}: "):
        sipri.load_release(TIV)


def test_registered_loaders_are_chosen_by_format_loader():
    assert registry.loader_of(manifest.get(PERYEAR)) is sipri.load_register_peryear
    assert registry.loader_of(manifest.get(CLASSIC)) is sipri.load_register_classic
    assert registry.loader_of(manifest.get(TIV)) is sipri.load_tiv_imports


# --- excerpts of the real files ----------------------------------------------------------------------

def _turkish_rows(i: int, line: str) -> bool:
    return i <= 12 or ",Turkiye,Azerbaijan," in line or line.startswith("Azerbaijan,Turkiye,")


@pytest.fixture
def peryear(excerpt):
    return excerpt(PERYEAR, _turkish_rows), _source(PERYEAR, recipients=["AZE"])  # the excerpt: AZE's rows


@pytest.mark.integration
def test_peryear_excerpt_loads_tidy(peryear):
    df = sipri.load_register_peryear(*peryear)
    assert list(df.columns) == sipri.TIDY_COLUMNS
    assert set(df["supplier"]) == {"TUR"} and set(df["recipient"]) == {"AZE"}
    assert df["release"].iloc[0] == "2026-02-12"
    tb2 = df[df["designation"] == "Bayraktar TB-2"]
    assert tb2[["delivery_year", "units_delivered", "tiv_delivered_mn"]].values.tolist() == [[2020, 12.0, 28.8]]


def _altered(tmp_path, path, name: str, old: bytes, new: bytes, count: int = -1):
    bad = tmp_path / name
    bad.write_bytes(path.read_bytes().replace(old, new, count))
    return bad


@pytest.mark.integration
def test_peryear_renamed_column_fails_naming_file_and_column(peryear, tmp_path):
    bad = _altered(tmp_path, peryear[0], "renamed.csv", b"TIV delivery values", b"TIV delivered")
    with pytest.raises(UnknownLayoutError, match=r"renamed.csv: unexpected header on line 12 \(missing: \['TIV"):
        sipri.load_register_peryear(bad, peryear[1])


@pytest.mark.integration
def test_peryear_reordered_columns_fail(peryear, tmp_path):
    bad = _altered(tmp_path, peryear[0], "reordered.csv", b"Supplier,Recipient", b"Recipient,Supplier", 1)
    with pytest.raises(UnknownLayoutError, match="same names, different order"):
        sipri.load_register_peryear(bad, peryear[1])


@pytest.mark.integration
def test_peryear_wrong_encoding_fails_with_offset(peryear, tmp_path):
    bad = _altered(tmp_path, peryear[0], "latin.csv", b"Turkiye", "Türkiye".encode("latin-1"), 1)
    with pytest.raises(UnknownLayoutError, match=r"latin.csv: not valid ascii text: byte .* at offset \d+"):
        sipri.load_register_peryear(bad, peryear[1])


@pytest.mark.integration
def test_peryear_missing_generated_line_fails(peryear, tmp_path):
    bad = _altered(tmp_path, peryear[0], "nodate.csv", b"Data generated:", b"Data made:")
    with pytest.raises(UnknownLayoutError, match="line 11 should read 'Data generated"):
        sipri.load_register_peryear(bad, peryear[1])


@pytest.mark.integration
def test_classic_excerpt_and_splits_conserve_tiv(excerpt):
    orders = sipri.load_register_classic(excerpt(CLASSIC, _turkish_rows), _source(CLASSIC, recipients=["AZE"]))
    assert orders["release"].iloc[0] == "2024-03-18"
    mrl = orders[orders["designation"] == "T-122/300"].iloc[0]
    assert mrl["delivery_years"] == "2012; 2013; 2014" and mrl["tiv_delivered_mn"] == 44.0
    totals = {s: sipri.split_orders(orders, s)["tiv_delivered_mn"].sum() for s in sipri.SPLITS}
    assert totals["equal"] == pytest.approx(orders["tiv_delivered_mn"].sum())
    assert totals["equal"] == pytest.approx(totals["first_year"]) == pytest.approx(totals["last_year"])
    equal = sipri.split_orders(orders, "equal")
    assert equal[equal["designation"] == "T-122/300"]["tiv_delivered_mn"].tolist() == pytest.approx([44 / 3] * 3)


@pytest.mark.integration
def test_classic_unexpected_flag_value_fails(excerpt, tmp_path):
    src = excerpt(CLASSIC, _turkish_rows)
    bad = _altered(tmp_path, src, "flag.csv", b"2020,?,12,?,Bayraktar", b"2020,yes,12,?,Bayraktar")
    with pytest.raises(UnknownLayoutError, match=r"is_order_year_estimate holds \['yes'\]"):
        sipri.load_register_classic(bad, _source(CLASSIC, recipients=["AZE"]))


@pytest.mark.integration
def test_classic_file_under_another_record_fails(excerpt):
    with pytest.raises(UnknownLayoutError, match="but the manifest record sipri_register_2026-05-18 says 2026-05-18"):
        sipri.load_register_classic(excerpt(CLASSIC, _turkish_rows), manifest.get("sipri_register_2026-05-18"))


@pytest.mark.integration
def test_tiv_table_keeps_empty_as_zero_and_flags_below_half(raw):
    tiv = registry.load(TIV)
    aze = tiv[tiv["recipient"] == "AZE"].set_index("delivery_year")
    assert aze.loc[2011, "tiv_mn"] == 568.0 and aze.loc[2021, "tiv_mn"] == 0.0
    assert not aze["is_below_half"].any()
    assert tiv["release"].iloc[0] == "2024-10-13"


@pytest.mark.integration
def test_release_labels_follow_the_loader(raw):
    assert sipri.release_label(PERYEAR) == "March-2025 release, per-year"
    assert sipri.release_label(CLASSIC) == "March-2024 release, classic"


def test_all_splits_gives_every_split():
    orders = pd.DataFrame([{
        "release": "2024-03-18", "recipient": "AZE", "supplier": "TUR", "supplier_name": "Turkiye",
        "designation": "X", "description": "MRL", "status": "New", "units_delivered": 2.0,
        "tiv_delivered_mn": 10.0, "is_units_delivered_estimate": False, "delivery_years": "2012; 2013"}])
    splits = sipri.all_splits(orders)
    assert list(splits) == list(sipri.SPLITS)
    assert [splits[s]["delivery_year"].tolist() for s in sipri.SPLITS] == [[2012, 2013], [2012], [2013]]


def test_release_labels_name_each_register():
    labels = sipri.release_labels(["sipri_register_peryear_2026-02-12", "sipri_register_2024-03-18"])
    assert labels == {"sipri_register_peryear_2026-02-12": "March-2025 release, per-year",
                      "sipri_register_2024-03-18": "March-2024 release, classic"}


@pytest.mark.integration
def test_releases_by_split_spreads_only_the_classic_registers(raw):
    ids = ["sipri_register_peryear_2026-02-12", "sipri_register_2024-03-18"]
    for s in ids:
        raw(s)
    by_source = sipri.releases_by_split(ids)
    assert list(by_source[ids[0]]) == ["reported"] and list(by_source[ids[1]]) == list(sipri.SPLITS)
    totals = {split: t["tiv_delivered_mn"].sum() for split, t in by_source[ids[1]].items()}
    assert max(totals.values()) - min(totals.values()) < 1e-6  # a split moves TIV between years, never adds any
