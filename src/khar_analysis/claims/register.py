"""The claims register and the assessment of observed values against it.

The register (``data/claims/*.yaml``, one file per claim family, one record per claim) holds what
the article claims: where (line and anchor words), the claimed value and unit, the comparison rule
and tolerance, the cited source and the notebook that tests it. Notebooks pass *observed* values,
computed from raw files by the library, to :func:`verdict`; the verdict is computed here, never
typed in. Vocabulary: :data:`VERDICTS` (``pending`` is a build state for claims whose notebook does
not exist yet, never a verdict).

Rule kinds
----------
``rank_order``  observed ranking starts with the claimed codes, in order.
``approx``      ``|observed - claimed| <= tolerance`` (``abs`` in the claim's unit, or ``rel`` share).
``at_least``    ``observed >= claimed`` (e.g. "more than 300 thousand").
``at_most``     ``observed <= claimed``.
``boolean``     observed is ``True`` (holds), ``False`` (contradicted) or ``None`` (indeterminate, e.g. a
                month-precision date against a day: the data cannot decide, so ``not_testable``).
``untestable``  the data here cannot reach the claim; an optional observed *premise* that is
                contradicted makes it ``not_reproduced``, otherwise ``not_testable`` with ``would_test``.

Variants (other releases, windows, definitions, sources) are assessed with the same rule. The
primary holds and all variants hold: ``reproduced``. Some hold and some do not:
``reproduced_with_caveat``, naming them. None holds: ``not_reproduced``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from khar_analysis.core.paths import Layout
from khar_analysis.core.paths import layout as default_layout
from khar_analysis.core.records import load_records, memo_by_files

VERDICTS = ("reproduced", "reproduced_with_caveat", "not_reproduced", "not_testable")
PENDING = "pending"
MIMETYPE = "application/vnd.khar.verdict+json"
RULE_KINDS = ("rank_order", "approx", "at_least", "at_most", "boolean", "untestable")

REGISTER_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "khar-analysis claims register record",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "family", "line", "anchor", "gloss", "claim_type", "claimed", "rule", "notebook"],
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Z]+-[0-9A-Z]+$"},
        "family": {"type": "string", "pattern": "^[a-z_]+$"},
        "line": {"type": ["integer", "null"], "minimum": 1},
        "anchor": {"type": "array", "items": {"type": "string", "minLength": 2}},
        "gloss": {"type": "string", "minLength": 10},
        "claim_type": {"enum": ["ranking", "share", "count", "date", "order", "interval", "existence",
                                "membership", "trend", "qualitative", "robustness"]},
        "claimed": {
            "type": "object",
            "required": ["text"],
            "additionalProperties": False,
            "properties": {
                "value": {},
                "unit": {"type": "string"},
                "text": {"type": "string", "minLength": 2},
            },
        },
        "rule": {
            "type": "object",
            "required": ["kind"],
            "additionalProperties": False,
            "properties": {
                "kind": {"enum": list(RULE_KINDS)},
                "tolerance": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"abs": {"type": "number", "minimum": 0}, "rel": {"type": "number", "minimum": 0}},
                },
                "why": {"type": "string"},
                "primary": {"type": "string"},
            },
        },
        "citation": {"type": "string"},
        "notebook": {"type": "string", "pattern": "^[0-9]{2}_[a-z0-9_]+$"},
        "sources": {"type": "array", "items": {"type": "string"}},
        "would_test": {"type": "string"},
        "notes": {"type": "string"},
    },
    "allOf": [
        {
            "if": {"properties": {"rule": {"properties": {"kind": {"const": "untestable"}}}}},
            "then": {"required": ["would_test"]},
        },
        {
            "if": {"properties": {"rule": {"properties": {"kind": {"enum": ["approx", "at_least", "at_most",
                                                                              "rank_order"]}}}}},
            "then": {"properties": {"claimed": {"required": ["value", "unit", "text"]}}},
        },
    ],
}


class RegisterError(ValueError):
    """The claims register is malformed, or a verdict names an unregistered claim."""


@dataclass(frozen=True)
class Claim:
    """One register row."""

    id: str
    family: str
    line: int | None
    anchor: list[str]
    gloss: str
    claim_type: str
    claimed: dict[str, Any]
    rule: dict[str, Any]
    notebook: str
    citation: str = ""
    sources: list[str] = field(default_factory=list)
    would_test: str = ""
    notes: str = ""


def load_register(lay: Layout | None = None) -> dict[str, Claim]:
    """Read and validate ``data/claims/*.yaml``; return claims by id in file then record order."""
    lay = lay or default_layout()
    files = sorted(lay.claims_dir.glob("*.yaml"))
    if not files:
        raise RegisterError(f"no register files in {lay.rel(lay.claims_dir)}/ (expected *.yaml)")
    return dict(memo_by_files("register", files, lambda: _parse_register(lay, files)))


def _parse_register(lay: Layout, files: list) -> dict[str, Claim]:
    records = load_records(files, REGISTER_SCHEMA, RegisterError, lay.rel, "claim")
    from khar_analysis.claims.conditions import validate_records  # typed event conditions (imports this module)
    validate_records(records, lay.rel)
    return {rec["id"]: Claim(**rec) for _, rec in records}


@dataclass(frozen=True)
class Verdict:
    """A computed verdict. Displayed in a notebook, it prints one canonical line and carries JSON
    (mimetype :data:`MIMETYPE`) that the build collects into the ledger."""

    claim_id: str
    verdict: str
    observed: str
    claimed: str
    reason: str
    caveat: str = ""
    notebook: str = ""
    variants: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"{self.claim_id}: {self.verdict!r} is not a verdict; expected one of {VERDICTS}")

    def line(self) -> str:
        """The canonical one-line form (what nbval guards)."""
        text = f"{self.claim_id}: {self.verdict} | observed: {self.observed} | claimed: {self.claimed}"
        return text + (f" | caveat: {self.caveat}" if self.caveat else "")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        plain = self.line() + f"\n  reason: {self.reason}"
        if self.variants:
            plain += "\n" + "\n".join(f"  {k}: {v}" for k, v in self.variants.items())
        return {"text/plain": plain, MIMETYPE: self.to_json()}

    def __repr__(self) -> str:
        return self.line()


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, list | tuple):
        return " > ".join(map(str, value))
    if value is None:
        return "indeterminate"
    return str(value)


def _tolerance(claim: Claim) -> float:
    tol = claim.rule.get("tolerance") or {}
    claimed = claim.claimed.get("value")
    if "abs" in tol:
        return float(tol["abs"])
    if "rel" in tol:
        return float(tol["rel"]) * abs(float(claimed))
    return 0.0


def holds(claim: Claim, observed: Any) -> bool | None:
    """Whether ``observed`` satisfies the claim's rule: True, False, or None (cannot be decided)."""
    kind = claim.rule["kind"]
    claimed = claim.claimed.get("value")
    if observed is None:
        return None
    if kind == "rank_order":
        want = list(claimed)
        return list(observed)[: len(want)] == want
    if kind in ("approx", "at_least", "at_most"):
        obs = float(observed)
        if math.isnan(obs):
            return None
        tol = _tolerance(claim)
        if kind == "approx":
            return abs(obs - float(claimed)) <= tol + 1e-12
        if kind == "at_least":
            return obs >= float(claimed) - tol
        return obs <= float(claimed) + tol
    if kind in ("boolean", "untestable"):
        if not isinstance(observed, bool):
            raise TypeError(f"{claim.id}: rule {kind} needs a bool (or None) observation, got {observed!r}")
        return observed
    raise RegisterError(f"{claim.id}: unknown rule kind {kind!r}")


def assess(
    claim: Claim,
    observed: Any,
    variants: dict[str, Any] | None = None,
    observed_text: str | None = None,
    reason: str = "",
) -> Verdict:
    """Turn observed values and the register row into a :class:`Verdict`.

    ``observed`` is the value under the primary specification (the one closest to the claim's own
    definition; the register's ``rule.primary`` names it); ``variants`` maps other specifications
    (release, window, source, definition) to their observed values.
    """
    kind = claim.rule["kind"]
    claimed_text = claim.claimed["text"]
    obs_text = observed_text if observed_text is not None else _fmt(observed)
    variants = variants or {}
    tol = claim.rule.get("tolerance")
    tol_text = f" (tolerance {', '.join(f'{k} {v}' for k, v in tol.items())})" if tol else ""
    labels = {True: "holds", False: "does not hold", None: "indeterminate"}
    shown = {k: f"{_fmt(v)} -> {labels[holds(claim, v)]}" for k, v in variants.items()}

    if kind == "untestable":
        premise = holds(claim, observed) if observed is not None else None
        if premise is False:
            return Verdict(claim.id, "not_reproduced", obs_text, claimed_text,
                           reason or "the data contradict the claim's testable premise", notebook=claim.notebook)
        why = reason or "the data here cannot test this claim"
        if premise:
            why += "; its testable premise holds"
        return Verdict(claim.id, "not_testable", obs_text, claimed_text,
                       f"{why}. Data that would test it: {claim.would_test}", notebook=claim.notebook,
                       variants=shown)

    primary = holds(claim, observed)
    results = {k: holds(claim, v) for k, v in variants.items()}
    if primary is None and not any(r is not None for r in results.values()):
        return Verdict(claim.id, "not_testable", obs_text, claimed_text,
                       (reason or "the data cannot decide at their precision")
                       + (f". Data that would test it: {claim.would_test}" if claim.would_test else ""),
                       notebook=claim.notebook, variants=shown)
    held = [k for k, r in results.items() if r]
    failed = [k for k, r in results.items() if r is False]
    primary_name = claim.rule.get("primary", "primary specification")
    primary_state = "cannot be decided under" if primary is None else "does not hold under"
    if primary and not failed:
        verdict, caveat = "reproduced", ""
        why = f"holds under the {primary_name}{tol_text}" + (f" and all {len(held)} variants" if held else "")
    elif primary or held:
        verdict = "reproduced_with_caveat"
        if primary:
            caveat = f"does not hold under: {', '.join(failed)}"
            why = f"holds under the {primary_name}{tol_text} but not under every variant"
        else:
            caveat = f"holds only under: {', '.join(held)}"
            why = f"{primary_state} the {primary_name}{tol_text}; holds under some variants"
    else:
        verdict, caveat = "not_reproduced", ""
        why = f"{primary_state} the {primary_name}{tol_text}" + (" and does not hold under any variant"
                                                                 if variants else "")
    return Verdict(claim.id, verdict, obs_text, claimed_text, (reason + "; " if reason else "") + why,
                   caveat=caveat, notebook=claim.notebook, variants=shown)


def verdict(claim_id: str, observed: Any, variants: dict[str, Any] | None = None,
            observed_text: str | None = None, reason: str = "", lay: Layout | None = None) -> Verdict:
    """Look up ``claim_id`` in the register and :func:`assess` it (what a notebook's verdict cell calls)."""
    register = load_register(lay)
    if claim_id not in register:
        raise RegisterError(f"verdict for unregistered claim {claim_id!r}; registered: {', '.join(register)}")
    return assess(register[claim_id], observed, variants, observed_text, reason)


def verdicts_from_notebook(nb) -> list[tuple[str, dict[str, Any]]]:
    """Every verdict an executed notebook displayed, as ``(cell_id, verdict-json)`` in cell order."""
    found = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {}) if isinstance(out, dict) else {}
            if MIMETYPE in data:
                payload = data[MIMETYPE]
                found.append((cell.get("id", ""), json.loads(payload) if isinstance(payload, str) else dict(payload)))
    return found


@dataclass(frozen=True)
class ClaimCard:
    """A claim's register entry shown at the head of a notebook section (id, line, gloss, rule)."""

    claim: Claim

    def _repr_markdown_(self) -> str:
        c = self.claim
        where = f"article line {c.line}" if c.line else "no single line (a robustness check)"
        cite = f"; cites ({c.citation})" if c.citation else ""
        tol = c.rule.get("tolerance")
        rule = c.rule["kind"] + (f", tolerance {tol}" if tol else "")
        return (f"**{c.id}** ({where}{cite}): {c.gloss}\n\n"
                f"*Claimed:* {c.claimed['text']}. *Rule:* {rule}."
                + (f" *Primary specification:* {c.rule['primary']}." if c.rule.get("primary") else ""))

    def __repr__(self) -> str:
        return self._repr_markdown_()


def claimed_value(claim_id: str, lay: Layout | None = None) -> Any:
    """The claimed value of ``claim_id`` as the register holds it (``claimed.value``).

    The one accessor notebooks use for any number, code list or date the register holds, so that
    no notebook types a registered value again.
    """
    register = load_register(lay)
    if claim_id not in register:
        raise RegisterError(f"unregistered claim {claim_id!r}")
    claimed = register[claim_id].claimed
    if "value" not in claimed:
        raise RegisterError(f"{claim_id}: the register holds no claimed.value (it has {sorted(claimed)})")
    return claimed["value"]


def describe(claim_id: str, lay: Layout | None = None) -> ClaimCard:
    """The register entry of ``claim_id`` for display (the quote itself appears only in the report)."""
    register = load_register(lay)
    if claim_id not in register:
        raise RegisterError(f"unregistered claim {claim_id!r}")
    return ClaimCard(register[claim_id])
