"""One build at a time per checkout: an exclusive lock on ``build/.lock`` (``filelock``, ``flock`` on POSIX).

The lock belongs to the process that took it: its descriptor is close-on-exec, notebook workers come
from a fork server that never holds it (:mod:`khar_analysis.build.execute`), and the kernel drops a
``flock`` when the last descriptor holding it closes, so a build killed with ``kill -9`` frees it.

The holder also writes who it is (pid, process start time, host) into ``build/.lock.owner``. A lock
can still be *stale*: held by a process that inherited the descriptor (an orphaned worker of an older
build, a program a notebook started and left running) after the build that took it died. A build that
finds the lock held while the recorded owner is dead takes it over, with one line saying so: it
unlinks ``build/.lock`` (the orphan keeps a lock on an inode nobody looks at any more) and locks a
fresh file. ``filelock`` rejects a lock taken on an unlinked inode, so a waiter that still had the old
file open retries on the new one; a second lock, ``build/.lock.takeover``, makes two waiters that both
see the stale owner take over one after the other, never both.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator

import filelock

from khar_analysis.build.errors import BuildError, log
from khar_analysis.build.processes import start_time
from khar_analysis.core.paths import Layout

LOCK_NAME = ".lock"
OWNER_NAME = ".lock.owner"
TAKEOVER_NAME = ".lock.takeover"
#: Seconds between two attempts while waiting for another build.
POLL_S = 0.2


def owner_record() -> dict:
    """This process as a lock owner: pid, start time and host name."""
    return {"pid": os.getpid(), "started": start_time(os.getpid()) or "", "host": socket.gethostname()}


def read_owner(lay: Layout) -> dict | None:
    """The recorded owner of ``build/.lock``, or ``None`` when absent or unreadable."""
    try:
        owner = json.loads((lay.build / OWNER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return owner if isinstance(owner, dict) and isinstance(owner.get("pid"), int) else None


def is_dead(owner: dict | None) -> bool:
    """Whether a recorded owner is surely gone: same host, and no process with its pid and start time."""
    if owner is None or owner.get("host") != socket.gethostname():
        return False
    now = start_time(owner["pid"])
    return now is None or bool(now and owner.get("started") and now != owner["started"])


def _try(lock: filelock.FileLock) -> bool:
    try:
        lock.acquire(blocking=False)
    except filelock.Timeout:
        return False
    return True


def _take_over_if_stale(lay: Layout, lock: filelock.FileLock) -> bool:
    """Under ``build/.lock.takeover``: acquire ``lock`` if it is free or its recorded owner is dead."""
    with filelock.FileLock(lay.build / TAKEOVER_NAME):
        if _try(lock):
            _write_owner(lay)  # still under the takeover lock, so no waiter reads a dead predecessor's record
            return True
        owner = read_owner(lay)
        if not is_dead(owner):
            return False
        log(f"{lay.rel(lay.build / LOCK_NAME)} is held, but the build that took it (pid {owner['pid']}) has died; "
            "taking the lock over")
        with contextlib.suppress(FileNotFoundError):
            (lay.build / LOCK_NAME).unlink()
        if not _try(lock):  # pragma: no cover - only a process ignoring the takeover lock can win this race
            return False
        _write_owner(lay)
        return True


def _write_owner(lay: Layout) -> None:
    tmp = lay.build / f"{OWNER_NAME}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(owner_record()) + "\n", encoding="utf-8")
    os.replace(tmp, lay.build / OWNER_NAME)


def _acquire(lay: Layout, lock: filelock.FileLock, wait: bool) -> None:
    """Take the lock now, or after a stale owner's takeover, or (``wait``) when the running build ends."""
    told = False
    while not _take_over_if_stale(lay, lock):
        if not wait:
            raise BuildError("another build is running in this checkout (build/.lock is held"
                             + (f" by pid {o['pid']}" if (o := read_owner(lay)) else "")
                             + "); try again when it has finished") from None
        if not told:
            log("another build is running in this checkout; waiting for it to finish")
            told = True
        time.sleep(POLL_S)


@contextlib.contextmanager
def build_lock(lay: Layout, wait: bool = True) -> Iterator[None]:
    """Hold ``build/.lock`` for the block; a second build waits for the first, or refuses when not ``wait``;
    a lock whose recorded owner died is taken over (see the module docstring)."""
    lay.build.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(lay.build / LOCK_NAME)
    _acquire(lay, lock, wait)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            (lay.build / OWNER_NAME).unlink()
        lock.release()
