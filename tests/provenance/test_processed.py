"""Processed tables are rebuilt exactly when their inputs, parameters or code change."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from khar_analysis.core.paths import Layout
from khar_analysis.provenance import processed


def test_cached_table_rebuilds_only_on_change(tmp_path, lay):
    root = tmp_path / "p"
    shutil.copytree(lay.manifest_dir, root / "data" / "raw" / "manifest")
    shutil.copy(lay.root / "pyproject.toml", root)
    project = Layout(root)
    calls = []

    def build():
        calls.append(1)
        return pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})

    args = ("t__demo", ["article"], build)
    first = processed.cached_table(*args, params={"k": 1}, code="c1", lay=project)
    second = processed.cached_table(*args, params={"k": 1}, code="c1", lay=project)
    assert len(calls) == 1 and first.equals(second)
    meta = json.loads((project.processed / "t__demo.meta.json").read_text(encoding="utf-8"))
    assert meta["inputs"] == {"article": processed.manifest.get("article", project).sha256}
    processed.cached_table(*args, params={"k": 2}, code="c1", lay=project)
    processed.cached_table(*args, params={"k": 2}, code="c2", lay=project)
    assert len(calls) == 3
