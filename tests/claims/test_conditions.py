"""The typed condition language of event claims: valid rows parse, typos fail in one line at load time."""

from __future__ import annotations

import copy

import pytest

from khar_analysis.claims import conditions
from khar_analysis.claims.register import RegisterError

FILE = "data/claims/events.yaml"


def record(value: dict, family: str = "events") -> dict:
    return {"id": "EVT-99", "family": family, "claimed": {"text": "t", "value": value}}


VALUE = {
    "refs": {"raid": "E2025-06-27-raid"},
    "conditions": {
        "note_after": {"test": "after", "event": "E2025-07-01-note", "other": "$raid"},
        "in_june": {"test": "within", "event": "$raid", "period": "2025-06"},
        "no_break": {"test": "none", "where": {"dyad": "AZE-TUR", "sign": "negative"}, "period": ["2003", "2024"],
                     "except": "2009"},
        "two_days": {"test": "gap", "event": "$raid", "other": "E2025-06-29-x", "phrase": "за два дня"},
        "deaths": {"test": "count", "event": "E2024-12-25-crash", "field": "deaths", "equals": 38},
        "coded": {"test": "coded", "event": "$raid", "cameo": "18"},
        "cited": {"test": "cited_date", "line": 183, "against": ["$raid", "2025-07"]},
    },
    "variants": [{"label": "monthly", "replace": {"no_break": {
        "test": "quiet_months", "dyad": "AZE-TUR", "period": ["2003", "2024"], "except": "2009", "below_root": "11"}}},
        {"label": "other raid", "refs": {"raid": "E2024-12-25-crash"}, "drop": ["deaths"]}],
    "phrases": {"за два дня": {"min": 2, "max": 2, "unit": "days", "why": "a numeral"}},
}


def test_a_valid_value_parses_to_typed_conditions():
    value = conditions.parse_value(record(VALUE), FILE)
    assert isinstance(value, conditions.ConditionsValue)
    assert isinstance(value.conditions["note_after"], conditions.Order)
    assert value.conditions["no_break"].except_ == "2009" and value.conditions["no_break"].where.sign == "negative"
    assert isinstance(value.variants[0].replace["no_break"], conditions.QuietMonths)
    assert value.phrases["за два дня"].unit == "days"
    conditions.validate_conditions(record(VALUE), FILE)


def test_a_waves_value_and_other_families():
    waves = conditions.parse_value(record({"dyad": "AZE-RUS", "window": ["2024-01", "2025-12"],
                                           "min_escalation_waves": 2}))
    assert isinstance(waves, conditions.WavesValue)
    assert conditions.parse_value(record({"anything": 1}, family="trade")) is None


def broken(path: list, new=None, drop: bool = False) -> dict:
    value = copy.deepcopy(VALUE)
    node = value
    for key in path[:-1]:
        node = node[key]
    if drop:
        del node[path[-1]]
    else:
        node[path[-1]] = new
    return record(value)


@pytest.mark.parametrize(("rec", "message"), [
    (broken(["conditions", "in_june", "evnt"], "E2025-06-27-raid"),
     "claimed.value.conditions.in_june.evnt: unknown key; expected one of ['event', 'period', 'test'], found 'evnt'"),
    (broken(["conditions", "in_june", "period"], 2025),
     "claimed.value.conditions.in_june.period: expected a date (yyyy, yyyy-mm, yyyy-mm-dd), an event id or $ref, "
     "or a [from, to] pair of them, found 2025 (int)"),
    (broken(["conditions", "deaths", "equals"], "38"),
     "claimed.value.conditions.deaths.equals: expected a valid integer, found '38' (str)"),
    (broken(["conditions", "in_june", "test"], "inside"),
     "claimed.value.conditions.in_june: unknown test; expected one of ['after', 'any', 'before', 'cited_date', "
     "'coded', 'count', 'gap', 'none', 'quiet_months', 'within'], found 'inside'"),
    (broken(["conditions", "no_break", "where", "sign"], "neg"),
     "claimed.value.conditions.no_break.where.sign: expected 'negative' or 'positive', found 'neg' (str)"),
    (broken(["conditions", "no_break", "where", "dayd"], "AZE-TUR"),
     "claimed.value.conditions.no_break.where.dayd: unknown key; expected one of ['cameo', 'dyad', 'initiator', "
     "'min_precision', 'sign'], found 'dayd'"),
    (broken(["variants", 0, "replace", "no_break", "below_root"], 11),
     "claimed.value.variants.0.replace.no_break.below_root: expected a valid string, found 11 (int)"),
    (broken(["variants", 1, "replce"], {}),
     "claimed.value.variants.1.replce: unknown key; expected one of ['check', 'drop', 'label', 'refs', "
     "'replace'], found 'replce'"),
    (broken(["conditions", "coded", "event"], drop=True), "claimed.value.conditions.coded.event: required key missing"),
    (broken(["phrases", "за два дня", "unit"], "weeks"),
     "claimed.value.phrases.за два дня.unit: expected 'days' or 'months', found 'weeks' (str)"),
    (broken(["variants", 1, "drop"], ["nothing"]),
     "claimed.value: variant 'other raid' names unknown condition(s) ['nothing']"),
])
def test_each_typo_gives_one_line_naming_file_claim_and_path(rec, message):
    with pytest.raises(RegisterError) as exc:
        conditions.validate_conditions(rec, FILE)
    text = str(exc.value)
    assert text == f"{FILE}: EVT-99: {message}"
    assert "\n" not in text


def test_the_register_loader_rejects_a_typo(tmp_path, lay):
    from khar_analysis.claims import register
    from khar_analysis.core.paths import Layout

    yaml = (lay.claims_dir / "events.yaml").read_text(encoding="utf-8")
    bad = yaml.replace("match_dated_2009: {test: within, event:", "match_dated_2009: {test: within, evnt:", 1)
    assert bad != yaml
    (tmp_path / "data" / "claims").mkdir(parents=True)
    (tmp_path / "data" / "claims" / "events.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(RegisterError, match=r"events.yaml: EVT-2: claimed.value.conditions.match_dated_2009.evnt: "
                                            r"unknown key"):
        register.load_register(Layout(tmp_path))


def test_every_committed_events_claim_validates(lay):
    from khar_analysis.claims import register

    evt = {cid: c for cid, c in register.load_register(lay).items() if c.family == "events"}
    assert len(evt) >= 17
    for c in evt.values():
        conditions.validate_conditions(c, "events.yaml")
