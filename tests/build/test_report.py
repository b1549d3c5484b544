"""The report escapes every data-derived string and writes one ledger row per claim."""

from __future__ import annotations

import csv

import pytest

from khar_analysis.build import report
from khar_analysis.claims import register as claims


@pytest.mark.integration
def test_data_derived_strings_are_escaped_in_html(tmp_path, lay):
    register = claims.load_register(lay)
    rows = []
    for cid, c in register.items():
        rows.append({"claim_id": cid, "family": c.family, "verdict": "not_testable",
                     "observed": "<script>alert(1)</script>", "claimed": "a & b", "caveat": "", "reason": "<b>r</b>",
                     "notebook": c.notebook, "cell_id": "x\"y", "line": c.line or "", "citation": c.citation,
                     "gloss": c.gloss, "would_test": c.would_test})
    facts = {"commit": "<i>c</i>", "built_at": "t", "python": "3", "platform": "p", "cpus": 1, "versions": {},
             "seconds": 1.0, "notebook_seconds": {}, "obtained": {}}
    report.render(tmp_path, rows, [], [], facts, lay)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>r</b>" not in html and "<i>c</i>" not in html and "a &amp; b" in html
    assert 'cell-id=x&#34;y"' in html
    ledger = list(csv.DictReader((tmp_path / "ledger.csv").open(encoding="utf-8")))
    assert [r["claim_id"] for r in ledger] == list(register)
    assert ledger[0]["observed"] == "<script>alert(1)</script>", "the CSV keeps the raw value"


@pytest.mark.integration
def test_overridden_parameters_get_a_banner_and_a_column(tmp_path, lay):
    from types import SimpleNamespace

    register = claims.load_register(lay)
    rows = [{"claim_id": cid, "family": c.family, "verdict": "not_testable", "observed": "", "claimed": "",
             "caveat": "", "reason": "", "notebook": c.notebook, "cell_id": "", "line": c.line or "",
             "citation": c.citation, "gloss": c.gloss, "would_test": c.would_test,
             "parameters": "end_year=2016" if c.notebook == "01_arms_imports" else ""} for cid, c in register.items()]
    facts = {"commit": "c", "built_at": "t", "python": "3", "platform": "p", "cpus": 1, "versions": {},
             "seconds": 1.0, "notebook_seconds": {}, "obtained": {}}
    plans = [SimpleNamespace(name="01_arms_imports", ran_with={"end_year": 2016}),
             SimpleNamespace(name="02_remittances_migration", ran_with={})]
    report.render(tmp_path, rows, [], plans, facts, lay)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'id="overrides"' in html and "01_arms_imports: end_year=2016" in html
    assert "02_remittances_migration:" not in html.split('id="overrides"')[1].split("</p>")[0]
    ledger = list(csv.DictReader((tmp_path / "ledger.csv").open(encoding="utf-8")))
    assert "parameters" in ledger[0] and ledger[0]["parameters"] == "end_year=2016"
    plans[0].ran_with = {}
    report.render(tmp_path, rows, [], plans, facts, lay)
    assert 'id="overrides"' not in (tmp_path / "index.html").read_text(encoding="utf-8")
