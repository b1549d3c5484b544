"""The build lock: one build at a time, a clear refusal with --no-wait."""

from __future__ import annotations

import filelock
import pytest

from khar_analysis.build.errors import BuildError
from khar_analysis.build.lock import build_lock
from khar_analysis.core.paths import Layout


def test_a_held_lock_refuses_without_waiting_and_is_free_after(tmp_path):
    lay = Layout(tmp_path)
    with build_lock(lay):
        other = filelock.FileLock(lay.build / ".lock")
        with pytest.raises(filelock.Timeout):
            other.acquire(blocking=False)
    with build_lock(lay, wait=False):
        pass


def test_no_wait_names_the_lock(tmp_path):
    lay = Layout(tmp_path)
    lay.build.mkdir()
    holder = filelock.FileLock(lay.build / ".lock")
    refused = pytest.raises(BuildError, match=r"another build is running in this checkout \(build/.lock")
    with holder, refused, build_lock(lay, wait=False):
        pass
