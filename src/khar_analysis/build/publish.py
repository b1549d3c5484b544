"""Publishing a build as one unit: the whole next report is assembled beside ``reports/``, then swapped in.

- **Where.** The staging folder is ``.<name>.stage-<pid>`` beside the reports folder's real location
  (beside its target when ``reports`` is a symbolic link), so it is on the same filesystem and every
  rename below stays there: no EXDEV, whatever filesystems ``build/`` and ``reports/`` are on.
- **What.** The executed notebooks, figures and tables of the notebooks that ran; hard links (copies
  where links are impossible) of the recorded files of the notebooks that were skipped; ``index.html``,
  ``ledger.csv``, the build state; and the files other commands keep there (:data:`KEPT`). Nothing else:
  a file no notebook of this build produced never reaches the new report.
- **Switch.** Linux's ``renameat2(RENAME_EXCHANGE)`` swaps the two folders in one step, so a reader or a
  kill sees the old report or the new one, never a mix, and ``reports/`` exists throughout. Where it is
  unavailable two renames (old aside, new in) leave an instant without ``reports/``, still never a mix.
  The old report, now under the staging name, is deleted.
- A reports folder that is itself a mount point cannot be renamed: the staging folder is made inside it
  and its entries are swapped one by one (each atomic, the whole not); the build says so.
- A killed build leaves its staging folder behind; :func:`clean_leftovers` removes it at the next start.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import os
import shutil
import sys
from pathlib import Path

from khar_analysis.build.errors import BuildError, log
from khar_analysis.build.plan import STATE_FILE, Plan, read_state
from khar_analysis.core.atomic import clean_temporaries
from khar_analysis.core.paths import Layout

#: Files and folders other commands write into the reports folder, kept from one report to the next.
KEPT = ("bench.json", "screenshots", "README.md")
#: Temporary files in data folders are removed at the start only when older than this (seconds): a
#: reviewer's notebook run outside any build may be writing one right now.
DATA_TMP_AGE_S = 3600
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _real(lay: Layout) -> Path:
    return lay.reports.resolve()


def _is_mount(real: Path) -> bool:
    return real.is_dir() and os.path.ismount(real)


def new_stage(lay: Layout) -> Path:
    """An empty staging folder for the next report, on the reports folder's filesystem."""
    real = _real(lay)
    stage = real / f".stage-{os.getpid()}" if _is_mount(real) else real.parent / f".{real.name}.stage-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    return stage


def leftovers(lay: Layout) -> list[Path]:
    """Staging folders and set-aside reports that killed builds left behind."""
    real = _real(lay)
    found = [*real.parent.glob(f".{real.name}.stage-*"), *real.parent.glob(f".{real.name}.old-*"),
             *lay.build.glob("stage-*")]  # builds before this layout staged in build/
    if real.is_dir():
        found += real.glob(".stage-*")
    return sorted(found)


def clean_leftovers(lay: Layout) -> list[str]:
    """Remove what killed builds left (call under the build lock); the removed paths, relative to the root."""
    gone = leftovers(lay)
    for path in gone:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    gone += clean_temporaries(_real(lay)) + clean_temporaries(lay.build)
    for folder in (lay.raw, lay.processed):
        gone += clean_temporaries(folder, older_than_s=DATA_TMP_AGE_S)
    return [lay.rel(p) for p in gone]


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a filesystem without hard links
        shutil.copy2(src, dst)


def _link_tree(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, symlinks=True, copy_function=_link)
    else:
        _link(str(src), str(dst))


def notebook_files(name: str, outputs: list[str]) -> list[str]:
    """The report paths that belong to notebook ``name`` besides its figures folder."""
    return [f"notebooks/{name}.ipynb", f"notebooks/{name}.html", *outputs]


def missing(lay: Layout, name: str, outputs: list[str]) -> list[str]:
    """The recorded files of notebook ``name`` that the current report lacks."""
    return [rel for rel in notebook_files(name, outputs) if not (lay.reports / rel).exists()]


def carry_over(lay: Layout, stage: Path, skipped: dict[str, list[str]]) -> None:
    """Link the current report's files of the ``skipped`` notebooks (name -> its tables) and :data:`KEPT`."""
    for name, outputs in sorted(skipped.items()):
        if lost := missing(lay, name, outputs):
            raise BuildError(f"previous output of {name} is missing ({', '.join(lost)} in "
                             f"{lay.rel(lay.reports)}/); rebuild with --force")
        for rel in notebook_files(name, outputs):
            _link_tree(lay.reports / rel, stage / rel)
        if (lay.reports / "figures" / name).is_dir():
            _link_tree(lay.reports / "figures" / name, stage / "figures" / name)
    for rel in KEPT:
        if (lay.reports / rel).exists() and not (stage / rel).exists():
            _link_tree(lay.reports / rel, stage / rel)


@functools.cache
def _renameat2():
    """libc's ``renameat2``, or ``None`` (not Linux, or a C library without it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def exchange(a: Path, b: Path) -> bool:
    """Swap paths ``a`` and ``b`` in one atomic step; ``False`` where the system or filesystem cannot."""
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _switch_entries(stage: Path, real: Path) -> None:
    """Replace the entries of ``real`` (a mount point) by those of ``stage`` inside it, one by one."""
    log(f"{real.name}/ is a mount point: its entries are replaced one by one, not as one unit")
    new = {p.name for p in stage.iterdir()}
    for name in sorted(new):
        target = real / name
        if (target.exists() or target.is_symlink()) and not exchange(stage / name, target):
            os.rename(target, stage / f".old.{name}")
        if not target.exists():
            os.rename(stage / name, target)
    for item in sorted(real.iterdir()):
        if item != stage and item.name not in new:
            os.rename(item, stage / f".gone.{item.name}")


def switch(stage: Path, lay: Layout) -> None:
    """Make the assembled ``stage`` the report, atomically (see the module docstring); remove the old one."""
    real = _real(lay)
    if stage.parent == real:
        _switch_entries(stage, real)
    elif not real.exists():
        real.parent.mkdir(parents=True, exist_ok=True)
        os.rename(stage, real)
        return
    elif not exchange(stage, real):
        aside = real.parent / f".{real.name}.old-{os.getpid()}"
        os.rename(real, aside)
        os.rename(stage, real)
        stage = aside
    shutil.rmtree(stage, ignore_errors=True)


def write_state(stage: Path, lay: Layout, plans: list[Plan], seconds: dict[str, float],
                files: dict[str, list[str]], report_key: str = "", runs: dict[str, dict] | None = None) -> None:
    """Record into ``stage`` the keys of the notebooks that ran (dropping notebooks that no longer exist),
    their durations, every notebook's published tables (what a later skipped build carries over), the
    key of what else the report shows (``report_key``) and the start and end of each notebook's published
    run (``runs``, for the report's RO-Crate)."""
    state = read_state(lay)
    state["report"] = report_key
    names = {p.name for p in plans}
    keys = {**state.get("notebooks", {}), **{p.name: p.key for p in plans if p.runs}}
    state["notebooks"] = {k: v for k, v in keys.items() if k in names}
    state["seconds"] = {**state.get("seconds", {}), **{k: round(v, 2) for k, v in seconds.items()}}
    state["outputs"] = {k: sorted(v) for k, v in files.items() if k in names}
    state["runs"] = {k: v for k, v in {**state.get("runs", {}), **(runs or {})}.items() if k in names}
    (stage / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
