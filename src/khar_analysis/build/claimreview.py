"""``claimreview.jsonld``: every registered claim's verdict as a schema.org ``ClaimReview`` (JSON-LD).

One ``ClaimReview`` per ledger row (https://schema.org/ClaimReview): ``claimReviewed`` is the project's
English gloss (never the article's sentence), ``itemReviewed`` a ``Claim`` whose ``appearance`` is the
article (title cut from the pinned article file at build time; date, publisher and landing page from the
article's manifest record), ``url`` the claim's card in ``index.html`` and ``reviewRating`` the verdict.

The rating scale (``worstRating`` 1, ``bestRating`` 4; the higher, the better the article's claim stood up):

====  ==========================  =============================================================
4     ``reproduced``              the pinned data give the claimed value, in every variant
3     ``reproduced_with_caveat``  the claim holds with a named caveat (a variant, part or edge)
2     (not assigned)              kept free so that 3-4 mean "holds" and 1-2 "does not hold"
1     ``not_reproduced``          the pinned data contradict the claim
====  ==========================  =============================================================

``not_testable`` (no public data reach the claim) and ``pending`` (a build state: its notebook does not
exist yet) are not points on a truth scale: their ``Rating`` has the verdict in words as ``alternateName``
and the reason as ``ratingExplanation`` but no ``ratingValue``, ``bestRating`` or ``worstRating``.
The same document is embedded in ``index.html`` as ``<script type="application/ld+json">``.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from khar_analysis.article import text as article
from khar_analysis.core.paths import Layout
from khar_analysis.provenance import manifest

FILE = "claimreview.jsonld"
#: verdict -> (ratingValue or None, the verdict in words); see the module docstring for the scale.
RATINGS: dict[str, tuple[int | None, str]] = {
    "reproduced": (4, "Reproduced"),
    "reproduced_with_caveat": (3, "Reproduced with a caveat"),
    "not_reproduced": (1, "Not reproduced"),
    "not_testable": (None, "Not testable with the data available"),
    "pending": (None, "Pending: not yet checked"),
}
BEST, WORST = 4, 1
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def rating(verdict: str, explanation: str = "") -> dict:
    """A schema.org ``Rating`` for a verdict (``ratingValue`` only on the truth scale); unknown verdicts raise."""
    if verdict not in RATINGS:
        raise ValueError(f"verdict {verdict!r} has no rating; known: {list(RATINGS)}")
    value, words = RATINGS[verdict]
    out: dict = {"@type": "Rating", "alternateName": words}
    if value is not None:
        out.update(ratingValue=value, bestRating=BEST, worstRating=WORST)
    if explanation:
        out["ratingExplanation"] = explanation
    return out


def review(row: dict, appearance: dict, author: dict, published: str) -> dict:
    """The ``ClaimReview`` of one ledger row (``claim_id``, ``gloss``, ``verdict``, ``reason``, ``caveat``)."""
    explanation = "; ".join(x for x in (row.get("reason", ""), row.get("caveat", "")) if x)
    claim = {"@type": "Claim", "appearance": appearance, "author": appearance["publisher"]}
    if "datePublished" in appearance:
        claim["datePublished"] = appearance["datePublished"]
    return {
        "@type": "ClaimReview",
        "identifier": row["claim_id"],
        "url": f"index.html#claim-{row['claim_id']}",
        "claimReviewed": row["gloss"],
        "itemReviewed": claim,
        "reviewRating": rating(row["verdict"], explanation),
        "author": author,
        "datePublished": published,
    }


def document(rows: list[dict], appearance: dict, author: dict, published: str) -> dict:
    """The whole JSON-LD document: the schema.org context and one ``ClaimReview`` per row, in order."""
    return {"@context": "https://schema.org", "@graph": [review(r, appearance, author, published) for r in rows]}


def article_work(lay: Layout) -> dict:
    """The article as a schema.org ``CreativeWork``: its title read from the pinned file, its date, publisher,
    page and language from its manifest record (``[tool.khar] article`` names the record)."""
    src = manifest.get(lay.article_id, lay)
    all_lines = article.lines(lay)
    title = all_lines[article.structure(all_lines).title_lines[0] - 1].strip()
    work = {"@type": "CreativeWork", "headline": title, "name": title, "url": src.landing_url,
            "publisher": {"@type": "Organization", "name": src.publisher}}
    if src.data_generated:
        work["datePublished"] = src.data_generated
    if src.language:
        work["inLanguage"] = src.language
    return work


def project(lay: Layout) -> dict:
    """The reviewing project as a schema.org ``Organization``: ``[project]`` name and description of its
    ``pyproject.toml``."""
    meta = tomllib.loads((lay.root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    out = {"@type": "Organization", "name": meta.get("name") or lay.root.name}
    if meta.get("description"):
        out["description"] = meta["description"]
    return out


def build_date(built_at: str = "") -> str:
    """The review date (ISO day): the build's ``built_at`` fact when it starts with one, else today (UTC)."""
    return built_at[:10] if _ISO_DAY.match(built_at or "") else datetime.now(UTC).strftime("%Y-%m-%d")


def jsonld_text(rows: list[dict], lay: Layout, built_at: str = "") -> str:
    """The JSON-LD text of every row's ``ClaimReview`` (also what ``index.html`` embeds)."""
    doc = document(rows, article_work(lay), project(lay), build_date(built_at))
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def write(stage: Path, rows: list[dict], lay: Layout, built_at: str = "") -> str:
    """Write :data:`FILE` into ``stage`` (the build's staging folder); return its text."""
    text = jsonld_text(rows, lay, built_at)
    (stage / FILE).write_text(text, encoding="utf-8")
    return text
