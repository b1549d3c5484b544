"""Loading the register, looking claims up, and the one-line errors of a malformed register."""

from __future__ import annotations

import copy
import math

import pytest
import yaml

from khar_analysis.claims import register as claims
from khar_analysis.claims import schema

FILE = "data/claims/test.yaml"
RANKING = {"id": "T-1", "family": "test", "line": 3, "anchor": ["two words"], "gloss": "a made-up ranking claim",
           "claim_type": "ranking", "notebook": "00_test",
           "claimed": {"value": ["RUS", "ISR"], "unit": "suppliers", "text": "RUS > ISR"},
           "rule": {"kind": "rank_order"}}
SHARE = {**RANKING, "id": "T-2", "claim_type": "share",
         "claimed": {"value": 46, "unit": "% of transfers", "text": "about 46%"},
         "rule": {"kind": "approx", "tolerance": {"abs": 3}}}
PREMISE = {**RANKING, "id": "T-3", "claim_type": "qualitative", "claimed": {"text": "an effect"},
           "rule": {"kind": "untestable"}, "would_test": "records that would show the effect"}


def parse(*records):
    return claims.parse_records(list(records), FILE)


def changed(record: dict, path: str, value=None, delete: bool = False) -> dict:
    """A deep copy of ``record`` with the dotted ``path`` set to ``value`` (or deleted)."""
    out = copy.deepcopy(record)
    *parents, key = path.split(".")
    node = out
    for p in parents:
        node = node[p]
    if delete:
        del node[key]
    else:
        node[key] = value
    return out


def test_register_loads_and_every_row_names_an_existing_or_planned_notebook(lay):
    register = claims.load_register(lay)
    assert {"ARMS-1", "ARMS-2", "ARMS-R"} <= set(register)
    for c in register.values():
        assert c.rule["kind"] in claims.RULE_KINDS
        if c.rule["kind"] == "untestable":
            assert c.would_test, c.id


def test_verdict_for_an_unregistered_claim_fails(lay):
    with pytest.raises(claims.RegisterError, match="unregistered claim 'NOPE-1'"):
        claims.verdict("NOPE-1", observed=True, lay=lay)



def test_a_valid_register_parses_into_claims_typed_by_rule_kind():
    ranking, share, premise = parse(RANKING, SHARE, PREMISE)
    assert isinstance(ranking, schema.RankOrderClaim) and ranking.claimed.value == ["RUS", "ISR"]
    assert isinstance(share, schema.NumberClaim) and share.rule.tolerance.amount(46) == 3
    assert isinstance(premise, schema.UntestableClaim) and "value" not in premise.claimed
    # the register's old mapping reading still works
    assert share.claimed["value"] == 46 and share.rule.get("tolerance").get("abs") == 3
    assert ranking.rule.get("tolerance", {}) == {} and share.claimed.as_dict()["unit"] == "% of transfers"


def test_the_real_register_holds_typed_values(lay):
    register = claims.load_register(lay)
    for c in register.values():
        if c.rule.kind == "rank_order":
            assert all(isinstance(v, str) and len(v) == 3 for v in c.claimed.value), c.id
        elif c.rule.kind in schema.NUMERIC_KINDS:
            assert isinstance(c.claimed.value, int | float) and not isinstance(c.claimed.value, bool), c.id
    assert claims.claimed_value("ARMS-1", lay) == ["RUS", "ISR", "BLR", "TUR"]


@pytest.mark.parametrize(("record", "field", "expected", "found"), [
    (changed(RANKING, "claimed.value", "RUS"), "claimed.value", "a list", "'RUS' (str)"),
    (changed(RANKING, "claimed.value", ["RUS", "Israel"]), "claimed.value[1]", "a string matching", "'Israel'"),
    (changed(RANKING, "claimed.value", []), "claimed.value", "at least 1 item", "[]"),
    (changed(SHARE, "claimed.value", "46"), "claimed.value", "a number", "'46' (str)"),
    (changed(SHARE, "claimed.value", True), "claimed.value", "a number", "True (bool)"),
    (changed(SHARE, "claimed.value", math.nan), "claimed.value", "a finite number", "nan"),
    (changed(SHARE, "rule.tolerance.abs", -1), "rule.tolerance.abs", "a number >= 0", "-1"),
    (changed(SHARE, "rule.tolerance", {"abs": 1, "rel": 0.1}), "rule.tolerance", "exactly one of abs, rel", "{"),
    (changed(SHARE, "rule.tolerance.pct", 2), "rule.tolerance.pct", "one of the keys abs, rel", "2 (int)"),
    (changed(RANKING, "rule.tolerance", {"abs": 1}), "rule.tolerance", "no value here", "{'abs': 1}"),
    (changed(RANKING, "colour", "red"), "colour", "one of the keys id, family", "'red'"),
    (changed(RANKING, "claimed.unit", delete=True), "claimed.unit", "a value (the key is required)", "nothing"),
    (changed(RANKING, "rule.kind", "ranked"), "rule.kind", "one of rank_order, approx", "'ranked'"),
    (changed(RANKING, "line", 0), "line", "a number >= 1", "0 (int)"),
    (changed(PREMISE, "would_test", delete=True), "would_test", "a value (the key is required)", "nothing"),
    (changed(PREMISE, "claimed.value", {"share": math.inf}), "claimed.value", "finite numbers only", "{'share': inf}"),
])
def test_each_typed_failure_is_one_line_naming_file_claim_and_field(record, field, expected, found):
    with pytest.raises(claims.RegisterError) as info:
        parse(record)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{FILE}: {record['id']}: {field}: expected {expected}"), message
    assert f"found {found}" in message, message


@pytest.mark.parametrize(("yaml_text", "field"), [
    ("notes: NO", "notes"),                 # YAML 1.1: NO is false
    ("citation: yes", "citation"),
    ("notes: 2024-01-05", "notes"),         # an unquoted ISO date is a date
])
def test_yaml_1_1_surprises_are_reported_not_accepted(yaml_text, field):
    key, text = yaml_text.split(": ")
    record = {**RANKING, key: yaml.safe_load(text)}
    with pytest.raises(claims.RegisterError, match=rf"T-1: {field}: expected a string, found .*quote the value"):
        parse(record)


def test_norway_read_as_false_in_a_ranking_is_reported():
    record = changed(RANKING, "claimed.value", yaml.safe_load("[RUS, NO]"))
    with pytest.raises(claims.RegisterError, match=r"claimed\.value\[1\]: expected a string, found False"):
        parse(record)


def test_a_claim_built_directly_is_typed_too():
    with pytest.raises(ValueError, match=r"claimed\.value"):
        schema.Claim(**changed(RANKING, "claimed.value", "RUS, ISR"))


def test_duplicate_ids_and_a_non_list_file_fail(tmp_path):
    from khar_analysis.core.paths import Layout

    lay = Layout(tmp_path)
    lay.claims_dir.mkdir(parents=True)
    (lay.claims_dir / "a.yaml").write_text(yaml.safe_dump([RANKING, RANKING]), encoding="utf-8")
    with pytest.raises(claims.RegisterError, match="T-1: id: expected a unique claim id"):
        claims.load_register(lay)
    (lay.claims_dir / "a.yaml").write_text("id: T-1\n", encoding="utf-8")
    with pytest.raises(claims.RegisterError, match="expected a list of claim records, found dict"):
        claims.load_register(lay)
