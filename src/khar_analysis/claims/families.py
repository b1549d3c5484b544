"""Register-aware glue for claim families whose computations (in :mod:`khar_analysis.analysis`) need the
register's rule, not only its claimed value: the band of 'about' and the verdict each figure would get.

Notebooks call these with a claim id; the analysis functions underneath take plain numbers.
"""

from __future__ import annotations

import pandas as pd

from khar_analysis.analysis import remittances
from khar_analysis.claims import register
from khar_analysis.core.paths import Layout


def _claim(claim_id: str, lay: Layout | None) -> register.Claim:
    claims = register.load_register(lay)
    if claim_id not in claims:
        raise register.RegisterError(f"unregistered claim {claim_id!r}")
    return claims[claim_id]


def tolerance(claim_id: str, lay: Layout | None = None) -> float:
    """The absolute tolerance of ``claim_id``'s rule (0 when the rule states none), in the claim's unit."""
    return float(_claim(claim_id, lay).rule.get("tolerance", {}).get("abs", 0.0))


def claimed_band(claim_id: str, lay: Layout | None = None) -> tuple[float, float]:
    """The claimed value minus and plus the rule's absolute tolerance (the band of 'about')."""
    return remittances.claimed_band(float(register.claimed_value(claim_id, lay)), tolerance(claim_id, lay))


def spec_verdicts(estimates: pd.DataFrame, claim_id: str, tolerances_pp: list[float],
                  lay: Layout | None = None) -> pd.DataFrame:
    """:func:`~khar_analysis.analysis.remittances.spec_table` with the verdict the register's rule for
    ``claim_id`` would give if each figure in ``estimates`` were taken as the measure."""
    claim = _claim(claim_id, lay)
    verdicts = [register.assess(claim, v).verdict for v in estimates["share_pct"]]
    return remittances.spec_table(estimates, float(register.claimed_value(claim_id, lay)), tolerances_pp, verdicts)


def part_value(claim_id: str, part: str, lay: Layout | None = None) -> object:
    """The claimed value of one part of a compound claim (what :func:`register.claimed_value` is for a
    whole claim), so that no notebook types a registered threshold again."""
    claimed = _claim(claim_id, lay).part_claim(part).claimed
    if "value" not in claimed or claimed.value is None:
        raise register.RegisterError(f"{claim_id}: part {part} holds no claimed.value")
    return claimed.value
