"""The claims register: loading ``data/claims/*.yaml`` into typed claims, and looking claims up.

The register (one file per claim family, one record per claim) holds what the article claims: where
(line and anchor words), the claimed value and unit, the comparison rule and tolerance, the cited
source and the notebook that tests it. Records are validated by :mod:`khar_analysis.claims.schema`
(the claimed value typed by ``rule.kind``); the first problem stops the load with one line naming the
register file, the claim, the field path, what was expected and what was found.

Notebooks use this module as ``claims``: :func:`verdict` (look up and assess), :func:`describe` (the
claim card), :func:`claimed_value` (the one accessor for a registered value); :func:`assess`,
:class:`Verdict` and the vocabulary come from :mod:`khar_analysis.claims.verdicts`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from khar_analysis.claims import templates
from khar_analysis.claims.compound import Observation, assess_compound, observation, with_untested
from khar_analysis.claims.conditions import validate_conditions
from khar_analysis.claims.errors import RegisterError, describe_error
from khar_analysis.claims.evidence import Evidence, evidence
from khar_analysis.claims.margins import Margin, margin, ranking
from khar_analysis.claims.schema import RULE_KINDS, TYPED_CLAIM, Claim
from khar_analysis.claims.templates import use_parameters
from khar_analysis.claims.verdicts import MIMETYPE, PENDING, VERDICTS, Verdict, assess, holds, verdicts_from_notebook
from khar_analysis.core.paths import Layout
from khar_analysis.core.paths import layout as default_layout
from khar_analysis.core.records import memo_by_files, read_yaml

__all__ = ["MIMETYPE", "PENDING", "RULE_KINDS", "VERDICTS", "Claim", "ClaimCard", "Evidence", "Margin",
           "Observation", "RegisterError", "Verdict", "assess", "claimed_value", "describe", "evidence", "holds",
           "load_register", "margin", "observation", "ranking", "use_parameters", "verdict", "verdicts_from_notebook"]


def load_register(lay: Layout | None = None) -> dict[str, Claim]:
    """Read and validate ``data/claims/*.yaml``; return claims by id in file then record order."""
    lay = lay or default_layout()
    files = sorted(lay.claims_dir.glob("*.yaml"))
    if not files:
        raise RegisterError(f"no register files in {lay.rel(lay.claims_dir)}/ (expected *.yaml)")
    return dict(memo_by_files("register", files, lambda: _parse_register(lay, files)))


def parse_records(records: Any, shown: str) -> list[Claim]:
    """Validate the records of one register file (``shown``: its name in messages) into claims."""
    if not isinstance(records, list):
        raise RegisterError(f"{shown}: expected a list of claim records, found {type(records).__name__}")
    out = []
    for i, record in enumerate(records):
        rid = record.get("id") if isinstance(record, dict) else None
        rid = rid if isinstance(rid, str) else f"record #{i + 1}"
        if not isinstance(record, dict):
            raise RegisterError(f"{shown}: {rid}: (record): expected a mapping, found {type(record).__name__}")
        try:
            out.append(TYPED_CLAIM.validate_python(record))
        except ValidationError as exc:
            raise RegisterError(f"{shown}: {rid}: {describe_error(exc)}") from None
    return out


def _parse_register(lay: Layout, files: list[Path]) -> dict[str, Claim]:
    claims: dict[str, Claim] = {}
    for file in files:
        try:
            records = read_yaml(file)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise RegisterError(f"{lay.rel(file)}: not valid UTF-8 YAML: {' '.join(str(exc).split())}") from exc
        for claim in parse_records(records, lay.rel(file)):
            _validate_extensions(claim, records, lay.rel(file))
            if claim.id in claims:
                raise RegisterError(f"{lay.rel(file)}: {claim.id}: id: expected a unique claim id, found a duplicate")
            claims[claim.id] = claim
    return claims


def _validate_extensions(claim: Claim, records: list[dict], shown: str) -> None:
    """Checks of family-specific parts of claimed values beyond their type.

    The schema types a ``boolean`` claim's mapping only as a mapping; the event condition language
    (:mod:`khar_analysis.claims.conditions`) checks its content here, on the record as written; a
    templated ``rule.primary`` (:mod:`khar_analysis.claims.templates`) must parse. Each check raises
    :class:`RegisterError` with one line naming the file, the claim and the field path.
    """
    record = next(r for r in records if isinstance(r, dict) and r.get("id") == claim.id)
    validate_conditions(record, shown)
    for where, primary in [("rule.primary", claim.rule.primary),
                           *((f"parts.{p.name}.rule.primary", p.rule.primary) for p in claim.parts)]:
        try:
            templates.variables(primary)
        except RegisterError as exc:
            raise RegisterError(f"{shown}: {claim.id}: {where}: {exc}") from None


def _claim(claim_id: str, lay: Layout | None) -> Claim:
    register = load_register(lay)
    if claim_id not in register:
        raise RegisterError(f"unregistered claim {claim_id!r}; registered: {', '.join(register)}")
    return register[claim_id]


def verdict(claim_id: str, observed: Any = None, variants: dict[str, Any] | None = None,
            observed_text: str | None = None, reason: str = "", lay: Layout | None = None, *,
            evidence: Evidence | None = None, margin: Margin | None = None,
            parts: dict[str, Observation | None] | None = None,
            sensitivity: dict[str, Any] | None = None, checks: dict[str, Any] | None = None) -> Verdict:
    """Look up ``claim_id`` in the register and :func:`assess` it (what a notebook's verdict cell calls).

    ``evidence``: the rows that decided it (:func:`evidence`); ``margin``: a ``boolean`` rule's margin
    (:func:`margin`; numeric rules and :func:`ranking` observations compute theirs); ``parts``: a compound
    claim's observations by part name (:func:`observation`); ``sensitivity``: the observation without each
    decisive row; ``checks``: variants on weaker evidence, which can lower a verdict but never raise it.
    Register templates are filled from the parameters the claim's notebook runs with, and
    the verdict carries the overrides (:func:`use_parameters`)."""
    register = load_register(lay)
    if claim_id not in register:
        raise RegisterError(f"verdict for unregistered claim {claim_id!r}; registered: {', '.join(register)}")
    claim = register[claim_id]
    values, overrides = templates.run_parameters(claim.notebook, lay)
    if (claim.rule.kind == "compound") != (parts is not None):
        raise RegisterError(f"{claim_id}: rule {claim.rule.kind} " + ("needs parts=" if parts is None
                                                                      else "takes no parts="))
    if parts is not None:
        judged = assess_compound(claim, parts, reason, params=values)
    else:
        judged = with_untested(claim, assess(claim, observed, variants, observed_text, reason, params=values,
                                             margin=margin, sensitivity=sensitivity, checks=checks))
    return dataclasses.replace(judged, parameters=dict(overrides),
                               evidence=evidence.to_json(claim_id) if evidence is not None else None)


def claimed_value(claim_id: str, lay: Layout | None = None) -> Any:
    """The claimed value of ``claim_id`` as the register holds it (``claimed.value``, typed by its rule).

    The one accessor notebooks use for any number, code list or date the register holds, so that
    no notebook types a registered value again.
    """
    claimed = _claim(claim_id, lay).claimed
    if "value" not in claimed:
        raise RegisterError(f"{claim_id}: the register holds no claimed.value (it has {sorted(claimed.as_dict())})")
    return claimed.value


@dataclass(frozen=True)
class ClaimCard:
    """A claim's register entry shown at the head of a notebook section (id, line, gloss, rule; a compound
    claim's parts, each with its rule and primary specification)."""

    claim: Claim
    primary: str = ""
    part_primaries: tuple[str, ...] = ()

    def _repr_markdown_(self) -> str:
        c = self.claim
        where = f"article line {c.line}" if c.line else "no single line (a robustness check)"
        cite = f"; cites ({c.citation})" if c.citation else ""
        text = (f"**{c.id}** ({where}{cite}): {c.gloss}\n\n"
                f"*Claimed:* {c.claimed.text}. *Rule:* {_rule_text(c.rule)}."
                + (f" *Primary specification:* {self.primary}." if self.primary else ""))
        for part, primary in zip(c.parts, self.part_primaries or ("",) * len(c.parts), strict=True):
            text += (f"\n- *Part {part.name}*{' (core)' if part.core else ''}: {part.text}. *Claimed:* "
                     f"{part.claimed.text}. *Rule:* {_rule_text(part.rule)}."
                     + (f" *Primary specification:* {primary}." if primary else ""))
        for u in c.untested:
            text += f"\n- *Not tested here ({u.name}):* {u.text}. *Data that would test it:* {u.would_test}."
        return text

    def __repr__(self) -> str:
        return self._repr_markdown_()


def _rule_text(rule: Any) -> str:
    tol = rule.tolerance
    return rule.kind + (f", tolerance {tol.as_dict()}" if tol else "")


def describe(claim_id: str, lay: Layout | None = None) -> ClaimCard:
    """The register entry of ``claim_id`` for display (the quote itself appears only in the report)."""
    claim = _claim(claim_id, lay)
    values, _ = templates.run_parameters(claim.notebook, lay)
    parts = tuple(templates.render(p.rule.primary, values, f"{claim_id}: parts.{p.name}.rule.primary")
                  for p in claim.parts)
    return ClaimCard(claim, templates.render(claim.rule.primary, values, f"{claim_id}: rule.primary"), parts)
