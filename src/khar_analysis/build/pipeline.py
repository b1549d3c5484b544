"""The build: verify raw data, run every notebook, collect verdicts, render the report.

Order of work (each step stops the build with a clear message before anything is replaced):

1. take the build lock (a second concurrent build waits, then proceeds on a consistent tree);
2. verify every raw file against its pin (:func:`manifest.verify`);
3. validate the claims register and locate every claim's anchor words in the article;
4. decide which notebooks must run: a notebook re-runs when its file, the library modules it
   imports, its parameters or the sha256 of a raw file it reads changed (recorded in
   ``reports/.build-state.json``); the others keep their previous outputs;
5. execute those notebooks (in parallel, one process each) into a staging folder;
6. collect the verdicts each notebook displayed; fail on a verdict for an unregistered id, or on a
   registered claim whose notebook exists but gave no verdict;
7. render ``index.html`` and ``ledger.csv`` into the staging folder, then move everything into
   ``reports/`` with atomic renames. A failed build leaves the previous report as it was.
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import functools
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from khar_analysis.article import text as article
from khar_analysis.build import notebooks
from khar_analysis.claims import register as claims
from khar_analysis.core.atomic import write_text
from khar_analysis.core.paths import Layout
from khar_analysis.core.paths import layout as default_layout
from khar_analysis.provenance import manifest

STATE_FILE = ".build-state.json"
PACKAGE = "khar_analysis"


class BuildError(RuntimeError):
    """The build stopped; the message says why. The previous report is intact."""


def log(msg: str) -> None:
    print(f"[khar] {msg}", flush=True)


@contextlib.contextmanager
def build_lock(lay: Layout, wait: bool = True) -> Iterator[None]:
    """An exclusive lock on ``build/.lock``; a second build waits for the first (or refuses)."""
    lay.build.mkdir(parents=True, exist_ok=True)
    with open(lay.build / ".lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise BuildError("another build is running in this checkout (build/.lock is held); "
                                 "try again when it has finished") from None
            log("another build is running in this checkout; waiting for it to finish")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --- dependencies of a notebook -----------------------------------------------------------------

@functools.lru_cache(maxsize=512)
def _file_imports(path: str, mtime_ns: int, here: str) -> frozenset[str]:
    return frozenset(_module_imports(Path(path).read_text(encoding="utf-8"), here))


def _module_imports(path: Path | str, here: str = "") -> set[str]:
    """Dotted names (below ``khar_analysis``) of the package modules a source text or file imports.

    ``here`` is the dotted package of the importing module, to resolve relative imports. A name may be a
    module (``analysis.arms``) or a package (``analysis``); :func:`library_closure` resolves both.
    """
    if isinstance(path, Path):
        return set(_file_imports(str(path), path.stat().st_mtime_ns, here))
    tree = ast.parse(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level >= 1:
                parts = here.split(".") if here else []
                base = ".".join(parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts)
                module = ".".join(p for p in (base, node.module or "") if p)
            elif node.module and (node.module == PACKAGE or node.module.startswith(PACKAGE + ".")):
                module = node.module[len(PACKAGE):].lstrip(".")
            else:
                continue
            if module:
                found.add(module)
            found.update(f"{module}.{a.name}" if module else a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name[len(PACKAGE) + 1:])
    return found


def _module_file(name: str, pkg_dir: Path) -> Path | None:
    """The file of dotted module ``name`` below ``pkg_dir`` (a module or a package's ``__init__``), if any."""
    base = pkg_dir.joinpath(*name.split(".")) if name else pkg_dir
    for file in (base.with_suffix(".py"), base / "__init__.py"):
        if file.is_file():
            return file
    return None


def library_closure(modules: set[str], pkg_dir: Path) -> list[Path]:
    """The package modules ``modules`` import, transitively (plus every ``__init__`` on the way), as sorted paths."""
    seen: dict[str, Path] = {}
    todo = [*modules, ""]
    while todo:
        name = todo.pop()
        file = _module_file(name, pkg_dir)
        if name in seen or file is None:
            continue
        seen[name] = file
        here = name if file.name == "__init__.py" else name.rpartition(".")[0]
        parents = [".".join(name.split(".")[:i]) for i in range(len(name.split(".")))]
        todo.extend([*_module_imports(file, here), *parents])
    return sorted(set(seen.values()))


def notebook_imports(nb: nbformat.NotebookNode) -> set[str]:
    """``khar_analysis`` modules a notebook's code cells import."""
    found: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            src = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
            with contextlib.suppress(SyntaxError):
                found |= _module_imports(src)
    return found


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Plan:
    """Why each notebook runs or is skipped."""

    name: str
    path: Path
    key: dict
    reason: str
    params: dict = field(default_factory=dict)

    @property
    def runs(self) -> bool:
        return self.reason != "up to date"


def notebook_key(path: Path, params: dict, register: dict[str, claims.Claim],
                 records: dict[str, manifest.Source], pkg_dir: Path, root: Path) -> dict:
    """Everything a notebook's outputs depend on, as hashes (``root``: the project whose data it reads).

    Besides the register rows and raw sources of its claims, a notebook may declare further input
    files in its metadata (``khar.inputs``: glob patterns relative to the root).
    """
    nb = nbformat.read(path, as_version=4)
    mods = library_closure(notebook_imports(nb), pkg_dir)
    resources_dir = pkg_dir / "resources"
    lib = {m.relative_to(pkg_dir).as_posix(): _sha(m.read_bytes())[:16] for m in mods}
    if resources_dir.is_dir():
        lib.update({f"resources/{r.name}": _sha(r.read_bytes())[:16] for r in sorted(resources_dir.iterdir())})
    ids = sorted({s for c in register.values() if c.notebook == path.stem for s in c.sources} | {"article"})
    meta_sources = nb.metadata.get("khar", {}).get("sources", [])
    ids = sorted(set(ids) | set(meta_sources))
    unknown = [i for i in ids if i not in records]
    if unknown:
        raise BuildError(f"{path.name}: reads unknown source id(s) {unknown} (register or notebook metadata)")
    claims_text = json.dumps({c.id: c.__dict__ for c in register.values() if c.notebook == path.stem},
                             sort_keys=True, ensure_ascii=False, default=str)
    inputs = {}
    for pattern in nb.metadata.get("khar", {}).get("inputs", []):
        matched = sorted(root.glob(pattern))
        if not matched:
            raise BuildError(f"{path.name}: metadata khar.inputs pattern {pattern!r} matches no file")
        inputs.update({m.relative_to(root).as_posix(): _sha(m.read_bytes())[:16] for m in matched})
    return {
        "notebook": _sha(path.read_bytes())[:16],
        "library": lib,
        "params": params,
        "raw": {i: records[i].sha256[:16] for i in ids},
        "claims": _sha(claims_text.encode())[:16],
        "inputs": inputs,
    }


def _diff_reason(old: dict | None, new: dict) -> str:
    if not old:
        return "never built"
    changed = []
    for part, label in (("notebook", "notebook changed"), ("params", "parameters changed"),
                        ("claims", "its register rows changed"), ("inputs", "a declared input file changed")):
        if old.get(part) != new.get(part):
            changed.append(label)
    lib_old, lib_new = old.get("library", {}), new.get("library", {})
    mods = sorted(k for k in set(lib_old) | set(lib_new) if lib_old.get(k) != lib_new.get(k))
    if mods:
        changed.append("library changed: " + ", ".join(mods))
    raw_old, raw_new = old.get("raw", {}), new.get("raw", {})
    raws = sorted(k for k in set(raw_old) | set(raw_new) if raw_old.get(k) != raw_new.get(k))
    if raws:
        changed.append("raw data changed: " + ", ".join(raws))
    return "; ".join(changed) or "up to date"


def discover(lay: Layout) -> list[Path]:
    """The notebooks of the report: ``notebooks/NN_*.ipynb``, in order."""
    return sorted(p for p in lay.notebooks.glob("[0-9][0-9]_*.ipynb"))


# --- executing ----------------------------------------------------------------------------------

def _run_one(args: tuple[str, str, str, str, dict]) -> tuple[str, float]:
    """Worker: execute one notebook into the staging folder and render its HTML."""
    path, out_ipynb, root, figdir, params = args
    ex = notebooks.execute(Path(path), Path(out_ipynb), Path(root), params, Path(figdir))
    html = notebooks.to_html(ex.notebook, ex.name)
    Path(out_ipynb).with_suffix(".html").write_text(html, encoding="utf-8")
    return ex.name, ex.seconds


def _outcomes(args: list[tuple], jobs: int) -> Iterator[tuple[tuple, tuple[str, float] | Exception]]:
    """``(args, (name, seconds))`` or ``(args, exception)`` per notebook, in this process or in ``jobs``."""
    if jobs <= 1 or len(args) == 1:
        for a in args:
            try:
                yield a, _run_one(a)
            except Exception as exc:
                yield a, exc
        return
    import multiprocessing as mp

    # Workers are forked after papermill and nbconvert are imported here, so none pays for the imports
    # again; the parent holds no kernel, thread or event loop at this point, which makes fork safe.
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401

    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [(a, pool.submit(_run_one, a)) for a in args]
        for a, fut in futures:
            try:
                yield a, fut.result()
            except Exception as exc:
                yield a, exc


def run_notebooks(plans: list[Plan], stage: Path, lay: Layout, jobs: int) -> dict[str, float]:
    """Execute the plans' notebooks into ``stage/notebooks`` (figures into ``stage/figures``)."""
    # Longest first (by the previous run's duration): with fewer workers than notebooks this packs the
    # work evenly, so the build ends close to (total work) / (workers).
    last = _read_state(lay).get("seconds", {})
    todo = sorted((p for p in plans if p.runs), key=lambda p: (-last.get(p.name, 0.0), p.name))
    (stage / "notebooks").mkdir(parents=True, exist_ok=True)
    args = [(str(p.path), str(stage / "notebooks" / f"{p.name}.ipynb"), str(lay.root),
             str(stage / "figures" / p.name), p.params) for p in todo]
    seconds: dict[str, float] = {}
    failures: list[str] = []
    for a, outcome in _outcomes(args, jobs):
        if isinstance(outcome, notebooks.NotebookError):
            failures.append(str(outcome))
        elif isinstance(outcome, Exception):
            failures.append(f"notebook {Path(a[0]).name}: {type(outcome).__name__}: {outcome}")
        else:
            name, sec = outcome
            seconds[name] = sec
            log(f"  done {name} ({sec:.1f} s)")
    if failures:
        raise BuildError("notebook execution failed; the previous report is unchanged:\n  "
                         + "\n  ".join(failures))
    return seconds


# --- collecting verdicts ------------------------------------------------------------------------

def collect_verdicts(executed: dict[str, nbformat.NotebookNode], register: dict[str, claims.Claim],
                     existing_notebooks: set[str]) -> tuple[list[dict], list[str]]:
    """Ledger rows for every registered claim, and the ids still pending (no notebook yet).

    Raises :class:`BuildError` for a verdict naming an unregistered claim, a claim judged twice, or a
    registered claim whose notebook exists but displayed no verdict for it.
    """
    found: dict[str, dict] = {}
    problems = []
    for name, nb in sorted(executed.items()):
        for cell_id, payload in claims.verdicts_from_notebook(nb):
            cid = payload.get("claim_id")
            if cid not in register:
                problems.append(f"{name}.ipynb reports a verdict for unregistered claim {cid!r}")
                continue
            if register[cid].notebook != name:
                problems.append(f"{name}.ipynb reports {cid}, which the register assigns to {register[cid].notebook}")
                continue
            if cid in found:
                problems.append(f"{name}.ipynb reports {cid} more than once")
                continue
            found[cid] = {**payload, "notebook": name, "cell_id": cell_id}
    pending = []
    for cid, claim in register.items():
        if cid not in found:
            if claim.notebook in existing_notebooks:
                problems.append(f"claim {cid} has no verdict from its notebook {claim.notebook}.ipynb")
            else:
                pending.append(cid)
    if problems:
        raise BuildError("verdict collection failed:\n  " + "\n  ".join(problems))
    rows = []
    for cid, claim in register.items():
        v = found.get(cid)
        rows.append({
            "claim_id": cid, "family": claim.family,
            "verdict": v["verdict"] if v else claims.PENDING,
            "observed": v["observed"] if v else "", "claimed": claim.claimed["text"],
            "caveat": v.get("caveat", "") if v else "", "reason": v.get("reason", "") if v else "",
            "notebook": claim.notebook, "cell_id": v["cell_id"] if v else "", "line": claim.line or "",
            "citation": claim.citation, "gloss": claim.gloss, "would_test": claim.would_test,
        })
    return rows, pending


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


# --- the build ----------------------------------------------------------------------------------

def plan(lay: Layout, params: dict[str, dict] | None = None, force: bool = False,
         only: list[str] | None = None) -> list[Plan]:
    """Decide which notebooks run and why."""
    params = params or {}
    register = claims.load_register(lay)
    records = manifest.load_manifest(lay)
    pkg_dir = Path(__file__).resolve().parent.parent
    state = _read_state(lay)
    paths = discover(lay)
    names = {p.stem for p in paths}
    unknown = sorted(set(params) - names)
    if unknown:
        raise BuildError(f"parameters given for unknown notebook(s) {unknown}; notebooks: {sorted(names)}")
    if only:
        missing = sorted(set(only) - names)
        if missing:
            raise BuildError(f"--only names unknown notebook(s) {missing}; notebooks: {sorted(names)}")
    out = []
    for p in paths:
        nb_params = params.get(p.stem, {})
        try:
            notebooks.check_parameters(p, nb_params)
        except notebooks.NotebookError as exc:
            raise BuildError(str(exc)) from None
        key = notebook_key(p, nb_params, register, records, pkg_dir, lay.root)
        html_ok = (lay.reports / "notebooks" / f"{p.stem}.html").exists()
        reason = _diff_reason(state.get("notebooks", {}).get(p.stem), key)
        if reason == "up to date" and not html_ok:
            reason = "previous output missing"
        if force:
            reason = "forced"
        if only is not None and p.stem not in only and reason != "never built":
            reason = "up to date" if html_ok else reason
        out.append(Plan(p.stem, p, key, reason, nb_params))
    return out


def _read_state(lay: Layout) -> dict:
    f = lay.reports / STATE_FILE
    if not f.exists():
        return {}
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}


def build(lay: Layout | None = None, mirror: Path | None = None, jobs: int | None = None, force: bool = False,
          params: dict[str, dict] | None = None, only: list[str] | None = None, wait: bool = True) -> dict:
    """Run the whole build; return the run facts. Raises :class:`BuildError` (or a data error) on failure."""
    from khar_analysis.build import report

    lay = lay or default_layout()
    t0 = time.perf_counter()
    with build_lock(lay, wait=wait):
        log("verifying raw data against data/raw/manifest")
        fetched = manifest.verify(lay=lay, mirror=mirror)
        log(f"  {len(fetched)} files verified (" + ", ".join(
            f"{n} {how}" for how in ("local", "mirror", "download")
            if (n := sum(f.how == how for f in fetched.values()))) + ")")
        register = claims.load_register(lay)
        check_anchors(register, lay)
        plans = plan(lay, params, force, only)
        for p in plans:
            log(f"  {p.name}: {'run' if p.runs else 'skip'} ({p.reason})")
        stage = lay.build / f"stage-{os.getpid()}"
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir(parents=True)
        try:
            jobs = jobs or min(os.cpu_count() or 1, max(1, sum(p.runs for p in plans)))
            if any(p.runs for p in plans):
                log(f"executing {sum(p.runs for p in plans)} notebook(s) with papermill on {jobs} process(es)")
            seconds = run_notebooks(plans, stage, lay, jobs)
            executed = {}
            for p in plans:
                src = (stage if p.runs else lay.reports) / "notebooks" / f"{p.name}.ipynb"
                if not src.exists():
                    raise BuildError(f"previous output of {p.name} is missing ({lay.rel(src)}); rebuild with --force")
                executed[p.name] = nbformat.read(src, as_version=4)
            rows, pending = collect_verdicts(executed, register, {p.name for p in plans})
            facts = report.run_facts(lay, time.perf_counter() - t0, seconds, fetched)
            report.render(stage, rows, pending, plans, facts, lay)
            _publish(stage, lay, [p.name for p in plans if p.runs])
            state = _read_state(lay)
            state.setdefault("notebooks", {})
            for p in plans:
                if p.runs:
                    state["notebooks"][p.name] = p.key
            state["seconds"] = {**state.get("seconds", {}), **{k: round(v, 2) for k, v in seconds.items()}}
            state["notebooks"] = {k: v for k, v in state["notebooks"].items() if k in {p.name for p in plans}}
            write_text(lay.reports / STATE_FILE, json.dumps(state, indent=1, sort_keys=True) + "\n")
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    counts = {}
    for r in rows:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    log("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if pending:
        log(f"{len(pending)} claim(s) pending (their notebook does not exist yet): {', '.join(pending)}")
    log(f"report: reports/index.html, reports/ledger.csv ({time.perf_counter() - t0:.1f} s)")
    return facts


def _publish(stage: Path, lay: Layout, ran: list[str]) -> None:
    """Move staged outputs into ``reports/`` with atomic renames (per file)."""
    reports = lay.reports
    reports.mkdir(parents=True, exist_ok=True)
    for name in ran:
        for suffix in (".ipynb", ".html"):
            src = stage / "notebooks" / f"{name}{suffix}"
            (reports / "notebooks").mkdir(exist_ok=True)
            os.replace(src, reports / "notebooks" / f"{name}{suffix}")
        figs = stage / "figures" / name
        target = reports / "figures" / name
        if figs.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            old = target.with_name(f".{name}.old")
            if target.exists():
                os.replace(target, old)
            os.replace(figs, target)
            shutil.rmtree(old, ignore_errors=True)
        elif target.exists():
            shutil.rmtree(target)
        outs = stage / "outputs" / name
        if outs.exists():
            for item in sorted(outs.iterdir()):
                os.replace(item, reports / item.name)
    for item in sorted(stage.iterdir()):
        if item.is_file():
            os.replace(item, reports / item.name)


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
