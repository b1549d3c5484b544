"""Register-aware glue: the REM-1 band and rule, and the verdict of each figure taken as the measure."""

from __future__ import annotations

import pandas as pd
import pytest

from khar_analysis.analysis import remittances
from khar_analysis.claims import families
from khar_analysis.claims import register as claims


@pytest.fixture
def rem(lay):
    return claims.load_register(lay)["REM-1"]


def test_rem1_rule_can_pass_and_fail(rem, lay):
    low, high = families.claimed_band("REM-1", lay)
    assert (low, high) == (43.0, 49.0)
    assert families.tolerance("REM-1", lay) == 3.0
    assert claims.assess(rem, 46.4).verdict == "reproduced"
    at_edge = claims.assess(rem, high)  # exactly on the tolerance's boundary: a knife-edge, never plain reproduced
    assert at_edge.verdict == "reproduced_with_caveat" and "tolerance" in at_edge.knife_edge
    assert at_edge.margin_value == 0.0 and "knife-edge" in at_edge.caveat
    assert claims.assess(rem, high + 0.1).verdict == "not_reproduced"
    assert claims.assess(rem, 63.5).verdict == "not_reproduced"
    assert claims.assess(rem, None).verdict == "not_testable"


def test_rem1_primary_share_drives_the_verdict(rem):
    model = {"source": "m", "edition": "e", "year": 2018, "kind": remittances.MODEL, "definition": "d",
             "numerator": 779.0, "denominator": 1226.0, "unit": "usd_mn", "share_pct": 63.5}
    recorded = {**model, "source": "central_bank", "year": 2024, "kind": remittances.RECORDED, "share_pct": 45.6}
    assert claims.assess(rem, remittances.primary_share(pd.DataFrame([model]))[0]).verdict == "not_testable"
    assert claims.assess(rem, remittances.primary_share(pd.DataFrame([model, recorded]))[0]).verdict == "reproduced"


def test_spec_verdicts(lay):
    rows = [{"source": "a", "edition": "e", "year": y, "kind": remittances.MODEL, "definition": "d",
             "numerator": v, "denominator": 100.0, "unit": "usd_mn", "share_pct": v} for y, v in ((2016, 58.1),
                                                                                               (2018, 47.0))]
    table = families.spec_verdicts(pd.DataFrame(rows), "REM-1", [5.0, 15.0], lay)
    assert table["verdict_if_primary"].tolist() == ["not_reproduced", "reproduced"]
    assert table["within_15pp"].tolist() == [True, True]
    assert table["within_5pp"].tolist() == [False, True]


def test_unknown_claim_fails(lay):
    with pytest.raises(claims.RegisterError, match="NOPE-1"):
        families.claimed_band("NOPE-1", lay)
