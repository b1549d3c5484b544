"""Atomic writes: the target named when a write fails, modes, and the clean-up of interrupted writes."""

from __future__ import annotations

import errno
import os
import time

import pytest

from khar_analysis.core import atomic


def test_a_failed_write_names_the_target_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "t.csv"
    with pytest.raises(OSError, match="No space left") as err, atomic.atomic_path(target):
        raise OSError(errno.ENOSPC, "No space left on device")  # what a full disk raises: no file named
    assert err.value.filename == str(target) and err.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


def test_a_new_file_is_readable_by_others_and_a_replaced_one_keeps_its_mode(tmp_path):
    target = atomic.write_text(tmp_path / "t.csv", "a")
    assert target.stat().st_mode & 0o777 == 0o644
    os.chmod(target, 0o600)
    atomic.write_text(target, "b")
    assert target.stat().st_mode & 0o777 == 0o600


def test_clean_temporaries_removes_only_old_leftovers_of_atomic_writes(tmp_path):
    old, young = tmp_path / "sub" / ".a.csv.x1.tmp", tmp_path / ".b.csv.x2.tmp"
    old.parent.mkdir()
    for path in (old, young, tmp_path / "keep.tmp", tmp_path / "keep.csv"):
        path.write_text("")
    os.utime(old, (time.time() - 100,) * 2)
    assert atomic.clean_temporaries(tmp_path, older_than_s=50) == [old]
    assert atomic.clean_temporaries(tmp_path) == [young]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.csv", "keep.tmp", "sub"]
    assert atomic.clean_temporaries(tmp_path / "missing") == []
