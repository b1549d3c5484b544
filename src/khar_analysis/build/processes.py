"""Processes of a build: is one still alive, which are its children, and ending a worker with its kernels.

Linux's ``/proc`` is read where it exists; elsewhere liveness falls back to ``kill(pid, 0)`` and children
are not listed (kernels then end by themselves: ipykernel polls its parent every second and exits when
the parent changes, see ``ipykernel.parentpoller``).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from pathlib import Path

PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (field 3 onwards), or ``None``."""
    try:
        stat = (PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()  # the command name in parentheses may hold spaces


def start_time(pid: int) -> str | None:
    """Start time of process ``pid`` (clock ticks after boot, ``/proc/<pid>/stat`` field 22); ``""`` where
    there is no ``/proc``; ``None`` when the process does not exist or is a zombie (dead, not yet reaped)."""
    if not (PROC / "self" / "stat").exists():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return ""
    fields = _stat_fields(pid)
    return None if fields is None or fields[0] == "Z" else fields[19]


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (empty where there is no ``/proc``)."""
    out = []
    for entry in PROC.glob("[0-9]*") if PROC.is_dir() else ():
        fields = _stat_fields(int(entry.name))
        if fields is not None and fields[1] == str(pid):
            out.append(int(entry.name))
    return sorted(out)


def kill_children() -> None:
    """SIGKILL every child of this process and its process group (a kernel leads its own session, and
    anything a notebook started stays in the kernel's group)."""
    for child in children(os.getpid()):
        with contextlib.suppress(OSError):
            os.killpg(child, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(child, signal.SIGKILL)


def wait_for_exit(pid: int, poll_s: float = 0.5) -> None:
    """Return when process ``pid`` has ended: a pidfd becomes readable then (Linux 5.3+), else poll."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
        return
    started = start_time(pid)
    while (now := start_time(pid)) is not None and (not started or now == started):
        time.sleep(poll_s)


def _end_with(pid: int) -> None:
    wait_for_exit(pid)
    kill_children()
    os._exit(1)


def die_with(pid: int) -> None:
    """End this process, and its children, as soon as process ``pid`` ends (even by ``kill -9``).

    For a pool worker whose parent is a fork server rather than ``pid``: a parent-death signal
    (``prctl(PR_SET_PDEATHSIG)``) would fire only when the fork server ends, and the fork server itself
    waits for its workers, so a daemon thread waits for ``pid`` instead.
    """
    threading.Thread(target=_end_with, args=(pid,), daemon=True, name="khar-die-with-build").start()
