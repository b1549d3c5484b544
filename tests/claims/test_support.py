"""Whether a registered claim's cited support holds (the register row's citation through the audit)."""

from __future__ import annotations

import pytest

from khar_analysis.claims import support


@pytest.mark.integration
def test_claim_support(lay):
    assert support.claim_support("ARMS-1", lay)[0] is True
    held, text = support.claim_support("CTX-2", lay)
    assert held is True and "year_mismatch" in text
    assert support.claim_support("CTX-3", lay) == (None, "the claim cites no source")
