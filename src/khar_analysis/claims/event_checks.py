"""Evaluate the register's event conditions (:mod:`khar_analysis.claims.conditions`) on the event catalogue.

Each condition gives ``True`` (holds), ``False`` (fails) or ``None`` (the dates' precision cannot
decide); a reading holds when all its conditions hold (Kleene "and"). :func:`check` returns the keyword
arguments of :func:`khar_analysis.claims.register.verdict`; :func:`outcomes` the table behind it.

The primary reading and the register's variants use the ``confirmed`` and ``single`` rows only
(:func:`khar_analysis.analysis.events.primary_rows`); a condition that names an ``unconfirmed`` row is
indeterminate there. The same conditions on every row form the labelled reading :data:`WITH_UNCONFIRMED`,
shown whenever it changes a condition's result and passed to the verdict as a *check*: it can keep a
holding claim from plain ``reproduced`` but never earns one (nor do register variants marked ``check``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from khar_analysis.analysis import tension
from khar_analysis.analysis.events import casualties, period, primary_rows, row_of, when_of
from khar_analysis.claims import register
from khar_analysis.claims.conditions import (
    Condition,
    ConditionsValue,
    Scan,
    Variant,
    Where,
    parse_condition,
    parse_value,
)
from khar_analysis.core.dates import (
    Reading,
    Truth,
    after,
    and3,
    before,
    gap_holds,
    mark,
    not3,
    parse_when,
    url_date,
    within,
)
from khar_analysis.sources.catalogue import COARSENESS, ID_PATTERN, CatalogueError

#: Label of the variant that counts the ``unconfirmed`` rows too.
WITH_UNCONFIRMED = "unconfirmed rows included"
#: Appended to the label of a reading that is a check (it can lower a verdict, never earn one).
CHECK_MARK = " (check only)"


@dataclass(frozen=True)
class Outcome:
    """One condition's result and a short account of what the catalogue shows."""

    name: str
    test: str
    result: Truth
    detail: str


def url_on_line(lines: Sequence[str], line: int) -> str:
    """The (first) URL on an article line, e.g. a source-list entry."""
    hit = re.search(r"https?://\S+", lines[line - 1]) if 1 <= line <= len(lines) else None
    if not hit:
        raise CatalogueError(f"article line {line} holds no URL")
    return hit.group(0)


def _matches(catalogue: pd.DataFrame, where: Where) -> pd.DataFrame:
    """Rows passing a filter: dyad, initiator, cameo (root), sign (negative/positive), min_precision."""
    sel = catalogue
    if where.dyad is not None:
        sel = sel[sel["dyad"] == where.dyad]
    if where.initiator is not None:
        sel = sel[sel["initiator"] == where.initiator]
    if where.cameo is not None:
        roots = [where.cameo] if isinstance(where.cameo, str) else list(where.cameo)
        sel = sel[sel["cameo_root"].isin(roots)]
    if where.sign is not None:
        sel = sel[sel["goldstein"] < 0] if where.sign == "negative" else sel[sel["goldstein"] > 0]
    if where.min_precision is not None:
        sel = sel[sel["precision"].map(COARSENESS) <= COARSENESS[where.min_precision]]
    return sel


def _scan(catalogue: pd.DataFrame, cond: Scan) -> tuple[list[str], list[str]]:
    """Ids of filtered rows certainly / possibly inside ``period`` (and outside ``except``)."""
    window = period(catalogue, cond.period)
    outside = period(catalogue, cond.except_) if cond.except_ is not None else None
    certain, possible = [], []
    for rec in _matches(catalogue, cond.where).itertuples():
        when = parse_when(rec.date, rec.precision, rec.date_end)
        hit = and3([within(when, window), not3(within(when, outside)) if outside else True])
        if hit:
            certain.append(rec.event_id)
        elif hit is None:
            possible.append(rec.event_id)
    return certain, possible


def _any_none(catalogue: pd.DataFrame, cond: Scan) -> tuple[Truth, str]:
    certain, possible = _scan(catalogue, cond)
    found = True if certain else (None if possible else False)
    detail = ("found " + ", ".join(certain) if certain else "none found") + (
        f"; undecidable: {', '.join(possible)}" if possible and not certain else "")
    return (found if cond.test == "any" else not3(found)), detail


def evaluate(catalogue: pd.DataFrame, name: str, cond: Condition | dict[str, Any], readings: dict[str, Reading],
             lines: Sequence[str] | None = None, withheld: frozenset[str] = frozenset()) -> Outcome:
    """Evaluate one named condition (refs bound) on the catalogue.

    ``withheld``: event ids left out of this reading (``unconfirmed`` rows, or a row dropped for a
    sensitivity run); a condition naming one is indeterminate, saying so.
    """
    c = parse_condition(cond) if isinstance(cond, dict) else cond
    missing = sorted(referenced_events(c.model_dump(by_alias=True, exclude_none=True)) & withheld)
    if missing:
        return Outcome(name, c.test, None, f"names {', '.join(missing)}, left out of this reading")
    if c.test == "within":
        a, p = when_of(catalogue, c.event), period(catalogue, c.period)
        result, detail = within(a, p), f"{a} in {p}"
    elif c.test in ("before", "after"):
        a, b = when_of(catalogue, c.event), when_of(catalogue, c.other)
        result, detail = (before(a, b) if c.test == "before" else after(a, b)), f"{a} {c.test} {b}"
    elif c.test == "gap":
        a, b = when_of(catalogue, c.event), period(catalogue, c.other)
        if c.phrase not in readings:
            raise CatalogueError(f"condition {name}: phrase {c.phrase!r} has no registered reading")
        result, shown = gap_holds(a, b, readings[c.phrase])
        detail = f"{a} to {b}: {shown} (reading {readings[c.phrase].bounds()})"
    elif c.test == "count":
        found = casualties(catalogue, c.event)
        result = found[c.field] == c.equals
        detail = f"{c.field} {found[c.field]} (of {found['aboard']} aboard, {found['survivors']} survived)"
    elif c.test == "coded":
        root = row_of(catalogue, c.event)["cameo_root"]
        result, detail = root == c.cameo, f"CAMEO root {root}"
    elif c.test in ("any", "none"):
        result, detail = _any_none(catalogue, c)
    elif c.test == "cited_date":
        if lines is None:
            raise CatalogueError(f"condition {name}: a cited_date test needs the article's lines")
        carried = url_date(url_on_line(lines, c.line))
        target = period(catalogue, c.against)
        result = None if carried is None else within(carried.when, target)
        detail = f"URL on line {c.line} carries {carried.when if carried else 'no date'}; against {target}"
    else:  # quiet_months (the schema admits no other test)
        outside = period(catalogue, c.except_) if c.except_ is not None else None
        result, detail = tension.quiet_months(catalogue, c.dyad, period(catalogue, c.period), outside, c.below_root)
    return Outcome(name, c.test, result, detail)


def readings_of(value: ConditionsValue) -> dict[str, Reading]:
    """The registered phrase readings of one register row's ``claimed.value``."""
    return {p: Reading(p, r.min, r.max, r.unit, r.why) for p, r in value.phrases.items()}


def _claim(claim: register.Claim | str) -> register.Claim:
    return register.load_register()[claim] if isinstance(claim, str) else claim


def _value(claim: register.Claim) -> ConditionsValue:
    value = parse_value(claim)
    if not isinstance(value, ConditionsValue):
        raise CatalogueError(f"{claim.id}: claimed.value holds no conditions")
    return value


def bind(spec: Any, refs: dict[str, str]) -> Any:
    """Replace ``$name`` strings in a condition (as plain data) by the register row's ``refs``."""
    if isinstance(spec, dict):
        return {k: bind(v, refs) for k, v in spec.items()}
    if isinstance(spec, list):
        return [bind(v, refs) for v in spec]
    if isinstance(spec, str) and spec.startswith("$"):
        if spec[1:] not in refs:
            raise CatalogueError(f"reference {spec!r} is not among refs {sorted(refs)}")
        return refs[spec[1:]]
    return spec


def _bound(cond: Condition, refs: dict[str, str]) -> Condition:
    return parse_condition(bind(cond.model_dump(by_alias=True, exclude_none=True), refs))


def primary_conditions(value: ConditionsValue) -> dict[str, Condition]:
    """The primary conditions of a register row, with its ``refs`` bound."""
    return {n: _bound(s, value.refs) for n, s in value.conditions.items()}


def variant_conditions(value: ConditionsValue, variant: Variant) -> dict[str, Condition]:
    """The conditions of a variant: the primary ones with ``replace`` applied, ``drop`` removed and
    the variant's ``refs`` bound over the row's."""
    conds = {**value.conditions, **variant.replace}
    for name in variant.drop:
        conds.pop(name)
    refs = {**value.refs, **variant.refs}
    return {n: _bound(s, refs) for n, s in conds.items()}


def evaluate_all(catalogue: pd.DataFrame, conds: dict[str, Condition], readings: dict[str, Reading],
                 lines: Sequence[str] | None = None, drop: Sequence[str] = ()) -> list[Outcome]:
    """Every condition on the graded rows (``confirmed``, ``single``) less the ``drop`` ids."""
    rows = primary_rows(catalogue)
    rows = rows[~rows["event_id"].isin(list(drop))]
    withheld = frozenset(catalogue["event_id"]) - frozenset(rows["event_id"])
    return [evaluate(rows, n, s, readings, lines, withheld) for n, s in conds.items()]


def _with_unconfirmed(catalogue: pd.DataFrame, value: ConditionsValue, primary: list[Outcome],
                      lines: Sequence[str] | None) -> list[Outcome] | None:
    """The primary conditions on every row, or None when that changes no condition's result."""
    if not catalogue["is_unconfirmed"].any():
        return None
    full = [evaluate(catalogue, n, s, readings_of(value), lines) for n, s in primary_conditions(value).items()]
    return full if any(a.result is not b.result for a, b in zip(primary, full, strict=True)) else None


def outcomes(catalogue: pd.DataFrame, claim: register.Claim | str, lines: Sequence[str] | None = None
             ) -> pd.DataFrame:
    """Every condition of a claim under the primary reading, each variant and (when it differs) the
    reading with the unconfirmed rows, as a table; checks are labelled :data:`CHECK_MARK`."""
    value = _value(_claim(claim))
    readings = readings_of(value)
    primary = evaluate_all(catalogue, primary_conditions(value), readings, lines)
    specs = [("primary", primary)] + [(v.label + (CHECK_MARK if v.check else ""),
                                       evaluate_all(catalogue, variant_conditions(value, v), readings, lines))
                                      for v in value.variants]
    full = _with_unconfirmed(catalogue, value, primary, lines)
    if full is not None:
        specs.append((WITH_UNCONFIRMED + CHECK_MARK, full))
    rows = [{"reading": label, "condition": o.name, "test": o.test, "holds": mark(o.result), "detail": o.detail}
            for label, results in specs for o in results]
    return pd.DataFrame(rows)


def check(catalogue: pd.DataFrame, claim: register.Claim | str, lines: Sequence[str] | None = None
          ) -> dict[str, Any]:
    """Keyword arguments for :func:`khar_analysis.claims.register.verdict` from a register row's conditions.

    ``observed`` is the Kleene conjunction of the primary conditions; each variant is evaluated the
    same way; ``observed_text`` lists every primary condition; ``reason`` names those that fail or
    cannot be decided. ``checks`` holds the readings that cannot earn a verdict (issue 13): the
    variants marked ``check`` in the register (e.g. events after the article's publication) and, when
    it changes a condition, the reading with the ``unconfirmed`` rows (:data:`WITH_UNCONFIRMED`).
    """
    value = _value(_claim(claim))
    readings = readings_of(value)
    primary = evaluate_all(catalogue, primary_conditions(value), readings, lines)
    observed = and3(o.result for o in primary)
    variants: dict[str, bool | None] = {}
    checks: dict[str, bool | None] = {}
    for v in value.variants:
        results = evaluate_all(catalogue, variant_conditions(value, v), readings, lines)
        changed = [f"{o.name}: {o.detail}" for o in results if o.name in v.replace]
        changed += [f"{k} = {r}" for k, r in v.refs.items()]
        shown = "; ".join(changed)
        (checks if v.check else variants)[v.label + (f" [{shown}]" if shown else "")] = and3(
            o.result for o in results)
    full = _with_unconfirmed(catalogue, value, primary, lines)
    if full is not None:
        shown = "; ".join(f"{b.name}: {b.detail}" for a, b in zip(primary, full, strict=True)
                          if a.result is not b.result)
        checks[f"{WITH_UNCONFIRMED} [{shown}]"] = and3(o.result for o in full)
    held = sum(o.result is True for o in primary)
    text = f"{held}/{len(primary)} conditions hold: " + "; ".join(
        f"{o.name}: {o.detail} -> {mark(o.result)}" for o in primary)
    open_ = [f"{o.name} {'fails' if o.result is False else 'is indeterminate'}" for o in primary
             if o.result is not True]
    return {"observed": observed, "variants": variants, "checks": checks, "observed_text": text,
            "reason": "; ".join(open_)}


def readings_table(claims: dict[str, register.Claim]) -> pd.DataFrame:
    """Every registered phrase reading across the events register (claim, phrase, bounds, why)."""
    rows = []
    for cid, claim in claims.items():
        value = parse_value(claim)
        if not isinstance(value, ConditionsValue):
            continue
        for r in readings_of(value).values():
            rows.append({"claim": cid, "phrase": r.phrase, "min": r.min, "max": r.max, "unit": r.unit,
                         "why": r.why})
    return pd.DataFrame(rows, columns=["claim", "phrase", "min", "max", "unit", "why"])


def referenced_events(value: Any) -> set[str]:
    """Every catalogue event id a register value (plain data) mentions (for the register-consistency test)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for v in value.values():
            found |= referenced_events(v)
    elif isinstance(value, list):
        for v in value:
            found |= referenced_events(v)
    elif isinstance(value, str) and ID_PATTERN.match(value):
        found.add(value)
    return found


def quiet_months_panels(catalogue: pd.DataFrame, claim: register.Claim | str) -> list[dict[str, Any]]:
    """Figure input for a claim's ``quiet_months`` readings (see :func:`tension.quiet_months_panels`): the
    first such reading's dyad, period and root, with every excepted episode shaded."""
    claim = _claim(claim)
    value = _value(claim)
    specs = [s for v in value.variants for s in variant_conditions(value, v).values() if s.test == "quiet_months"]
    if not specs:
        raise CatalogueError(f"{claim.id}: no quiet_months reading to plot")
    episodes = sorted({str(s.except_) for s in specs if s.except_ is not None})
    first = specs[0]
    return tension.quiet_months_panels(catalogue, first.dyad, period(catalogue, first.period),
                                       {e: period(catalogue, e) for e in episodes}, first.below_root)
