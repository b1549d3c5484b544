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

from . import sources
from .atomic import write_text
from .paths import Layout
from .paths import layout as default_layout


def code_hash(*modules) -> str:
    """sha256 (first 16 hex) of the source text of the given modules."""
    digest = hashlib.sha256()
    for mod in modules:
        digest.update(Path(mod.__file__).read_bytes())
    return digest.hexdigest()[:16]


def sidecar_path(table: Path) -> Path:
    return table.with_suffix(".meta.json")


def cached_table(name: str, inputs: list[str], build: Callable[[], pd.DataFrame], params: dict | None = None,
                 code: str = "", lay: Layout | None = None) -> pd.DataFrame:
    """Read ``data/processed/{name}.csv`` if its sidecar matches; else ``build()`` it and write both.

    ``inputs`` are manifest source ids; their pinned sha256s go into the sidecar.
    """
    lay = lay or default_layout()
    manifest = sources.load_manifest(lay)
    wanted = {
        "table": name,
        "inputs": {sid: manifest[sid].sha256 for sid in sorted(inputs)},
        "params": params or {},
        "code": code,
    }
    table = lay.processed / f"{name}.csv"
    meta = sidecar_path(table)
    if table.exists() and meta.exists():
        try:
            current = json.loads(meta.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            current = {}
        if {k: current.get(k) for k in wanted} == wanted:
            return pd.read_csv(table, dtype=current.get("dtypes"), keep_default_na=True)
    df = build()
    write_text(table, df.to_csv(index=False, lineterminator="\n"))
    dtypes = {c: str(t) for c, t in df.dtypes.items() if str(t) in ("object", "str", "string", "bool")}
    write_text(meta, json.dumps({**wanted, "rows": len(df), "columns": list(df.columns), "dtypes": dtypes},
                                indent=2, ensure_ascii=False) + "\n")
    return df
