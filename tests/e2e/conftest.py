"""A throwaway copy of the project (manifest, register, one notebook) for whole-build tests.

Builds run in the copy, never in the checkout, so a test can corrupt data, break a notebook or
interrupt a build without touching the real report. The copy's mirror is a private copy of the
checkout's verified ``data/raw`` (so the tests need no ../shared).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from khar_analysis.core.paths import Layout, copy_inputs
from khar_analysis.provenance import manifest

#: The hash seed of the complete build (``full_report``); the committed notebooks are executed under 0.
OTHER_HASH_SEED = "271828"


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch):
    """Whole builds here print no PDF (``KHAR_PDF=0``: about 1.5 s of Chromium each); the tests of the PDFs
    (``full_report``, ``test_claim``) ask for theirs."""
    monkeypatch.setenv("KHAR_PDF", "0")


def _snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` (relative path -> hash)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def snapshot():
    """``snapshot(folder)`` -> sha256 of every file below it, to prove a failed build changed nothing."""
    return _snapshot


def _copy(lay: Layout, root: Path, all_notebooks: bool) -> Layout:
    return copy_inputs(lay, root, None if all_notebooks else ["01_arms_imports"])


@pytest.fixture
def project(tmp_path, lay) -> tuple[Layout, Path]:
    """(layout of a project copy holding notebook 01 only, its private mirror folder)."""
    manifest.verify(lay=lay, allow_download=False)
    copy = _copy(lay, tmp_path / "project", all_notebooks=False)
    mirror = tmp_path / "mirror"
    for src in manifest.load_manifest(lay).values():
        if src.mirrored:
            (mirror / src.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src.local_path(lay), mirror / src.path)
    return copy, mirror


@pytest.fixture(scope="session")
def full_report(tmp_path_factory, lay) -> Layout:
    """A complete build of a copy of the project (every notebook), made once per test session."""
    manifest.verify(lay=lay, allow_download=False)
    copy = _copy(lay, tmp_path_factory.mktemp("full") / "project", all_notebooks=True)
    # Built under another hash seed than the committed notebooks (PYTHONHASHSEED=0, as `make` sets it), in a
    # process of its own (so its fork server and kernels start under that seed), for test_full_report's
    # determinism check: two seeds compared without a second build.
    env = {**os.environ, "KHAR_ROOT": str(copy.root), "KHAR_DATA_MIRROR": str(lay.raw),
           "PYTHONHASHSEED": OTHER_HASH_SEED, "KHAR_PDF": "1"}
    proc = subprocess.run([sys.executable, "-m", "khar_analysis.build.cli", "build"], cwd=copy.root, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return copy


@pytest.fixture(scope="module")
def built_once(tmp_path_factory, lay):
    """One built project copy (notebook 01) per test module, copied for each test that needs one."""
    from khar_analysis.build import pipeline

    manifest.verify(lay=lay, allow_download=False)
    base = tmp_path_factory.mktemp("built")
    copy = copy_inputs(lay, base / "project", ["01_arms_imports"])
    mirror = base / "mirror"
    for src in manifest.load_manifest(lay).values():
        if src.mirrored:
            (mirror / src.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src.local_path(lay), mirror / src.path)
    pipeline.build(copy, mirror=mirror, jobs=1)
    return base


@pytest.fixture
def built(built_once, tmp_path):
    """A project copy already built once (its own files: a test may corrupt or rebuild it freely)."""
    shutil.copytree(built_once, tmp_path / "b", symlinks=True)
    return Layout((tmp_path / "b" / "project").resolve()), tmp_path / "b" / "mirror"
