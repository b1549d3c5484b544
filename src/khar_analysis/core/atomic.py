"""Atomic file writes: write to a temporary name in the same folder, then rename over the target.

A reader never sees a half-written file, and an interrupted write leaves the previous file intact. A
write killed before its rename leaves a temporary ``.<name>.<random>.tmp`` beside the target, which
:func:`clean_temporaries` removes at the next build's start. A failed write (a full disk, a read-only
folder) raises ``OSError`` naming the target, so the message says which file could not be written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

TMP_SUFFIX = ".tmp"


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it onto ``target``, else delete it."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    try:  # mkstemp makes the file private (0600); a published file keeps the target's mode, else rw-r--r--
        os.fchmod(fd, target.stat().st_mode & 0o777 if target.exists() else 0o644)
    finally:
        os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except OSError as exc:
        if exc.filename is None:  # a failed write (ENOSPC, EIO) names no file: name the one being written
            exc.filename = str(target)
        raise
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(target: Path, text: str) -> Path:
    """Write ``text`` (UTF-8, LF) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(target)


def write_bytes(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def clean_temporaries(folder: Path, older_than_s: float = 0.0) -> list[Path]:
    """Delete the temporary files :func:`atomic_path` left below ``folder`` (``.<name>.<random>.tmp``) whose
    last change is more than ``older_than_s`` seconds ago; return them. A missing folder holds none."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than_s
    gone = []
    for tmp in sorted(folder.rglob(f".*{TMP_SUFFIX}")):
        try:
            if tmp.is_file() and not tmp.is_symlink() and tmp.stat().st_mtime <= cutoff:
                tmp.unlink()
                gone.append(tmp)
        except FileNotFoundError:  # removed meanwhile by the writer that made it
            continue
    return gone
