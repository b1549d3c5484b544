"""V-Dem loaders on tiny excerpts of the real files, the extract's cross-check, and the identity checks."""

from __future__ import annotations

import dataclasses
import json

import pytest

from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.sources import vdem
from khar_analysis.sources.identity import WrongFileError
from khar_analysis.sources.index_tables import HIGHER_FREER, TIDY_COLUMNS

pytestmark = pytest.mark.integration

VDEM_EXTRACT = "vdem_extract_v14_v15_v16"
VDEM_CSV = "vdem_v15_vdem3_csv"


# --- V-Dem ---------------------------------------------------------------------------------------

def _vdem_lines(i: int, line: str) -> bool:
    keep = (line.startswith("v14,AZE") or line.startswith("v15,AZE") or line.startswith("v16,GEO"))
    return i == 1 or (keep and any(f",{y}," in line for y in (2019, 2020, 2021)))


def test_vdem_extract_excerpt_is_tidy(excerpt, record, value):
    tidy = vdem.load_extract(excerpt(VDEM_EXTRACT, _vdem_lines), record(VDEM_EXTRACT))
    assert list(tidy.columns) == TIDY_COLUMNS
    assert value(tidy, "vdem_v14:v2x_regime", "AZE", 2020) == 1.0
    assert value(tidy, "vdem_v14:v2x_polyarchy", "AZE", 2020) == pytest.approx(0.193)
    assert value(tidy, "vdem_v15:v2x_libdem", "AZE", 2020) == pytest.approx(0.065)
    # empty cells are absent, not zero: v15 has no AZE v2x_regime
    assert tidy[(tidy["series"] == "vdem_v15:v2x_regime")].empty
    assert tidy["edition"].isna().all()  # V-Dem has releases, not editions
    row = tidy[tidy["series"] == "vdem_v14:v2x_regime"].iloc[0]
    assert (row.scale_min, row.scale_max, row.direction) == (0.0, 3.0, HIGHER_FREER)


def test_vdem_extract_changed_header_fails(excerpt, record):
    path = excerpt(VDEM_EXTRACT, _vdem_lines)
    path.write_bytes(path.read_bytes().replace(b"v2x_libdem", b"v2x_lib", 1))
    with pytest.raises(UnknownLayoutError, match=r"^vdem_extract_v14_v15_v16: vdem_v14.*header.*missing: \['v2x_lib"):
        vdem.load_extract(path, record(VDEM_EXTRACT))


def test_vdem_csv_drops_merge_only_rows_and_maps_turkiye(excerpt, record, value):
    def keep(i, line):
        return i == 1 or ('"AZE"' in line and ",2020," in line) or ('"TUR"' in line and ",2020," in line) or (
            line.startswith("NA,") and '"AZE"' in line)

    path = excerpt(VDEM_CSV, keep)
    assert any(ln.startswith(b"NA,") for ln in path.read_bytes().splitlines())  # the World-Bank-only rows
    tidy = vdem.load_csv(path, record(VDEM_CSV), wanted=["AZE", "TUR"])
    assert sorted(set(tidy["data_year"])) == [2020]
    assert value(tidy, "vdem_v15:v2x_polyarchy", "AZE", 2020) == pytest.approx(0.193)
    assert "TUR" in set(tidy["country"])  # the file spells it Türkiye


def test_vdem_json_and_extract_check(raw, tmp_path, excerpt, record):
    data = json.loads(raw("vdem_v16_static_json").read_text(encoding="utf-8"))
    small = tmp_path / "v16.json"
    small.write_text(json.dumps({"GEO": {y: data["GEO"][y] for y in ("2019", "2020", "2021")}}), encoding="utf-8")
    v16 = vdem.load_json(small, record("vdem_v16_static_json"), wanted=["GEO", "AZE"])
    assert sorted(set(v16["series"])) == ["vdem_v16:v2x_freexp_altinf", "vdem_v16:v2x_libdem",
                                          "vdem_v16:v2x_polyarchy"]
    extract = vdem.load_extract(excerpt(VDEM_EXTRACT, _vdem_lines), record(VDEM_EXTRACT))
    geo = extract[extract["country"] == "GEO"]
    report = vdem.check_extract(geo, [v16])
    assert set(report["max_abs_diff"]) == {0.0}
    tampered = geo.copy()
    tampered.loc[tampered.index[0], "value"] += 0.001
    with pytest.raises(UnknownLayoutError, match="differs from its sources"):
        vdem.check_extract(tampered, [v16])


def test_vdem_extract_with_other_countries_than_its_record_fails(excerpt, record):
    with pytest.raises(WrongFileError, match=r"^vdem_extract_v14_v15_v16: .*country set should be"):
        vdem.load_extract(excerpt(VDEM_EXTRACT, _vdem_lines), record(VDEM_EXTRACT, keep_countries=True))


def test_vdem_release_comes_from_the_record(raw, tmp_path, record):
    small = tmp_path / "v15.json"
    small.write_text('{"GEO": {"2020": {"v2x_polyarchy": 0.5, "v2x_libdem": 0.4, "v2x_freexp_altinf": 0.6}}}',
                     encoding="utf-8")
    tidy = vdem.load_json(small, record("vdem_v15_static_json"), wanted=["GEO"])
    assert set(tidy["release"]) == {"v15"} and set(tidy["source"]) == {"vdem_v15_static_json"}
    two = dataclasses.replace(record("vdem_v15_static_json"), release="V-Dem v15 and v16")
    with pytest.raises(WrongFileError, match=r"^vdem_v15_static_json: .*number of V-Dem releases"):
        vdem.load_json(small, two, wanted=["GEO"])
