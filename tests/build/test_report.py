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


def _rows(register) -> list[dict]:
    return [{"claim_id": cid, "family": c.family, "verdict": "reproduced", "observed": "1/1 conditions hold: "
             "in_2009: 2009-10-14 in 2009 -> yes", "claimed": "c", "caveat": "", "reason": "r",
             "notebook": c.notebook, "cell_id": "ab", "line": c.line or "", "citation": c.citation, "gloss": c.gloss,
             "would_test": c.would_test} for cid, c in register.items()]


FACTS = {"commit": "c", "built_at": "t", "python": "3", "platform": "p", "cpus": 1, "versions": {},
         "seconds": 1.0, "notebook_seconds": {}, "obtained": {}}


@pytest.mark.integration
def test_the_index_shows_cards_in_article_order_with_figures_links_and_the_jsonld_hook(tmp_path, lay):
    import json
    import re

    from khar_analysis.build import cards

    register = claims.load_register(lay)
    (tmp_path / "figures" / "01_arms_imports").mkdir(parents=True)
    (tmp_path / "figures" / "01_arms_imports" / "arms1_ranking.png").write_bytes(b"png")
    out = {"output_type": "display_data", "data": {"image/png": "x"},
           "metadata": {"image/png": {"alt": "Figure arms1_ranking: T"}}}
    nb = {"cells": [{"cell_type": "code", "outputs": [out]}]}
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_arms_imports.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "ARMS-1.html").write_text("certificate", encoding="utf-8")
    (tmp_path / "data.html").write_text("data", encoding="utf-8")
    report.render(tmp_path, _rows(register), [], [], FACTS, lay, jsonld='{"name": "</script>"}')
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<article class="card [^"]*" id="claim-([^"]+)"', html)
    assert ids == cards.article_order((cid, c.line) for cid, c in register.items())
    assert '<img src="figures/01_arms_imports/arms1_ranking.png" alt="T"' in html
    assert html.count('href="claims/') == 1 and 'href="claims/ARMS-1.html"' in html
    assert 'href="data.html"' in html and 'id="provenance-table"' not in html
    assert '<script type="application/ld+json" id="claimreview-jsonld">{"name": "<\\/script>"}</script>' in html
    assert '<meta name="viewport"' in html and 'id="summary-figure"' in html
    assert "1 of 1 conditions hold" in html and "in_2009" not in html and "-&gt;" not in html
    assert "reproduced_with_caveat</" not in html and "Reproduced" in html


@pytest.mark.integration
def test_without_jsonld_certificates_or_data_page_the_index_links_none(tmp_path, lay):
    report.render(tmp_path, _rows(claims.load_register(lay)), [], [], FACTS, lay)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "application/ld+json" not in html and 'href="claims/' not in html and 'href="data.html"' not in html
