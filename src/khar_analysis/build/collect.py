"""Collecting the verdicts the executed notebooks displayed into ledger rows, and checking claim anchors."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from khar_analysis.article import text as article
from khar_analysis.build import overrides
from khar_analysis.build.errors import BuildError
from khar_analysis.claims import evidence
from khar_analysis.claims import register as claims
from khar_analysis.core.atomic import write_text
from khar_analysis.core.paths import Layout

#: The report folder of the evidence files (written by the build, never by a notebook).
EVIDENCE = "evidence"


def _same(a: dict, b: dict) -> bool:
    """Equal as JSON (a tuple override and the list a verdict's JSON holds are the same)."""
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _found_verdicts(executed: dict[str, nbformat.NotebookNode], register: dict[str, claims.Claim],
                    problems: list[str], ran_with: dict[str, dict] | None) -> dict[str, dict]:
    """Verdict payloads by claim id (with notebook and cell id); appends each misplaced verdict, and each
    verdict whose recorded overrides are not the ones its notebook ran with, to ``problems``."""
    found: dict[str, dict] = {}
    for name, nb in sorted(executed.items()):
        for cell_id, payload in claims.verdicts_from_notebook(nb):
            cid = payload.get("claim_id")
            recorded, given = payload.get("parameters", {}), (ran_with or {}).get(name, {})
            if ran_with is not None and not _same(recorded, given):
                problems.append(f"{name}.ipynb: verdict {cid} was rendered for parameter overrides "
                                f"{recorded or 'none'} but the notebook ran with {given or 'none'} (call "
                                f"claims.use_parameters({name!r}, globals()) right after the parameters cell)")
            elif cid not in register:
                problems.append(f"{name}.ipynb reports a verdict for unregistered claim {cid!r}")
            elif register[cid].notebook != name:
                problems.append(f"{name}.ipynb reports {cid}, which the register assigns to {register[cid].notebook}")
            elif cid in found:
                problems.append(f"{name}.ipynb reports {cid} more than once")
            else:
                found[cid] = {**payload, "notebook": name, "cell_id": cell_id}
    return found


def _parts_text(parts: list[dict]) -> str:
    """A compound claim's parts on one line: ``deliveries: reproduced; effect (core): not_testable``."""
    return "; ".join(f"{p['name']}{' (core)' if p.get('core') else ''}: {p['verdict']}" for p in parts)


def _sensitivity_text(drops: list[dict]) -> str:
    """Drop-one-row on one line: how many rows were tried and which flip the verdict."""
    if not drops:
        return ""
    flips = [d["dropped"] for d in drops if d.get("flips")]
    return f"{len(drops)} rows dropped in turn; " + (f"flipped by: {', '.join(flips)}" if flips
                                                      else "none flips the verdict")


def evidence_name(claim_id: str) -> str:
    """The report-relative path of a claim's evidence file."""
    return f"{EVIDENCE}/{claim_id}.csv"


def write_evidence(stage: Path, rows: list[dict]) -> int:
    """Write ``evidence/<ID>.csv`` into ``stage`` for every row whose verdict carried evidence; the count."""
    written = 0
    for row in rows:
        payload = row.get("_evidence")
        if payload:
            write_text(stage / evidence_name(row["claim_id"]), evidence.csv_text(payload))
            written += 1
    return written


def _row(claim: claims.Claim, v: dict | None) -> dict:
    """One ledger row: the claim's register entry and its verdict (``pending`` without one)."""
    v = v or {}
    return {
        **_register_part(claim, v),
        "margin": v.get("margin", ""), "knife_edge": v.get("knife_edge", ""),
        "evidence": evidence_name(claim.id) if v.get("evidence") else "",
        "parts": _parts_text(v.get("parts", [])), "sensitivity": _sensitivity_text(v.get("sensitivity", [])),
        "_evidence": v.get("evidence"),
    }


def _register_part(claim: claims.Claim, v: dict) -> dict:
    """The ledger's first columns: register entry, verdict, observed, reason, cell and parameters."""
    return {
        "claim_id": claim.id, "family": claim.family,
        "verdict": v["verdict"] if v else claims.PENDING,
        "observed": v["observed"] if v else "", "claimed": claim.claimed["text"],
        "caveat": v.get("caveat", "") if v else "", "reason": v.get("reason", "") if v else "",
        "notebook": claim.notebook, "cell_id": v["cell_id"] if v else "", "line": claim.line or "",
        "citation": claim.citation, "gloss": claim.gloss, "would_test": claim.would_test,
        "parameters": overrides.describe(v.get("parameters", {})) if v else "",
    }


def collect_verdicts(executed: dict[str, nbformat.NotebookNode], register: dict[str, claims.Claim],
                     existing_notebooks: set[str], ran_with: dict[str, dict] | None = None,
                     ) -> tuple[list[dict], list[str]]:
    """Ledger rows for every registered claim, and the ids still pending (no notebook yet).

    ``ran_with`` maps a notebook to the parameter overrides its executed copy was made with (``None``: not
    checked); each row's ``parameters`` column lists the overrides its verdict recorded. Raises
    :class:`BuildError` for a verdict naming an unregistered claim, a claim judged twice, a verdict whose
    recorded overrides differ from the notebook's (its text could name the defaults' window), or a
    registered claim whose notebook exists but displayed no verdict for it.
    """
    problems: list[str] = []
    found = _found_verdicts(executed, register, problems, ran_with)
    pending = []
    for cid, claim in register.items():
        if cid not in found:
            if claim.notebook in existing_notebooks:
                problems.append(f"claim {cid} has no verdict from its notebook {claim.notebook}.ipynb")
            else:
                pending.append(cid)
    if problems:
        raise BuildError("verdict collection failed:\n  " + "\n  ".join(problems))
    return [_row(claim, found.get(cid)) for cid, claim in register.items()], pending


def check_anchors(register: dict[str, claims.Claim], lay: Layout) -> None:
    """Every claim's anchor words must be on its article line (the quote is cut from there)."""
    problems = []
    for c in register.values():
        if c.line is None:
            continue
        try:
            article.quote(c.line, c.anchor, lay)
        except article.AnchorError as exc:
            problems.append(f"{c.id}: {exc}")
    if problems:
        raise BuildError("claims register does not locate its claims in the article:\n  " + "\n  ".join(problems))
