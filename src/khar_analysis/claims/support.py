"""Whether a registered claim's cited support holds: the register row's ``citation`` resolved by the
article's citation audit (the glue between the claims layer and :mod:`khar_analysis.article`)."""

from __future__ import annotations

from khar_analysis.article import audit as citation_audit
from khar_analysis.claims.register import load_register
from khar_analysis.core.paths import Layout

#: Citation statuses under which a cited source cannot support a claim: it is not identifiable, or
#: it is dated before the event it is cited for. Name, year and suffix slips leave it identifiable.
SUPPORT_FAILS = ("unparsed", "unresolved", "ambiguous", "url_date_conflict")


def claim_support(claim_id: str, lay: Layout | None = None) -> tuple[bool | None, str]:
    """Whether a registered claim's cited support holds, and a one-line account of it.

    ``True``: every cited part resolves to one list entry and none is dated against the text;
    ``False``: some part is unresolved, ambiguous or contradicted by its URL date (see
    :data:`SUPPORT_FAILS`); ``None``: the claim cites nothing.
    """
    claim = load_register(lay)[claim_id]
    if not claim.citation:
        return None, "the claim cites no source"
    results = citation_audit.resolve(claim.citation, claim.line, lay)
    held = all(r.status not in SUPPORT_FAILS for r in results)
    text = "; ".join(f"({r.citation.text}) -> {r.entry_text() or 'no entry'}: {r.status}"
                     + (f" ({r.detail})" if r.detail else "") for r in results)
    return held, text
