"""Executing the planned notebooks into a staging folder, in this process or in worker processes.

Workers come from a ``forkserver`` context whose server preloads papermill, nbconvert and this module:
each worker is forked from that server, so none pays for the imports again, and none inherits anything
from the build process, in particular not the descriptor of the build lock (:mod:`khar_analysis.build.lock`).
A build killed mid-run therefore leaves no process that still holds the lock. Each worker sets
``KHAR_ROOT`` for the kernels it starts (:func:`khar_analysis.build.notebooks.execute`), so kernels find
the project whatever their working directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from khar_analysis.build import notebooks
from khar_analysis.build.errors import BuildError, log
from khar_analysis.build.plan import Plan
from khar_analysis.core.paths import Layout

#: Imported once by the fork server, before any worker is forked from it.
PRELOAD = ["papermill", "nbconvert", "khar_analysis.build.execute"]

Job = tuple[str, str, str, str, dict]


def run_one(job: Job) -> tuple[str, float]:
    """Worker: execute one notebook into the staging folder and render its HTML beside it."""
    path, out_ipynb, root, figdir, params = job
    ex = notebooks.execute(Path(path), Path(out_ipynb), Path(root), params, Path(figdir))
    html = notebooks.to_html(ex.notebook, ex.name)
    Path(out_ipynb).with_suffix(".html").write_text(html, encoding="utf-8")
    return ex.name, ex.seconds


def _context():
    """A ``forkserver`` multiprocessing context preloading :data:`PRELOAD` (``spawn`` where there is none)."""
    import multiprocessing as mp

    if "forkserver" not in mp.get_all_start_methods():  # pragma: no cover - not on Linux or macOS
        return mp.get_context("spawn")
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def outcomes(jobs: list[Job], workers: int) -> Iterator[tuple[Job, tuple[str, float] | Exception]]:
    """``(job, (name, seconds))`` or ``(job, exception)`` per notebook, in this process or in ``workers``."""
    if workers <= 1 or len(jobs) == 1:
        for job in jobs:
            try:
                yield job, run_one(job)
            except Exception as exc:
                yield job, exc
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        futures = [(job, pool.submit(run_one, job)) for job in jobs]
        for job, fut in futures:
            try:
                yield job, fut.result()
            except Exception as exc:
                yield job, exc


def run_notebooks(plans: list[Plan], stage: Path, lay: Layout, workers: int,
                  last_seconds: dict[str, float]) -> dict[str, float]:
    """Execute the plans' notebooks into ``stage/notebooks`` (figures into ``stage/figures``); seconds each.

    Longest first (by ``last_seconds``, the previous run's durations): with fewer workers than notebooks
    this packs the work evenly, so the build ends close to (total work) / (workers).
    """
    todo = sorted((p for p in plans if p.runs), key=lambda p: (-last_seconds.get(p.name, 0.0), p.name))
    (stage / "notebooks").mkdir(parents=True, exist_ok=True)
    jobs = [(str(p.path), str(stage / "notebooks" / f"{p.name}.ipynb"), str(lay.root),
             str(stage / "figures" / p.name), p.params) for p in todo]
    seconds: dict[str, float] = {}
    failures: list[str] = []
    for job, outcome in outcomes(jobs, workers):
        if isinstance(outcome, notebooks.NotebookError):
            failures.append(str(outcome))
        elif isinstance(outcome, Exception):
            failures.append(f"notebook {Path(job[0]).name}: {type(outcome).__name__}: {outcome}")
        else:
            name, sec = outcome
            seconds[name] = sec
            log(f"  done {name} ({sec:.1f} s)")
    if failures:
        raise BuildError("notebook execution failed; the previous report is unchanged:\n  "
                         + "\n  ".join(failures))
    return seconds
