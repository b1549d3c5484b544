"""The verdict rules: each rule gives each verdict on the right observations (claims built inline)."""

from __future__ import annotations

import pytest

from khar_analysis.claims import register as claims


def _claim(kind: str, value=None, tolerance=None, would_test: str = "records that would test it") -> claims.Claim:
    rule = {"kind": kind}
    if tolerance:
        rule["tolerance"] = tolerance
    return claims.Claim(id="T-1", family="test", line=1, anchor=[], gloss="a test claim", claim_type="share",
                        claimed={"value": value, "unit": "unit", "text": "the claim"}, rule=rule, notebook="00_test",
                        would_test=would_test)


@pytest.mark.parametrize(
    ("observed", "variants", "expected"),
    [
        (["RUS", "ISR", "BLR", "TUR", "UKR"], {}, "reproduced"),
        (["RUS", "ISR", "TUR", "BLR"], {}, "not_reproduced"),
        (["RUS", "ISR", "BLR", "TUR"], {"other": ["RUS", "ISR", "BLR", "UKR"]}, "reproduced_with_caveat"),
        (["RUS", "ISR", "BLR", "UKR"], {"other": ["RUS", "ISR", "BLR", "TUR"]}, "reproduced_with_caveat"),
        (["RUS", "ISR", "BLR", "UKR"], {"other": ["ISR", "RUS", "BLR", "TUR"]}, "not_reproduced"),
    ],
)
def test_rank_order(observed, variants, expected):
    v = claims.assess(_claim("rank_order", ["RUS", "ISR", "BLR", "TUR"]), observed, variants)
    assert v.verdict == expected


def test_approx_uses_the_registered_tolerance():
    claim = _claim("approx", 46, {"abs": 5})
    assert claims.assess(claim, 50.9).verdict == "reproduced"
    assert claims.assess(claim, 51.1).verdict == "not_reproduced"
    assert "tolerance abs 5" in claims.assess(claim, 50).reason
    rel = _claim("approx", 100, {"rel": 0.1})
    assert claims.assess(rel, 109).verdict == "reproduced"
    assert claims.assess(rel, 111).verdict == "not_reproduced"


def test_at_least_and_at_most():
    assert claims.assess(_claim("at_least", 300_000), 310_000).verdict == "reproduced"
    assert claims.assess(_claim("at_least", 300_000), 290_000).verdict == "not_reproduced"
    assert claims.assess(_claim("at_most", 2), 3).verdict == "not_reproduced"


def test_boolean_indeterminate_is_not_testable_never_reproduced():
    claim = _claim("boolean", True)
    assert claims.assess(claim, True).verdict == "reproduced"
    assert claims.assess(claim, False).verdict == "not_reproduced"
    assert claims.assess(claim, None).verdict == "not_testable"
    assert claims.assess(claim, None, {"day precision": True}).verdict == "reproduced_with_caveat"


def test_untestable_says_which_data_would_and_fails_on_a_contradicted_premise():
    claim = _claim("untestable", would_test="battlefield loss records")
    v = claims.assess(claim, True)
    assert v.verdict == "not_testable" and "battlefield loss records" in v.reason
    assert claims.assess(claim, False).verdict == "not_reproduced"


def test_a_verdict_outside_the_vocabulary_is_rejected():
    with pytest.raises(ValueError, match="not a verdict"):
        claims.Verdict("T-1", "pending", "o", "c", "r")


def test_verdict_display_carries_the_json_the_build_collects():
    v = claims.assess(_claim("boolean", True), True)
    bundle = v._repr_mimebundle_()
    assert bundle["text/plain"].startswith("T-1: reproduced | observed: True")
    assert bundle[claims.MIMETYPE]["verdict"] == "reproduced"


def test_an_undecidable_primary_is_said_so():
    claim = _claim("boolean", True)
    v = claims.assess(claim, None, {"a": True, "b": False})
    assert v.verdict == "reproduced_with_caveat" and "cannot be decided under" in v.reason
    v = claims.assess(claim, None, {"a": False})
    assert v.verdict == "not_reproduced" and "cannot be decided under" in v.reason
    assert claims.assess(claim, True, {"a": None}).variants["a"].endswith("-> indeterminate")


def test_a_register_threshold_met_exactly_is_a_knife_edge_not_plain_reproduced():
    claim = _claim("at_least", 300_000)
    exact = claims.assess(claim, 300_000)
    assert exact.verdict == "reproduced_with_caveat"
    assert exact.knife_edge == "above the threshold of 300,000"
    assert "knife-edge: above the threshold of 300,000 (margin ±0 unit, exactly at the boundary)" in exact.caveat
    clear = claims.assess(claim, 310_500)
    assert (clear.verdict, clear.margin, clear.knife_edge) == ("reproduced", "+10,500 unit above the threshold of "
                                                               "300,000", "")


def test_register_precision_widens_the_edge():
    claim = claims.Claim(id="T-2", family="test", line=1, anchor=[], gloss="a test claim", claim_type="share",
                         claimed={"value": 46, "unit": "pp", "text": "the claim"},
                         rule={"kind": "at_least", "precision": 0.05}, notebook="00_test")
    assert claims.assess(claim, 46.04).verdict == "reproduced_with_caveat"
    assert claims.assess(claim, 46.06).verdict == "reproduced"
    failing = claims.assess(claim, 45.97)
    assert failing.verdict == "not_reproduced" and failing.knife_edge  # an edge named, the verdict kept


def test_ranking_observation_gives_rank_margin_and_variant_margins():
    claim = _claim("rank_order", ["RUS", "TUR"])
    v = claims.assess(claim, claims.ranking({"RUS": 9.0, "TUR": 5.0, "UKR": 4.0}, "TIV mn", total=20.0),
                      {"late": claims.ranking({"RUS": 9.0, "TUR": 3.0, "UKR": 4.0}, "TIV mn", total=20.0)})
    assert v.verdict == "reproduced_with_caveat" and v.caveat == "does not hold under: late"
    assert v.margin == "+1 TIV mn / +5 pp between TUR (2nd) and UKR (3rd)"
    assert "(-1 TIV mn / -5 pp TUR against UKR for the claimed 2nd place) -> does not hold" in v.variants["late"]


def test_drop_one_row_that_flips_a_verdict_is_named():
    claim = _claim("boolean")
    v = claims.assess(claim, True, sensitivity={"E1": True, "E2": False})
    assert v.verdict == "reproduced_with_caveat"
    assert "dropping E2 flips it" in v.caveat
    assert v.sensitivity == [{"dropped": "E1", "holds": True, "flips": False},
                             {"dropped": "E2", "holds": False, "flips": True}]
    steady = claims.assess(claim, True, sensitivity={"E1": True}, margin=claims.margin(3, "weight", "over 2"))
    assert (steady.verdict, steady.margin) == ("reproduced", "+3 weight over 2")


def test_verdict_json_carries_the_new_fields():
    v = claims.assess(_claim("at_least", 10), 12)
    payload = v.to_json()
    for key in ("margin", "margin_value", "margin_unit", "knife_edge", "evidence", "parts", "sensitivity"):
        assert key in payload
    assert "| margin: +2 unit above the threshold of 10" in v.line()


def test_checks_on_weaker_evidence_can_lower_a_verdict_but_never_raise_it():
    claim = _claim("boolean")
    lowered = claims.assess(claim, True, checks={"unconfirmed rows included": False})
    assert lowered.verdict == "reproduced_with_caveat"
    assert lowered.caveat == "does not hold when: unconfirmed rows included"
    assert "unconfirmed rows included (check only)" in lowered.variants
    kept = claims.assess(claim, False, checks={"unconfirmed rows included": True})
    assert kept.verdict == "not_reproduced"
    assert "would hold only with unconfirmed rows included, which cannot earn a verdict" in kept.reason
    assert claims.assess(claim, True, checks={"unconfirmed rows included": True}).verdict == "reproduced"


def test_a_drop_that_would_rescue_a_failing_primary_is_named_as_such():
    v = claims.assess(_claim("boolean"), False, {"wider": True}, sensitivity={"E9": True})
    assert v.verdict == "reproduced_with_caveat"
    assert "the primary reading would hold without E9" in v.caveat and "rests on single rows" not in v.caveat
