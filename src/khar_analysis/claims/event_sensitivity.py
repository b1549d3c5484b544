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
from khar_analysis.claims import evidence, margins, register
from khar_analysis.claims.conditions import Condition, WavesValue, parse_condition, parse_value
from khar_analysis.claims.event_checks import (
    _claim,
    _scan,
    _value,
    evaluate_all,
    primary_conditions,
    readings_of,
    referenced_events,
    url_on_line,
    variant_conditions,
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


def _binding(catalogue: pd.DataFrame, conds: dict[str, Condition], readings: dict[str, Any],
             lines: Sequence[str] | None) -> tuple[bool | None, list[tuple[int, float, str, str]]]:
    """A reading's result and the margins of the conditions that decide it, binding one first:
    ``(unit rank, amount, unit, condition name)``."""
    outcomes = evaluate_all(catalogue, conds, readings, lines)
    observed = and3(o.result for o in outcomes)
    if observed is None:
        return None, []
    rows = primary_rows(catalogue)
    found = []
    for o in outcomes:
        if observed is False and o.result is not False:
            continue
        m = condition_margin(rows, conds[o.name], readings, lines, o.result)
        if m is not None:
            found.append((UNIT_ORDER.index(m[1]), m[0], m[1], o.name))
    return observed, sorted(found)


def claim_margin(catalogue: pd.DataFrame, claim: register.Claim | str,
                 lines: Sequence[str] | None = None) -> dict[str, Any] | None:
    """The claim's margin: ``{"value", "unit", "against"}`` of its binding condition (see the module
    docstring), or None when no condition has a margin. When the primary reading is indeterminate, the
    first register variant (not a check) that holds gives it, and ``against`` says so. When the binding
    unit is not rows, ``against`` also names the tightest scan (a reader sees a one-row support scan
    beside a margin in days)."""
    value = _value(_claim(claim))
    readings = readings_of(value)
    observed, found = _binding(catalogue, primary_conditions(value), readings, lines)
    under = ""
    if observed is None:
        for v in value.variants:
            held, in_variant = _binding(catalogue, variant_conditions(value, v), readings, lines)
            if held and not v.check and in_variant:
                observed, found, under = held, in_variant, "; under a variant"
                break
    if observed is None or not found:
        return None
    _, amount, unit, name = found[0]
    scans = [f for f in found[1:] if f[2] == "rows"]
    also = f"; {scans[0][3]} by {scans[0][1]:+g} row(s)" if unit != "rows" and scans else ""
    return {"value": amount, "unit": unit,
            "against": f"{name} ({'holds' if observed else 'fails'}){under}{also}"}


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
    ``flips`` when the result changes to holds or fails (as the verdict's ``sensitivity`` counts it); a
    row the claim names leaves it ``indeterminate`` (untestable without its subject), which is not a flip."""
    if claim_ids is None:
        claim_ids = [cid for cid, c in register.load_register().items() if c.family == "events"]
    out = []
    for cid in claim_ids:
        base, results = drop_one(catalogue, cid, lines, spec)
        name = cid if isinstance(cid, str) else cid.id
        for row, held in results.items():
            out.append({"claim": name, "dropped": row, "with_all_rows": mark(base), "without_it": mark(held),
                        "flips": held is not None and held is not base})
    return pd.DataFrame(out, columns=["claim", "dropped", "with_all_rows", "without_it", "flips"])


#: Columns of the evidence rows, after ``source_id`` and ``sha256`` (which the verdict API adds).
EVIDENCE_COLUMNS = ["event_id", "date", "date_end", "precision", "actors", "dyad", "cameo_root", "goldstein",
                    "grade", "source_outlet", "source_url", "description"]


def evidence_rows(catalogue: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """The catalogue rows ``ids`` (in catalogue order) with the columns a reader needs to check them."""
    sel = catalogue[catalogue["event_id"].isin(list(ids))]
    return sel[EVIDENCE_COLUMNS].reset_index(drop=True)


def _add(roles: dict[str, list[str]], ids: Any, role: str) -> None:
    for e in ids:
        if role not in roles.setdefault(e, []):
            roles[e].append(role)


def _roles(catalogue: pd.DataFrame, conds: dict[str, Condition], tag: str, roles: dict[str, list[str]]) -> None:
    """Why each row bears on one reading's conditions: named, found by a scan, or inside a scan's (or a
    monthly sum's) period without being counted."""
    graded = primary_rows(catalogue)
    for name, cond in conds.items():
        _add(roles, sorted(referenced_events(cond.model_dump(by_alias=True, exclude_none=True))),
             f"named by {name}{tag}")
        if cond.test not in ("any", "none", "quiet_months"):
            continue
        dyad = cond.dyad if cond.test == "quiet_months" else cond.where.dyad
        window = parse_condition({"test": "any", "where": {"dyad": dyad} if dyad else {}, "period": cond.period,
                                  **({"except": cond.except_} if cond.except_ is not None else {})})
        if cond.test != "quiet_months":
            certain, possible = _scan(graded, cond)
            _add(roles, certain, f"found by {name}{tag}")
            _add(roles, possible, f"may fall in the period of {name}{tag}")
        inside, maybe = _scan(catalogue, window)
        role = f"summed by {name}{tag}" if cond.test == "quiet_months" else \
            f"inside the period of {name}{tag}, not counted"
        _add(roles, [e for e in inside + maybe if not roles.get(e)], role)


def evidence_table(catalogue: pd.DataFrame, claim: register.Claim | str) -> pd.DataFrame:
    """The catalogue rows behind a condition claim's verdict, with a ``role`` column: rows its primary
    conditions name or their scans find, rows inside a scan's period that the scan does not count (an
    absence is shown by what was there), and the rows the register's variants and checks name or find.
    Every grade is listed; the ``grade`` column shows which rows the primary reading may use."""
    value = _value(_claim(claim))
    roles: dict[str, list[str]] = {}
    _roles(catalogue, primary_conditions(value), "", roles)
    for v in value.variants:
        changed = {n: c for n, c in variant_conditions(value, v).items() if n in v.replace or v.refs}
        _roles(catalogue, changed, " (a check)" if v.check else " (a variant)", roles)
    table = evidence_rows(catalogue, list(roles))
    table.insert(1, "role", table["event_id"].map(lambda e: "; ".join(roles[e])))
    return table


def grounds(catalogue: pd.DataFrame, claim: register.Claim | str, lines: Sequence[str] | None, source: str,
            spec: tension.TensionSpec | None = None) -> dict[str, Any]:
    """The ``margin``, ``sensitivity`` and ``evidence`` keyword arguments of
    :func:`khar_analysis.claims.register.verdict` for an event claim.

    ``source``: the catalogue's manifest id (a notebook parameter). The margin is the binding
    condition's (:func:`claim_margin`) or, for a waves claim, :func:`tension.wave_margin` under ``spec``;
    ``sensitivity`` holds the drop-one results the claim stays testable without (:func:`testable`)."""
    claim = _claim(claim)
    value = parse_value(claim)
    _, drops = drop_one(catalogue, claim, lines, spec)
    if isinstance(value, WavesValue):
        n = int(value.min_escalation_waves)
        holds, _, waves = tension.tension_reading(catalogue, value.dyad, value.window, spec, n)
        amount = tension.wave_margin(waves, spec.rule(), n) if holds else None
        found = margins.margin(amount, "weight", "between the weakest needed wave peak and its threshold")
        rows = evidence_rows(catalogue, list(drops))
        rows.insert(1, "role", f"in the {value.dyad} series, {value.window[0]} to {value.window[1]}")
        words = (f"the {value.dyad} events of the tension series inside {value.window[0]}..{value.window[1]} "
                 "(confirmed and single rows; each is dropped in turn)")
    else:
        m = claim_margin(catalogue, claim, lines)
        found = margins.margin(m["value"], m["unit"], f"on {m['against']}") if m else None
        rows = evidence_table(catalogue, claim)
        words = ("rows the claim's conditions name, rows its scans find, rows inside a scanned period that the "
                 "scan does not count, and rows its variants and checks name or find (column role)")
    ids = ", ".join(repr(e) for e in rows["event_id"])
    proof = evidence.evidence(rows, words=words, code=f"event_id in [{ids}]", sources=[source])
    return {"margin": found, "sensitivity": testable(drops), "evidence": proof}


def drop_one_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One line per claim from :func:`drop_one_table`: its result with every graded row, how many decisive
    rows were dropped in turn, how many of those drops leave it testable (a row the claim names does not),
    and the rows whose drop flips it."""
    out = []
    for cid, rows in table.groupby("claim", sort=False):
        out.append({"claim": cid, "with_all_rows": rows["with_all_rows"].iloc[0], "rows_dropped": len(rows),
                    "still_testable": int((rows["without_it"] != mark(None)).sum()),
                    "flipped_by": ", ".join(rows.loc[rows["flips"], "dropped"]) or "-"})
    return pd.DataFrame(out, columns=["claim", "with_all_rows", "rows_dropped", "still_testable",
                                      "flipped_by"]).set_index("claim")
