"""The claim cards: article order, verdict words, plain-language observed text, figure alt text."""

from __future__ import annotations

import doctest

from khar_analysis.build import cards


def test_doctests():
    assert doctest.testmod(cards).failed == 0


def test_cards_follow_the_article_line_and_unlined_claims_follow_the_one_before_them():
    register = [("ARMS-1", 53), ("ARMS-2", 53), ("ARMS-R", None), ("EVT-1", 49), ("CTX-3", 63), ("X-9", None)]
    assert cards.article_order(register) == ["EVT-1", "ARMS-1", "ARMS-2", "ARMS-R", "CTX-3", "X-9"]


def test_an_unlined_claim_first_in_the_register_opens_the_list():
    assert cards.article_order([("R", None), ("A", 5), ("B", 2)]) == ["R", "B", "A"]


def test_every_verdict_reads_in_words_with_an_icon():
    for verdict in ("reproduced", "reproduced_with_caveat", "not_reproduced", "not_testable", "pending"):
        w = cards.verdict_words(verdict)
        assert w.icon and "_" not in w.words and w.css == f"v-{verdict}"
    assert cards.verdict_words("reproduced_with_caveat").words == "Reproduced with a caveat"
    assert cards.verdict_words("odd_token").words == "odd token"


def test_conditions_are_listed_in_plain_language():
    obs = cards.observed_plain("3/4 conditions hold: match_dated_2009: 2009-10-14 in 2009 -> yes; "
                               "no_other_break: found E2004-04-29-pace, E2024-07-31-reply -> no; "
                               "checks_after_raid: 2025 after 2025-06-27 -> indeterminate; "
                               "two_days: 2022-02-22 to 2022-02-24: 2 days (reading 2 days) -> yes")
    assert obs.headline == "3 of 4 conditions hold"
    assert obs.conditions == (
        ("match dated 2009", "2009-10-14 in 2009", "holds"),
        ("no other break", "catalogue rows E2004-04-29-pace, E2024-07-31-reply", "fails"),
        ("checks after raid", "2025 after 2025-06-27", "cannot be decided"),
        ("two days", "2022-02-22 to 2022-02-24: 2 days (reading 2 days)", "holds"),
    )
    for _, detail, _ in obs.conditions:
        assert "->" not in detail and "_" not in detail


def test_other_observed_texts_lose_internal_notation_only():
    obs = cards.observed_plain("(Haber Sol, 2025) -> Haber Sol, 2023 (L159): year_mismatch (year: text 2025)")
    assert obs == cards.Observed("(Haber Sol, 2025) → Haber Sol, 2023 (source list, line 159): year mismatch "
                                 "(year: text 2025)")
    assert cards.observed_plain("RSF 2022->2024: 39.93 -> 25.47").headline == "RSF 2022→2024: 39.93 → 25.47"
    assert cards.observed_plain("RUS 59.7% > ISR 25.9%").headline == "RUS 59.7% > ISR 25.9%"


def test_figure_alt_texts_are_read_by_figure_name():
    nb = {"cells": [{"cell_type": "markdown", "source": "x"},
                    {"cell_type": "code", "outputs": [
                        {"output_type": "display_data", "data": {"image/png": "AA"},
                         "metadata": {"image/png": {"alt": "Figure arms1_ranking: Suppliers, 2011-2020"}}},
                        {"output_type": "stream", "text": "x"}]}]}
    assert cards.figure_alts(nb) == {"arms1_ranking": "Suppliers, 2011-2020"}


def _row(**kw) -> dict:
    row = {"claim_id": "EVT-8", "family": "events", "verdict": "not_reproduced", "observed": "", "claimed": "c",
           "caveat": "", "reason": "renewed_call fails", "notebook": "05_events", "cell_id": "ab12", "line": 83,
           "citation": "Reuters, 2025", "entry": "Reuters, 2025 (L183)", "gloss": "g", "would_test": ""}
    return {**row, **kw}


def test_a_card_links_its_notebook_cell_evidence_audit_and_certificate():
    c = cards.card(_row(evidence="evidence/EVT-8.csv", margin="-26 days"), quote="q",
                   figure="figures/05_events/x.png", figure_alt="A title", certificate=True,
                   audit_href="notebooks/06_citations.html")
    assert c["anchor"] == "claim-EVT-8" and c["words"] == "Not reproduced" and c["icon"] == "✗"
    assert c["notebook_href"] == "notebooks/05_events.html#cell-id=ab12"
    assert c["evidence"] == "evidence/EVT-8.csv" and c["margin"] == "-26 days"
    assert c["certificate"] == "claims/EVT-8.html" and c["audit_href"] == "notebooks/06_citations.html"
    assert c["reason"] == "renewed call fails" and c["entry"] == "Reuters, 2025 (source list, line 183)"
    assert c["figure_alt"] == "A title"


def test_a_card_before_the_verdict_core_shows_no_margin_evidence_or_certificate():
    c = cards.card(_row(citation="", verdict="pending"))
    assert c["margin"] == "" and c["evidence"] == "" and c["certificate"] == "" and c["audit_href"] == ""
    assert c["notebook_href"] == "" and c["figure"] == "" and c["figure_alt"] == ""


def test_a_compound_claim_s_parts_and_drop_one_show_in_words():
    assert cards.parts_plain("dependence (core): reproduced; us_pressure (core): not_testable") == [
        ("dependence", "core", "✓ Reproduced"), ("us pressure", "core", "? Not testable with these data")]
    assert cards.parts_plain("") == []
    row = {"claim_id": "X-1", "family": "f", "verdict": "reproduced_with_caveat", "notebook": "01_x",
           "parts": "a (core): reproduced; b: not_testable", "sensitivity": "2 rows dropped in turn; flipped by: E1"}
    c = cards.card(row)
    assert [p[0] for p in c["parts"]] == ["a", "b"] and c["sensitivity"].endswith("flipped by: E1")
