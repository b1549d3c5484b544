"""Margins, decisive rows and the drop-one-row rerun of event claims, on a tiny made-up catalogue."""

from __future__ import annotations

import pandas as pd
import pytest

from khar_analysis.claims import event_checks as ec
from khar_analysis.claims import event_sensitivity as es
from khar_analysis.claims import register as claims
from khar_analysis.sources import catalogue as cat
from khar_analysis.sources.catalogue import COLUMNS


@pytest.fixture(scope="module")
def tiny(catalogue_row):
    row = catalogue_row()
    raw = pd.DataFrame([
        row("E2020-09-27-war", "2020-09-27", actors="AZE;ARM", dyad="AZE-ARM", cameo_root="19", goldstein="-10.0"),
        row("E2020-09-28-support", "2020-09-28", actors="TUR;AZE", dyad="AZE-TUR", cameo_root="03", goldstein="4.0"),
        row("E2020-10-01-appeal", "2020-10-01", actors="TUR;AZE", dyad="AZE-TUR", cameo_root="02", goldstein="3.0"),
        row("E2020-10-05-aid", "2020-10-05", actors="TUR;AZE", dyad="AZE-TUR", cameo_root="07", goldstein="7.0",
            notes="unconfirmed: no page", grade="unconfirmed"),
        row("E2021-06-15-pact", "2021-06-15", actors="AZE;TUR", dyad="AZE-TUR", cameo_root="05", goldstein="3.5",
            grade="confirmed"),
    ], columns=COLUMNS)
    assert cat.catalogue_problems(raw) == []
    return cat.tidy(raw)


def claim(conditions: dict) -> claims.Claim:
    return claims.Claim(id="EVT-99", family="events", line=None, anchor=[], gloss="a test claim row",
                        claim_type="order", claimed={"text": "a test claim", "value": {"conditions": conditions}},
                        rule={"kind": "boolean"}, notebook="05_events")


SUPPORT = {"test": "any", "where": {"dyad": "AZE-TUR", "initiator": "TUR", "cameo": ["03", "05", "06", "07", "08"]},
           "period": ["E2020-09-27-war", "2020-11"]}


def test_the_primary_reading_leaves_unconfirmed_rows_to_a_labelled_variant(tiny):
    out = ec.check(tiny, claim({"support": SUPPORT}))
    assert out["observed"] is True and "E2020-10-05-aid" not in out["observed_text"]
    named = ec.check(tiny, claim({"aid_in_war": {"test": "within", "event": "E2020-10-05-aid", "period": "2020"}}))
    assert named["observed"] is None and "left out of this reading" in named["observed_text"]
    assert [k.startswith(ec.WITH_UNCONFIRMED) for k in named["variants"]] == [True]
    assert list(named["variants"].values()) == [True]


def test_a_support_scan_counts_roots_of_support_not_an_appeal(tiny):
    appeal_only = dict(SUPPORT, period=["2020-09-30", "2020-11"])
    assert ec.check(tiny, claim({"support": appeal_only}))["observed"] is False


def test_margins_are_the_smallest_one_date_shift_that_flips(tiny):
    order = claim({"pact_after_war": {"test": "after", "event": "E2021-06-15-pact", "other": "E2020-09-27-war"},
                   "pact_in_2021": {"test": "within", "event": "E2021-06-15-pact", "period": "2021"}})
    m = es.claim_margin(tiny, order)
    assert m["unit"] == "days" and m["value"] == 166 and m["against"].startswith("pact_in_2021")
    day = claim({"on_the_day": {"test": "within", "event": "E2021-06-15-pact", "period": "2021-06-15"}})
    assert es.claim_margin(tiny, day)["value"] == 1
    late = claim({"in_may": {"test": "within", "event": "E2021-06-15-pact", "period": "2021-05"}})
    assert es.claim_margin(tiny, late)["value"] == -15
    assert es.claim_margin(tiny, claim({"support": SUPPORT})) == {"value": 1.0, "unit": "rows",
                                                                  "against": "support (holds)"}


def test_dropping_the_one_support_row_flips_but_dropping_a_named_row_does_not(tiny):
    c = claim({"support": SUPPORT})
    base, results = es.drop_one(tiny, c)
    assert base is True and results == {"E2020-09-27-war": None, "E2020-09-28-support": False}
    assert es.testable(results) == {"E2020-09-28-support": False}
    table = es.drop_one_table(tiny, claim_ids=[c])
    assert list(table["flips"]) == [False, True]
    assert list(es.evidence_rows(tiny, ["E2020-09-28-support"])["grade"]) == ["single"]
