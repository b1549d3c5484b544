"""Publishing a build: staged outputs move into ``reports/`` with atomic renames, then the build state.

Nothing in ``reports/`` is replaced before the whole build succeeded; each file is replaced by one
``os.replace``, so a reader sees either the old or the new file, never a partial one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from khar_analysis.build.plan import STATE_FILE, Plan, read_state
from khar_analysis.core.atomic import write_text
from khar_analysis.core.paths import Layout


def _replace_folder(src: Path | None, target: Path) -> None:
    """Put folder ``src`` at ``target`` (renaming the old one aside first); remove ``target`` if ``src`` is None."""
    if src is None:
        if target.exists():
            shutil.rmtree(target)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{target.name}.old")
    if target.exists():
        os.replace(target, old)
    os.replace(src, target)
    shutil.rmtree(old, ignore_errors=True)


def publish(stage: Path, lay: Layout, ran: list[str]) -> None:
    """Move staged outputs of the notebooks in ``ran`` and the staged report files into ``reports/``."""
    reports = lay.reports
    reports.mkdir(parents=True, exist_ok=True)
    for name in ran:
        (reports / "notebooks").mkdir(exist_ok=True)
        for suffix in (".ipynb", ".html"):
            os.replace(stage / "notebooks" / f"{name}{suffix}", reports / "notebooks" / f"{name}{suffix}")
        figs = stage / "figures" / name
        _replace_folder(figs if figs.exists() else None, reports / "figures" / name)
        outs = stage / "outputs" / name
        if outs.exists():
            for item in sorted(outs.iterdir()):
                os.replace(item, reports / item.name)
    for item in sorted(stage.iterdir()):
        if item.is_file():
            os.replace(item, reports / item.name)


def write_state(lay: Layout, plans: list[Plan], seconds: dict[str, float]) -> None:
    """Record the keys of the notebooks that ran (and drop notebooks that no longer exist) and their durations."""
    state = read_state(lay)
    keys = state.get("notebooks", {})
    keys.update({p.name: p.key for p in plans if p.runs})
    state["notebooks"] = {k: v for k, v in keys.items() if k in {p.name for p in plans}}
    state["seconds"] = {**state.get("seconds", {}), **{k: round(v, 2) for k, v in seconds.items()}}
    write_text(lay.reports / STATE_FILE, json.dumps(state, indent=1, sort_keys=True) + "\n")
