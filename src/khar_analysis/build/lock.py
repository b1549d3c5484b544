"""One build at a time per checkout: an exclusive lock on ``build/.lock`` (``filelock``, ``flock`` on POSIX).

The lock belongs to the process that took it. Notebook workers are started from a fork server (see
:mod:`khar_analysis.build.execute`), which is a fresh interpreter that never holds the lock's descriptor,
so a killed build leaves no process behind that still holds the lock. The lock file itself stays in
place (waiters share its inode); holding it is what counts, not its existence.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import filelock

from khar_analysis.build.errors import BuildError, log
from khar_analysis.core.paths import Layout

LOCK_NAME = ".lock"


@contextlib.contextmanager
def build_lock(lay: Layout, wait: bool = True) -> Iterator[None]:
    """Hold ``build/.lock`` for the block; a second build waits for the first, or refuses when not ``wait``."""
    lay.build.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(lay.build / LOCK_NAME)
    try:
        lock.acquire(blocking=False)
    except filelock.Timeout:
        if not wait:
            raise BuildError("another build is running in this checkout (build/.lock is held); "
                             "try again when it has finished") from None
        log("another build is running in this checkout; waiting for it to finish")
        lock.acquire()
    try:
        yield
    finally:
        lock.release()
