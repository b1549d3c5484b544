"""The verdict summary figure (inline SVG) and the headline findings, from tiny ledger rows."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from khar_analysis.build import summary

SVG = "{http://www.w3.org/2000/svg}"


def _rows() -> list[dict]:
    def r(cid, fam, verdict, **kw):
        return {"claim_id": cid, "family": fam, "verdict": verdict, "gloss": f"gloss of {cid}", "reason": "",
                "caveat": "", "margin": "", "knife_edge": "", **kw}
    return [r("E-1", "events", "reproduced"), r("E-2", "events", "reproduced_with_caveat",
                                                 caveat="holds only under: a reading [detail: x]"),
            r("E-3", "events", "not_reproduced", reason="in_june fails; does not hold under any variant",
              margin="-26 days"),
            r("A-1", "arms", "reproduced", knife_edge="TUR vs UKR"), r("A-2", "arms", "not_testable"),
            r("T-1", "trade", "not_testable")]


def test_counts_keep_the_order_families_first_appear_in():
    assert summary.counts_by_family(_rows()) == {
        "events": {"reproduced": 1, "reproduced_with_caveat": 1, "not_reproduced": 1},
        "arms": {"reproduced": 1, "not_testable": 1}, "trade": {"not_testable": 1}}


def test_the_summary_figure_is_svg_with_a_text_label_and_pattern_per_verdict():
    svg = summary.summary_svg(_rows())
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"events", "arms", "trade"} <= set(texts)
    assert {"✓ Reproduced", "≈ Reproduced with a caveat", "✗ Not reproduced", "? Not testable with these data"} \
        <= set(texts), texts
    assert "✓1" in texts and "?1" in texts  # counts with their icons inside the segments
    assert "pending" not in svg, "a verdict no claim has is not in the legend"
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("fill", "").startswith("url(")}
    assert fills == {"url(#p-reproduced)", "url(#p-reproduced_with_caveat)", "url(#p-not_reproduced)",
                     "url(#p-not_testable)"}
    assert root.find(f"{SVG}title").text == "Verdicts by claim family (6 claims)"
    assert "events: 1 reproduced, 1 reproduced with a caveat, 1 not reproduced" in root.find(f"{SVG}desc").text


def test_headlines_name_failures_caveats_knife_edges_and_untestable_claims():
    found = summary.headlines(_rows())
    assert 3 <= len(found) <= 6
    assert found[0].text == ("Of 6 claims checked, 3 reproduce from the raw data (1 of them only with a caveat), "
                             "1 do not, and 2 cannot be tested with the data here.")
    assert found[1].text == "E-3 is not reproduced: gloss of E-3"
    assert found[1].items == (("E-3", "in june fails (margin -26 days)"),)
    assert found[2].items == (("E-2", "holds only under: a reading"),)
    assert found[3].items == (("A-1", "TUR vs UKR"),)
    assert found[4].text.startswith("2 claim(s) cannot be tested with the data here (arms 1, trade 1)")


def test_headlines_are_topped_up_with_family_tallies_when_everything_holds():
    rows = [{"claim_id": f"{f}-1", "family": f, "verdict": "reproduced", "gloss": "g", "reason": "", "caveat": ""}
            for f in ("arms", "trade", "energy")]
    found = summary.headlines(rows)
    assert [h.text for h in found[1:]] == ["arms: 1 reproduced.", "trade: 1 reproduced."]


def test_long_reasons_are_cut_at_a_word():
    text = summary.shorten("word " * 100, limit=30)
    assert text.endswith(" …") and len(text) <= 32 and "  " not in text
