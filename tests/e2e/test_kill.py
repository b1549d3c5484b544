"""``kill -9`` of a running ``khar build``: nothing survives it, nothing is damaged, the next build recovers.

Only the build process is killed, never its process group: its workers, their fork server and the kernels
must end by themselves. Processes are found through ``/proc`` by the ``KHAR_ROOT`` in their environment.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from khar_analysis.build import pipeline, publish
from khar_analysis.build.lock import LOCK_NAME


def _notebook(lay, name, parameters, code):
    """A claim-free notebook ``name`` with ``parameters`` (a literal assignment) and one code cell."""
    nb = nbformat.v4.new_notebook(cells=[new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                                         new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "khar-analysis", "language": "python", "display_name": "k"}
    nbformat.write(nb, lay.notebooks / f"{name}.ipynb")


def _processes(root: Path) -> list[int]:
    """Processes whose environment holds ``KHAR_ROOT=<root>``: the build, its fork server, workers, kernels."""
    want = f"KHAR_ROOT={root}".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if want in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
    return sorted(found)


def _kernels(root: Path) -> list[int]:
    out = []
    for pid in _processes(root):
        with contextlib.suppress(OSError):
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.append(pid)
    return out


def _holders(pids: list[int], path: Path) -> list[int]:
    """Those of ``pids`` with a descriptor open on ``path``."""
    out = []
    for pid in pids:
        with contextlib.suppress(OSError):
            if any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir()):
                out.append(pid)
    return out


def _wait(condition, timeout: float):
    deadline = time.monotonic() + timeout
    while not (result := condition()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="lists processes through /proc")
@pytest.mark.parametrize("jobs", [1, 2])
def test_kill_9_of_the_build_ends_workers_and_kernels_and_the_next_build_recovers(built, snapshot, capsys, jobs):
    """``kill -9`` of the build process alone (not its group): no worker, fork server or kernel survives it, none
    held the lock, the report is untouched, and the next build starts at once and removes the staging folder."""
    lay, mirror = built
    before = snapshot(lay.reports)
    _notebook(lay, "02_sleep", "x = 1", "import time\ntime.sleep(120)")
    env = {**os.environ, "KHAR_ROOT": str(lay.root), "KHAR_DATA_MIRROR": str(mirror)}
    proc = subprocess.Popen([sys.executable, "-m", "khar_analysis.build.cli", "build", "--force", "-j", str(jobs)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert len(_wait(lambda: _kernels(lay.root)[jobs - 1:], 90)) >= 1, "the notebooks' kernels never started"
        assert _holders(_processes(lay.root), lay.build / LOCK_NAME) == [proc.pid], "only the build holds the lock"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _wait(lambda: not _processes(lay.root), 15), f"left running: {_processes(lay.root)}"
    finally:
        for pid in _processes(lay.root):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    assert snapshot(lay.reports) == before, "a killed build must not have replaced anything"
    assert publish.leftovers(lay), "the killed build left its staging folder behind"
    (lay.notebooks / "02_sleep.ipynb").unlink()
    capsys.readouterr()
    pipeline.build(lay, mirror=mirror, jobs=1, wait=False)
    out = capsys.readouterr().out
    assert "leftover(s) of an interrupted build" in out and "01_arms_imports: skip (up to date)" in out
    assert not publish.leftovers(lay)
    assert snapshot(lay.reports / "notebooks") == {k.removeprefix("notebooks/"): v for k, v in before.items()
                                                   if k.startswith("notebooks/")}
