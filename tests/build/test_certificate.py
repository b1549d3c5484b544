"""The certificate page of one claim, rendered from a made-up claim, verdict JSON and manifest records."""

from __future__ import annotations

import nbformat
import pytest

from khar_analysis.build import certificate
from khar_analysis.claims import register as claims
from khar_analysis.provenance import manifest

FACTS = {"commit": "0123abc", "python": "3.11.7", "platform": "Linux x86_64",
         "versions": {"pandas": "3.1.1", "papermill": "2.7.0"}}
SHA_A, SHA_B = "a" * 64, "b" * 64


def _claim(**changes) -> claims.Claim:
    fields = {"id": "T-1", "family": "test", "line": None, "anchor": [], "gloss": "a made-up share claim",
              "claim_type": "share", "claimed": {"value": 46, "unit": "% of transfers", "text": "about 46%"},
              "rule": {"kind": "approx", "tolerance": {"abs": 3}}, "notebook": "00_test", "sources": ["src_a"]}
    return claims.Claim(**{**fields, **changes})


def _source(sid: str, sha: str, licence: str) -> manifest.Source:
    return manifest.Source(id=sid, group="g", publisher=f"publisher of {sid}", title=f"title of {sid}",
                           landing_url="https://example.org/", obtain={}, release="2024 edition", licence=licence,
                           redistribution="not redistributed", sha256=sha, size_bytes=1, path=f"g/{sid}.csv",
                           format={"loader": "x"}, claims=[])


RECORDS = {"src_a": _source("src_a", SHA_A, "CC BY 4.0"), "src_b": _source("src_b", SHA_B, "terms of use")}
EVIDENCE = {"claim_id": "T-1", "words": "Azerbaijan's rows, 2011-2020", "code": "recipient == 'AZE'",
            "sources": [{"id": "src_a", "sha256": SHA_A}], "columns": ["source_id", "sha256", "year", "tiv_mn"],
            "rows": [["src_a", SHA_A, 2011 + i, 10.5 * i] for i in range(5)]}
PAYLOAD = {"claim_id": "T-1", "verdict": "reproduced_with_caveat", "observed": "47.2%", "claimed": "about 46%",
           "reason": "holds under the primary <b>specification</b>", "caveat": "does not hold under: 2019 release",
           "margin": "+1.8 pp inside the ±3 pp tolerance", "knife_edge": "", "evidence": EVIDENCE,
           "variants": {"2019 release": "50.1 -> does not hold"}, "parameters": {"start_year": 2010},
           "parts": [{"name": "share", "text": "the share", "core": True, "verdict": "reproduced",
                      "observed": "47.2%", "margin": "+1.8 pp", "reason": "holds"}],
           "sensitivity": [{"dropped": "2015", "holds": True, "flips": False}], "cell_id": "verdict-t1"}


def _page(payload: dict | None, kind: str = "build", figure: str = "") -> str:
    run = certificate.Run(kind, "2026-01-30 10:00 UTC", 4.25, 6.5 if kind == "replay" else None, facts=FACTS)
    inputs = certificate.input_rows(["src_b", "src_a"], RECORDS, ["src_a"])
    return certificate.render(certificate.context(_claim(), payload, inputs, run, None, figure))


def test_a_certificate_shows_the_claim_verdict_margin_evidence_inputs_and_run():
    page = _page(PAYLOAD)
    for shown in ("Certificate for claim T-1", "a made-up share claim", "about 46%", "Reproduced, with a caveat",
                  "+1.8 pp inside the ±3 pp tolerance", "does not hold under: 2019 release",
                  "Azerbaijan&#39;s rows, 2011-2020", "recipient == &#39;AZE&#39;", "31.5", SHA_A, SHA_B,
                  "CC BY 4.0", "terms of use", "0123abc", "pandas", "3.1.1", "3.11.7", "notebook 4.2 s",
                  "start_year = 2010", "2019 release", "the share", "2015", "make claim ID=T-1",
                  "../index.html#claim-T-1", "../notebooks/00_test.html#cell-id=verdict-t1"):
        assert shown in page, shown
    assert "<b>specification</b>" not in page and "&lt;b&gt;specification" in page  # data is escaped
    assert page.index(SHA_A) < page.index(SHA_B), "the claim's own source comes first"


def test_without_evidence_the_page_says_no_rows_were_recorded():
    payload = {k: v for k, v in PAYLOAD.items() if k not in ("evidence", "margin", "parts", "sensitivity")}
    page = _page(payload)
    assert "No evidence rows recorded." in page
    assert "no margin recorded" in page


def test_a_pending_claim_gets_a_page_saying_so():
    page = _page(None)
    assert "Pending (its notebook does not exist yet)" in page and "the notebook's defaults" in page


def test_a_replay_page_has_no_links_into_the_report_and_gives_the_whole_replay_time():
    page = _page(PAYLOAD, kind="replay")
    assert "../index.html" not in page and "whole replay 6.5 s" in page and "replaying this claim" in page


def test_evidence_view_shows_at_most_the_limit_and_counts_the_rest():
    view = certificate.evidence_view(EVIDENCE, limit=2)
    assert len(view["rows"]) == 2 and view["hidden"] == 3
    assert certificate.evidence_view(None) is None and certificate.evidence_view({"columns": []}) is None


def test_the_key_figure_is_linked_in_the_report_and_embedded_in_a_replay(tmp_path):
    (tmp_path / "figures" / "00_test").mkdir(parents=True)
    (tmp_path / "figures" / "00_test" / "shares.png").write_bytes(b"\x89PNG fake")
    assert certificate.figure_src(tmp_path, "00_test", "shares", embed=False) == "../figures/00_test/shares.png"
    assert certificate.figure_src(tmp_path, "00_test", "shares", embed=True).startswith("data:image/png;base64,")
    assert certificate.figure_src(tmp_path, "00_test", "other", embed=False) == ""
    assert certificate.figure_src(tmp_path, "00_test", None, embed=False) == ""
    page = _page(PAYLOAD, figure="../figures/00_test/shares.png")
    assert '<img src="../figures/00_test/shares.png" alt="Key figure of claim T-1: a made-up share claim">' in page


def test_payloads_are_read_from_the_verdict_outputs_of_executed_notebooks():
    out = nbformat.v4.new_output("display_data", data={claims.MIMETYPE: {"claim_id": "T-1", "verdict": "reproduced"},
                                                        "text/plain": "T-1"})
    cell = nbformat.v4.new_code_cell("claims.verdict('T-1', 47)", outputs=[out])
    cell["id"] = "cell-t1"
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), cell])
    assert certificate.payloads({"00_test": book}) == {"T-1": {"claim_id": "T-1", "verdict": "reproduced",
                                                               "cell_id": "cell-t1"}}


@pytest.mark.parametrize("verdict", [*claims.VERDICTS, claims.PENDING])
def test_every_verdict_has_words(verdict):
    assert certificate.VERDICT_WORDS[verdict] and "_" not in certificate.VERDICT_WORDS[verdict]
