"""How close an event verdict is to flipping: margins, the rows that decide it, and a drop-one-row rerun.

A *margin* is measured per condition in its own unit and signed (> 0 holds with room, < 0 fails by that
much, 0 on the edge):

* dates (``within``, ``before``/``after``, ``gap``, ``cited_date``): the smallest shift in **days** of one
  date that flips the condition (same-day order counts as flipped, since the catalogue cannot order two
  events of one day); for a failing condition, minus the shift that would make it hold;
* ``quiet_months``: the lowest monthly weight sum minus the threshold (**weight**, Goldstein scale);
* ``any`` / ``none``: **rows** (an ``any`` that finds *n* rows holds by *n*; a ``none`` that finds *n* fails
  by *n*; a holding ``none`` is one row from failing);
* ``coded`` and ``count`` compare exact codes and numbers and have no margin.

A claim's margin is that of its binding condition: among the conditions that decide the claim (all of them
when it holds, the failing ones when it fails), the smallest, preferring days, then weight, then rows.

*Decisive rows* are the rows the primary conditions name or their scans find, among the ``confirmed``
and ``single`` rows; :func:`drop_one` reruns the claim without each in turn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from khar_analysis.analysis import tension
from khar_analysis.analysis.events import period, primary_rows, when_of
from khar_analysis.claims import register
from khar_analysis.claims.conditions import Condition, WavesValue, parse_value
from khar_analysis.claims.event_checks import (
    _claim,
    _scan,
    _value,
    evaluate_all,
    primary_conditions,
    readings_of,
    referenced_events,
    url_on_line,
)
from khar_analysis.core.dates import DAYS_PER_MONTH, When, and3, mark, url_date
from khar_analysis.sources.catalogue import CatalogueError

#: Order in which units bind a claim's margin (dates are the most concrete).
UNIT_ORDER = ("days", "weight", "rows")


def _order_days(a: When, b: When) -> int:
    """Signed day margin of "``a`` before ``b``"."""
    room = (b.start - a.end).days
    return room if room > 0 else room - 1 if a.start > b.end else 0


def _within_days(a: When, p: When) -> int:
    if a.end < p.start:
        return -(p.start - a.end).days
    if a.start > p.end:
        return -(a.start - p.end).days
    if p.start <= a.start and a.end <= p.end:
        return min((a.start - p.start).days, (p.end - a.end).days) + 1
    return 0


def _gap_days(a: When, b: When, lo_bound: float, hi_bound: float) -> int:
    lo, hi = (b.start - a.end).days, (b.end - a.start).days
    if lo_bound <= lo and hi <= hi_bound:
        return math.floor(min(lo - lo_bound, hi_bound - hi)) + 1
    if hi < lo_bound:
        return -math.ceil(lo_bound - hi)
    if lo > hi_bound:
        return -math.ceil(lo - hi_bound)
    return 0


def condition_margin(catalogue: pd.DataFrame, cond: Condition, readings: dict[str, Any],
                     lines: Sequence[str] | None, result: bool | None) -> tuple[float, str] | None:
    """The signed margin of one condition (refs bound) and its unit, or None (exact test, or nothing
    to measure). ``catalogue``: the rows of the reading; ``result``: the condition's outcome there."""
    t = cond.test
    if t in ("before", "after"):
        a, b = when_of(catalogue, cond.event), when_of(catalogue, cond.other)
        return float(_order_days(a, b) if t == "before" else _order_days(b, a)), "days"
    if t == "within":
        return float(_within_days(when_of(catalogue, cond.event), period(catalogue, cond.period))), "days"
    if t == "cited_date":
        carried = url_date(url_on_line(lines or [], cond.line))
        if carried is None:
            return None
        return float(_within_days(carried.when, period(catalogue, cond.against))), "days"
    if t == "gap":
        r = readings[cond.phrase]
        scale = 1.0 if r.unit == "days" else DAYS_PER_MONTH
        a, b = when_of(catalogue, cond.event), period(catalogue, cond.other)
        return float(_gap_days(a, b, r.min * scale, r.max * scale)), "days"
    if t in ("any", "none"):
        certain, _ = _scan(catalogue, cond)
        if t == "any":
            return (float(len(certain)) if certain else -1.0), "rows"
        return (-float(len(certain)) if certain else 1.0), "rows"
    if t == "quiet_months":
        outside = period(catalogue, cond.except_) if cond.except_ is not None else None
        low = tension.lowest_month(catalogue, cond.dyad, period(catalogue, cond.period), outside, cond.below_root)
        return (None if low is None else (round(low, 6), "weight"))
    return None


def _conditions(catalogue: pd.DataFrame, claim: register.Claim | str, lines: Sequence[str] | None):
    value = _value(_claim(claim))
    conds = primary_conditions(value)
    outcomes = evaluate_all(catalogue, conds, readings_of(value), lines)
    return value, conds, outcomes


def claim_margin(catalogue: pd.DataFrame, claim: register.Claim | str,
                 lines: Sequence[str] | None = None) -> dict[str, Any] | None:
    """The claim's margin: ``{"value", "unit", "against"}`` of its binding condition (see the module
    docstring), or None when the primary reading is indeterminate or no condition has a margin."""
    value, conds, outcomes = _conditions(catalogue, claim, lines)
    observed = and3(o.result for o in outcomes)
    if observed is None:
        return None
    rows = primary_rows(catalogue)
    readings = readings_of(value)
    found = []
    for o in outcomes:
        if observed is False and o.result is not False:
            continue
        m = condition_margin(rows, conds[o.name], readings, lines, o.result)
        if m is not None:
            found.append((UNIT_ORDER.index(m[1]), m[0], m[1], o.name))
    if not found:
        return None
    _, amount, unit, name = min(found)
    return {"value": amount, "unit": unit, "against": f"{name} ({'holds' if observed else 'fails'})"}


def decisive_rows(catalogue: pd.DataFrame, claim: register.Claim | str,
                  lines: Sequence[str] | None = None) -> list[str]:
    """Graded rows the primary conditions name or their ``any``/``none`` scans find, in catalogue order."""
    _, conds, _ = _conditions(catalogue, claim, lines)
    rows = primary_rows(catalogue)
    ids: set[str] = set()
    for cond in conds.values():
        ids |= referenced_events(cond.model_dump(by_alias=True, exclude_none=True))
        if cond.test in ("any", "none"):
            certain, possible = _scan(rows, cond)
            ids |= set(certain) | set(possible)
    return [e for e in rows["event_id"] if e in ids]


def drop_one(catalogue: pd.DataFrame, claim: register.Claim | str, lines: Sequence[str] | None = None,
             spec: tension.TensionSpec | None = None) -> tuple[bool | None, dict[str, bool | None]]:
    """The claim's primary result, and that result without each decisive row in turn (row id -> result).

    A row a condition names leaves that condition indeterminate when dropped (the claim is about it); a
    row a scan found may change what the scan finds. A waves claim (EVT-11's kind) is rerun on its
    tension series under ``spec`` (:func:`khar_analysis.analysis.tension.drop_one`)."""
    claim = _claim(claim)
    value = parse_value(claim)
    if isinstance(value, WavesValue):
        if spec is None:
            raise CatalogueError(f"{claim.id}: a waves claim needs the tension spec for its drop-one rerun")
        return tension.drop_one(catalogue, spec, dyad=value.dyad, window=value.window,
                                min_escalation_waves=value.min_escalation_waves)
    value, conds, outcomes = _conditions(catalogue, claim, lines)
    readings = readings_of(value)
    return and3(o.result for o in outcomes), {
        row: and3(o.result for o in evaluate_all(catalogue, conds, readings, lines, drop=[row]))
        for row in decisive_rows(catalogue, claim, lines)}


def testable(results: dict[str, bool | None]) -> dict[str, bool]:
    """The drop-one results a verdict can be judged on: those whose claim stays testable without the row
    (dropping a row the claim names leaves it indeterminate, which is no flip)."""
    return {row: held for row, held in results.items() if held is not None}


def drop_one_table(catalogue: pd.DataFrame, lines: Sequence[str] | None = None,
                   spec: tension.TensionSpec | None = None, claim_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """One line per (claim, decisive row): the primary result with every graded row and without that row.
    ``claim_ids``: default every events claim of the register, in register order.
    ``flips`` when the result turns from holds to fails or back; a row the claim names leaves it
    ``indeterminate`` (untestable without its subject), which is not counted as a flip."""
    if claim_ids is None:
        claim_ids = [cid for cid, c in register.load_register().items() if c.family == "events"]
    out = []
    for cid in claim_ids:
        base, results = drop_one(catalogue, cid, lines, spec)
        for row, held in results.items():
            out.append({"claim": cid, "dropped": row, "with_all_rows": mark(base), "without_it": mark(held),
                        "flips": held is not None and base is not None and held is not base})
    return pd.DataFrame(out, columns=["claim", "dropped", "with_all_rows", "without_it", "flips"])


#: Columns of the evidence rows, after ``source_id`` and ``sha256`` (which the verdict API adds).
EVIDENCE_COLUMNS = ["event_id", "date", "date_end", "precision", "actors", "dyad", "cameo_root", "goldstein",
                    "grade", "source_outlet", "source_url", "description"]


def evidence_rows(catalogue: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """The catalogue rows ``ids`` (in catalogue order) with the columns a reader needs to check them."""
    sel = catalogue[catalogue["event_id"].isin(list(ids))]
    return sel[EVIDENCE_COLUMNS].reset_index(drop=True)
