"""The compound splits of the arms, trade and energy registers: each part gets the verdict intended for it,
and the claim's verdict follows the one aggregation rule (README, "How a verdict is earned")."""

from __future__ import annotations

import pytest

from khar_analysis.claims import compound, families
from khar_analysis.claims import register as claims
from khar_analysis.claims.margins import margin, ranking

obs = compound.observation


def _judge(claim_id: str, parts: dict) -> tuple[str, dict[str, str]]:
    v = compound.assess_compound(claims.load_register()[claim_id], parts)
    return v.verdict, {p["name"]: p["verdict"] for p in v.parts}


@pytest.mark.parametrize(("claim_id", "premise_part", "untested"), [
    ("ARMS-2", "deliveries", {"battlefield_effect": None}),
    ("TRADE-1", "all_goods_rank", {"product_supply": None}),
    ("TRADE-3", "trade_tie", {"constraint": None, "tourism_tie": None}),
])
def test_an_untested_core_with_a_premise(claim_id, premise_part, untested):
    held = _judge(claim_id, {premise_part: obs(True, margin=margin(6.4, "pp", "over 4th")), **untested})
    assert held[0] == "not_testable" and held[1][premise_part] == "reproduced"
    assert all(held[1][name] == "not_testable" for name in untested)
    failed = _judge(claim_id, {premise_part: obs(False, margin=margin(-1.0, "pp", "behind 3rd")), **untested})
    assert failed == ("not_reproduced", {**held[1], premise_part: "not_reproduced"})


def test_premise_thresholds_are_read_from_the_parts():
    assert families.part_value("TRADE-1", "all_goods_rank") == 3
    assert families.part_value("TRADE-3", "trade_tie") == 3
    with pytest.raises(claims.RegisterError, match=r"holds no claimed\.value"):
        families.part_value("TRADE-3", "constraint")


def test_energy1_azerbaijan_measured_turkey_not():
    rose = obs(True, {"EU importers only": True}, margin=margin(4.2, "bcm", "volume"))
    assert _judge("ENERGY-1", {"azerbaijan": rose, "turkey": None}) == (
        "reproduced_with_caveat", {"azerbaijan": "reproduced", "turkey": "not_testable"})
    v = compound.assess_compound(claims.load_register()["ENERGY-1"], {"azerbaijan": rose, "turkey": None})
    assert "part turkey not tested" in v.caveat
    fell = obs(False, margin=margin(-0.5, "bcm", "volume"))
    assert _judge("ENERGY-1", {"azerbaijan": fell, "turkey": None})[0] == "not_reproduced"
    edge = obs(True, margin=margin(0.05, "bcm", "volume", precision=0.1))
    assert _judge("ENERGY-1", {"azerbaijan": edge, "turkey": None})[0] == "reproduced_with_caveat"


def test_energy2_dependence_tested_pressure_not():
    lead = ranking({"RUS": 16.2, "AZE": 11.4, "DZA": 5.8}, "bcm", 48.0)
    verdict, parts = _judge("ENERGY-2", {"dependence": obs(lead, {"bounded": None}), "us_pressure": None})
    assert (verdict, parts) == ("reproduced_with_caveat", {"dependence": "reproduced", "us_pressure": "not_testable"})
    behind = ranking({"RUS": 10.0, "AZE": 11.4}, "bcm", 30.0)
    assert _judge("ENERGY-2", {"dependence": obs(behind), "us_pressure": None})[0] == "not_reproduced"
    tie = ranking({"RUS": 11.45, "AZE": 11.4}, "bcm", 30.0)  # within the register's 0.1 bcm precision
    v = compound.assess_compound(claims.load_register()["ENERGY-2"], {"dependence": obs(tie), "us_pressure": None})
    assert v.verdict == "reproduced_with_caveat" and v.knife_edge.startswith("dependence: ")
    failing_variant = obs(lead, {"edition 2020, listed": ["AZE"]})
    assert _judge("ENERGY-2", {"dependence": failing_variant, "us_pressure": None})[1]["dependence"] == \
        "reproduced_with_caveat"


def test_energy3_routes_are_premises_of_an_untested_core():
    assert _judge("ENERGY-3", {"laundering": None, "azerbaijani_route": obs(None), "turkish_route": obs(True)}) == (
        "not_testable", {"laundering": "not_testable", "azerbaijani_route": "not_testable",
                         "turkish_route": "reproduced"})
    assert _judge("ENERGY-3", {"laundering": None, "azerbaijani_route": obs(False),
                               "turkish_route": obs(True)})[0] == "not_reproduced"
