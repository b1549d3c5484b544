"""``claimreview.jsonld``: one schema.org ClaimReview per claim, with a documented rating scale."""

from __future__ import annotations

import json

import jsonschema
import pytest

from khar_analysis.build import claimreview
from khar_analysis.claims import register as claims

_TEXT = {"type": "string", "minLength": 1}
_ORG = {"type": "object", "required": ["@type", "name"],
        "properties": {"@type": {"const": "Organization"}, "name": _TEXT}}
#: The shape a ClaimReview consumer needs (https://schema.org/ClaimReview; Google's required properties).
REVIEW_SCHEMA = {
    "type": "object",
    "required": ["@type", "url", "claimReviewed", "itemReviewed", "reviewRating", "author", "datePublished"],
    "properties": {
        "@type": {"const": "ClaimReview"},
        "url": {"type": "string", "pattern": r"^index\.html#claim-[A-Z]+-[0-9A-Z]+$"},
        "claimReviewed": {"type": "string", "minLength": 10},
        "datePublished": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "author": _ORG,
        "itemReviewed": {
            "type": "object", "required": ["@type", "appearance", "author"],
            "properties": {
                "@type": {"const": "Claim"},
                "author": _ORG,
                "appearance": {"type": "object", "required": ["@type", "name", "url", "publisher"],
                               "properties": {"@type": {"const": "CreativeWork"}, "name": _TEXT,
                                              "url": {"type": "string", "pattern": "^https?://"},
                                              "publisher": _ORG}}}},
        "reviewRating": {
            "type": "object", "required": ["@type", "alternateName"],
            "properties": {"@type": {"const": "Rating"}, "alternateName": _TEXT,
                           "ratingValue": {"type": "integer", "minimum": 1, "maximum": 4},
                           "bestRating": {"const": 4}, "worstRating": {"const": 1}},
            "dependentRequired": {"ratingValue": ["bestRating", "worstRating"]}},
    },
}
DOC_SCHEMA = {"type": "object", "required": ["@context", "@graph"],
              "properties": {"@context": {"const": "https://schema.org"},
                             "@graph": {"type": "array", "items": REVIEW_SCHEMA}}}

ARTICLE = {"@type": "CreativeWork", "name": "A title", "headline": "A title", "url": "https://example.org/a",
           "publisher": {"@type": "Organization", "name": "A centre"}, "datePublished": "2026-01-28"}
AUTHOR = {"@type": "Organization", "name": "a-project"}


def _row(cid: str, verdict: str, reason: str = "", caveat: str = "") -> dict:
    return {"claim_id": cid, "gloss": f"the gloss of claim {cid}", "verdict": verdict, "reason": reason,
            "caveat": caveat}


def test_every_verdict_gets_a_review_of_the_documented_shape():
    rows = [_row(f"X-{i}", v) for i, v in enumerate((*claims.VERDICTS, claims.PENDING), 1)]
    doc = claimreview.document(rows, ARTICLE, AUTHOR, "2026-12-02")
    jsonschema.validate(doc, DOC_SCHEMA)
    got = {r["identifier"]: (r["reviewRating"].get("ratingValue"), r["reviewRating"]["alternateName"])
           for r in doc["@graph"]}
    assert got == {"X-1": (4, "Reproduced"), "X-2": (3, "Reproduced with a caveat"), "X-3": (1, "Not reproduced"),
                   "X-4": (None, "Not testable with the data available"), "X-5": (None, "Pending: not yet checked")}
    first = doc["@graph"][0]
    assert first["url"] == "index.html#claim-X-1" and first["claimReviewed"] == "the gloss of claim X-1"
    assert first["itemReviewed"]["datePublished"] == "2026-01-28"
    assert first["itemReviewed"]["author"] == ARTICLE["publisher"]


def test_not_testable_is_off_the_truth_scale():
    rating = claimreview.rating("not_testable", "no public data")
    assert rating == {"@type": "Rating", "alternateName": "Not testable with the data available",
                      "ratingExplanation": "no public data"}


def test_reason_and_caveat_explain_the_rating_and_an_unknown_verdict_fails():
    review = claimreview.review(_row("X-1", "reproduced_with_caveat", "holds in 2 of 3", "the 2019 release"),
                                ARTICLE, AUTHOR, "2026-12-02")
    assert review["reviewRating"]["ratingExplanation"] == "holds in 2 of 3; the 2019 release"
    with pytest.raises(ValueError, match="'maybe' has no rating"):
        claimreview.rating("maybe")


def test_an_article_without_a_date_leaves_the_claim_undated():
    undated = {k: v for k, v in ARTICLE.items() if k != "datePublished"}
    review = claimreview.review(_row("X-1", "reproduced"), undated, AUTHOR, "2026-12-02")
    assert "datePublished" not in review["itemReviewed"]


def test_the_review_date_is_the_build_day():
    assert claimreview.build_date("2026-12-02 05:22 UTC") == "2026-12-02"
    assert len(claimreview.build_date("t")) == 10 and claimreview.build_date("")[4] == "-"


@pytest.mark.integration
def test_the_real_register_gives_one_review_per_claim_with_the_article_from_its_record(lay, tmp_path):
    from khar_analysis.provenance import manifest

    register = claims.load_register(lay)
    rows = [_row(cid, "not_testable") | {"gloss": c.gloss} for cid, c in register.items()]
    text = claimreview.write(tmp_path, rows, lay, "2026-12-02 05:22 UTC")
    doc = json.loads((tmp_path / claimreview.FILE).read_text(encoding="utf-8"))
    assert json.loads(text) == doc
    jsonschema.validate(doc, DOC_SCHEMA)
    assert [r["identifier"] for r in doc["@graph"]] == list(register)
    record = manifest.get(lay.article_id, lay)
    work = doc["@graph"][0]["itemReviewed"]["appearance"]
    assert work["datePublished"] == record.data_generated and work["publisher"]["name"] == record.publisher
    assert work["name"] and work["name"] not in record.title, "the title is read from the article file"
    assert doc["@graph"][0]["author"]["name"] == "khar-analysis"
