"""Processed tables: ``data/processed/{source}__{table}.csv`` with a sidecar naming their inputs.

A table is rebuilt when its sidecar's record of input sha256s, parameters or producing-code hash
differs from the current one, so a stale table is never read. Writes are atomic.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from khar_analysis.core.atomic import write_text
from khar_analysis.core.paths import Layout
from khar_analysis.core.paths import layout as default_layout
from khar_analysis.provenance import manifest


def code_hash(*modules) -> str:
    """sha256 (first 16 hex) of the source text of the given modules."""
    digest = hashlib.sha256()
    for mod in modules:
        digest.update(Path(mod.__file__).read_bytes())
    return digest.hexdigest()[:16]


def sidecar_path(table: Path) -> Path:
    return table.with_suffix(".meta.json")


def cached_table(name: str, inputs: list[str], build: Callable[[], pd.DataFrame], params: dict | None = None,
                 code: str = "", dtypes: dict[str, str] | None = None, lay: Layout | None = None) -> pd.DataFrame:
    """Read ``data/processed/{name}.csv`` if its sidecar matches; else ``build()`` it and write both.

    ``inputs`` are manifest source ids; their pinned sha256s go into the sidecar with ``params`` and the
    producing ``code`` hash. The table is always returned as read back from the CSV (with ``dtypes``),
    so a fresh build and a cached read give identical frames.
    """
    lay = lay or default_layout()
    wanted = {
        "table": name,
        "inputs": {sid: manifest.get(sid, lay).sha256 for sid in sorted(inputs)},
        "params": params or {},
        "code": code,
    }
    table = lay.processed / f"{name}.csv"
    meta = sidecar_path(table)
    current: dict = {}
    if table.exists() and meta.exists():
        try:
            current = json.loads(meta.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            current = {}
    if not (table.exists() and {k: current.get(k) for k in wanted} == wanted):
        df = build()
        write_text(table, df.to_csv(index=False, lineterminator="\n"))
        write_text(meta, json.dumps({**wanted, "rows": len(df), "columns": list(df.columns)},
                                    indent=2, ensure_ascii=False) + "\n")
    return pd.read_csv(table, dtype=dtypes, keep_default_na=False, na_values=[""])


def cached_object(name: str, inputs: list[str], build: Callable[[], object], code: str = "",
                  lay: Layout | None = None):
    """A parsed object (e.g. a workbook's tidy tables) cached as ``data/processed/cache/{name}.pkl``.

    For parses that are slow (large workbooks) and whose result is not one flat table. The cache is
    keyed like :func:`cached_table` (inputs' sha256, producing-code hash) plus the Python and pandas
    versions, since pickles are version-bound; any mismatch rebuilds it. Delete the folder at will.
    """
    import pickle
    import platform

    lay = lay or default_layout()
    wanted = {
        "object": name,
        "inputs": {sid: manifest.get(sid, lay).sha256 for sid in sorted(inputs)},
        "code": code,
        "python": platform.python_version(),
        "pandas": pd.__version__,
    }
    target = lay.processed / "cache" / f"{name}.pkl"
    meta = sidecar_path(target)
    if target.exists() and meta.exists():
        try:
            if json.loads(meta.read_text(encoding="utf-8")) == wanted:
                with open(target, "rb") as fh:
                    return pickle.load(fh)
        except (json.JSONDecodeError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    obj = build()
    from khar_analysis.core.atomic import write_bytes

    write_bytes(target, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    write_text(meta, json.dumps(wanted, indent=2) + "\n")
    return obj
