"""Assessing observed values against a register row: rules, margins and verdicts (pure, no file access).

Notebooks pass *observed* values, computed from raw files by the library, to
:func:`khar_analysis.claims.register.verdict`, which looks the claim up and calls :func:`assess`
here; the verdict is computed, never typed in. Vocabulary: :data:`VERDICTS` (``pending`` is a build
state for claims whose notebook does not exist yet, never a verdict).

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

``compound``    judged by its parts, each with its own rule (:mod:`khar_analysis.claims.compound`).

Variants (other releases, windows, definitions, sources) are assessed with the same rule. The
primary holds and all variants hold: ``reproduced``. Some hold and some do not:
``reproduced_with_caveat``, naming them. None holds: ``not_reproduced``.

Every verdict carries its margin to flipping (:mod:`khar_analysis.claims.margins`), in the claim's unit.
Two things keep a holding claim from plain ``reproduced`` and are named in its caveat: a *knife-edge*
(the margin is zero or within the data's stated precision, ``rule.precision``), and a *single-row
dependence* (``sensitivity``: the observation recomputed without each decisive row in turn; a drop
that flips the verdict is named).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from khar_analysis.claims import templates
from khar_analysis.claims.margins import Margin, Ranking, numeric, rank
from khar_analysis.claims.schema import NUMERIC_KINDS, Claim

VERDICTS = ("reproduced", "reproduced_with_caveat", "not_reproduced", "not_testable")
PENDING = "pending"
MIMETYPE = "application/vnd.khar.verdict+json"
_LABELS = {True: "holds", False: "does not hold", None: "indeterminate"}


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
    #: the notebook's parameters that differ from its declared defaults in the run that gave this verdict
    parameters: dict[str, Any] = field(default_factory=dict)
    #: the margin to flipping, as text with its unit (empty for ``not_testable``), its value and unit
    margin: str = ""
    margin_value: float | None = None
    margin_unit: str = ""
    #: which comparison sits on the edge (empty when none does)
    knife_edge: str = ""
    #: the rows that decided the verdict (:mod:`khar_analysis.claims.evidence`), as JSON
    evidence: dict[str, Any] | None = None
    #: a compound claim's parts: name, text, core, verdict, observed, margin, reason
    parts: list[dict[str, Any]] = field(default_factory=list)
    #: drop-one-row: ``{"dropped", "holds", "flips"}`` per decisive row
    sensitivity: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"{self.claim_id}: {self.verdict!r} is not a verdict; expected one of {VERDICTS}")

    def line(self) -> str:
        """The canonical one-line form (what nbval guards)."""
        text = f"{self.claim_id}: {self.verdict} | observed: {self.observed} | claimed: {self.claimed}"
        text += f" | margin: {self.margin}" if self.margin else ""
        return text + (f" | caveat: {self.caveat}" if self.caveat else "")

    def to_json(self) -> dict[str, Any]:
        """The verdict as JSON; ``parameters`` only when the run overrode any (a default run's JSON has none)."""
        out = asdict(self)
        if not self.parameters:
            out.pop("parameters")
        return out

    def _repr_mimebundle_(self, include=None, exclude=None):
        plain = self.line() + f"\n  reason: {self.reason}"
        if self.parameters:
            plain += "\n  parameters: " + "; ".join(f"{k}={v!r}" for k, v in sorted(self.parameters.items()))
        if self.variants:
            plain += "\n" + "\n".join(f"  {k}: {v}" for k, v in self.variants.items())
        for part in self.parts:
            plain += f"\n  part {part['name']}{' (core)' if part['core'] else ''}: {part['verdict']}"
        flips = [s["dropped"] for s in self.sensitivity if s["flips"]]
        if self.sensitivity:
            plain += f"\n  drop-one-row: {len(self.sensitivity)} rows tried, " + (
                f"flipped by {', '.join(flips)}" if flips else "none flips the verdict")
        if self.evidence:
            plain += f"\n  evidence: {len(self.evidence['rows'])} rows ({self.evidence['code']})"
        return {"text/plain": plain, MIMETYPE: self.to_json()}

    def __repr__(self) -> str:
        return self.line()


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, Ranking):
        total = value.total or sum(value.values.values()) or 1.0
        return " > ".join(f"{k} {100 * value.values[k] / total:.1f}%" for k in value.order())
    if isinstance(value, list | tuple):
        return " > ".join(map(str, value))
    if value is None:
        return "indeterminate"
    return str(value)


def tolerance(claim: Claim) -> float:
    """The rule's tolerance in the claim's unit (0 when the rule gives none)."""
    tol = claim.rule.tolerance
    return tol.amount(claim.claimed.value) if tol is not None else 0.0


def holds(claim: Claim, observed: Any) -> bool | None:
    """Whether ``observed`` satisfies the claim's rule: True, False, or None (cannot be decided)."""
    kind = claim.rule.kind
    claimed = claim.claimed.value
    if observed is None:
        return None
    if kind == "rank_order":
        want = list(claimed)
        order = observed.order() if isinstance(observed, Ranking) else list(observed)
        return order[: len(want)] == want
    if kind in ("approx", "at_least", "at_most"):
        obs = float(observed)
        if math.isnan(obs):
            return None
        tol = tolerance(claim)
        if kind == "approx":
            return abs(obs - float(claimed)) <= tol + 1e-12
        if kind == "at_least":
            return obs >= float(claimed) - tol
        return obs <= float(claimed) + tol
    if not isinstance(observed, bool):  # boolean, untestable
        raise TypeError(f"{claim.id}: rule {kind} needs a bool (or None) observation, got {observed!r}")
    return observed


def _variant_text(claim: Claim, value: Any) -> str:
    """A variant as the verdict shows it: its value, its margin when it has one, and whether it holds."""
    found = margin_of(claim, value)
    room = f" ({found.text()})" if found is not None and found.value is not None else ""
    return f"{_fmt(value)}{room} -> {_LABELS[holds(claim, value)]}"


def _tolerance_text(claim: Claim) -> str:
    tol = claim.rule.tolerance
    return f" (tolerance {', '.join(f'{k} {v}' for k, v in tol.as_dict().items())})" if tol else ""


def _untestable(claim: Claim, observed: Any, obs_text: str, reason: str, shown: dict[str, str]) -> Verdict:
    premise = holds(claim, observed) if observed is not None else None
    claimed_text = claim.claimed.text
    if premise is False:
        return Verdict(claim.id, "not_reproduced", obs_text, claimed_text,
                       reason or "the data contradict the claim's testable premise", notebook=claim.notebook)
    why = reason or "the data here cannot test this claim"
    if premise:
        why += "; its testable premise holds"
    return Verdict(claim.id, "not_testable", obs_text, claimed_text,
                   f"{why}. Data that would test it: {claim.would_test}", notebook=claim.notebook, variants=shown)


def margin_of(claim: Claim, observed: Any, given: Margin | None = None) -> Margin | None:
    """The margin of ``observed`` under the claim's rule: ``given`` (a notebook's, for ``boolean`` rules), or
    computed for numeric rules and for rankings passed as :class:`~khar_analysis.claims.margins.Ranking`.
    The register's ``rule.precision`` applies when the margin states none."""
    precision = float(claim.rule.precision or 0.0)
    kind = claim.rule.kind
    if given is not None:
        found = given
    elif kind in NUMERIC_KINDS and observed is not None and not (isinstance(observed, float) and math.isnan(observed)):
        found = numeric(kind, float(observed), float(claim.claimed.value), tolerance(claim),
                        claim.claimed.get("unit", ""), precision)
    elif kind == "rank_order" and isinstance(observed, Ranking):
        found = rank(observed, claim.claimed.value, precision)
    else:
        return None
    if precision and not found.precision:
        found = dataclasses.replace(found, precision=precision)
    return found


def _notes(*notes: str) -> str:
    """Caveat notes joined with "; ", empty ones left out."""
    return "; ".join(n for n in notes if n)


def _sensitivity(claim: Claim, primary: bool | None, drops: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Drop-one-row: each decisive row's observation without it, judged by the same rule."""
    out = []
    for label, value in (drops or {}).items():
        result = holds(claim, value)
        out.append({"dropped": str(label), "holds": result, "flips": result != primary})
    return out


def assess(
    claim: Claim,
    observed: Any,
    variants: dict[str, Any] | None = None,
    observed_text: str | None = None,
    reason: str = "",
    params: Mapping[str, Any] | None = None,
    *,
    margin: Margin | None = None,
    sensitivity: Mapping[str, Any] | None = None,
    checks: Mapping[str, Any] | None = None,
) -> Verdict:
    """Turn observed values and the register row into a :class:`Verdict`.

    ``observed`` is the value under the primary specification (the one closest to the claim's own
    definition; the register's ``rule.primary`` names it); ``variants`` maps other specifications
    (release, window, source, definition) to their observed values. ``params`` (the notebook's parameter
    values in this run) fill a templated ``rule.primary`` (:mod:`khar_analysis.claims.templates`); without
    them, the values recorded by ``use_parameters`` or else the notebook's declared defaults do.
    ``margin`` is the notebook's margin for a ``boolean`` rule (numeric rules and rankings compute theirs);
    ``sensitivity`` maps each decisive row to the observation recomputed without it. ``checks`` are
    labelled variants on weaker evidence (e.g. with unconfirmed rows included): one that fails keeps a
    holding claim from plain ``reproduced``; one that holds never rescues a claim that fails.
    """
    judged = _judge(claim, observed, variants, observed_text, reason, params)
    judged = _apply_checks(claim, judged, checks or {})
    found = margin_of(claim, observed, margin) if judged.verdict != "not_testable" or margin else None
    primary = holds(claim, observed) if claim.rule.kind != "untestable" else None
    drops = _sensitivity(claim, primary, sensitivity)
    verdict, caveat, why, edge = judged.verdict, judged.caveat, judged.reason, ""
    if found is not None and found.edge and verdict in ("reproduced", "reproduced_with_caveat", "not_reproduced"):
        edge = found.against
        caveat = _notes(caveat, f"knife-edge: {found.edge_text()}")
        if verdict == "reproduced":
            verdict, why = "reproduced_with_caveat", why + "; but the comparison sits on a knife-edge"
    flips = ", ".join(d["dropped"] for d in drops if d["flips"])
    if flips and primary:
        caveat = _notes(caveat, f"rests on single rows: dropping {flips} flips it")
        if verdict == "reproduced":
            verdict, why = "reproduced_with_caveat", why + "; but dropping one row flips it"
    elif flips and verdict != "not_testable":
        caveat = _notes(caveat, f"the primary reading would hold without {flips}")
    return dataclasses.replace(
        judged, verdict=verdict, caveat=caveat, reason=why, knife_edge=edge, sensitivity=drops,
        margin=found.text() if found else "", margin_value=found.value if found else None,
        margin_unit=found.unit if found else "")


def _apply_checks(claim: Claim, judged: Verdict, checks: Mapping[str, Any]) -> Verdict:
    """Checks on weaker evidence: shown with the variants; a failing one adds a caveat to a holding verdict."""
    if not checks:
        return judged
    shown = {**judged.variants, **{f"{k} (check only)": _variant_text(claim, v) for k, v in checks.items()}}
    failed = [k for k, v in checks.items() if holds(claim, v) is False]
    held = [k for k, v in checks.items() if holds(claim, v)]
    verdict, caveat, why = judged.verdict, judged.caveat, judged.reason
    if failed and verdict in ("reproduced", "reproduced_with_caveat"):
        caveat = _notes(caveat, f"does not hold when: {', '.join(failed)}")
        verdict = "reproduced_with_caveat"
    elif held and verdict in ("not_reproduced", "not_testable"):
        why += f"; it would hold only with {', '.join(held)}, which cannot earn a verdict"
    return dataclasses.replace(judged, verdict=verdict, caveat=caveat, reason=why, variants=shown)


def _judge(claim: Claim, observed: Any, variants: dict[str, Any] | None, observed_text: str | None,
           reason: str, params: Mapping[str, Any] | None) -> Verdict:
    """The verdict from the rule, the primary observation and the variants (before margins and drops)."""
    claimed_text = claim.claimed.text
    obs_text = observed_text if observed_text is not None else _fmt(observed)
    variants = variants or {}
    tol_text = _tolerance_text(claim)
    shown = {k: _variant_text(claim, v) for k, v in variants.items()}
    if claim.rule.kind == "untestable":
        return _untestable(claim, observed, obs_text, reason, shown)

    primary = holds(claim, observed)
    results = {k: holds(claim, v) for k, v in variants.items()}
    if primary is None and not any(r is not None for r in results.values()):
        return Verdict(claim.id, "not_testable", obs_text, claimed_text,
                       (reason or "the data cannot decide at their precision")
                       + (f". Data that would test it: {claim.would_test}" if claim.would_test else ""),
                       notebook=claim.notebook, variants=shown)
    held = [k for k, r in results.items() if r]
    failed = [k for k, r in results.items() if r is False]
    if params is None and templates.is_template(claim.rule.primary):
        params = templates.run_parameters(claim.notebook)[0]  # the run's parameters, else the declared defaults
    primary_name = templates.render(claim.rule.primary, params or {}, f"{claim.id}: rule.primary") \
        or "primary specification"
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
