"""Margins to flipping: how far an observation is from the boundary that would change its verdict.

A margin is signed and in the claim's own unit: positive, the rule holds with that much room; negative,
it fails by that much; zero (or within the data's stated precision), the comparison sits on the edge (a
*knife-edge*, which :mod:`khar_analysis.claims.verdicts` never lets stand as plain ``reproduced``).

Numeric rules compute their margin from the register row (:func:`numeric`); a ranking computes it from
the ranked amounts (:func:`rank`: the smallest gap among the claimed places and the next one); date,
order and event rules get theirs from the notebook (:func:`margin`: days, a weight sum minus its
threshold, ...), because only the notebook knows which comparison decides.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Below this, a float difference is rounding noise (values are compared in the claim's unit).
EPS = 1e-9


def number(value: float, signed: bool = True) -> str:
    """A margin's figure: whole numbers and anything above 100 without decimals (thousands separated), one decimal
    above 1, two significant digits below."""
    size = abs(value)
    whole = abs(size - round(size)) < EPS
    text = f"{size:,.0f}" if size >= 100 or whole else f"{size:.1f}" if size >= 1 else f"{size:.2g}"
    if not signed:
        return text
    return ("+" if value > EPS else "-" if value < -EPS else "±") + text


@dataclass(frozen=True)
class Margin:
    """A signed margin (``value``, in ``unit``) to the comparison named by ``against``.

    ``precision`` is the data's stated precision in the same unit: ``|value| <= precision`` is a knife-edge.
    ``also`` is the same margin in a second unit (e.g. percentage points beside TIV), shown after a slash.
    ``point``: the rule is an exact match, with no boundary to sit on (its margin is a distance, never an edge).
    """

    value: float | None
    unit: str
    against: str
    precision: float = 0.0
    also: str = ""
    point: bool = False

    @property
    def edge(self) -> bool:
        """True when the comparison sits on the edge: the margin is zero or within the data's precision."""
        return not self.point and self.value is not None and abs(self.value) <= self.precision + EPS

    def text(self) -> str:
        """E.g. ``+93.8 TIV mn / +2.8 pp over 5th``; empty when there is no margin."""
        if self.value is None:
            return ""
        unit = f" {self.unit}" if self.unit else ""
        return f"{number(self.value)}{unit}" + (f" / {self.also}" if self.also else "") + f" {self.against}"

    def edge_text(self) -> str:
        """The knife-edge, named: which comparison, its margin and the precision it falls within."""
        within = f"within the data's precision of {number(self.precision, signed=False)} {self.unit}".strip() \
            if self.precision else "exactly at the boundary"
        return f"{self.against} (margin {number(self.value or 0.0)} {self.unit}, {within})".replace("  ", " ")


def margin(value: float | None, unit: str, against: str, precision: float = 0.0) -> Margin:
    """A notebook's margin for a ``boolean`` rule (date orders in days, event thresholds in weight, ...)."""
    if value is not None and (isinstance(value, bool) or not math.isfinite(float(value))):
        raise ValueError(f"a margin must be a finite number or None, got {value!r}")
    return Margin(None if value is None else float(value), unit, against, float(precision))


def numeric(kind: str, observed: float, claimed: float, tol: float, unit: str, precision: float = 0.0) -> Margin:
    """The margin of an ``approx``, ``at_least`` or ``at_most`` rule, in the claim's unit.

    ``approx`` with a tolerance: room left inside ``claimed ± tol``; with none it is an exact-match rule,
    whose margin is the distance from the claimed value (0: exact, not an edge). ``at_least``/``at_most``:
    distance to the threshold ``claimed ∓ tol`` (0: exactly at it, a knife-edge).
    """
    if kind == "approx":
        if tol <= 0:
            off = abs(observed - claimed)
            return Margin(-off, unit, "from the claimed value (exact-match rule)" if off > EPS
                          else "exact match with the claimed value", point=True)
        return Margin(tol - abs(observed - claimed), unit,
                      f"{'inside' if abs(observed - claimed) <= tol + EPS else 'outside'} the "
                      f"±{number(tol, signed=False)} {unit} tolerance".replace("  ", " "), precision)
    threshold = claimed - tol if kind == "at_least" else claimed + tol
    value = observed - threshold if kind == "at_least" else threshold - observed
    word = "above" if kind == "at_least" else "below"
    return Margin(value, unit, f"{word} the threshold of {number(threshold, signed=False)}", precision)


@dataclass(frozen=True)
class Ranking:
    """Ranked amounts (code -> amount in ``unit``); ``total`` (same unit) lets margins show percentage points."""

    values: Mapping[str, float]
    unit: str
    total: float | None = None

    def order(self) -> list[str]:
        """Codes by amount, largest first (ties by code, so the order is stable)."""
        return [k for k, _ in sorted(self.values.items(), key=lambda kv: (-kv[1], kv[0]))]


def ranking(values: Mapping[str, float], unit: str, total: float | None = None) -> Ranking:
    """What a notebook passes as a ``rank_order`` observation to get a margin."""
    return Ranking({str(k): float(v) for k, v in values.items()}, unit, None if total is None else float(total))


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def rank(observed: Ranking, claimed: Sequence[str], precision: float = 0.0) -> Margin:
    """The margin of a ranking claim: the smallest gap that keeps the claimed order.

    For places 1..k (k claimed codes) and the next place, the gap between the claimed code at each place
    and whatever must stay behind it. When the claim holds, the smallest such gap (positive); when it fails,
    the largest shortfall (negative): how much the claimed code at the first broken place is behind.
    """
    values, want = dict(observed.values), list(claimed)
    order = observed.order()
    gaps: list[tuple[float, str]] = []
    for i, code in enumerate(want):
        rivals = [c for c in order if c not in want[: i + 1]]
        if not rivals:
            continue
        rival, gap = rivals[0], values.get(code, 0.0) - values[rivals[0]]
        label = (f"between {code} ({_ordinal(i + 1)}) and {rival} ({_ordinal(i + 2)})" if gap > EPS
                 else f"{code} against {rival} for the claimed {_ordinal(i + 1)} place")
        gaps.append((gap, label))
    if not gaps:
        return Margin(None, observed.unit, "no rival to rank against")
    value, label = min(gaps)
    also = f"{number(100 * value / observed.total)} pp" if observed.total else ""
    return Margin(value, observed.unit, label, precision, also)
