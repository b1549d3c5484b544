"""The build: verify raw data, run every notebook, collect verdicts, render the report.

Order of work (each step stops the build with a clear message before anything is replaced):

1. take the build lock (:mod:`~khar_analysis.build.lock`; a second concurrent build waits, or refuses);
2. verify every raw file against its pin (:func:`manifest.verify`);
3. validate the claims register and locate every claim's anchor words in the article;
4. decide which notebooks must run (:mod:`~khar_analysis.build.plan`: content keys of everything a
   notebook's outputs depend on); the others keep their previous outputs;
5. execute those notebooks (:mod:`~khar_analysis.build.execute`, in parallel) into a staging folder;
6. collect the verdicts each notebook displayed (:mod:`~khar_analysis.build.collect`);
7. assemble the whole next report beside ``reports/`` (the notebooks that ran, the recorded files of
   those that were skipped, ``index.html``, ``ledger.csv``; a file two notebooks publish stops the build,
   :mod:`~khar_analysis.build.outputs`) and swap it in with one atomic rename
   (:mod:`~khar_analysis.build.publish`). A failed or killed build leaves the previous report as it was;
   the next build removes what it left behind.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat

from khar_analysis.build import certificate, execute, notebooks, outputs, publish
from khar_analysis.build.collect import check_anchors, collect_verdicts, write_evidence
from khar_analysis.build.errors import BuildError, log
from khar_analysis.build.execute import run_notebooks
from khar_analysis.build.lock import build_lock
from khar_analysis.build.plan import Plan, decide, discover, read_state
from khar_analysis.claims import register as claims
from khar_analysis.core.paths import PACKAGE_DIR, Layout, package_resources
from khar_analysis.core.paths import layout as default_layout
from khar_analysis.provenance import manifest

__all__ = ["BuildError", "build", "discover", "update_committed"]


def _verify(lay: Layout, mirror: Path | None) -> dict[str, manifest.Fetched]:
    """Every raw file present with its pinned sha256 (one summary line)."""
    log("verifying raw data against data/raw/manifest")
    fetched = manifest.verify(lay=lay, mirror=mirror)
    log(f"  {len(fetched)} files verified (" + ", ".join(
        f"{n} {how}" for how in ("local", "mirror", "download")
        if (n := sum(f.how == how for f in fetched.values()))) + ")")
    return fetched


def _executed(plans: list[Plan], stage: Path) -> dict[str, nbformat.NotebookNode]:
    """Each notebook's executed copy in the assembled ``stage`` (fresh when it ran, else carried over)."""
    return {p.name: nbformat.read(stage / "notebooks" / f"{p.name}.ipynb", as_version=4) for p in plans}


def _recorded_outputs(lay: Layout, plans: list[Plan], state: dict) -> dict[str, list[str]]:
    """The published tables of the notebooks that skip; a skipped notebook whose files are not recorded
    (a report made before files had owners) or not all present runs instead. ``state``: the last build's."""
    recorded = state.get("outputs", {})
    kept = {}
    for p in plans:
        if p.runs:
            continue
        if p.name not in recorded:
            p.reason = "its published files are not recorded"
        elif publish.missing(lay, p.name, recorded[p.name]):
            p.reason = "previous output missing"
        else:
            kept[p.name] = recorded[p.name]
    return kept


def report_key(lay: Layout) -> str:
    """sha256 of everything the report shows besides the notebooks' own keys: the package (code and resources),
    the register and the manifest. A build in which no notebook runs and this key is unchanged leaves the
    published report as it is."""
    files = [(PACKAGE_DIR, f) for f in [*sorted(PACKAGE_DIR.rglob("*.py")), *package_resources()]]
    project = [*sorted(lay.claims_dir.rglob("*.yaml")), *sorted(lay.manifest_dir.glob("*.yaml"))]
    files += [(lay.root, f) for f in project]
    digest = hashlib.sha256()
    for base, f in files:  # names relative to their folder: a copy of the project has the same key
        digest.update(f.relative_to(base).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def _unchanged(lay: Layout, plans: list[Plan], kept: dict, key: str, state: dict) -> tuple[list, list] | None:
    """(rows, pending) of the published ledger when nothing the report shows changed, else None."""
    if any(p.runs for p in plans) or len(kept) != len(plans) or state.get("report") != key:
        return None
    ledger = lay.reports / "ledger.csv"
    if not (ledger.is_file() and (lay.reports / "index.html").is_file() and (lay.reports / "claims").is_dir()):
        return None
    with ledger.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if r["verdict"] != claims.PENDING], [r["claim_id"] for r in rows
                                                                 if r["verdict"] == claims.PENDING]


def _staged(lay: Layout, plans: list[Plan], jobs: int | None, fetched: dict, t0: float) -> tuple[dict, list, list]:
    """Run, collect and render into a fresh staging folder, then switch it in; (facts, rows, pending).

    When no notebook runs and nothing else the report shows changed (:func:`report_key`), the published
    report is already this build's and is left as it is."""
    from khar_analysis.build import claimreview, crate, datapage, report  # rocrate's import takes 0.4 s

    state = read_state(lay)  # the last build's record, read once (nothing writes it before the switch)
    kept = _recorded_outputs(lay, plans, state)
    for p in plans:
        log(f"  {p.name}: {'run' if p.runs else 'skip'} ({p.reason})")
    key = report_key(lay)
    if (same := _unchanged(lay, plans, kept, key, state)) is not None:
        log("nothing changed since the last build: the published report is up to date")
        return {}, *same
    stage = publish.new_stage(lay)
    try:
        n_run = sum(p.runs for p in plans)
        jobs = jobs or min(os.cpu_count() or 1, max(1, n_run))
        if n_run:
            log(f"executing {n_run} notebook(s) with papermill on {jobs} process(es)")
        times: dict[str, dict] = {}
        seconds = run_notebooks(plans, stage, lay, jobs, state.get("seconds", {}), times)
        files = outputs.claim(stage, [p.name for p in plans if p.runs], kept)
        publish.carry_over(lay, stage, kept)
        register = claims.load_register(lay)
        executed = _executed(plans, stage)
        rows, pending = collect_verdicts(executed, register, {p.name for p in plans},
                                         {p.name: p.ran_with for p in plans})
        write_evidence(stage, rows)
        facts = report.run_facts(lay, time.perf_counter() - t0, seconds, fetched)
        jsonld = claimreview.write(stage, rows, lay, facts["built_at"])
        datapage.write(stage, lay, facts)
        report.render(stage, rows, pending, plans, facts, lay, jsonld=jsonld, certificates=True)
        certificate.write_for_build(stage, executed, facts, lay, state.get("seconds", {}))
        runs = {**state.get("runs", {}), **times}
        crate.write(stage, lay, plans, runs, files, rows, facts, crate.started_at(time.perf_counter() - t0))
        publish.write_state(stage, lay, plans, seconds, files, key, runs)
        publish.switch(stage, lay)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return facts, rows, pending


def _summary(lay: Layout, plans: list[Plan], rows: list[dict], pending: list[str], seconds: float) -> None:
    """The end of the build on one screen: verdicts, notebooks run and skipped, time, where the report is."""
    counts = {v: sum(r["verdict"] == v for r in rows) for v in claims.VERDICTS}
    ran = [p.name for p in plans if p.runs]
    log("-" * 60)
    log("verdicts: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v) + f" ({len(rows)} claims)")
    if pending:
        log(f"{len(pending)} claim(s) pending (their notebook does not exist yet): {', '.join(pending)}")
    log(f"notebooks: {len(ran)} run, {len(plans) - len(ran)} skipped (up to date)")
    log(f"time: {seconds:.1f} s")
    log(f"report: {lay.rel(lay.reports)}/index.html (open it in a browser), {lay.rel(lay.reports)}/ledger.csv")


def build(lay: Layout | None = None, mirror: Path | None = None, jobs: int | None = None, force: bool = False,
          params: dict[str, dict] | None = None, only: list[str] | None = None, wait: bool = True) -> dict:
    """Run the whole build; return the run facts. Raises :class:`BuildError` (or a data error) on failure."""
    lay = lay or default_layout()
    t0 = time.perf_counter()
    lay.check_folders()
    if (jobs or os.cpu_count() or 1) > 1:
        execute.warm_up()
    with build_lock(lay, wait=wait):
        if gone := publish.clean_leftovers(lay):
            log(f"removed {len(gone)} leftover(s) of an interrupted build: " + ", ".join(gone[:5])
                + (", ..." if len(gone) > 5 else ""))
        fetched = _verify(lay, mirror)
        check_anchors(claims.load_register(lay), lay)
        plans = decide(lay, params, force, only)
        facts, rows, pending = _staged(lay, plans, jobs, fetched, t0)
    _summary(lay, plans, rows, pending, time.perf_counter() - t0)
    return facts


def update_committed(lay: Layout | None = None, only: list[str] | None = None) -> list[str]:
    """Re-execute the committed notebooks in place (defaults only), normalised for committing."""
    lay = lay or default_layout()
    manifest.verify(lay=lay)
    done = []
    with build_lock(lay):
        for path in discover(lay):
            if only and path.stem not in only:
                continue
            tmp = lay.build / f"{path.stem}.committed.ipynb"
            lay.build.mkdir(exist_ok=True)
            ex = notebooks.execute(path, tmp, lay.root, {}, None)
            bad = notebooks.machine_paths(nbformat.writes(ex.notebook))
            if bad:
                raise BuildError(f"{path.name}: executed outputs contain machine paths {bad}")
            os.replace(tmp, path)
            log(f"updated {lay.rel(path)} ({ex.seconds:.1f} s)")
            done.append(path.stem)
    return done


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use the `khar` command")
