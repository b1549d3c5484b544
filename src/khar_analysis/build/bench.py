"""The benchmark behind ``make bench``: the build against the naive way and against the floor, in one run.

All timings are taken on the same machine in one run, in a throwaway copy of the project (the
checkout's report is never touched), and reported as ratios:

(a) naive: per notebook, the papermill command line, then the nbconvert command line, one after the other;
(b) floor: per notebook, start a kernel and run only the notebook's import lines (no work);
(c) full: the project's clean full build (``khar build --force`` into an empty ``reports/``, after the
    data step; the cold first build, with no processed tables either, is reported as ``full_cold_s``);
(d) no-op: the same build again with nothing changed;
(e) one claim replayed alone (``khar claim ID``, :mod:`~khar_analysis.build.replay`) against the floor of its
    notebook (b): the claim is the first of the notebook with the least work beyond its floor, replayed with
    its PDF (``claim_s``) and without a browser (``claim_nopdf_s``: inputs verified, notebook run, page written).

Writes ``reports/bench.json`` with ``full_over_naive`` = (c)/(a), ``full_over_floor`` = (c)/(b),
``noop_s`` = (d) in seconds, ``peak_mb`` (largest resident set of any process of the full build),
``claim_over_floor`` = (e)/(b) (aim: at most 1.5), and the test suite's duration when ``--tests`` is given.
"""

from __future__ import annotations

import ast
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from khar_analysis.build import notebooks, pipeline
from khar_analysis.core.atomic import write_text
from khar_analysis.core.paths import Layout, copy_inputs
from khar_analysis.provenance import manifest


def _copy_project(lay: Layout, dest: Path) -> Layout:
    """A copy of the project's inputs and notebooks, its raw files hard-linked from the checkout."""
    copy = copy_inputs(lay, dest)
    for src in manifest.load_manifest(lay).values():  # verified raw files, hard-linked (read-only use)
        target = copy.raw / src.path
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(src.local_path(lay), target)
    return copy


def _timed(cmd: list[str], env: dict, cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"benchmark step failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start


def import_lines(nb: nbformat.NotebookNode) -> str:
    """The import statements of a notebook's code cells (what the floor runs)."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        lines += [ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    return "\n".join(lines)


def floor_seconds(paths: list[Path]) -> dict[str, float]:
    """Per notebook: start a kernel, run its imports, shut it down (nbclient, in this process)."""
    from nbclient import NotebookClient

    out = {}
    for path in paths:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(import_lines(nbformat.read(path, 4)))])
        nb.metadata["kernelspec"] = {"name": notebooks.KERNEL, "language": "python", "display_name": "k"}
        start = time.perf_counter()
        NotebookClient(nb, kernel_name=notebooks.KERNEL, resources={"metadata": {"path": str(path.parent)}}).execute()
        out[path.stem] = time.perf_counter() - start
    return out


def claim_replay(copy: Layout, naive: dict[str, float], floor: dict[str, float], env: dict, bindir: Path) -> dict:
    """(e): ``khar claim`` of the first claim of the notebook with the least work beyond its floor, in ``copy``
    (built, so its processed tables exist), with and without the PDF; seconds and ratios to that floor."""
    from khar_analysis.claims import register as claims

    register = claims.load_register(copy)
    judged = {c.notebook for c in register.values()} & set(floor)
    notebook = min(sorted(judged), key=lambda k: naive[k] - floor[k])
    claim_id = next(c.id for c in register.values() if c.notebook == notebook)
    cmd = [str(bindir / "khar"), "claim", claim_id]
    with_pdf = _timed(cmd, env, copy.root)
    without = _timed(cmd, {**env, "KHAR_BROWSER": str(copy.root / "no-browser")}, copy.root)
    return {"claim_id": claim_id, "claim_s": round(with_pdf, 2), "claim_nopdf_s": round(without, 2),
            "claim_floor_s": round(floor[notebook], 2), "claim_over_floor": round(with_pdf / floor[notebook], 3),
            "claim_nopdf_over_floor": round(without / floor[notebook], 3)}


def run(lay: Layout, with_tests: bool = False, jobs: int | None = None) -> dict:
    """Run the benchmark and write ``reports/bench.json``; return the figures."""
    manifest.verify(lay=lay)
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    results: dict = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="khar-bench-") as tmp:
        naive_copy = _copy_project(lay, Path(tmp) / "naive")
        build_copy = _copy_project(lay, Path(tmp) / "build")
        paths = pipeline.discover(naive_copy)
        results["notebooks"] = [p.stem for p in paths]

        build_env = {**env, "KHAR_ROOT": str(build_copy.root)}
        cmd = [str(bindir / "khar"), "build", "--force", *(["-j", str(jobs)] if jobs else [])]
        # Cold: nothing built and no processed tables (the first `make report` after a clone).
        results["full_cold_s"] = round(_timed(cmd, build_env, build_copy.root), 2)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        # The naive runs get the same processed tables, so (a) and (c) do the same work per notebook.
        if build_copy.processed.exists():
            shutil.copytree(build_copy.processed, naive_copy.processed, dirs_exist_ok=True)

        naive = {}
        for p in paths:
            out = Path(tmp) / "naive-out" / f"{p.stem}.ipynb"
            out.parent.mkdir(exist_ok=True)
            nb_env = {**env, "KHAR_ROOT": str(naive_copy.root)}
            t = _timed([str(bindir / "papermill"), str(p), str(out), "-k", notebooks.KERNEL, "--cwd", str(p.parent),
                        "--no-progress-bar"], nb_env, naive_copy.root)
            t += _timed([str(bindir / "jupyter"), "nbconvert", "--to", "html", str(out)], nb_env, naive_copy.root)
            naive[p.stem] = t
        results["naive_s"] = round(sum(naive.values()), 2)

        os.environ["KHAR_ROOT"] = str(build_copy.root)
        try:
            floor = floor_seconds(pipeline.discover(build_copy))
        finally:
            os.environ.pop("KHAR_ROOT", None)
        results["floor_s"] = round(sum(floor.values()), 2)

        # Clean full build: every notebook re-executed into an empty reports/ folder, with the data step
        # (raw files verified, slow workbook parses cached in data/processed/) already done.
        shutil.rmtree(build_copy.reports)
        results["full_s"] = round(_timed(cmd, build_env, build_copy.root), 2)
        peak_kb = max(peak_kb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        results["noop_s"] = round(_timed([str(bindir / "khar"), "build"], build_env, build_copy.root), 2)
        results["peak_mb"] = round(peak_kb / 1024, 1)
        results.update(claim_replay(build_copy, naive, floor, build_env, bindir))
        results["per_notebook"] = {k: {"naive_s": round(naive[k], 2), "floor_s": round(floor[k], 2)} for k in naive}

    results["full_over_naive"] = round(results["full_s"] / results["naive_s"], 3)
    results["full_over_floor"] = round(results["full_s"] / results["floor_s"], 3)
    results["cold_over_naive"] = round(results["full_cold_s"] / results["naive_s"], 3)
    results["cold_over_floor"] = round(results["full_cold_s"] / results["floor_s"], 3)
    results["targets"] = {"full_over_floor_max": 1.3, "full_over_naive_max": 0.5, "claim_over_floor_max": 1.5}
    results["claim_meets_target"] = results["claim_over_floor"] <= 1.5
    results["meets_targets"] = (results["full_over_floor"] <= 1.3 and results["full_over_naive"] <= 0.5)
    if with_tests:
        results["tests_s"] = round(_timed([str(bindir / "pytest"), "-q", "-n", "2", "--dist", "loadfile"], env,
                                          lay.root), 1)
    write_text(lay.reports / "bench.json", json.dumps(results, indent=2, sort_keys=True) + "\n")
    return results
