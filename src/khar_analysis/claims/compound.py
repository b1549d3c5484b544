"""Compound claims: one sentence, several assertions, one verdict by one rule.

Many sentences assert several things at once: a part the data test and a part they cannot reach, or two
countries of which only one is measured. The register splits such a claim into ``parts`` (each with its
own claimed value and rule, one or more of them ``core``: what the sentence is about); each part is
judged like a claim of its own, and :func:`aggregate` turns the parts' verdicts into the claim's, by the
same rule in every family:

1. a core part ``not_reproduced`` -> ``not_reproduced``;
2. every core part ``not_testable`` -> ``not_testable`` (a premise cannot earn a verdict for a claim whose
   core the data cannot reach), unless a tested part is contradicted -> ``not_reproduced``;
3. every part ``reproduced`` -> ``reproduced``;
4. otherwise (a core part reproduced, and some part untested, reproduced only with a caveat, or a
   non-core part contradicted) -> ``reproduced_with_caveat``, naming those parts.

The ``untestable`` rule with a premise is the one-core-part case of rule 2 and gives the same verdicts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from khar_analysis.claims.margins import Margin
from khar_analysis.claims.schema import Claim, Part
from khar_analysis.claims.verdicts import Verdict, assess


@dataclass(frozen=True)
class Observation:
    """What a notebook observed for one part of a compound claim."""

    observed: Any
    variants: dict[str, Any] = field(default_factory=dict)
    observed_text: str | None = None
    margin: Margin | None = None
    sensitivity: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


def observation(observed: Any, variants: dict[str, Any] | None = None, observed_text: str | None = None,
                margin: Margin | None = None, sensitivity: dict[str, Any] | None = None,
                reason: str = "") -> Observation:
    """A part's observation (``None`` as ``observed`` for a part the data cannot reach)."""
    return Observation(observed, dict(variants or {}), observed_text, margin, dict(sensitivity or {}), reason)


def _untested_note(name: str, would_test: str) -> str:
    """The caveat note of a part the data cannot reach, naming the data that would test it."""
    return f"part {name} not tested (data that would test it: {would_test or 'none named'})"


def aggregate(judged: Sequence[tuple[Part, Verdict]]) -> tuple[str, str, str]:
    """The claim's (verdict, caveat, reason) from its parts' verdicts, by the rule in the module docstring."""
    core = [(p, v) for p, v in judged if p.core]
    failed = [p.name for p, v in judged if v.verdict == "not_reproduced"]
    if bad := [p.name for p, v in core if v.verdict == "not_reproduced"]:
        return "not_reproduced", "", f"its core part {', '.join(bad)} is contradicted by the data"
    if all(v.verdict == "not_testable" for _, v in core):
        names = ", ".join(p.name for p, _ in core)
        if failed:
            return "not_reproduced", "", (f"its core part {names} cannot be tested here, and its tested part "
                                          f"{', '.join(failed)} is contradicted by the data")
        held = [p.name for p, v in judged if v.verdict in ("reproduced", "reproduced_with_caveat")]
        return "not_testable", "", (f"its core part {names} cannot be tested with the data here"
                                    + (f"; its tested part {', '.join(held)} holds" if held else ""))
    if all(v.verdict == "reproduced" for _, v in judged):
        return "reproduced", "", f"all {len(judged)} parts hold"
    notes = []
    for p, v in judged:
        if v.verdict == "not_testable":
            notes.append(_untested_note(p.name, p.would_test))
        elif v.verdict == "reproduced_with_caveat":
            notes.append(f"part {p.name}: {v.caveat}")
        elif v.verdict == "not_reproduced":
            notes.append(f"part {p.name} does not hold")
    held = [p.name for p, v in core if v.verdict in ("reproduced", "reproduced_with_caveat")]
    return "reproduced_with_caveat", "; ".join(notes), f"its core part {', '.join(held)} holds, with the caveats named"


def with_untested(claim: Claim, judged: Verdict) -> Verdict:
    """A claim whose rule tests one assertion of its sentence, with the others (``claim.untested``) as parts the
    data cannot reach: the tested assertion is the core part, and :func:`aggregate` gives the verdict. Margin,
    evidence and drop-one results stay those of the tested assertion."""
    if not claim.untested:
        return judged
    core = Part.model_construct(name="as_tested", text=claim.claimed.text, core=True, would_test="")
    judged_parts = [(core, judged)] + [
        (Part.model_construct(name=u.name, text=u.text, core=False, would_test=u.would_test),
         Verdict(claim.id, "not_testable", "indeterminate", u.text, "the data here cannot reach it",
                 notebook=claim.notebook)) for u in claim.untested]
    verdict, _, why = aggregate(judged_parts)
    notes = [_untested_note(u.name, u.would_test) for u in claim.untested]
    caveat = "; ".join([judged.caveat, *notes] if judged.caveat else notes) if verdict == "reproduced_with_caveat" \
        else judged.caveat
    reason = judged.reason if verdict == judged.verdict else f"{judged.reason}; {why}"
    return dataclasses.replace(judged, verdict=verdict, caveat=caveat, reason=reason,
                               parts=[_part_json(p, v) for p, v in judged_parts])


def _part_json(part: Part, v: Verdict) -> dict[str, Any]:
    return {"name": part.name, "text": part.text, "core": part.core, "verdict": v.verdict, "observed": v.observed,
            "margin": v.margin, "reason": v.reason, "caveat": v.caveat, "knife_edge": v.knife_edge,
            "variants": dict(v.variants)}


def assess_compound(claim: Claim, parts: Mapping[str, Observation | None], reason: str = "",
                    params: Mapping[str, Any] | None = None) -> Verdict:
    """Judge each part of ``claim`` with its own rule and aggregate. Every registered part needs an entry in
    ``parts`` (``None`` for one the data cannot reach); an unknown or missing name raises ``KeyError``."""
    names = [p.name for p in claim.parts]
    if unknown := sorted(set(parts) - set(names)):
        raise KeyError(f"{claim.id}: no part named {unknown}; its parts: {names}")
    if missing := [n for n in names if n not in parts]:
        raise KeyError(f"{claim.id}: no observation for part(s) {missing} (pass None for an untestable part)")
    judged = []
    for part in claim.parts:
        obs = parts[part.name] or Observation(None)
        v = assess(claim.part_claim(part.name), obs.observed, obs.variants, obs.observed_text, obs.reason,
                   params, margin=obs.margin, sensitivity=obs.sensitivity)
        judged.append((part, v))
    verdict, caveat, why = aggregate(judged)
    deciding = [v for p, v in judged if p.core and v.margin_value is not None] or \
        [v for _, v in judged if v.margin_value is not None]
    tightest = min(deciding, key=lambda v: v.margin_value) if deciding and verdict != "not_testable" else None
    edges = [f"{p.name}: {v.knife_edge}" for p, v in judged if v.knife_edge]
    return Verdict(
        claim.id, verdict, "; ".join(f"{p.name}: {v.observed}" for p, v in judged), claim.claimed.text,
        (reason + "; " if reason else "") + why
        + (f". Data that would test it: {claim.would_test}" if verdict == "not_testable" and claim.would_test else ""),
        caveat=caveat, notebook=claim.notebook,
        margin=f"{tightest.margin} (part {next(p.name for p, v in judged if v is tightest)})" if tightest else "",
        margin_value=tightest.margin_value if tightest else None, margin_unit=tightest.margin_unit if tightest else "",
        knife_edge="; ".join(edges), parts=[_part_json(p, v) for p, v in judged],
        sensitivity=[{**d, "dropped": f"{p.name}: {d['dropped']}"} for p, v in judged for d in v.sensitivity])
