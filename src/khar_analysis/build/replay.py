"""``khar claim ID``: replay what one claim needs and write its certificate, ``claims/<ID>.html`` and ``.pdf``.

Under the build lock (:mod:`~khar_analysis.build.lock`, as a build takes it):

1. verify the raw files the claim's notebook reads against their pins (the same ids as the build's
   content key for that notebook: its claims' sources, the article, its ``khar.sources`` metadata);
2. run that notebook alone, with its parameters (overrides checked as ``khar build -p`` checks them), into a
   staging folder beside ``reports/`` (:func:`khar_analysis.build.publish.new_stage`); slow parses come
   from ``data/processed/``, each table verified by its own sha256 when read;
3. read the claim's verdict JSON from the executed notebook, render the certificate and print its PDF
   in the staging folder;
4. only then move the two files into ``reports/claims/`` (each by one rename). A failed replay changes
   nothing under ``reports/``; a killed one leaves a staging folder the next build or replay removes.

A later build that publishes a new report writes every ``claims/<ID>.html`` again from its own run,
without the replay's PDF: replay again after it.
"""

from __future__ import annotations

import difflib
import importlib
import os
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from khar_analysis.article import text as article
from khar_analysis.build import certificate, notebooks, overrides, printing, publish
from khar_analysis.build.errors import BuildError, log
from khar_analysis.build.lock import build_lock
from khar_analysis.claims import register as claims
from khar_analysis.core.paths import Layout
from khar_analysis.provenance import manifest


class UnknownClaimError(BuildError):
    """The id names no registered claim; the message lists the closest ids."""


@dataclass
class Replayed:
    """The certificate files written into ``reports/claims/`` and the replay's timings (seconds)."""

    html: Path
    pdf: Path | None
    seconds: dict[str, float]


def close_ids(claim_id: str, known: list[str], n: int = 5) -> list[str]:
    """The registered ids closest to ``claim_id`` (case-insensitive), best first; else ids of its family."""
    ratio = {k: difflib.SequenceMatcher(None, claim_id.upper(), k.upper()).ratio() for k in known}
    close = sorted((k for k in known if ratio[k] >= 0.6), key=lambda k: -ratio[k])[:n]  # ties: register order
    family = claim_id.upper().split("-")[0]
    return close or [k for k in known if k.upper().startswith(family + "-")][:n]


def find_claim(claim_id: str, register: dict[str, claims.Claim]) -> claims.Claim:
    """The registered claim ``claim_id``; :class:`UnknownClaimError` (one line, close ids) when there is none."""
    if claim_id in register:
        return register[claim_id]
    close = close_ids(claim_id, list(register))
    raise UnknownClaimError(f"no registered claim {claim_id!r}; "
                            + (f"close ids: {', '.join(close)}" if close else f"{len(register)} ids, e.g. "
                               + ", ".join(list(register)[:5])))


def _checked_params(claim: claims.Claim, path: Path, params: dict[str, dict], lay: Layout) -> dict:
    """The overrides for the claim's notebook, checked as the build checks them (other notebooks: an error)."""
    others = sorted(set(params) - {claim.notebook})
    if others:
        raise BuildError(f"parameters given for notebook(s) {others}, but claim {claim.id} is judged in "
                         f"{claim.notebook}; use -p {claim.notebook}:name=value")
    return overrides.validate(path, params.get(claim.notebook, {}), lay)


def _verdict(nb: nbformat.NotebookNode, claim: claims.Claim) -> dict:
    """The claim's verdict JSON as the executed notebook displayed it (with its cell id)."""
    found = certificate.payloads({claim.notebook: nb})
    if claim.id not in found:
        raise BuildError(f"{claim.notebook}.ipynb displayed no verdict for {claim.id}")
    return found[claim.id]


def _publish(stage: Path, lay: Layout, names: list[str]) -> list[Path]:
    """Move the staged certificate files into ``reports/claims/`` (one rename each)."""
    target = lay.reports / certificate.FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.replace(stage / certificate.FOLDER / name, target / name)
    return [target / name for name in names]


def _facts(lay: Layout, fetched: dict) -> dict:
    """The run facts (:func:`khar_analysis.build.report.run_facts`); run in a thread, with the report module's
    import (pandas, through the citation audit: over a second) off the replay's path."""
    from khar_analysis.build import report

    return report.run_facts(lay, 0.0, {}, fetched)


def _execute(stage: Path, path: Path, params: dict, facts: Future, t0: float, lay: Layout) -> tuple[float, dict]:
    """Run the notebook into ``stage`` in this process (a worker process would cost more to start than it
    saves) while ``facts`` (commit, versions: git and package metadata) are gathered in a thread;
    (the notebook's seconds, the facts)."""
    (stage / "notebooks").mkdir()
    ex = notebooks.execute(path, stage / "notebooks" / path.name, lay.root, params, stage / "figures" / path.stem)
    gathered = facts.result()
    gathered["notebook_seconds"] = {path.stem: round(ex.seconds, 1)}
    gathered["seconds"] = round(time.perf_counter() - t0, 1)
    return ex.seconds, gathered


def _render(stage: Path, claim: claims.Claim, seconds: float, facts: dict, t0: float, lay: Layout) -> Path:
    """Write the replay's certificate page into ``stage/claims/``."""
    register = claims.load_register(lay)
    records = manifest.load_manifest(lay)
    nb = nbformat.read(stage / "notebooks" / f"{claim.notebook}.ipynb", as_version=4)
    run = certificate.Run("replay", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), seconds,
                          time.perf_counter() - t0, facts=facts)
    ids = certificate.notebook_inputs(nb, claim.notebook, register, records, lay)
    ctx = certificate.context(claim, _verdict(nb, claim), certificate.input_rows(ids, records, claim.sources),
                              run, lay, certificate.figure_src(stage, claim.notebook,
                                                               getattr(claim, "figure", None), embed=True))
    page = stage / certificate.FOLDER / f"{claim.id}.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(certificate.render(ctx), encoding="utf-8")
    return page


def _verify(claim: claims.Claim, path: Path, register: dict, lay: Layout, mirror: Path | None) -> dict:
    """Verify the raw files the claim's notebook reads (as :func:`manifest.verify` does for the build) and that
    the claim's anchor words are on its article line; the verified files by source id."""
    ids = certificate.notebook_inputs(nbformat.read(path, as_version=4), claim.notebook, register,
                                      manifest.load_manifest(lay), lay)
    fetched = manifest.verify(ids=ids, lay=lay, mirror=mirror)
    if claim.line:
        try:
            article.quote(claim.line, claim.anchor, lay)
        except article.AnchorError as exc:
            raise BuildError(f"{claim.id}: {exc}") from None
    return fetched


def _print(page: Path) -> Path | None:
    """Print the staged certificate beside it; ``None`` (and one line) when PDFs are off or no browser is found."""
    if not printing.wanted():
        log(printing.NOT_WANTED.format(what=page.with_suffix(".pdf").name))
        return None
    if (browser := printing.find_browser()) is None:
        log(printing.NO_BROWSER.format(what=page.with_suffix(".pdf").name))
        return None
    return printing.print_pdf(page, page.with_suffix(".pdf"), browser)


def replay(claim_id: str, lay: Layout, mirror: Path | None = None, params: dict[str, dict] | None = None,
           wait: bool = True) -> Replayed:
    """Replay one claim (see the module docstring); the published certificate files and the timings."""
    t0 = time.perf_counter()
    register = claims.load_register(lay)
    claim = find_claim(claim_id, register)
    path = lay.notebooks / f"{claim.notebook}.ipynb"
    if not path.is_file():
        raise BuildError(f"claim {claim.id} is pending: its notebook {lay.rel(path)} does not exist yet")
    nb_params = _checked_params(claim, path, params or {}, lay)
    seconds: dict[str, float] = {}
    background = ThreadPoolExecutor(max_workers=1)
    background.submit(importlib.import_module, "papermill")  # about a second, while the inputs are verified
    with build_lock(lay, wait=wait), background:
        publish.clean_leftovers(lay)
        fetched = _verify(claim, path, register, lay, mirror)
        seconds["verify"] = time.perf_counter() - t0
        log(f"{claim.id}: {len(fetched)} input file(s) verified; running {claim.notebook}"
            + (f" with {overrides.describe(nb_params)}" if nb_params else ""))
        stage = publish.new_stage(lay)
        try:
            t1 = time.perf_counter()
            facts = background.submit(_facts, lay, fetched)
            seconds["notebook"], facts = _execute(stage, path, nb_params, facts, t0, lay)
            seconds["run"] = time.perf_counter() - t1  # the notebook, its kernel's start and papermill's overhead
            page = _render(stage, claim, seconds["notebook"], facts, t0, lay)
            seconds["page"] = time.perf_counter() - t1 - seconds["run"]
            t1 = time.perf_counter()
            if pdf := _print(page):
                seconds["pdf"] = time.perf_counter() - t1
            published = _publish(stage, lay, [page.name, *([pdf.name] if pdf else [])])
        except printing.PrintError as exc:
            raise BuildError(f"{claim.id}: {exc}; nothing under {lay.rel(lay.reports)}/ was changed") from None
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    seconds["total"] = time.perf_counter() - t0
    return Replayed(published[0], published[1] if len(published) > 1 else None,
                    {k: round(v, 2) for k, v in seconds.items()})
