"""Content-keyed caches in a project copy: an edited resource table rebuilds what depends on it, and a
processed table altered by hand is rebuilt, never trusted (also on ``--force``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from khar_analysis.build import pipeline
from khar_analysis.provenance import processed

pytestmark = pytest.mark.slow


def _khar(lay, mirror, package_dir, *args) -> str:
    """``khar build ...`` in a subprocess importing the package from ``package_dir`` (kernels too)."""
    env = {**os.environ, "KHAR_ROOT": str(lay.root), "KHAR_DATA_MIRROR": str(mirror),
           "PYTHONPATH": str(package_dir), "PYTHONHASHSEED": "0"}
    proc = subprocess.run([sys.executable, "-m", "khar_analysis.build.cli", "build", "-j", "1", *args], env=env,
                          cwd=lay.root, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def _sidecars(lay) -> dict[str, dict]:
    return {m.name: json.loads(m.read_text(encoding="utf-8")) for m in sorted(lay.processed.glob("*.meta.json"))}


def test_an_edited_country_mapping_rebuilds_the_processed_tables_and_notebooks(project, lay, tmp_path):
    copy, mirror = project
    package = tmp_path / "package"
    shutil.copytree(lay.root / "src" / "khar_analysis", package / "khar_analysis",
                    ignore=shutil.ignore_patterns("__pycache__"))
    _khar(copy, mirror, package)
    before = _sidecars(copy)
    ledger = (copy.reports / "ledger.csv").read_bytes()
    assert before, "notebook 01 writes processed tables"
    mapping = package / "khar_analysis" / "resources" / "country_names.csv"
    with mapping.open("a", encoding="utf-8") as fh:
        fh.write("Republic of Testland,TUR,country,a spelling added by a test\n")
    out = _khar(copy, mirror, package)
    assert "01_arms_imports: run (library changed: resources/country_names.csv)" in out
    after = _sidecars(copy)
    new_hash = processed.resources_hash(sorted((package / "khar_analysis" / "resources").glob("*.csv")))
    assert set(after) == set(before)
    for name, meta in after.items():
        assert meta["resources"] == new_hash != before[name]["resources"], f"{name} was not rebuilt"
    assert (copy.reports / "ledger.csv").read_bytes() == ledger


def test_a_processed_table_altered_by_hand_is_rebuilt_on_force(project):
    lay, mirror = project
    pipeline.build(lay, mirror=mirror, jobs=1)
    table = sorted(lay.processed.glob("sipri__*.csv"))[0]
    good, ledger = table.read_bytes(), (lay.reports / "ledger.csv").read_bytes()
    lines = good.split(b"\n")
    lines[1] = lines[1].replace(b"AZE", b"ARM", 1) if b"AZE" in lines[1] else lines[1] + b"0"
    table.write_bytes(b"\n".join(lines))
    pipeline.build(lay, mirror=mirror, jobs=1, force=True)
    assert table.read_bytes() == good, "the altered table was trusted"
    assert (lay.reports / "ledger.csv").read_bytes() == ledger
    executed = (lay.reports / "notebooks" / "01_arms_imports.ipynb").read_text(encoding="utf-8")
    assert f"data/processed/{table.name} does not match the sha256 its sidecar records" in executed
