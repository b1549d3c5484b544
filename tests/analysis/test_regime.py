"""Loaders, decoding and verdict rules of the regime family, on tiny excerpts of the real index files."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from khar_analysis.analysis import regime
from khar_analysis.claims import register as claims
from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.sources import eiu, freedomhouse, rsf, vdem
from khar_analysis.sources.index_tables import HIGHER_FREER, LOWER_FREER, TIDY_COLUMNS

VDEM_EXTRACT = "vdem_extract_v14_v15_v16"
VDEM_CSV = "vdem_v15_vdem3_csv"
FIW = "fiw_2013-2025_extract"
RSF_SERIES = "rsf_2002-2025_extract"
RSF_2025 = "rsf_2025_raw_extract"
EIU = "eiu_owid_extract"


def _value(tidy: pd.DataFrame, series: str, country: str, year: int) -> float:
    hit = tidy[(tidy["series"] == series) & (tidy["country"] == country) & (tidy["data_year"] == year)]
    assert len(hit) == 1, (series, country, year)
    return float(hit["value"].iloc[0])


# --- V-Dem ---------------------------------------------------------------------------------------

def _vdem_lines(i: int, line: str) -> bool:
    keep = (line.startswith("v14,AZE") or line.startswith("v15,AZE") or line.startswith("v16,GEO"))
    return i == 1 or (keep and any(f",{y}," in line for y in (2019, 2020, 2021)))


def test_vdem_extract_excerpt_is_tidy(excerpt):
    tidy = vdem.load_extract(excerpt(VDEM_EXTRACT, _vdem_lines))
    assert list(tidy.columns) == TIDY_COLUMNS
    assert _value(tidy, "vdem_v14:v2x_regime", "AZE", 2020) == 1.0
    assert _value(tidy, "vdem_v14:v2x_polyarchy", "AZE", 2020) == pytest.approx(0.193)
    assert _value(tidy, "vdem_v15:v2x_libdem", "AZE", 2020) == pytest.approx(0.065)
    # empty cells are absent, not zero: v15 has no AZE v2x_regime
    assert tidy[(tidy["series"] == "vdem_v15:v2x_regime")].empty
    assert tidy["edition"].isna().all()  # V-Dem has releases, not editions
    row = tidy[tidy["series"] == "vdem_v14:v2x_regime"].iloc[0]
    assert (row.scale_min, row.scale_max, row.direction) == (0.0, 3.0, HIGHER_FREER)


def test_vdem_extract_changed_header_fails(excerpt, tmp_path):
    path = excerpt(VDEM_EXTRACT, _vdem_lines)
    path.write_bytes(path.read_bytes().replace(b"v2x_libdem", b"v2x_lib", 1))
    with pytest.raises(UnknownLayoutError, match=r"vdem_v14.*header.*missing: \['v2x_libdem'\]"):
        vdem.load_extract(path)


def test_vdem_csv_drops_merge_only_rows_and_maps_turkiye(excerpt):
    def keep(i, line):
        return i == 1 or ('"AZE"' in line and ",2020," in line) or ('"TUR"' in line and ",2020," in line) or (
            line.startswith("NA,") and '"AZE"' in line)

    path = excerpt(VDEM_CSV, keep)
    assert any(ln.startswith(b"NA,") for ln in path.read_bytes().splitlines())  # the World-Bank-only rows
    tidy = vdem.load_csv(path, ["AZE", "TUR"])
    assert sorted(set(tidy["data_year"])) == [2020]
    assert _value(tidy, "vdem_v15:v2x_polyarchy", "AZE", 2020) == pytest.approx(0.193)
    assert "TUR" in set(tidy["country"])  # the file spells it Türkiye


def test_vdem_json_and_extract_check(raw, tmp_path, excerpt):
    data = json.loads(raw("vdem_v16_static_json").read_text(encoding="utf-8"))
    small = tmp_path / "v16.json"
    small.write_text(json.dumps({"GEO": {y: data["GEO"][y] for y in ("2019", "2020", "2021")}}), encoding="utf-8")
    v16 = vdem.load_json(small, "v16", "vdem_v16_static_json", ["GEO", "AZE"])
    assert sorted(set(v16["series"])) == ["vdem_v16:v2x_freexp_altinf", "vdem_v16:v2x_libdem",
                                          "vdem_v16:v2x_polyarchy"]
    extract = vdem.load_extract(excerpt(VDEM_EXTRACT, _vdem_lines))
    geo = extract[extract["country"] == "GEO"]
    report = vdem.check_extract(geo, [v16])
    assert set(report["max_abs_diff"]) == {0.0}
    tampered = geo.copy()
    tampered.loc[tampered.index[0], "value"] += 0.001
    with pytest.raises(UnknownLayoutError, match="differs from its sources"):
        vdem.check_extract(tampered, [v16])


# --- Freedom House -------------------------------------------------------------------------------

def _fiw_lines(i: int, line: str) -> bool:
    return i <= 2 or line.startswith(("Azerbaijan;", "Nagorno-Karabakh;Eurasia;t;2024"))


def test_fiw_excerpt_editions_and_status(excerpt):
    tidy = freedomhouse.load_fiw(excerpt(FIW, _fiw_lines))
    # edition 2025 describes 2024
    row = tidy[(tidy["series"] == "fiw:Total") & (tidy["country"] == "AZE") & (tidy["edition"] == 2025)].iloc[0]
    assert (row.data_year, row.value) == (2024, 7.0)
    assert _value(tidy, "fiw:Total", "AZE", 2020) == 10.0
    assert _value(tidy, "fiw:Status", "AZE", 2020) == freedomhouse.STATUS["NF"]
    assert _value(tidy, "fiw:Add Q", "AZE", 2024) == 2.0
    # the territory maps to its pseudo-code, and Add Q pushes its total below zero
    assert _value(tidy, "fiw:Total", "_NKR", 2023) == -3.0


def test_fiw_inconsistent_total_fails(excerpt):
    path = excerpt(FIW, _fiw_lines)
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2][: lines[2].rfind(b";") + 1] + b"8"  # AZE 2025 total 7 -> 8
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(UnknownLayoutError, match="Total differs from the sum"):
        freedomhouse.load_fiw(path)


# --- RSF -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("stored", "kind", "expected"), [
    ("2799", "numeric", 27.99), ("716", "numeric", 71.6), ("27", "numeric", 27.0), ("56,38", "character", 56.38),
    ("18,83333333", "character", 18.83333333), ("26", "character", 26.0),
])
def test_decode_rsf_score(stored, kind, expected):
    assert rsf.decode_score(stored, kind) == pytest.approx(expected)


@pytest.mark.parametrize(("stored", "kind"), [("31125", "numeric"), ("5,5", "character"), ("2,7", "numeric"),
                                              ("27", "logical")])
def test_decode_rsf_score_refuses_ambiguous_values(stored, kind):
    with pytest.raises(ValueError):
        rsf.decode_score(stored, kind)


def _rsf_lines(i: int, line: str) -> bool:
    return i == 1 or ",AZE," in line


def test_rsf_series_decoded_with_scale_breaks_and_offsets(excerpt):
    tidy = rsf.load_series(excerpt(RSF_SERIES, _rsf_lines))
    score = tidy[tidy["series"] == "rsf:score"].set_index("edition")
    assert score.loc[2025, "value"] == pytest.approx(25.47)  # stored 2547
    assert score.loc[2017, "value"] == pytest.approx(43.6)  # stored 436
    assert score.loc[2012, "data_year"] == 2011  # the 2011-12 edition
    assert score.loc[2012, "direction"] == LOWER_FREER
    assert math.isnan(score.loc[2012, "scale_max"])
    assert {score.loc[e, "scale"] for e in (2013, 2021)} == {rsf.SCALES[1].label}
    assert score.loc[2022, "scale"] == rsf.SCALES[2].label
    with pytest.raises(ValueError, match="crosses a scale break"):
        regime.window_change(tidy[tidy["series"] == "rsf:score"], 2020, 2022)


def test_rsf_series_wrong_decoding_fails(excerpt):
    path = excerpt(RSF_SERIES, _rsf_lines)
    path.write_bytes(path.read_bytes().replace(b"25.47,2547", b"25.47,2548"))
    with pytest.raises(UnknownLayoutError, match="decoded scores differ"):
        rsf.load_series(path)


def test_rsf_decoding_checked_against_raw_2025(excerpt):
    series = rsf.load_series(excerpt(RSF_SERIES, _rsf_lines))
    raw = rsf.load_2025(excerpt(RSF_2025, lambda i, line: i == 1 or line.startswith("AZE;")))
    assert _value(raw, "rsf:score", "AZE", 2024) == pytest.approx(25.47)
    assert _value(raw, "rsf:score", "AZE", 2023) == pytest.approx(27.99)  # Score N-1
    assert _value(raw, "rsf:safety", "AZE", 2024) == pytest.approx(28.57)
    report = rsf.check_decoding(series, raw)
    assert len(report) == 4 and report["matches"].all()
    bad = series.copy()
    bad.loc[(bad["series"] == "rsf:rank") & (bad["edition"] == 2025), "value"] = 166.0
    with pytest.raises(UnknownLayoutError, match="differs from RSF's 2025 CSV"):
        rsf.check_decoding(bad, raw)


# --- EIU -----------------------------------------------------------------------------------------

def test_eiu_excerpt_and_classes(excerpt):
    tidy = eiu.load_index(excerpt(EIU, lambda i, line: i == 1 or line.startswith("Azerbaijan,")))
    assert _value(tidy, "eiu:score", "AZE", 2024) == pytest.approx(2.8)
    assert _value(tidy, "eiu:regime_class", "AZE", 2024) == 0.0
    assert [eiu.regime_class(x) for x in (4.0, 4.01, 6.0, 8.0, 8.01)] == [0, 1, 1, 2, 3]


# --- computations and the verdict rules ----------------------------------------------------------

def _synthetic(values: dict[int, float], series: str = "x:score", scale_max: float = 10.0,
               country: str = "AZE") -> pd.DataFrame:
    return pd.DataFrame({"series": series, "index": "eiu", "country": country, "data_year": list(values),
                         "edition": list(values), "value": list(values.values()), "scale": "test 0-10",
                         "scale_min": 0.0, "scale_max": scale_max, "direction": HIGHER_FREER})


def test_trend_break_detects_a_fall_beyond_trend_only():
    flat_then_drop = _synthetic({2012: 5, 2013: 5, 2014: 5, 2015: 5, 2020: 5, 2021: 4.5, 2022: 3.8})
    res = regime.trend_break(flat_then_drop, 2020, 2012, 0.1)
    assert res["departure"] == pytest.approx(-1.2) and res["is_hardening"]
    steady = _synthetic({y: 9 - 0.5 * (y - 2012) for y in range(2012, 2023)})
    assert not regime.trend_break(steady, 2020, 2012, 0.1)["is_hardening"]
    floor = _synthetic({2012: 3, 2014: 2, 2016: 1, 2018: 0.5, 2020: 0.4, 2022: 0.3})
    res = regime.trend_break(floor, 2020, 2012, 0.1)
    assert res["projected_last"] == 0.0  # clipped at the scale's floor


def test_class_transition_to_bottom():
    tidy = _synthetic({2019: 1, 2020: 1, 2021: 1, 2022: 0}, series="vdem_v14:v2x_regime", scale_max=3.0)
    tidy["index"] = "vdem"
    out = regime.class_transitions(tidy, ["vdem_v14:v2x_regime"], "AZE", 2020).iloc[0]
    assert out.moved_to_bottom and not out.is_bottom_at_break and out.classes_after.startswith("closed")
    already = tidy.assign(value=0.0)
    assert regime.class_transitions(already, ["vdem_v14:v2x_regime"], "AZE", 2020).iloc[0].is_bottom_at_break


def test_regime1_rule_can_give_every_verdict(lay):
    claim = claims.load_register(lay)["REGIME-1"]
    assert claims.assess(claim, False, {"a": False, "b": False}).verdict == "not_reproduced"
    assert claims.assess(claim, True, {"a": True, "b": True}).verdict == "reproduced"
    assert claims.assess(claim, False, {"a": True, "b": False}).verdict == "reproduced_with_caveat"


def test_regime2_rule_can_give_every_verdict(lay):
    claim = claims.load_register(lay)["REGIME-2"]
    assert claims.assess(claim, 14.46, {"v": 12.0}).verdict == "reproduced"
    assert claims.assess(claim, 14.46, {"v": -2.3}).verdict == "reproduced_with_caveat"
    assert claims.assess(claim, 4.0, {"v": 2.0}).verdict == "not_reproduced"


def test_regime2_inputs_compare_like_with_like():
    rsf = _synthetic({2021: 40, 2022: 40, 2023: 28, 2024: 25}, series="rsf:score", scale_max=100.0)
    rank = _synthetic({2021: 150, 2022: 151, 2023: 164, 2024: 167}, series="rsf:rank", scale_max=math.nan)
    vdem = _synthetic({2021: 0.15, 2022: 0.15, 2023: 0.175}, series="vdem_v14:v2x_freexp_altinf", scale_max=1.0)
    media = _synthetic({2022: 0, 2023: 0, 2024: 0}, series="fiw:D1", scale_max=4.0)
    tidy = pd.concat([rsf, rank, vdem, media], ignore_index=True)
    tidy["edition"] = tidy["data_year"] + 1
    out = regime.regime2_inputs(tidy, "AZE", "rsf:score", [2023, 2025], ["vdem_v14:v2x_freexp_altinf"], ["fiw:D1"])
    assert out["observed"] == pytest.approx(15.0)
    shortened = [k for k in out["variants"] if k.startswith("RSF score")]
    assert len(shortened) == 1 and out["variants"][shortened[0]] == pytest.approx(12.0)
    assert "at its floor" in out["reason"]


@pytest.mark.parametrize(("load", "source", "keep", "old", "new"), [
    (lambda p: vdem.load_csv(p, ["AZE"]), VDEM_CSV, lambda i, ln: i <= 3, b'"v2x_libdem"', b'"v2x_lib"'),
    (freedomhouse.load_fiw, FIW, _fiw_lines, b";Add Q;", b";AddQ;"),
    (rsf.load_series, RSF_SERIES, _rsf_lines, b"score_as_stored", b"score_stored"),
    (rsf.load_2025, RSF_2025, lambda i, ln: i <= 2, b"Score N-1", b"Score 2024"),
    (eiu.load_index, EIU, lambda i, ln: i <= 3, b"Democracy score", b"Democracy index"),
])
def test_changed_header_fails_naming_the_file(excerpt, load, source, keep, old, new):
    path = excerpt(source, keep)
    path.write_bytes(path.read_bytes().replace(old, new, 1))
    with pytest.raises(UnknownLayoutError, match=rf"^{path.name[:20]}.*header"):
        load(path)
