"""Printing an HTML page of the report to PDF with headless Chromium (its print styles, ``@media print``).

The browser is found, never downloaded (:func:`find_browser`): ``KHAR_BROWSER`` (a path) when set, else
Debian's ``chromium`` (``make browser`` installs it, with the driver the browser test uses) or another
Chromium or Chrome on ``PATH``, else a Chromium that playwright installed (``playwright install chromium``,
under ``PLAYWRIGHT_BROWSERS_PATH`` or ``~/.cache/ms-playwright``) for users who prefer it. Without one,
callers skip the PDF with one line (:data:`NO_BROWSER`); ``KHAR_PDF=0`` skips it on purpose (:func:`wanted`).

Chromium writes a relative link as an absolute ``file://`` URL into the PDF: a machine path, and a link
that breaks once the staging folder is swapped in. So the page is printed from a copy whose relative
links are plain text (:func:`printable`); links within the page (``#id``) and to the web stay links.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from khar_analysis.core.atomic import TMP_SUFFIX

#: Names of a Chromium or Chrome executable on ``PATH``, in order of preference.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: playwright's Chromium builds below its browsers folder (full browser first, then the headless shell).
PLAYWRIGHT_GLOBS = ("chromium-*/chrome-linux*/chrome", "chromium_headless_shell-*/chrome-linux*/headless_shell",
                    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium")
NO_BROWSER = ("no browser found: {what} skipped (install Debian's chromium with `make browser`, or playwright's "
              "with `playwright install chromium`, or set KHAR_BROWSER to a Chromium executable)")
NOT_WANTED = "{what} skipped (KHAR_PDF=0)"
#: Seconds one print may take before it is abandoned.
TIMEOUT_S = 120
_FLAGS = ("--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
          "--run-all-compositor-stages-before-draw")
_RELATIVE_HREF = re.compile(r"""(<a\b[^>]*?)\s+href\s*=\s*(["'])(?!#|[a-zA-Z][\w+.-]*:)[^"']*\2""", re.I)


class PrintError(RuntimeError):
    """The browser did not produce a PDF; the message names the page and the browser's last words."""


def _playwright_dirs(env: Mapping[str, str]) -> list[Path]:
    dirs = [Path(env["PLAYWRIGHT_BROWSERS_PATH"])] if env.get("PLAYWRIGHT_BROWSERS_PATH") else []
    return [*dirs, Path.home() / ".cache" / "ms-playwright", Path.home() / "Library" / "Caches" / "ms-playwright"]


def find_browser(env: Mapping[str, str] | None = None) -> Path | None:
    """The Chromium to print with (see the module docstring for the order), or ``None``."""
    env = os.environ if env is None else env
    if env.get("KHAR_BROWSER"):
        given = Path(env["KHAR_BROWSER"])
        return given if given.is_file() and os.access(given, os.X_OK) else None
    for name in BROWSER_NAMES:
        if found := shutil.which(name, path=env.get("PATH")):
            return Path(found)
    for folder in _playwright_dirs(env):
        for pattern in PLAYWRIGHT_GLOBS:
            if found := sorted(folder.glob(pattern)):
                return found[-1]  # the newest build (folder names end with a build number)
    return None


def wanted(env: Mapping[str, str] | None = None) -> bool:
    """Whether PDFs are to be printed: yes unless ``KHAR_PDF=0`` (the whole-build tests set it: a print costs
    about 1.5 s of Chromium, and only the tests of the PDFs need one)."""
    return (os.environ if env is None else env).get("KHAR_PDF", "1") != "0"


def printable(html: str) -> str:
    """``html`` with the ``href`` of every relative link removed (the text stays): see the module docstring."""
    return _RELATIVE_HREF.sub(r"\1", html)


def command(browser: Path, page: Path, pdf: Path, profile: Path) -> list[str]:
    """The command line printing ``page`` to ``pdf`` with a throwaway browser ``profile`` folder.

    As root Chromium refuses to start without ``--no-sandbox``; the page printed is the report's own file."""
    sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [str(browser), *_FLAGS, *sandbox, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
            page.resolve().as_uri()]


def print_pdf(page: Path, pdf: Path, browser: Path, timeout_s: float = TIMEOUT_S) -> Path:
    """Print the HTML file ``page`` to ``pdf`` (replaced only when a whole PDF was made); return ``pdf``.

    The page is printed from a link-safe copy beside it (:func:`printable`), so its images and styles
    resolve as they do for a reader. Raises :class:`PrintError`."""
    copy = page.with_name(f".print-{page.name}")
    copy.write_text(printable(page.read_text(encoding="utf-8")), encoding="utf-8")
    partial = pdf.with_name(f".{pdf.name}.{os.getpid()}{TMP_SUFFIX}")  # what clean_temporaries removes
    try:
        with tempfile.TemporaryDirectory(prefix="khar-browser-") as profile:
            try:
                proc = subprocess.run(command(browser, copy, partial, Path(profile)), capture_output=True,
                                      text=True, timeout=timeout_s, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                raise PrintError(f"printing {page.name} with {browser.name} took over {timeout_s:.0f} s") from None
        if not partial.is_file() or partial.read_bytes()[:5] != b"%PDF-":
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1][-300:]
            raise PrintError(f"{browser.name} made no PDF of {page.name} (exit {proc.returncode}): {last}")
        os.replace(partial, pdf)
    finally:
        copy.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return pdf
