"""Publishing as one unit: the next report assembled beside ``reports/`` and swapped in with one rename."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest

from khar_analysis.build import publish
from khar_analysis.build.errors import BuildError
from khar_analysis.build.plan import STATE_FILE, Plan
from khar_analysis.core.paths import Layout


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def _write(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


@pytest.fixture
def lay(tmp_path) -> Layout:
    lay = Layout(tmp_path / "project")
    _write(lay.reports, {"index.html": "old", "stale.csv": "from an earlier build", "notebooks/01_a.html": "old"})
    return lay


def test_the_stage_is_beside_reports_and_the_switch_leaves_only_the_new_report(lay):
    stage = publish.new_stage(lay)
    assert stage.parent == lay.root and stage.name == f".reports.stage-{os.getpid()}"
    _write(stage, {"index.html": "new", "notebooks/01_a.html": "new"})
    publish.switch(stage, lay)
    assert _tree(lay.reports) == {"index.html": "new", "notebooks/01_a.html": "new"}
    assert not stage.exists() and not publish.leftovers(lay)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    _write(tmp_path / "a", {"x": "a"})
    _write(tmp_path / "b", {"y": "b"})
    assert publish.exchange(tmp_path / "a", tmp_path / "b")
    assert _tree(tmp_path / "a") == {"y": "b"} and _tree(tmp_path / "b") == {"x": "a"}


def test_without_exchange_two_renames_give_the_same_result(lay, monkeypatch):
    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    stage = publish.new_stage(lay)
    _write(stage, {"index.html": "new"})
    publish.switch(stage, lay)
    assert _tree(lay.reports) == {"index.html": "new"} and not publish.leftovers(lay)


def test_the_first_report_is_renamed_into_place(tmp_path):
    lay = Layout(tmp_path / "project")
    stage = publish.new_stage(lay)
    _write(stage, {"index.html": "new"})
    publish.switch(stage, lay)
    assert _tree(lay.reports) == {"index.html": "new"}


def test_a_linked_reports_folder_on_another_filesystem_is_staged_beside_its_target(lay, tmp_path):
    """/dev/shm is a tmpfs: a different filesystem from the project's wherever the devices differ (they do here).
    A stage in the project (or in build/) would have to cross filesystems to get there: EXDEV."""
    shm = Path("/dev/shm")
    other = Path(tempfile.mkdtemp(dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path))
    try:
        shutil.move(lay.reports, other / "reports")
        lay.reports.symlink_to(other / "reports", target_is_directory=True)
        stage = publish.new_stage(lay)
        assert stage.parent == other and stage.stat().st_dev == (other / "reports").stat().st_dev
        _write(stage, {"index.html": "new"})
        publish.switch(stage, lay)
        assert lay.reports.is_symlink() and _tree(lay.reports) == {"index.html": "new"}
    finally:
        shutil.rmtree(other)


def test_a_reports_mount_point_is_replaced_entry_by_entry(lay, monkeypatch, capsys):
    """A mount point cannot be renamed (``os.path.ismount`` is faked here; mounting needs privileges)."""
    monkeypatch.setattr(publish, "_is_mount", lambda real: real == lay.reports.resolve())
    stage = publish.new_stage(lay)
    assert stage.parent == lay.reports
    _write(stage, {"index.html": "new", "notebooks/01_a.html": "new", "b.csv": "new"})
    publish.switch(stage, lay)
    assert _tree(lay.reports) == {"index.html": "new", "notebooks/01_a.html": "new", "b.csv": "new"}
    assert "mount point" in capsys.readouterr().out


def test_a_build_killed_before_the_switch_leaves_the_report_and_its_leftovers_are_cleaned(lay):
    before = _tree(lay.reports)
    stage = publish.new_stage(lay)
    _write(stage, {"index.html": "half"})
    (lay.build / "stage-123").mkdir(parents=True)  # where builds before this layout staged
    (lay.reports / ".ledger.csv.abc123.tmp").write_text("half-written")
    old_tmp, new_tmp = lay.processed / ".t.csv.old1.tmp", lay.processed / ".t.csv.new1.tmp"
    _write(lay.processed, {old_tmp.name: "", new_tmp.name: ""})
    os.utime(old_tmp, (time.time() - 2 * publish.DATA_TMP_AGE_S,) * 2)
    assert _tree(lay.reports) == {**before, ".ledger.csv.abc123.tmp": "half-written"}
    gone = publish.clean_leftovers(lay)
    assert sorted(gone) == sorted([lay.rel(stage), "build/stage-123", "reports/.ledger.csv.abc123.tmp",
                                   "data/processed/.t.csv.old1.tmp"])
    assert _tree(lay.reports) == before and new_tmp.exists(), "a young temporary file in data/ may be in use"


def test_carry_over_links_only_the_skipped_notebooks_recorded_files(lay):
    _write(lay.reports, {"notebooks/01_a.ipynb": "nb", "figures/01_a/f.png": "png", "a.csv": "table",
                         "bench.json": "{}"})
    stage = publish.new_stage(lay)
    publish.carry_over(lay, stage, {"01_a": ["a.csv"]})
    assert _tree(stage) == {"notebooks/01_a.ipynb": "nb", "notebooks/01_a.html": "old", "figures/01_a/f.png": "png",
                            "a.csv": "table", "bench.json": "{}"}
    assert (stage / "a.csv").stat().st_ino == (lay.reports / "a.csv").stat().st_ino, "hard links, not copies"
    with pytest.raises(BuildError, match=r"previous output of 01_a is missing \(gone\.csv in reports/\)"):
        publish.carry_over(lay, publish.new_stage(lay), {"01_a": ["a.csv", "gone.csv"]})


def test_the_state_records_each_notebooks_files(lay):
    stage = publish.new_stage(lay)
    plans = [Plan("01_a", Path("01_a.ipynb"), {"k": 1}, "forced"), Plan("02_b", Path("02_b.ipynb"), {}, "up to date")]
    publish.write_state(stage, lay, plans, {"01_a": 1.234}, {"01_a": ["b.csv", "a.csv"], "02_b": [], "gone": ["x"]})
    state = json.loads((stage / STATE_FILE).read_text())
    assert state["outputs"] == {"01_a": ["a.csv", "b.csv"], "02_b": []}
    assert state["notebooks"] == {"01_a": {"k": 1}} and state["seconds"] == {"01_a": 1.23}
