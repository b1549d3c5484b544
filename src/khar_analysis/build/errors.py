"""The build's one error type, its log line, and the one-line message for an operating-system error."""

from __future__ import annotations

import errno
import sys
from pathlib import Path


class BuildError(RuntimeError):
    """The build stopped; the message says why. The previous report is intact."""


def log(msg: str) -> None:
    """One progress line on stdout, prefixed ``[khar]``."""
    print(f"[khar] {msg}", flush=True)


def warn(msg: str) -> None:
    """One line on stderr, prefixed ``[khar]`` (what the user should know even when stdout is discarded)."""
    print(f"[khar] {msg}", file=sys.stderr, flush=True)


_PERMISSION = "check the owner and mode of that path (and of its folders), or run khar as a user who may use it"
#: What to do about an operating-system error, by ``errno``: the expected failures of a build (a folder it
#: may not read or write, a full disk, a read-only mount, two filesystems) and a few neighbours.
ADVICE = {
    errno.EACCES: _PERMISSION,
    errno.EPERM: _PERMISSION,
    errno.ENOSPC: "free space on that filesystem (or move the project to a larger one) and run the command again",
    errno.EDQUOT: "your disk quota is used up there: free space and run the command again",
    errno.EROFS: "that filesystem is mounted read-only: remount it read-write, or build in a writable copy "
                 "of the project",
    errno.EXDEV: "the two paths are on different filesystems: keep build/ and the reports folder on one "
                 "filesystem (a symbolic link to a folder elsewhere is fine)",
    errno.ENOENT: "it does not exist: check the path (and KHAR_DATA_MIRROR / --mirror if it is the mirror)",
    errno.ENOTDIR: "a folder was expected there but a file was found: move the file away",
    errno.EISDIR: "a file was expected there but a folder was found: move the folder away",
    errno.ENAMETOOLONG: "the path is too long: move the project to a shorter path",
    errno.EMFILE: "too many open files: raise the limit (ulimit -n) or run with fewer --jobs",
    errno.EIO: "the device reported an input/output error: check the disk",
    errno.EPIPE: "the program reading khar's output stopped early",
}


def _shown(path: object, root: Path | None) -> str:
    """``path`` relative to ``root`` when it lies inside it, else as given."""
    text = str(path)
    if root is not None:
        try:
            return Path(text).absolute().relative_to(root).as_posix()
        except ValueError:
            pass
    return text


def describe_os_error(exc: OSError, root: Path | None = None) -> str:
    """One line for ``exc``: the path(s), the system's reason and its errno name, and what to do."""
    code = errno.errorcode.get(exc.errno or 0, "")
    reason = exc.strerror or str(exc) or type(exc).__name__
    paths = [_shown(p, root) for p in (exc.filename, exc.filename2) if p is not None]
    where = " -> ".join(paths) if paths else "(the system named no file)"
    advice = ADVICE.get(exc.errno or 0, "see the reason above; run again with --debug for the traceback")
    return f"{where}: {reason}{f' [{code}]' if code else ''}; {advice}"
