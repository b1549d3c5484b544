"""Tension series, waves and turning points from the event catalogue (claim EVT-11 and figure inputs).

A dyad's tension series is the sum of its events' weights per week or month; weights are Goldstein
weights (-10 most conflictual .. +10 most cooperative, from the CAMEO root, see
:mod:`khar_analysis.sources.catalogue`) or, under the ``unit`` scheme, -1 / 0 / +1 by their sign.
Which dyads, windows, schemes and thresholds a claim uses are parameters (the register's
``claimed.value`` and the notebook's parameters cell), never constants here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from khar_analysis.core.dates import Truth, When, mark, parse_when, within
from khar_analysis.sources.catalogue import GOLDSTEIN_ROOT, PLACEHOLDER_ROOT

SCHEMES = ("goldstein", "unit")


def scheme_weights(weights: pd.Series, scheme: str) -> pd.Series:
    """Weights under a scheme: ``goldstein`` as coded; ``unit`` -1 / 0 / +1 by the Goldstein sign
    (every conflictual act counts the same, whatever its severity)."""
    if scheme == "goldstein":
        return weights.astype(float)
    if scheme == "unit":
        return weights.astype(float).apply(lambda w: (w > 0) - (w < 0)).astype(float)
    raise ValueError(f"scheme {scheme!r} is not one of {SCHEMES}")


def root_weight(root: str, scheme: str) -> float:
    """The weight of one act of a CAMEO root under a scheme (used to state thresholds)."""
    return float(scheme_weights(pd.Series([GOLDSTEIN_ROOT[root]]), scheme).iloc[0])


def tension_events(catalogue: pd.DataFrame, dyads: Sequence[str], include_unconfirmed: bool = True) -> pd.DataFrame:
    """Interstate events of the given dyads (the 01 placeholder rows of domestic events left out)."""
    sel = catalogue[catalogue["dyad"].isin(list(dyads)) & catalogue["cameo_root"].ne(PLACEHOLDER_ROOT)]
    if not include_unconfirmed:
        sel = sel[~sel["is_unconfirmed"]]
    return sel


def _freq(frequency: str) -> str:
    if frequency not in ("W", "M"):
        raise ValueError(f"frequency {frequency!r} is not 'W' (weeks, Monday-Sunday) or 'M' (months)")
    return "W-SUN" if frequency == "W" else "M"


def tension_series(catalogue: pd.DataFrame, frequency: str, scheme: str, start: str, end: str,
                   dyads: Sequence[str], placement: str = "spread",
                   include_unconfirmed: bool = True) -> pd.DataFrame:
    """Sum of weights per dyad and period (weeks or months) from ``start`` to ``end`` (yyyy-mm).

    ``placement``: ``spread`` divides an event's weight evenly over the days of its date interval (a
    month-precision event counts 1/30 a day; a year-precision one 1/365), so no event is placed more
    precisely than its source dates it; ``start`` puts it all on the first possible day. Periods with
    no event are 0. Returns ``dyad, period, period_start, weight, n_events``.
    """
    if placement not in ("spread", "start"):
        raise ValueError(f"placement {placement!r} is not 'spread' or 'start'")
    freq = _freq(frequency)
    events = tension_events(catalogue, dyads, include_unconfirmed)
    weights = scheme_weights(events["goldstein"], scheme)
    days = []
    for rec, w in zip(events.itertuples(), weights, strict=True):
        span = pd.date_range(rec.start, rec.end if placement == "spread" else rec.start, freq="D")
        days.append(pd.DataFrame({"day": span, "dyad": rec.dyad, "weight": w / len(span), "event_id": rec.event_id}))
    empty = pd.DataFrame({"day": pd.to_datetime([]), "dyad": [], "weight": [], "event_id": []})
    daily = pd.concat(days, ignore_index=True) if days else empty
    daily["period"] = daily["day"].dt.to_period(freq)
    first = pd.Period(start, "M").start_time.to_period(freq)
    last = pd.Period(end, "M").end_time.to_period(freq)
    periods = pd.period_range(first, last, freq=freq)
    grouped = daily.groupby(["dyad", "period"])
    sums = grouped["weight"].sum()
    counts = grouped["event_id"].nunique()
    rows = []
    for dyad in dyads:
        for p in periods:
            rows.append({"dyad": dyad, "period": str(p.start_time.date()) if frequency == "W" else str(p),
                         "period_start": p.start_time, "weight": round(float(sums.get((dyad, p), 0.0)), 6),
                         "n_events": int(counts.get((dyad, p), 0))})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class WaveRule:
    """A period is an *escalation* period when its sum is at or below ``escalation_at``, a *softening*
    period when at or above ``softening_at``. Periods of one kind separated by at most ``gap`` neutral
    periods form one wave; a period of the other kind ends a wave."""

    escalation_at: float
    softening_at: float
    gap: int

    @classmethod
    def from_roots(cls, scheme: str, escalation_root: str, softening_root: str, gap: int) -> WaveRule:
        """Thresholds as the weight of one act of a CAMEO root under the scheme (so the rule means the
        same under every scheme: 'a month at least as hostile as one act of root 16')."""
        return cls(root_weight(escalation_root, scheme), root_weight(softening_root, scheme), gap)

    def __str__(self) -> str:
        return (f"escalation <= {self.escalation_at:g}, softening >= {self.softening_at:g}, "
                f"gap <= {self.gap} neutral period(s)")


def find_waves(series: pd.DataFrame, rule: WaveRule) -> pd.DataFrame:
    """Waves in one dyad's series (rows in period order): ``kind, start, end, periods, peak, peak_weight,
    total``; ``peak`` is the most extreme period of the wave."""
    kinds = ["escalation" if w <= rule.escalation_at else "softening" if w >= rule.softening_at else ""
             for w in series["weight"]]
    labels, weights = list(series["period"]), list(series["weight"])
    waves, current, last_kind_at = [], None, None
    for i, kind in enumerate(kinds):
        if not kind:
            continue
        same = current is not None and current["kind"] == kind and i - last_kind_at - 1 <= rule.gap
        if not same:
            current = {"kind": kind, "idx": []}
            waves.append(current)
        current["idx"].append(i)
        last_kind_at = i
    rows = []
    for w in waves:
        idx = w["idx"]
        pick = min if w["kind"] == "escalation" else max
        peak = pick(idx, key=lambda j: (weights[j], j))
        rows.append({"kind": w["kind"], "start": labels[idx[0]], "end": labels[idx[-1]],
                     "periods": idx[-1] - idx[0] + 1, "peak": labels[peak], "peak_weight": weights[peak],
                     "total": round(sum(weights[idx[0]:idx[-1] + 1]), 6)})
    return pd.DataFrame(rows, columns=["kind", "start", "end", "periods", "peak", "peak_weight", "total"])


def turning_points(waves: pd.DataFrame) -> pd.DataFrame:
    """Escalation onsets and peaks, and de-escalation onsets (the first softening period after an
    escalation wave), in order: ``period, turn``."""
    rows = []
    after_escalation = False
    for w in waves.itertuples():
        if w.kind == "escalation":
            rows.append({"period": w.start, "turn": "escalation onset"})
            rows.append({"period": w.peak, "turn": "escalation peak"})
            after_escalation = True
        elif after_escalation:
            rows.append({"period": w.start, "turn": "de-escalation onset"})
            after_escalation = False
    return pd.DataFrame(rows, columns=["period", "turn"]).sort_values("period", kind="mergesort",
                                                                     ignore_index=True)


def escalation_then_softening(waves: pd.DataFrame, min_escalation_waves: int) -> bool:
    """At least ``min_escalation_waves`` escalation waves, and a softening wave after one of them."""
    esc = waves[waves["kind"] == "escalation"]
    soft = waves[waves["kind"] == "softening"]
    followed = any((soft["start"] > e.end).any() for e in esc.itertuples())
    return len(esc) >= min_escalation_waves and bool(followed)


def wave_margin(waves: pd.DataFrame, rule: WaveRule, min_escalation_waves: int) -> float | None:
    """How far a holding waves reading is from flipping (weight): the smaller of the depth below the
    escalation threshold of the ``min_escalation_waves``-th deepest escalation peak and the height above
    the softening threshold of the highest softening peak after an escalation wave (0: on the edge).
    None when the reading fails (a missing wave has no single weight to measure)."""
    esc = waves[waves["kind"] == "escalation"]
    depths = sorted((rule.escalation_at - w for w in esc["peak_weight"]), reverse=True)
    first_end = esc["end"].min() if len(esc) else None
    soft = waves[(waves["kind"] == "softening") & (waves["start"] > first_end)] if first_end else waves.iloc[0:0]
    heights = [w - rule.softening_at for w in soft["peak_weight"]]
    if len(depths) < min_escalation_waves or not heights:
        return None
    return round(min(depths[min_escalation_waves - 1], max(heights)), 6)


def drop_one(catalogue: pd.DataFrame, spec: TensionSpec, *, dyad: str, window: Sequence[str],
             min_escalation_waves: int) -> tuple[bool, dict[str, bool]]:
    """A waves claim's result, and its result without each event of the dyad's series inside ``window``
    (event id -> holds), under ``spec``."""
    n = int(min_escalation_waves)
    base, _, _ = tension_reading(catalogue, dyad, window, spec, n)
    first, last = pd.Period(window[0], "M").start_time, pd.Period(window[1], "M").end_time
    events = tension_events(catalogue, [dyad], spec.include_unconfirmed)
    inside = events[(events["end"] >= first) & (events["start"] <= last)]
    return base, {e: tension_reading(catalogue[catalogue["event_id"] != e], dyad, window, spec, n)[0]
                  for e in inside["event_id"]}


def _span(waves: pd.DataFrame, kind: str) -> str:
    sel = waves[waves["kind"] == kind]
    return ", ".join(w.start if w.start == w.end else f"{w.start}..{w.end}" for w in sel.itertuples()) or "none"


@dataclass(frozen=True)
class TensionSpec:
    """How a tension series is built and read (the notebook's parameters): weighting ``scheme``,
    ``frequency`` (W or M), ``placement``, whether unconfirmed rows count, the CAMEO roots whose one act
    sets the escalation and softening thresholds, and the neutral-period ``gaps`` per frequency."""

    scheme: str
    frequency: str
    placement: str
    include_unconfirmed: bool
    escalation_root: str
    softening_root: str
    gaps: tuple[tuple[str, int], ...]

    def rule(self) -> WaveRule:
        """The wave rule at this spec's frequency."""
        return WaveRule.from_roots(self.scheme, self.escalation_root, self.softening_root,
                                   dict(self.gaps)[self.frequency])

    def with_(self, **changes: Any) -> TensionSpec:
        """The spec with some fields changed (a sensitivity reading)."""
        return replace(self, **changes)


def _series(catalogue: pd.DataFrame, dyad: str, window: Sequence[str], spec: TensionSpec,
            frequency: str | None = None) -> pd.DataFrame:
    return tension_series(catalogue, frequency or spec.frequency, spec.scheme, window[0], window[1], [dyad],
                          spec.placement, spec.include_unconfirmed)


def tension_reading(catalogue: pd.DataFrame, dyad: str, window: Sequence[str], spec: TensionSpec,
                    min_escalation_waves: int) -> tuple[bool, str, pd.DataFrame]:
    """Whether one dyad's series shows escalation followed by softening in ``window``, a one-line
    account, and the waves table."""
    waves = find_waves(_series(catalogue, dyad, window, spec), spec.rule())
    holds = escalation_then_softening(waves, min_escalation_waves)
    n_esc = int((waves["kind"] == "escalation").sum())
    text = (f"{n_esc} escalation wave(s) ({_span(waves, 'escalation')}); softening {_span(waves, 'softening')}"
            f" -> escalation then softening: {mark(holds)}")
    return holds, text, waves


def check_tension(catalogue: pd.DataFrame, spec: TensionSpec, sensitivity: dict[str, dict[str, Any]], *,
                  dyad: str, window: Sequence[str], min_escalation_waves: int) -> dict[str, Any]:
    """Verdict keyword arguments for a waves claim (``dyad``, ``window``, ``min_escalation_waves`` from
    its register row); ``spec`` the primary method, ``sensitivity`` label -> changed spec fields.

    A change that lets ``unconfirmed`` rows count (when the primary spec does not) is a *check*, not a
    variant: such rows may qualify a verdict but never earn one (METHOD.md, "Grades")."""
    n = int(min_escalation_waves)
    holds, text, _ = tension_reading(catalogue, dyad, window, spec, n)
    variants: dict[str, bool] = {}
    checks: dict[str, bool] = {}
    for label, changes in sensitivity.items():
        v_spec = spec.with_(**changes)
        v_holds, v_text, _ = tension_reading(catalogue, dyad, window, v_spec, n)
        weaker = v_spec.include_unconfirmed and not spec.include_unconfirmed
        (checks if weaker else variants)[f"{label}: {v_text}"] = v_holds
    head = f"{dyad} {window[0]}..{window[1]}, {spec.frequency} sums, {spec.scheme} weights ({spec.rule()}): "
    return {"observed": holds, "variants": variants, "checks": checks, "observed_text": head + text}


def sensitivity_table(catalogue: pd.DataFrame, spec: TensionSpec, sensitivity: dict[str, dict[str, Any]], *,
                      dyad: str, window: Sequence[str], min_escalation_waves: int) -> pd.DataFrame:
    """A waves claim under the primary spec and each sensitivity change: one row each."""
    rows = []
    for label, changes in [("primary", {}), *sensitivity.items()]:
        s = spec.with_(**changes)
        holds, _, waves = tension_reading(catalogue, dyad, window, s, int(min_escalation_waves))
        rows.append({"reading": label, "scheme": s.scheme, "frequency": s.frequency, "placement": s.placement,
                     "unconfirmed_rows": s.include_unconfirmed, "thresholds": str(s.rule()),
                     "escalation_waves": _span(waves, "escalation"), "softening_waves": _span(waves, "softening"),
                     "escalation_then_softening": mark(holds)})
    return pd.DataFrame(rows).set_index("reading")


def tension_table(catalogue: pd.DataFrame, window: Sequence[str], spec: TensionSpec,
                  dyads: Sequence[str]) -> pd.DataFrame:
    """Waves of every dyad under a spec, with the dyad as the first column."""
    parts = [find_waves(_series(catalogue, dyad, window, spec), spec.rule()).assign(dyad=dyad) for dyad in dyads]
    out = pd.concat(parts, ignore_index=True)
    return out[["dyad", *[c for c in out.columns if c != "dyad"]]]


def turns_table(catalogue: pd.DataFrame, window: Sequence[str], spec: TensionSpec,
                dyads: Sequence[str]) -> pd.DataFrame:
    """Turning points of every dyad's series under a spec: ``dyad, period, turn``."""
    waves = tension_table(catalogue, window, spec, dyads)
    parts = [turning_points(waves[waves["dyad"] == d].reset_index(drop=True)).assign(dyad=d) for d in dyads]
    out = pd.concat(parts, ignore_index=True)
    return out[["dyad", "period", "turn"]]


def series_panels(catalogue: pd.DataFrame, window: Sequence[str], spec: TensionSpec,
                  dyads: Sequence[str]) -> list[dict[str, Any]]:
    """One figure panel per dyad: weekly bars, the monthly sums as a step line, the monthly waves as
    shaded spans and the two thresholds (inputs of :func:`khar_analysis.core.plots.bars_with_spans`)."""
    panels = []
    rule = spec.with_(frequency="M").rule()
    for dyad in dyads:
        weekly = _series(catalogue, dyad, window, spec, "W")
        monthly = _series(catalogue, dyad, window, spec, "M")
        waves = find_waves(monthly, rule)
        spans = [(pd.Period(w.start, "M").start_time, pd.Period(w.end, "M").end_time, w.kind)
                 for w in waves.itertuples()]
        panels.append({"title": f"{dyad}: weekly bars, monthly step line ({spec.scheme} weights)",
                       "x": list(weekly["period_start"]), "y": list(weekly["weight"]), "width": 6,
                       "line_x": [*monthly["period_start"], pd.Period(window[1], "M").end_time],
                       "line_y": [*monthly["weight"], monthly["weight"].iloc[-1]], "spans": spans,
                       "hlines": [(rule.escalation_at, "escalation threshold"),
                                  (rule.softening_at, "softening threshold")]})
    return panels


def _monthly_goldstein(catalogue: pd.DataFrame, dyad: str, window: When) -> pd.DataFrame:
    return tension_series(catalogue, "M", "goldstein", window.start.strftime("%Y-%m"),
                          window.end.strftime("%Y-%m"), [dyad])


def quiet_months(catalogue: pd.DataFrame, dyad: str, window: When, outside: When | None,
                 below_root: str) -> tuple[Truth, str]:
    """No month of a dyad's series (Goldstein weights, spread placement) inside ``window`` and outside
    ``outside`` sums below the weight of one act of CAMEO root ``below_root``; with the months found."""
    series = _monthly_goldstein(catalogue, dyad, window)
    threshold = root_weight(below_root, "goldstein")
    low = series[series["weight"] < threshold]
    flagged = [r for r in low.itertuples() if not outside or within(parse_when(r.period, "month"), outside) is False]
    shown = ", ".join(f"{r.period} ({r.weight:g})" for r in flagged) or "none"
    return not flagged, f"months below {threshold:g} outside {outside or '-'}: {shown}"


def lowest_month(catalogue: pd.DataFrame, dyad: str, window: When, outside: When | None,
                 below_root: str) -> float | None:
    """The lowest monthly Goldstein sum of a dyad inside ``window`` and outside ``outside``, minus the
    weight of one act of ``below_root`` (weight; > 0: every month above the threshold), or None if no month."""
    series = _monthly_goldstein(catalogue, dyad, window)
    kept = [r.weight for r in series.itertuples()
            if not outside or within(parse_when(r.period, "month"), outside) is False]
    return min(kept) - root_weight(below_root, "goldstein") if kept else None


def quiet_months_panels(catalogue: pd.DataFrame, dyad: str, window: When, episodes: dict[str, When],
                        below_root: str) -> list[dict[str, Any]]:
    """Figure input for ``quiet_months`` readings: the dyad's monthly Goldstein sums over ``window``, the
    threshold, and each excepted episode (label -> interval) shaded."""
    series = _monthly_goldstein(catalogue, dyad, window)
    spans = [(pd.Timestamp(w.start), pd.Timestamp(w.end), "escalation") for w in episodes.values()]
    threshold = root_weight(below_root, "goldstein")
    return [{"title": f"{dyad}: monthly sums of Goldstein weights (shaded: episode(s) {', '.join(episodes)})",
             "x": list(series["period_start"]), "y": list(series["weight"]), "width": 27, "spans": spans,
             "hlines": [(threshold, f"one act of CAMEO root {below_root}")]}]

