"""Processes: liveness by pid and start time, children, and a worker that ends with the build."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from khar_analysis.build import processes

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")


def test_start_time_of_a_live_a_dead_and_a_zombie_process():
    assert processes.start_time(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while processes.start_time(child.pid) is not None and time.monotonic() < deadline:
        time.sleep(0.02)  # exited but not reaped: a zombie, which counts as dead
    assert processes.start_time(child.pid) is None
    child.wait()
    assert processes.start_time(child.pid) is None


def test_wait_for_exit_returns_when_the_process_ends():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    assert child.pid in processes.children(os.getpid())
    waiter = threading.Thread(target=processes.wait_for_exit, args=(child.pid,))
    waiter.start()
    time.sleep(0.1)
    assert waiter.is_alive()
    child.kill()
    waiter.join(5)
    assert not waiter.is_alive()
    child.wait()


def test_a_process_that_dies_with_its_build_ends_its_own_children_too():
    """``build`` starts ``worker``, which calls ``die_with(build)`` and starts a ``kernel`` in its own session;
    killing ``build`` with SIGKILL must end both (the worker's parent is not the build, as in a pool)."""
    code = """
import os, subprocess, sys, time
from khar_analysis.build.processes import die_with
die_with(int(sys.argv[1]))
kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
print(os.getpid(), kernel.pid, flush=True)
time.sleep(60)
"""
    build = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = subprocess.Popen([sys.executable, "-c", code, str(build.pid)], stdout=subprocess.PIPE, text=True)
    _, kernel_pid = map(int, worker.stdout.readline().split())
    build.kill()
    build.wait()
    worker.wait(10)
    deadline = time.monotonic() + 10
    while processes.start_time(kernel_pid) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes.start_time(kernel_pid) is None, "the worker's kernel outlived it"
    assert worker.returncode == 1
