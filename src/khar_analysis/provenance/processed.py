"""Processed tables: ``data/processed/{source}__{table}.csv`` with a sidecar naming their inputs and their own hash.

A table's sidecar (``.meta.json``) records what it was built from, each part a content hash: the pinned
sha256 of its raw inputs, its parameters, the hash of the producing code, and the hash of the package's
data resources (``resources/*.csv``, ``*.json``: the committed country-name mapping and alias tables that
cleaning code reads). A table is rebuilt when any of these differs, so a stale table is never read.

The sidecar also records the table's own sha256, and every read checks it: a table whose bytes do not
match its sidecar (edited by hand, truncated, half-written by a killed run) is rebuilt with a one-line
note on stderr, never trusted. Writes are atomic.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from khar_analysis.core.atomic import write_bytes, write_text
from khar_analysis.core.paths import Layout, package_resources
from khar_analysis.core.paths import layout as default_layout
from khar_analysis.provenance import manifest

#: Resource files whose content feeds processed tables (templates and stylesheets only shape the report).
DATA_RESOURCE_SUFFIXES = (".csv", ".json")


def code_hash(*modules) -> str:
    """sha256 (first 16 hex) of the source text of the given modules."""
    digest = hashlib.sha256()
    for mod in modules:
        digest.update(Path(mod.__file__).read_bytes())
    return digest.hexdigest()[:16]


def resources_hash(files: list[Path] | None = None) -> str:
    """sha256 (first 16 hex) over the names and bytes of the package's data resources (or of ``files``)."""
    files = files if files is not None else [p for p in package_resources() if p.suffix in DATA_RESOURCE_SUFFIXES]
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda p: p.name):
        digest.update(f.name.encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
    return digest.hexdigest()[:16]


def sidecar_path(table: Path) -> Path:
    return table.with_suffix(".meta.json")


def _note(msg: str) -> None:
    print(f"[khar] {msg}", file=sys.stderr, flush=True)


def _trusted_bytes(target: Path, wanted: dict, lay: Layout) -> bytes | None:
    """``target``'s bytes when its sidecar matches ``wanted`` and records their sha256; else ``None``.

    A mismatch of the recorded sha256 is reported in one line (the file was altered after it was written).
    """
    meta = sidecar_path(target)
    if not (target.exists() and meta.exists()):
        return None
    try:
        current = json.loads(meta.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None
    if not isinstance(current, dict) or {k: current.get(k) for k in wanted} != wanted:
        return None
    data = target.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if current.get("sha256") != actual:
        _note(f"{lay.rel(target)} does not match the sha256 its sidecar records "
              f"({str(current.get('sha256'))[:12]}, found {actual[:12]}); rebuilding it")
        return None
    return data


def _inputs(inputs: list[str], lay: Layout) -> dict[str, str]:
    return {sid: manifest.get(sid, lay).sha256 for sid in sorted(inputs)}


def cached_table(name: str, inputs: list[str], build: Callable[[], pd.DataFrame], params: dict | None = None,
                 code: str = "", dtypes: dict[str, str] | None = None, lay: Layout | None = None) -> pd.DataFrame:
    """Read ``data/processed/{name}.csv`` if its sidecar matches and its bytes are intact; else ``build()`` it.

    ``inputs`` are manifest source ids; their pinned sha256s go into the sidecar with ``params``, the
    producing ``code`` hash and :func:`resources_hash`. The table is always returned as parsed from the
    verified CSV bytes (with ``dtypes``), so a fresh build and a cached read give identical frames.
    """
    lay = lay or default_layout()
    wanted = {"table": name, "inputs": _inputs(inputs, lay), "params": params or {}, "code": code,
              "resources": resources_hash()}
    table = lay.processed / f"{name}.csv"
    data = _trusted_bytes(table, wanted, lay)
    if data is None:
        df = build()
        data = df.to_csv(index=False, lineterminator="\n").encode("utf-8")
        write_bytes(table, data)
        write_text(sidecar_path(table), json.dumps(
            {**wanted, "rows": len(df), "columns": list(df.columns), "sha256": hashlib.sha256(data).hexdigest()},
            indent=2, ensure_ascii=False) + "\n")
    return pd.read_csv(io.BytesIO(data), dtype=dtypes, keep_default_na=False, na_values=[""])


def cached_object(name: str, inputs: list[str], build: Callable[[], object], code: str = "",
                  lay: Layout | None = None):
    """A parsed object (e.g. a workbook's tidy tables) cached as ``data/processed/cache/{name}.pkl``.

    For parses that are slow (large workbooks) and whose result is not one flat table. The cache is
    keyed like :func:`cached_table` (inputs' sha256, producing-code hash, data resources) plus the Python
    and pandas versions, since pickles are version-bound; any mismatch rebuilds it. The pickle's own
    sha256 is checked before it is unpickled. Delete the folder at will.
    """
    import pickle
    import platform

    lay = lay or default_layout()
    wanted = {"object": name, "inputs": _inputs(inputs, lay), "code": code, "resources": resources_hash(),
              "python": platform.python_version(), "pandas": pd.__version__}
    target = lay.processed / "cache" / f"{name}.pkl"
    data = _trusted_bytes(target, wanted, lay)
    if data is not None:
        try:
            return pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    obj = build()
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    write_bytes(target, data)
    write_text(sidecar_path(target), json.dumps({**wanted, "sha256": hashlib.sha256(data).hexdigest()}, indent=2)
               + "\n")
    return obj
