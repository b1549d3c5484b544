"""Compound claims: parts judged by their own rules, one aggregation rule for every family."""

from __future__ import annotations

import pytest

from khar_analysis.claims import compound
from khar_analysis.claims.register import RegisterError, parse_records
from khar_analysis.claims.schema import TYPED_CLAIM
from khar_analysis.claims.verdicts import assess

BASE = {"family": "arms", "line": 53, "anchor": ["ab"], "gloss": "a gloss of the claim",
        "claim_type": "qualitative", "notebook": "01_arms_imports"}
DELIVERIES = {"name": "deliveries", "text": "drones were delivered in 2020", "core": False,
              "claimed": {"value": 10, "unit": "UAVs", "text": "at least 10 UAVs"}, "rule": {"kind": "at_least"}}
EFFECT = {"name": "effect", "text": "they decided the war", "core": True, "claimed": {"text": "decisive"},
          "rule": {"kind": "untestable"}, "would_test": "loss records by cause"}
SHARE = {"name": "share", "text": "Turkey's share rose", "core": True,
         "claimed": {"value": 20.0, "unit": "pp", "text": "over 20%"}, "rule": {"kind": "at_least"}}


def claim(*parts, **extra):
    return TYPED_CLAIM.validate_python({**BASE, "id": "X-1", "claimed": {"text": "whole"},
                                        "rule": {"kind": "compound"}, "parts": list(parts), **extra})


obs = compound.observation


@pytest.mark.parametrize(("parts", "observed", "verdict"), [
    ((DELIVERIES, SHARE), {"deliveries": obs(12), "share": obs(57.0)}, "reproduced"),
    ((DELIVERIES, SHARE), {"deliveries": obs(12), "share": obs(3.0)}, "not_reproduced"),
    ((DELIVERIES, SHARE), {"deliveries": obs(2), "share": obs(57.0)}, "reproduced_with_caveat"),
    ((DELIVERIES, EFFECT), {"deliveries": obs(12), "effect": None}, "not_testable"),
    ((DELIVERIES, EFFECT), {"deliveries": obs(2), "effect": None}, "not_reproduced"),
    ((SHARE, EFFECT | {"core": False}), {"share": obs(57.0), "effect": None}, "reproduced_with_caveat"),
    ((SHARE, EFFECT), {"share": obs(57.0), "effect": None}, "reproduced_with_caveat"),
])
def test_aggregation_rule(parts, observed, verdict):
    v = compound.assess_compound(claim(*parts), observed)
    assert v.verdict == verdict
    assert [p["name"] for p in v.parts] == [p["name"] for p in parts]


def test_caveat_names_the_untested_part_and_what_would_test_it():
    v = compound.assess_compound(claim(SHARE, EFFECT | {"core": False}), {"share": obs(57.0), "effect": None})
    assert "part effect not tested (data that would test it: loss records by cause)" in v.caveat
    assert v.margin.startswith("+37 pp") and "(part share)" in v.margin


def test_untestable_with_premise_gives_the_same_verdict_as_the_compound():
    single = TYPED_CLAIM.validate_python({**BASE, "id": "X-2", "claimed": {"value": 10, "text": "decisive"},
                                          "rule": {"kind": "untestable"}, "would_test": "loss records"})
    split = claim(DELIVERIES, EFFECT)
    for premise, value in ((True, 12), (False, 2)):
        a = assess(single, premise)
        b = compound.assess_compound(split, {"deliveries": obs(value), "effect": None})
        assert a.verdict == b.verdict


def test_knife_edge_in_a_part_reaches_the_claim():
    v = compound.assess_compound(claim(DELIVERIES | {"core": True}, SHARE),
                                 {"deliveries": obs(10), "share": obs(57.0)})
    assert v.verdict == "reproduced_with_caveat"
    assert v.knife_edge.startswith("deliveries: above the threshold of 10")


def test_missing_or_unknown_part_observations_are_refused():
    c = claim(DELIVERIES, SHARE)
    with pytest.raises(KeyError, match="no observation for part"):
        compound.assess_compound(c, {"deliveries": obs(12)})
    with pytest.raises(KeyError, match="no part named"):
        compound.assess_compound(c, {"deliveries": obs(12), "share": obs(1.0), "other": None})


@pytest.mark.parametrize(("parts", "found"), [
    ([DELIVERIES], "at least 2"),
    ([DELIVERIES, DELIVERIES | {"core": True}], "distinct names"),
    ([DELIVERIES, SHARE | {"core": False}], "core: true"),
    ([DELIVERIES, EFFECT | {"would_test": ""}], "would_test"),
    ([DELIVERIES, SHARE | {"rule": {"kind": "compound"}}], "not compound"),
])
def test_bad_parts_stop_the_load_with_one_line(parts, found):
    record = {**BASE, "id": "X-1", "claimed": {"text": "whole"}, "rule": {"kind": "compound"}, "parts": parts}
    with pytest.raises(RegisterError) as err:
        parse_records([record], "data/claims/arms.yaml")
    message = str(err.value)
    assert message.startswith("data/claims/arms.yaml: X-1: ") and "\n" not in message
    assert found in message


def test_a_part_s_template_that_does_not_parse_stops_the_load_naming_the_part(tmp_path):
    from khar_analysis.claims.register import _validate_extensions

    record = {**BASE, "id": "X-1", "claimed": {"text": "whole"}, "rule": {"kind": "compound"},
              "parts": [DELIVERIES | {"rule": {"kind": "at_least", "primary": "window {{ start_year"}}, EFFECT]}
    (c,) = parse_records([record], "arms.yaml")
    with pytest.raises(RegisterError, match=r"^arms.yaml: X-1: parts\.deliveries\.rule\.primary: "):
        _validate_extensions(c, [record], "arms.yaml")


def test_part_json_keeps_its_variants():
    v = compound.assess_compound(claim(DELIVERIES, SHARE), {"deliveries": obs(12, variants={"2021": 11}),
                                                          "share": obs(57.0)})
    assert v.parts[0]["variants"] == {"2021": "11 (+1 UAVs above the threshold of 10) -> holds"}


UNTESTED = [{"name": "intent", "text": "Baku used the waves on purpose", "would_test": "records of decisions"}]


def _with_untested(kind="at_least", value=10, **extra):
    return TYPED_CLAIM.validate_python({**BASE, "id": "X-3", "claimed": {"value": value, "unit": "rows",
                                                                         "text": "at least 10 rows"},
                                        "rule": {"kind": kind}, "untested": UNTESTED, **extra})


@pytest.mark.parametrize(("observed", "verdict"), [(12, "reproduced_with_caveat"), (3, "not_reproduced"),
                                                   (None, "not_testable")])
def test_untested_assertions_follow_the_compound_rule(observed, verdict):
    tested = _with_untested()
    v = compound.with_untested(tested, assess(tested, observed))
    assert v.verdict == verdict
    assert [p["name"] for p in v.parts] == ["as_tested", "intent"]
    if verdict == "reproduced_with_caveat":
        assert v.caveat == "part intent not tested (data that would test it: records of decisions)"
        assert v.margin == "+2 rows above the threshold of 10"
    # the same claim written as a compound with the tested assertion as its core gets the same verdict
    split = claim(DELIVERIES | {"core": True, "claimed": {"value": 10, "unit": "rows", "text": "ten rows"}},
                  EFFECT | {"name": "intent", "core": False})
    assert compound.assess_compound(split, {"deliveries": obs(observed), "intent": None}).verdict == verdict


@pytest.mark.parametrize(("kind", "extra", "found"), [
    ("untestable", {"would_test": "records"}, "untested assertions only on a claim with a testing rule"),
    ("at_least", {"parts": [DELIVERIES, SHARE]}, "parts only on a claim whose rule kind is compound"),
])
def test_untested_and_parts_fit_their_rule_kind(kind, extra, found):
    record = {**BASE, "id": "X-4", "claimed": {"value": 1, "unit": "rows", "text": "a claim"},
              "rule": {"kind": kind}, "untested": UNTESTED if kind == "untestable" else [], **extra}
    with pytest.raises(RegisterError, match=found):
        parse_records([record], "events.yaml")
