"""Executing the planned notebooks into a staging folder, in this process or in worker processes.

Workers come from a ``forkserver`` context whose server preloads papermill, nbconvert and this module:
each worker is forked from that server, so none pays for the imports again, and none inherits anything
from the build process, in particular not the descriptor of the build lock (:mod:`khar_analysis.build.lock`).
Each worker ends itself and its kernels as soon as the build process ends, even by ``kill -9``
(:func:`khar_analysis.build.processes.die_with`), so a killed build leaves no notebook running. Each
worker sets ``KHAR_ROOT`` for the kernels it starts (:func:`khar_analysis.build.notebooks.execute`), so
kernels find the project whatever their working directory.

Progress: one ``[khar]`` line per finished notebook on stdout (readable in CI logs), and, when stderr is
a terminal, a progress bar over the notebooks with the elapsed time on stderr.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from khar_analysis.build import notebooks
from khar_analysis.build.errors import BuildError, log
from khar_analysis.build.plan import Plan
from khar_analysis.build.processes import die_with
from khar_analysis.core.paths import Layout

#: Imported once by the fork server, before any worker is forked from it. ``khar_analysis`` comes first: its
#: ``__init__`` blocks jsonschema's optional ``rfc3987_syntax`` import (about 0.9 s), which papermill's import
#: of nbformat would otherwise pay in the server.
PRELOAD = ["khar_analysis", "papermill", "nbconvert", "khar_analysis.build.execute"]

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


def warm_up() -> None:
    """Start the fork server now, so that its preload (papermill, nbconvert: about 1.5 s) runs while the
    build verifies data and plans, instead of before the first notebook can start. Call it before taking the
    build lock: the server is started by exec with only its own descriptors, so it never holds the lock."""
    import multiprocessing.forkserver as forkserver

    if _context().get_start_method() == "forkserver":
        forkserver.ensure_running()


def outcomes(jobs: list[Job], workers: int) -> Iterator[tuple[Job, tuple[str, float] | Exception]]:
    """``(job, (name, seconds))`` or ``(job, exception)`` per notebook as each ends, here or in ``workers``."""
    if workers <= 1 or len(jobs) == 1:
        for job in jobs:
            try:
                yield job, run_one(job)
            except Exception as exc:
                yield job, exc
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                             initializer=die_with, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(run_one, job): job for job in jobs}
        for fut in as_completed(futures):
            try:
                yield futures[fut], fut.result()
            except Exception as exc:
                yield futures[fut], exc


@contextlib.contextmanager
def progress(total: int) -> Iterator[Callable[[str], None]]:
    """A function printing one ``[khar]`` line per finished notebook; with a terminal on stderr, also a
    bar over the ``total`` notebooks whose elapsed time is refreshed every second."""
    if not sys.stderr.isatty() or total == 0:
        yield log
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc="[khar] notebooks", unit="nb", file=sys.stderr, leave=False,
               bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| {elapsed} elapsed")
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(1.0):
            bar.refresh()

    threading.Thread(target=tick, daemon=True).start()

    def done(msg: str) -> None:
        tqdm.write(f"[khar] {msg}", file=sys.stdout)
        bar.update(1)
        bar.refresh()  # at once, whatever tqdm's minimum interval between redraws

    try:
        yield done
    finally:
        stop.set()
        bar.close()


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
    with progress(len(jobs)) as done:
        for job, outcome in outcomes(jobs, workers):
            name = Path(job[0]).stem
            if isinstance(outcome, notebooks.NotebookError):
                failures.append(str(outcome))
            elif isinstance(outcome, Exception):
                failures.append(f"notebook {Path(job[0]).name}: {type(outcome).__name__}: {outcome}")
            else:
                name, seconds[name] = outcome
            done(f"  {'done' if name in seconds else 'FAILED'} {name}"
                 + (f" ({seconds[name]:.1f} s)" if name in seconds else ""))
    if failures:
        raise BuildError("notebook execution failed; the previous report is unchanged:\n  "
                         + "\n  ".join(sorted(failures)))
    return seconds
