"""The incremental plan: which notebooks must run, and why.

A notebook re-runs when anything its outputs depend on changed since it last ran (its key, recorded in
``reports/.build-state.json``): its own file, the library modules it imports and the package's resource
files (:mod:`khar_analysis.build.deps`), its parameters, its register rows, the pinned sha256 of every
raw file it reads, and any further input files its metadata declares. Every part is a content hash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from khar_analysis.build import overrides as checked
from khar_analysis.build.deps import library_key, sha
from khar_analysis.build.errors import BuildError
from khar_analysis.claims import register as claims
from khar_analysis.core.paths import PACKAGE_DIR, Layout
from khar_analysis.provenance import manifest

STATE_FILE = ".build-state.json"
UP_TO_DATE = "up to date"


@dataclass
class Plan:
    """Why one notebook runs or is skipped."""

    name: str
    path: Path
    key: dict
    reason: str
    params: dict = field(default_factory=dict)
    #: The overrides its published outputs were made with: ``params`` when it runs, else the recorded run's.
    ran_with: dict = field(default_factory=dict)

    @property
    def runs(self) -> bool:
        return self.reason != UP_TO_DATE


def discover(lay: Layout) -> list[Path]:
    """The notebooks of the report: ``<notebooks>/NN_*.ipynb``, in order."""
    return sorted(p for p in lay.notebooks.glob("[0-9][0-9]_*.ipynb"))


def source_ids(nb: nbformat.NotebookNode, path: Path, register: dict[str, claims.Claim],
                records: dict[str, manifest.Source], article_id: str) -> list[str]:
    """The raw sources a notebook reads: its claims' sources, the article, and ``khar.sources`` metadata."""
    ids = {s for c in register.values() if c.notebook == path.stem for s in c.sources} | {article_id}
    ids |= set(nb.metadata.get("khar", {}).get("sources", []))
    unknown = sorted(i for i in ids if i not in records)
    if unknown:
        raise BuildError(f"{path.name}: reads unknown source id(s) {unknown} (register or notebook metadata)")
    return sorted(ids)


def _declared_inputs(nb: nbformat.NotebookNode, path: Path, root: Path) -> dict[str, str]:
    """Hashes of the files matched by the notebook's ``khar.inputs`` glob patterns (relative to ``root``)."""
    inputs = {}
    for pattern in nb.metadata.get("khar", {}).get("inputs", []):
        matched = sorted(root.glob(pattern))
        if not matched:
            raise BuildError(f"{path.name}: metadata khar.inputs pattern {pattern!r} matches no file")
        inputs.update({m.relative_to(root).as_posix(): sha(m.read_bytes())[:16] for m in matched})
    return inputs


def notebook_key(path: Path, params: dict, register: dict[str, claims.Claim], records: dict[str, manifest.Source],
                 lay: Layout, pkg_dir: Path = PACKAGE_DIR) -> dict:
    """Everything a notebook's outputs depend on, as content hashes.

    Besides the register rows and raw sources of its claims (and the article), a notebook may declare
    further raw sources (``khar.sources``) and input files (``khar.inputs``: glob patterns relative to
    the root) in its metadata.
    """
    nb = nbformat.read(path, as_version=4)
    ids = source_ids(nb, path, register, records, lay.article_id)
    claims_text = json.dumps({c.id: c.__dict__ for c in register.values() if c.notebook == path.stem},
                             sort_keys=True, ensure_ascii=False, default=str)
    return {
        "notebook": sha(path.read_bytes())[:16],
        "library": library_key(nb, pkg_dir),
        "params": params,
        "raw": {i: records[i].sha256[:16] for i in ids},
        "claims": sha(claims_text.encode())[:16],
        "inputs": _declared_inputs(nb, path, lay.root),
    }


def _changed(old: dict, new: dict) -> list[str]:
    """Keys whose values differ between two flat mappings, sorted."""
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def diff_reason(old: dict | None, new: dict) -> str:
    """Why a notebook with recorded key ``old`` must run under key ``new`` (or :data:`UP_TO_DATE`)."""
    if not old:
        return "never built"
    changed = [label for part, label in (
        ("notebook", "notebook changed"), ("params", "parameters changed"),
        ("claims", "its register rows changed"), ("inputs", "a declared input file changed"),
    ) if old.get(part) != new.get(part)]
    if mods := _changed(old.get("library", {}), new.get("library", {})):
        changed.append("library changed: " + ", ".join(mods))
    if raws := _changed(old.get("raw", {}), new.get("raw", {})):
        changed.append("raw data changed: " + ", ".join(raws))
    return "; ".join(changed) or UP_TO_DATE


def read_state(lay: Layout) -> dict:
    """The last build's record (keys and durations per notebook); empty when absent or unreadable."""
    f = lay.reports / STATE_FILE
    if not f.exists():
        return {}
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}


def _check_names(names: set[str], params: dict[str, dict], only: list[str] | None) -> None:
    unknown = sorted(set(params) - names)
    if unknown:
        raise BuildError(f"parameters given for unknown notebook(s) {unknown}; notebooks: {sorted(names)}")
    missing = sorted(set(only or ()) - names)
    if missing:
        raise BuildError(f"--only names unknown notebook(s) {missing}; notebooks: {sorted(names)}")


def decide(lay: Layout, params: dict[str, dict] | None = None, force: bool = False,
           only: list[str] | None = None) -> list[Plan]:
    """One :class:`Plan` per notebook: whether it runs and why.

    Overrides are checked first (:func:`khar_analysis.build.overrides.validate`: names, types, windows,
    domains), so a bad one stops the build before any notebook runs.
    """
    params = params or {}
    register = claims.load_register(lay)
    records = manifest.load_manifest(lay)
    recorded = read_state(lay).get("notebooks", {})
    paths = discover(lay)
    _check_names({p.stem for p in paths}, params, only)
    out = []
    for p in paths:
        nb_params = checked.validate(p, params.get(p.stem, {}), lay)
        key = notebook_key(p, nb_params, register, records, lay)
        html_ok = (lay.reports / "notebooks" / f"{p.stem}.html").exists()
        reason = diff_reason(recorded.get(p.stem), key)
        if reason == UP_TO_DATE and not html_ok:
            reason = "previous output missing"
        if force:
            reason = "forced"
        if only is not None and p.stem not in only and reason != "never built":
            reason = UP_TO_DATE if html_ok else reason
        ran_with = nb_params if reason != UP_TO_DATE else recorded.get(p.stem, {}).get("params", nb_params)
        out.append(Plan(p.stem, p, key, reason, nb_params, ran_with))
    return out
