"""Computations and verdict rules of the regime family, on tiny synthetic index tables (loaders:
tests/sources/test_vdem.py, test_freedomhouse.py, test_rsf.py, test_eiu.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from khar_analysis.analysis import regime
from khar_analysis.claims import register as claims
from khar_analysis.sources.index_tables import HIGHER_FREER

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
    claim = claims.load_register(lay)["REGIME-1"].part_claim("dictatorship")
    assert claims.assess(claim, False, {"a": False, "b": False}).verdict == "not_reproduced"
    assert claims.assess(claim, True, {"a": True, "b": True}).verdict == "reproduced"
    assert claims.assess(claim, False, {"a": True, "b": False}).verdict == "reproduced_with_caveat"


def test_regime2_rule_can_give_every_verdict(lay):
    claim = claims.load_register(lay)["REGIME-2"].part_claim("press_fall")
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
    out = regime.regime2_inputs(tidy, "AZE", "rsf:score", [2023, 2025], ["vdem_v14:v2x_freexp_altinf"], ["fiw:D1"],
                                "scope sentence")
    assert out["observed"] == pytest.approx(15.0)
    shortened = [k for k in out["variants"] if k.startswith("RSF score")]
    assert len(shortened) == 1 and out["variants"][shortened[0]] == pytest.approx(12.0)
    assert out["reason"].startswith("scope sentence; ") and "at its floor" in out["reason"]


# --- REGIME-3, REGIME-4 and the class margins (analysis.regime_claims) ----------------------------

from khar_analysis.analysis import regime_claims  # noqa: E402


def _classes_and_scores(country: str, classes: dict[int, int], scores: dict[int, float]) -> pd.DataFrame:
    cls = _synthetic(classes, series="vdem_v14:v2x_regime", scale_max=3.0, country=country).assign(index="vdem")
    score = _synthetic(scores, series="eiu:score", country=country)
    return pd.concat([cls, score], ignore_index=True).assign(source="src_a")


@pytest.mark.parametrize(("codes", "needed", "every_year", "steps"), [
    ([1, 1, 1], 1, True, 1), ([1, 2], 1, True, -1), ([0, 0], 1, True, 2),
    ([1, 1], 0, False, -1), ([1, 0], 0, False, 1),
])
def test_class_margin_counts_steps_to_flipping(codes, needed, every_year, steps):
    assert regime.class_margin(codes, needed, every_year) == steps


def test_consolidation_holds_for_a_steady_autocracy_and_fails_on_liberalisation():
    steady = _classes_and_scores("TUR", {2020: 1, 2021: 1, 2022: 1}, {2020: 4.5, 2021: 4.4, 2022: 4.6})
    obs = regime_claims.consolidation_inputs(steady, {"vdem_v14:v2x_regime": 1}, "vdem_v14:v2x_regime",
                                             ["eiu:score"], "TUR", 2020, 10.0)
    assert obs["observed"] and obs["margin"][0] == pytest.approx(9.0) and obs["margin"][1] == "% of range"
    assert obs["variants"] == {"EIU Democracy Index: fell at least 10% of range after 2020": False}
    opening = _classes_and_scores("TUR", {2020: 1, 2021: 1, 2022: 1}, {2020: 4.5, 2021: 5.0, 2022: 5.6})
    obs = regime_claims.consolidation_inputs(opening, {"vdem_v14:v2x_regime": 1}, "vdem_v14:v2x_regime",
                                             ["eiu:score"], "TUR", 2020, 10.0)
    assert not obs["observed"] and obs["margin"][0] == pytest.approx(-1.0)
    democracy = _classes_and_scores("TUR", {2020: 1, 2021: 2, 2022: 2}, {2020: 4.5, 2021: 4.5, 2022: 4.5})
    obs = regime_claims.consolidation_inputs(democracy, {"vdem_v14:v2x_regime": 1}, "vdem_v14:v2x_regime",
                                             ["eiu:score"], "TUR", 2020, 10.0)
    assert not obs["observed"] and obs["margin"][:2] == (-1.0, "classes")


def test_autocracy_inputs_and_evidence_rows():
    tidy = _classes_and_scores("AZE", {2012: 1, 2013: 1, 2014: 0}, {2012: 3.0, 2013: 2.9, 2014: 2.8})
    obs = regime_claims.autocracy_inputs(tidy, {"vdem_v14:v2x_regime": 1}, "vdem_v14:v2x_regime", "AZE", 2012)
    assert obs["observed"] is True and obs["margin"][:2] == (1, "classes") and obs["variants"] == {}
    spec = regime_claims.evidence_spec(tidy, ["eiu:score"], ["AZE"], 2013)
    assert list(spec["table"].columns[:2]) == ["source_id", "series"] and len(spec["table"]) == 2
    assert "data_year >= 2013" in spec["code"] and "from 2013" in spec["words"]
    with pytest.raises(KeyError):
        regime_claims.evidence_rows(tidy, ["eiu:score"], ["TUR"], 2013)


def test_regime_compound_parts_get_the_intended_verdicts(lay):
    """REGIME-1: a contradicted core part decides; REGIME-2: the untested illustrations leave a caveat;
    REGIME-3: both countries must hold, the untested attribution leaves a caveat."""
    obs = claims.observation
    register = claims.load_register(lay)
    assert claims.assess_compound(register["REGIME-1"], {"dictatorship": obs(False), "label": None}).verdict \
        == "not_reproduced"
    assert claims.assess_compound(register["REGIME-1"], {"dictatorship": obs(True), "label": None}).verdict \
        == "reproduced_with_caveat"
    r2 = claims.assess_compound(register["REGIME-2"], {"press_fall": obs(14.46), "named_outlets": None,
                                                       "jailing": None})
    assert r2.verdict == "reproduced_with_caveat" and "part jailing not tested" in r2.caveat
    assert claims.assess_compound(register["REGIME-2"], {"press_fall": obs(4.0), "named_outlets": None,
                                                         "jailing": None}).verdict == "not_reproduced"
    r3 = register["REGIME-3"]
    assert claims.assess_compound(r3, {"azerbaijan": obs(True), "turkey": obs(False),
                                       "symbolic_capital": None}).verdict == "not_reproduced"
    assert claims.assess_compound(r3, {"azerbaijan": obs(True), "turkey": obs(True),
                                       "symbolic_capital": None}).verdict == "reproduced_with_caveat"
