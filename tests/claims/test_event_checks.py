"""Evaluating the register's event conditions: each test kind on a tiny catalogue, then the real register.

Unit tests use an inline catalogue; tests on the committed catalogue and the pinned article are marked
``integration``.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from khar_analysis.claims import event_checks as ec
from khar_analysis.claims import register as claims
from khar_analysis.core.dates import Reading
from khar_analysis.sources import catalogue as cat
from khar_analysis.sources.catalogue import COLUMNS, CatalogueError

LINES = ["Reuters, 2025. Title. https://example.org/story-2025-07-19/", "no address here"]


@pytest.fixture(scope="module")
def tiny(catalogue_row):
    row = catalogue_row()
    raw = pd.DataFrame([
        row("E2024-12-25-crash", "2024-12-25", cameo_root="19", goldstein="-10.0",
            description="38 of 67 on board die and 29 survive"),
        row("E2025-02-03-house", "2025-02-03", actors="AZE;RUS", cameo_root="12", goldstein="-4.0"),
        row("E2025-06-27-raid", "2025-06-27"),
        row("E2025-06-checks", "2025-06", "month", cameo_root="16", goldstein="-4.0"),
        row("E2025-07-01-note", "2025-07-01", actors="AZE;RUS", cameo_root="11", goldstein="-2.0"),
        row("E2025-07-19-call", "2025-07-19", actors="AZE;RUS", cameo_root="10", goldstein="-5.0"),
        row("E2009-10-14-match", "2009-10-14", actors="TUR;AZE", dyad="AZE-TUR", cameo_root="11", goldstein="-2.0"),
        row("E2004-04-29-vote", "2004-04-29", actors="TUR;AZE", dyad="AZE-TUR", cameo_root="12", goldstein="-4.0"),
    ], columns=COLUMNS)
    assert cat.catalogue_problems(raw) == []
    return cat.tidy(raw)


def claim(value: dict) -> claims.Claim:
    return claims.Claim(id="EVT-99", family="events", line=None, anchor=[], gloss="a test claim row",
                        claim_type="order", claimed={"text": "a test claim", "value": value}, rule={"kind": "boolean"},
                        notebook="05_events")


FEW = {"несколько": Reading("несколько", 2, 7, "days", "test")}


@pytest.mark.parametrize(("spec", "expected"), [
    ({"test": "within", "event": "E2025-06-27-raid", "period": "2025-06"}, True),
    ({"test": "within", "event": "E2025-06-checks", "period": "2025-06-27"}, None),
    ({"test": "after", "event": "E2025-07-01-note", "other": "E2025-06-27-raid"}, True),
    ({"test": "after", "event": "E2025-02-03-house", "other": "E2025-06-27-raid"}, False),
    ({"test": "before", "event": "E2025-06-checks", "other": "E2025-06-27-raid"}, None),
    ({"test": "gap", "event": "E2025-06-27-raid", "other": "E2025-07-01-note", "phrase": "несколько"}, True),
    ({"test": "gap", "event": "E2025-06-27-raid", "other": "2025-07", "phrase": "несколько"}, None),
    ({"test": "count", "event": "E2024-12-25-crash", "field": "deaths", "equals": 38}, True),
    ({"test": "count", "event": "E2024-12-25-crash", "field": "survivors", "equals": 32}, False),
    ({"test": "coded", "event": "E2025-07-01-note", "cameo": "11"}, True),
    ({"test": "any", "where": {"dyad": "AZE-RUS", "initiator": "AZE", "cameo": "10"}, "period": "2025-07"}, True),
    ({"test": "any", "where": {"dyad": "AZE-RUS", "initiator": "AZE", "cameo": "10"}, "period": "2025-06"}, False),
    ({"test": "none", "where": {"dyad": "AZE-RUS", "sign": "negative"}, "period": "2025-06-28"}, None),
    ({"test": "none", "where": {"dyad": "AZE-RUS", "sign": "negative", "min_precision": "day"},
      "period": "2025-06-28"}, True),
    ({"test": "none", "where": {"dyad": "AZE-TUR", "sign": "negative"}, "period": ["2003", "2024"], "except": "2009"},
     False),
    ({"test": "quiet_months", "dyad": "AZE-TUR", "period": ["2009", "2009"], "except": "2009-10", "below_root": "11"},
     True),
    ({"test": "quiet_months", "dyad": "AZE-TUR", "period": ["2003", "2024"], "except": "2009", "below_root": "11"},
     False),
    ({"test": "cited_date", "line": 1, "against": "E2025-07-19-call"}, True),
    ({"test": "cited_date", "line": 1, "against": "2025-06"}, False),
])
def test_each_test_kind(tiny, spec, expected):
    assert ec.evaluate(tiny, "c", spec, FEW, LINES).result is expected


def test_unknown_test_event_or_line_fails_clearly(tiny):
    with pytest.raises(ValidationError):
        ec.evaluate(tiny, "c", {"test": "sometime"}, {})
    with pytest.raises(CatalogueError, match="'E2099-01-01-nothing' is not in the catalogue"):
        ec.evaluate(tiny, "c", {"test": "within", "event": "E2099-01-01-nothing", "period": "2099"}, {})
    with pytest.raises(CatalogueError, match="article line 2 holds no URL"):
        ec.evaluate(tiny, "c", {"test": "cited_date", "line": 2, "against": "2025"}, {}, LINES)
    with pytest.raises(CatalogueError, match="has no registered reading"):
        ec.evaluate(tiny, "c", {"test": "gap", "event": "E2025-06-27-raid", "other": "2025-07", "phrase": "x"}, {})


def test_check_combines_conditions_refs_and_variants(tiny):
    value = {
        "refs": {"raid": "E2025-06-27-raid"},
        "conditions": {
            "note_after": {"test": "after", "event": "E2025-07-01-note", "other": "$raid"},
            "house_after": {"test": "after", "event": "E2025-02-03-house", "other": "$raid"},
        },
        "variants": [{"label": "whole episode", "refs": {"raid": "E2024-12-25-crash"}},
                     {"label": "without the house", "drop": ["house_after"]}],
    }
    out = ec.check(tiny, claim(value))
    assert out["observed"] is False
    assert out["variants"] == {"whole episode [raid = E2024-12-25-crash]": True, "without the house": True}
    assert out["observed_text"].startswith("1/2 conditions hold")
    assert out["reason"] == "house_after fails"
    assert claims.assess(claim(value), **out).verdict == "reproduced_with_caveat"
    table = ec.outcomes(tiny, claim(value))
    assert list(table["reading"]) == ["primary"] * 2 + ["whole episode"] * 2 + ["without the house"]
    with pytest.raises(CatalogueError, match=r"reference '\$nothing' is not among refs"):
        ec.bind({"event": "$nothing"}, {"raid": "x"})


def test_a_check_variant_can_lower_a_verdict_but_never_earn_one(tiny):
    note_after = {"test": "after", "event": "E2025-07-01-note", "other": "E2025-06-27-raid"}
    later = {"label": "later events", "check": True,
             "replace": {"c": {"test": "after", "event": "E2025-02-03-house", "other": "E2025-06-27-raid"}}}
    holds = ec.check(tiny, claim({"conditions": {"c": note_after}, "variants": [later]}))
    assert holds["variants"] == {} and list(holds["checks"].values()) == [False]
    verdict = claims.assess(claim({"conditions": {"c": note_after}}), **holds)
    assert verdict.verdict == "reproduced_with_caveat" and "later events" in verdict.caveat
    fails = ec.check(tiny, claim({"conditions": {"c": later["replace"]["c"]},
                                  "variants": [dict(later, replace={"c": note_after})]}))
    assert fails["observed"] is False and list(fails["checks"].values()) == [True]
    assert claims.assess(claim({"conditions": {"c": note_after}}), **fails).verdict == "not_reproduced"
    assert list(ec.outcomes(tiny, claim({"conditions": {"c": note_after}, "variants": [later]}))["reading"]) == [
        "primary", "later events" + ec.CHECK_MARK]


def test_referenced_events_walks_plain_data():
    value = {"refs": {"a": "E2025-06-27-raid"}, "conditions": {"x": {"period": ["E2003-x", "2003"]}}}
    assert ec.referenced_events(value) == {"E2025-06-27-raid", "E2003-x"}


# --- the committed register on the committed catalogue --------------------------------------------

@pytest.fixture(scope="module")
def real():
    from khar_analysis.article import text as article
    from khar_analysis.sources import registry

    lines = article.lines()
    return registry.load("event_catalogue", lines=lines), lines, claims.load_register()


@pytest.mark.integration
def test_register_names_only_catalogue_events_and_every_evt_row_is_checkable(real):
    catalogue, lines, register = real
    known = set(catalogue["event_id"])
    evt = {cid: c for cid, c in register.items() if c.family == "events"}
    for cid, c in evt.items():
        assert ec.referenced_events(c.claimed["value"]) <= known, cid
        if "conditions" in c.claimed["value"]:
            assert ec.check(catalogue, c, lines)["observed"] in (True, False, None)
    tagged = set(catalogue["claim_ids"].str.split(";").explode()) - {""}
    assert tagged <= set(evt)


@pytest.mark.integration
@pytest.mark.parametrize(("spec", "expected"), [
    ({"test": "any", "where": {"dyad": "AZE-RUS", "initiator": "AZE", "cameo": "10"}, "period": "2025-06"}, False),
    ({"test": "any", "where": {"dyad": "AZE-RUS", "initiator": "AZE", "cameo": "10"}, "period": "2024-12"}, True),
    ({"test": "none", "where": {"dyad": "AZE-RUS", "sign": "negative"}, "period": ["2025-10-10", "2026-01"]}, None),
    ({"test": "none", "where": {"dyad": "AZE-RUS", "sign": "negative", "min_precision": "month"},
      "period": ["2025-10-10", "2026-01"]}, True),
    # the protest note of 6 February 2026 (after the article) breaks the calm when the scan runs to 2026's end
    ({"test": "none", "where": {"dyad": "AZE-RUS", "sign": "negative", "min_precision": "month"},
      "period": ["2025-10-10", "2026"]}, False),
    ({"test": "none", "where": {"dyad": "AZE-TUR", "sign": "negative"}, "period": ["2003", "2024"],
      "except": "2009"}, False),
    ({"test": "quiet_months", "dyad": "AZE-TUR", "period": ["2003", "2024"], "except": "2009",
      "below_root": "11"}, True),
    ({"test": "coded", "event": "E2024-02-08-odihr-presidential", "cameo": "11"}, True),
    ({"test": "coded", "event": "E2024-02-07-erdogan-congratulates", "cameo": "11"}, False),
    ({"test": "count", "event": "E2024-12-25-azal-crash", "field": "survivors", "equals": 32}, False),
    ({"test": "cited_date", "line": 183, "against": "2025-06"}, False),
    ({"test": "cited_date", "line": 183, "against": "E2025-07-19-aliyev-admit-guilt"}, True),
    ({"test": "cited_date", "line": 181, "against": "E2024-12-29-aliyev-shot-from-russia"}, True),
    ({"test": "cited_date", "line": 175, "against": "2024"}, None),
    ({"test": "cited_date", "line": 163, "against": "E2024-07-31-azerbaycan-reply"}, True),
    ({"test": "count", "event": "E2024-12-25-azal-crash", "field": "deaths", "equals": 38}, True),
    ({"test": "quiet_months", "dyad": "AZE-TUR", "period": ["2003", "2024"], "except": "2009-10",
      "below_root": "11"}, False),
])
def test_test_kinds_on_the_real_catalogue_and_article(real, spec, expected):
    catalogue, lines, _ = real
    assert ec.evaluate(catalogue, "c", spec, {}, lines).result is expected


@pytest.mark.integration
def test_colleague_findings_hold_by_code(real):
    catalogue, lines, register = real
    assert ec.check(catalogue, register["EVT-8"], lines)["observed"] is False
    table = ec.outcomes(catalogue, register["EVT-16"], lines)
    failing = table[(table["reading"] == "primary") & (table["holds"] != "yes")]
    assert list(failing["condition"]) == ["russian_house_closed_after"]
    assert ec.check(catalogue, register["EVT-2"], lines)["observed"] is False


def _redate(catalogue, event_id, date_text, precision, cameo=None):
    """A copy of the catalogue with one row's date (and optionally its CAMEO root) changed."""
    out = catalogue.copy()
    hit = out["event_id"] == event_id
    out.loc[hit, ["date", "precision", "date_end"]] = [date_text, precision, ""]
    if cameo:
        out.loc[hit, "cameo_root"] = cameo
    return out


@pytest.mark.integration
def test_diaspora_pressure_in_two_cities_gives_each_verdict(real):
    from khar_analysis.analysis import events

    catalogue, lines, register = real
    claim_ = register["EVT-17"]
    voronezh, krasnodar = "E2025-07-01-khalilov-voronezh-search", "E2025-09-01-novruzov-custody-krasnodar"
    assert set(events.rows_for(catalogue, "EVT-17").index) == {"E2025-07-01-shikhlinski-detained", voronezh, krasnodar}
    out = ec.check(catalogue, claim_, lines)
    assert out["observed"] is True and list(out["variants"].values()) == [True]
    assert claims.assess(claim_, **out).verdict == "reproduced"
    late = _redate(catalogue, voronezh, "2025-08-20", "day")
    out = ec.check(late, claim_, lines)
    assert out["observed"] is False and "second_city_act_in_window fails" in out["reason"]
    assert claims.assess(claim_, **out).verdict == "reproduced_with_caveat"
    neither = _redate(late, krasnodar, "2025-09-01", "day", cameo="16")
    assert claims.assess(claim_, **ec.check(neither, claim_, lines)).verdict == "not_reproduced"
    coarse = _redate(_redate(catalogue, voronezh, "2025-06", "month"), krasnodar, "2025", "year")
    out = ec.check(coarse, claim_, lines)
    assert out["observed"] is None and list(out["variants"].values()) == [None]
    assert claims.assess(claim_, **out).verdict == "not_testable"


@pytest.mark.integration
def test_phrase_readings_and_the_quiet_months_figure(real):
    catalogue, _, register = real
    table = ec.readings_table(register)
    few_days = table[table["phrase"] == "через несколько дней"].iloc[0]
    assert (few_days["min"], few_days["max"], few_days["unit"]) == (2, 7, "days") and few_days["why"]
    assert set(table["phrase"]) >= {"за два дня", "через несколько дней"}
    (panel,) = ec.quiet_months_panels(catalogue, register["EVT-2"])
    assert len(panel["spans"]) == 2 and panel["title"].startswith("AZE-TUR")
