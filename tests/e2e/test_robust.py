"""Whole builds treated roughly: publishing the same file twice, a reports folder on another filesystem, and
operating-system failures (killed builds are in ``test_kill.py``, machine paths in ``test_build.py``).

Builds run in project copies (see ``conftest.py``). Where a failure cannot be produced for real here (the
tests run as root, whom ``chmod`` does not stop, and no read-only or full filesystem is at hand) it is
produced by monkeypatching the one call that would fail, and the test says so.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from khar_analysis.build import cli, pipeline, publish
from khar_analysis.provenance import manifest


def _build(lay, mirror, **kw):
    return pipeline.build(lay, mirror=mirror, jobs=1, **kw)


def _notebook(lay, name, parameters, code):
    """A claim-free notebook ``name`` with ``parameters`` (a literal assignment) and one code cell."""
    nb = nbformat.v4.new_notebook(cells=[new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                                         new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "khar-analysis", "language": "python", "display_name": "k"}
    nbformat.write(nb, lay.notebooks / f"{name}.ipynb")


# --- published files and their owners ---------------------------------------------------------------------

def _tables_only(project):
    """The project copy without notebook 01 (its claims become pending): builds that take seconds."""
    lay, mirror = project
    (lay.notebooks / "01_arms_imports.ipynb").unlink()
    return lay, mirror


def _saver(lay, name, table_name):
    _notebook(lay, name, f"table_name = {table_name!r}",
              "import pandas as pd\nfrom khar_analysis.build import outputs\n"
              "outputs.save_csv(pd.DataFrame({'x': [1]}), table_name)")


def test_two_notebooks_publishing_one_name_stop_the_build_and_stale_tables_go(project, capfd):
    """The issue's case: an output name given as a parameter equal to another notebook's output."""
    lay, mirror = _tables_only(project)
    _saver(lay, "02_a", "a.csv")
    _saver(lay, "03_b", "b.csv")
    _build(lay, mirror)
    with pytest.raises(pipeline.BuildError, match=r"a\.csv is published by both 02_a and 03_b"):
        _build(lay, mirror, params={"03_b": {"table_name": "a.csv"}})
    assert (lay.reports / "b.csv").exists(), "the failed build replaced nothing"
    _saver(lay, "02_a", "renamed.csv")
    _build(lay, mirror)  # 02_a runs, 03_b is skipped and keeps its table
    top = sorted(p.name for p in lay.reports.iterdir())
    assert top == [".build-state.json", "b.csv", "claimreview.jsonld", "claims", "data.html", "index.html",
                   "ledger.csv", "notebooks", "renamed.csv", "ro-crate-metadata.json"]
    out, err = capfd.readouterr()
    assert "03_b: skip (up to date)" in out and "notebooks: 1 run, 1 skipped" in out
    assert "report: reports/index.html" in out
    assert "without encryption" not in err and "Traceback" not in err


def test_a_notebook_may_not_publish_the_ledger(project):
    lay, mirror = _tables_only(project)
    _saver(lay, "02_a", "ledger.csv")
    with pytest.raises(pipeline.BuildError, match=r"02_a\.ipynb failed at cell 1 .*output name 'ledger\.csv' must be"):
        _build(lay, mirror)


def test_a_reports_folder_on_another_filesystem_is_published_without_exdev(project, tmp_path):
    """``reports`` links to a folder in /dev/shm (tmpfs: another filesystem than the project's wherever the two
    devices differ, as here; where they do not, only the staging place is checked). The old build staged in
    ``build/`` and renamed across the two: EXDEV on every build."""
    lay, mirror = _tables_only(project)
    shm = Path("/dev/shm")
    elsewhere = Path(tempfile.mkdtemp(dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path))
    try:
        lay.reports.symlink_to(elsewhere / "reports", target_is_directory=True)
        _saver(lay, "02_a", "a.csv")
        _build(lay, mirror)
        _saver(lay, "02_a", "b.csv")
        _build(lay, mirror)  # this one swaps a new report for an existing one
        assert lay.reports.is_symlink() and sorted(p.name for p in (elsewhere / "reports").glob("*.csv")) == [
            "b.csv", "ledger.csv"]
        assert not publish.leftovers(lay)
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)


# --- operating-system errors at the command boundary ------------------------------------------------------

def _khar(lay, mirror, *args, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setenv("KHAR_ROOT", str(lay.root))
    capsys.readouterr()
    code = cli.main(["--mirror", str(mirror), *args])
    return code, capsys.readouterr().err


def test_a_full_disk_while_copying_from_the_mirror_is_one_line(project, monkeypatch, capsys):
    """Produced by making ``shutil.copyfile`` raise ENOSPC, as a full disk does (without naming a file)."""
    lay, mirror = project

    def full(src, dst, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(manifest.shutil, "copyfile", full)
    code, err = _khar(lay, mirror, "build", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert re.search(r"khar build: error: data/raw/\S+: No space left on device \[ENOSPC\]; free space", err)
    code, err = _khar(lay, mirror, "--debug", "build", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "Traceback (most recent call last)" in err and "[ENOSPC]" in err


def test_an_unreadable_mirror_folder_is_one_line(project, monkeypatch, capsys):
    """Produced by making ``Path.exists`` raise EACCES below the mirror, as a folder without ``x`` permission
    does for a normal user (root passes any mode bits, so ``chmod`` cannot produce it here)."""
    lay, mirror = project
    real_exists = Path.exists

    def denied(self, *a, **k):
        if str(self).startswith(str(mirror) + os.sep):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_exists(self, *a, **k)

    monkeypatch.setattr(Path, "exists", denied)
    code, err = _khar(lay, mirror, "fetch", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert f"{mirror}/" in err and "Permission denied [EACCES]; check the owner and mode" in err


def test_a_read_only_reports_filesystem_is_one_line(project, monkeypatch, capsys):
    """Produced by making the staging folder's ``mkdir`` raise EROFS, as a read-only mount does."""
    lay, mirror = project
    real_mkdir = Path.mkdir

    def read_only(self, *a, **k):
        if self.name.startswith(".reports.stage-"):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *a, **k)

    monkeypatch.setattr(Path, "mkdir", read_only)
    code, err = _khar(lay, mirror, "build", "--force", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert re.search(r"\.reports\.stage-\d+: Read-only file system \[EROFS\]; that filesystem is mounted read-only",
                     err)
    assert not lay.reports.exists()
