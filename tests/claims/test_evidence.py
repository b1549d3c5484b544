"""Evidence rows: the filter in words and code, the source's sha256 on every row, the CSV written from JSON."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from khar_analysis.claims import evidence
from khar_analysis.provenance import manifest

SOURCE = "sipri_register_peryear_2026-02-12"


def test_rows_carry_source_and_pin(lay):
    table = pd.DataFrame({"supplier": ["RUS", "TUR"], "tiv": [2000.0, math.nan],
                          "year": pd.to_datetime(["2011-01-01", "2020-06-30"])})
    ev = evidence.evidence(table, words="deliveries to Azerbaijan, 2011-2020",
                           code='recipient == "AZE" and 2011 <= year <= 2020', sources=[SOURCE], lay=lay)
    pin = manifest.get(SOURCE, lay).sha256
    assert ev.columns == ("source_id", "sha256", "supplier", "tiv", "year")
    assert ev.rows == ((SOURCE, pin, "RUS", 2000.0, "2011-01-01"), (SOURCE, pin, "TUR", "", "2020-06-30"))
    text = evidence.csv_text(ev.to_json("ARMS-1"))
    head = text.splitlines()[:5]
    assert head[0] == "# claim: ARMS-1"
    assert head[2] == '# filter (code): recipient == "AZE" and 2011 <= year <= 2020'
    assert head[3] == f"# sources: {SOURCE} sha256={pin}"
    assert head[4] == "source_id,sha256,supplier,tiv,year"


def test_several_sources_need_a_source_column(lay):
    other = "sipri_register_2026-05-18"
    with pytest.raises(ValueError, match="names source None"):
        evidence.evidence([{"x": 1}], "w", "c", [SOURCE, other], lay=lay)
    ev = evidence.evidence([{"source_id": other, "x": 1}], "w", "c", [SOURCE, other], lay=lay)
    assert ev.rows[0][0] == other


@pytest.mark.parametrize(("words", "code", "sources", "match"), [
    ("", "c", [SOURCE], "in words and in code"),
    ("w", " ", [SOURCE], "in words and in code"),
    ("w", "c", [], "manifest ids"),
])
def test_incomplete_evidence_is_refused(lay, words, code, sources, match):
    with pytest.raises(ValueError, match=match):
        evidence.evidence([{"x": 1}], words, code, sources, lay=lay)


def test_unknown_source_and_too_many_rows(lay):
    with pytest.raises(KeyError):
        evidence.evidence([{"x": 1}], "w", "c", ["no-such-source"], lay=lay)
    with pytest.raises(ValueError, match="aggregate"):
        evidence.evidence([{"x": i} for i in range(evidence.MAX_ROWS + 1)], "w", "c", [SOURCE], lay=lay)
