"""One line for an operating-system error: the path, the system's reason, and what to do."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from khar_analysis.build.errors import describe_os_error

ROOT = Path("/srv/project")  # a made-up project root: only paths below it are shown relative


@pytest.mark.parametrize(("exc", "expected"), [
    (PermissionError(errno.EACCES, "Permission denied", str(ROOT / "reports/index.html")),
     "reports/index.html: Permission denied [EACCES]; check the owner and mode of that path"),
    (OSError(errno.ENOSPC, "No space left on device", str(ROOT / "data/raw/a.csv")),
     "data/raw/a.csv: No space left on device [ENOSPC]; free space on that filesystem"),
    (OSError(errno.EROFS, "Read-only file system", str(ROOT / "reports")),
     "reports: Read-only file system [EROFS]; that filesystem is mounted read-only"),
    (OSError(errno.EXDEV, "Invalid cross-device link", str(ROOT / "build/x"), None, "/mnt/reports"),
     "build/x -> /mnt/reports: Invalid cross-device link [EXDEV]; the two paths are on different filesystems"),
    (OSError(errno.ENOSPC, "No space left on device"),
     "(the system named no file): No space left on device [ENOSPC]"),
    (OSError(errno.ELOOP, "Too many levels of symbolic links", "/elsewhere/x"),
     "/elsewhere/x: Too many levels of symbolic links [ELOOP]; see the reason above; run again with --debug"),
])
def test_an_os_error_is_one_line_naming_the_path_and_what_to_do(exc, expected):
    line = describe_os_error(exc, ROOT)
    assert line.startswith(expected) and "\n" not in line
