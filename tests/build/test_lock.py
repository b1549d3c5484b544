"""The build lock: one build at a time, a clear refusal with --no-wait, a stale lock taken over."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading

import filelock
import pytest

from khar_analysis.build.errors import BuildError
from khar_analysis.build.lock import LOCK_NAME, OWNER_NAME, build_lock, is_dead, owner_record, read_owner
from khar_analysis.build.processes import start_time
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


def _holder(lock_path) -> subprocess.Popen:
    """A process holding ``flock`` on ``lock_path`` (as an orphaned worker that inherited it would)."""
    code = ("import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(lock_path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_lock_held_after_its_owner_died_is_taken_over_with_one_line(tmp_path, capsys):
    lay = Layout(tmp_path)
    lay.build.mkdir()
    orphan = _holder(lay.build / LOCK_NAME)
    try:
        dead = _dead_pid()
        (lay.build / OWNER_NAME).write_text(json.dumps({"pid": dead, "started": "1", "host": socket.gethostname()}))
        with build_lock(lay, wait=False):
            assert read_owner(lay)["pid"] == os.getpid()
            out = capsys.readouterr().out
            assert f"build/.lock is held, but the build that took it (pid {dead}) has died; taking the lock over" in out
            assert len(out.strip().splitlines()) == 1
            with pytest.raises(BuildError, match=rf"held by pid {os.getpid()}"), build_lock(lay, wait=False):
                pass
        assert read_owner(lay) is None, "the owner record goes with the lock"
    finally:
        orphan.kill()
        orphan.wait()


def test_a_lock_whose_owner_lives_is_not_taken_over(tmp_path):
    lay = Layout(tmp_path)
    lay.build.mkdir()
    holder = _holder(lay.build / LOCK_NAME)
    try:
        (lay.build / OWNER_NAME).write_text(json.dumps({"pid": holder.pid, "started": start_time(holder.pid),
                                                        "host": socket.gethostname()}))
        with pytest.raises(BuildError, match=rf"held by pid {holder.pid}"), build_lock(lay, wait=False):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_a_waiting_build_takes_the_lock_when_the_first_ends(tmp_path, capsys):
    lay = Layout(tmp_path)
    lay.build.mkdir()
    holder = _holder(lay.build / LOCK_NAME)
    threading.Timer(0.5, holder.kill).start()
    with build_lock(lay):
        assert "waiting for it to finish" in capsys.readouterr().out
    holder.wait()


@pytest.mark.parametrize(("owner", "dead"), [
    (None, False),
    ({"pid": 1, "started": "x", "host": "another-machine"}, False),
])
def test_an_unknown_or_foreign_owner_is_never_judged_dead(owner, dead):
    assert is_dead(owner) is dead


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="process start times come from /proc")
def test_a_recycled_pid_counts_as_dead():
    me = owner_record()
    assert not is_dead(me)
    assert is_dead({**me, "started": str(int(me["started"]) + 1)})
