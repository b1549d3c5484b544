"""Verdict collection and its failures."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from khar_analysis.build import collect
from khar_analysis.build.errors import BuildError
from khar_analysis.claims import register as claims


def _nb_with_verdicts(*payloads):
    cells = [new_code_cell("x", outputs=[new_output("display_data", data={claims.MIMETYPE: p, "text/plain": "v"})])
             for p in payloads]
    return new_notebook(cells=cells)


def _verdict(cid):
    return {"claim_id": cid, "verdict": "reproduced", "observed": "o", "claimed": "c", "reason": "r", "caveat": ""}


def test_collect_verdicts_fills_the_ledger_and_counts_pending(lay):
    register = claims.load_register(lay)
    book = _nb_with_verdicts(*(_verdict(c) for c in ("ARMS-1", "ARMS-2", "ARMS-R")))
    rows, pending = collect.collect_verdicts({"01_arms_imports": book}, register, {"01_arms_imports"})
    assert [r["claim_id"] for r in rows] == list(register)
    assert {r["verdict"] for r in rows if r["notebook"] == "01_arms_imports"} == {"reproduced"}
    assert set(pending) == {c for c, v in register.items() if v.notebook != "01_arms_imports"}


def test_a_verdict_for_an_unregistered_claim_fails_the_build(lay):
    register = claims.load_register(lay)
    book = _nb_with_verdicts(*(_verdict(c) for c in ("ARMS-1", "ARMS-2", "ARMS-R", "ARMS-9")))
    with pytest.raises(BuildError, match="unregistered claim 'ARMS-9'"):
        collect.collect_verdicts({"01_arms_imports": book}, register, {"01_arms_imports"})


def test_a_registered_claim_without_a_verdict_from_its_existing_notebook_fails(lay):
    register = claims.load_register(lay)
    book = _nb_with_verdicts(_verdict("ARMS-1"), _verdict("ARMS-2"))
    with pytest.raises(BuildError, match="claim ARMS-R has no verdict from its notebook 01_arms_imports"):
        collect.collect_verdicts({"01_arms_imports": book}, register, {"01_arms_imports"})


def test_a_claim_judged_twice_fails(lay):
    register = claims.load_register(lay)
    book = _nb_with_verdicts(*(_verdict(c) for c in ("ARMS-1", "ARMS-1", "ARMS-2", "ARMS-R")))
    with pytest.raises(BuildError, match="reports ARMS-1 more than once"):
        collect.collect_verdicts({"01_arms_imports": book}, register, {"01_arms_imports"})


def test_the_parameters_column_lists_the_overrides_each_verdict_recorded(lay):
    register = claims.load_register(lay)
    run = {"parameters": {"end_year": 2016}}
    book = _nb_with_verdicts(*({**_verdict(c), **run} for c in ("ARMS-1", "ARMS-2", "ARMS-R")))
    rows, _ = collect.collect_verdicts({"01_arms_imports": book}, register, {"01_arms_imports"},
                                       {"01_arms_imports": {"end_year": 2016}})
    assert {r["parameters"] for r in rows if r["notebook"] == "01_arms_imports"} == {"end_year=2016"}
    assert {r["parameters"] for r in rows if r["notebook"] != "01_arms_imports"} == {""}


def test_a_verdict_rendered_for_other_parameters_than_the_run_s_fails(lay):
    """A notebook that ran with end_year=2016 but whose verdicts recorded no override could name the default window."""
    register = claims.load_register(lay)
    book = _nb_with_verdicts(*(_verdict(c) for c in ("ARMS-1", "ARMS-2", "ARMS-R")))
    with pytest.raises(BuildError, match=r"01_arms_imports.ipynb: verdict ARMS-1 was rendered for parameter overrides "
                                         r"none but the notebook ran with \{'end_year': 2016\} \(call "
                                         r"claims.use_parameters"):
        collect.collect_verdicts({"01_arms_imports": book}, register, {"01_arms_imports"},
                                 {"01_arms_imports": {"end_year": 2016}})


def test_ledger_row_carries_margin_parts_and_evidence(tmp_path):
    from khar_analysis.build import collect
    from khar_analysis.claims import register as claims

    c = claims.Claim(id="T-1", family="test", line=1, anchor=[], gloss="a test claim", claim_type="share",
                     claimed={"value": 10, "unit": "unit", "text": "the claim"}, rule={"kind": "at_least"},
                     notebook="00_test")
    payload = {"claim_id": "T-1", "words": "w", "code": "x > 1", "sources": [{"id": "s", "sha256": "ab"}],
               "columns": ["source_id", "sha256", "x"], "rows": [["s", "ab", 2]]}
    v = {"verdict": "reproduced", "observed": "12", "cell_id": "c1", "margin": "+2.0 unit above the threshold of 10",
         "knife_edge": "", "evidence": payload,
         "parts": [{"name": "a", "core": True, "verdict": "reproduced"}, {"name": "b", "core": False,
                                                                          "verdict": "not_testable"}],
         "sensitivity": [{"dropped": "E1", "holds": False, "flips": True}, {"dropped": "E2", "flips": False}]}
    row = collect._row(c, v)
    assert row["margin"] == "+2.0 unit above the threshold of 10"
    assert row["evidence"] == "evidence/T-1.csv"
    assert row["parts"] == "a (core): reproduced; b: not_testable"
    assert row["sensitivity"] == "2 rows dropped in turn; flipped by: E1"
    assert collect.write_evidence(tmp_path, [row]) == 1
    assert (tmp_path / "evidence" / "T-1.csv").read_text().splitlines()[-1] == "s,ab,2"
    bare = collect._row(c, None)
    assert (bare["verdict"], bare["evidence"], bare["margin"]) == ("pending", "", "")
