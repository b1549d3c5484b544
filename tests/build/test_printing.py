"""Printing to PDF: finding a browser, link-safe pages, and the print itself (a stand-in browser; the real
Chromium in one slow test that reads the PDF's text back)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from khar_analysis.build import printing

#: A stand-in for Chromium: writes a small PDF where ``--print-to-pdf=`` says and keeps the page it printed.
FAKE = """#!/bin/sh
for a in "$@"; do
  case "$a" in
    --print-to-pdf=*) out="${a#--print-to-pdf=}" ;;
    file://*) page="${a#file://}" ;;
  esac
done
cp "$page" "$(dirname "$0")/printed.html"
printf '%%PDF-1.4 stand-in' > "$out"
"""
BROKEN = "#!/bin/sh\necho 'Failed to load the page' >&2\nexit 3\n"


def _script(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_printable_keeps_in_page_and_web_links_and_drops_relative_ones():
    html = ('<a href="#ARMS-1">card</a> <a class="x" href="notebooks/01.html#cell-id=a">cell</a> '
            "<a href='claims/ARMS-1.html'>cert</a> <a href=\"https://example.org/\">web</a> "
            '<a href="mailto:a@b.c">mail</a> <link href="style.css">')
    out = printing.printable(html)
    assert out == ('<a href="#ARMS-1">card</a> <a class="x">cell</a> <a>cert</a> '
                   '<a href="https://example.org/">web</a> <a href="mailto:a@b.c">mail</a> <link href="style.css">')


def test_khar_browser_names_the_browser(tmp_path):
    chrome = _script(tmp_path / "opt", "chrome", "#!/bin/sh\n")
    assert printing.find_browser({"KHAR_BROWSER": str(chrome), "PATH": ""}) == chrome
    assert printing.find_browser({"KHAR_BROWSER": str(tmp_path / "missing"), "PATH": str(tmp_path / "opt")}) is None


def test_a_chromium_on_path_is_found_before_playwrights(tmp_path):
    on_path = _script(tmp_path / "bin", "chromium", "#!/bin/sh\n")
    pw = _script(tmp_path / "pw" / "chromium-1200" / "chrome-linux", "chrome", "#!/bin/sh\n")
    env = {"PATH": str(tmp_path / "bin"), "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "pw")}
    assert printing.find_browser(env) == on_path
    assert printing.find_browser({**env, "PATH": str(tmp_path / "empty")}) == pw


def test_the_newest_playwright_build_is_used(tmp_path):
    for build in ("1100", "1200"):
        _script(tmp_path / "pw" / f"chromium-{build}" / "chrome-linux", "chrome", "#!/bin/sh\n")
    found = printing.find_browser({"PATH": str(tmp_path / "empty"), "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "pw")})
    assert found is not None and "chromium-1200" in found.as_posix()


def test_the_command_prints_the_page_with_a_throwaway_profile(tmp_path):
    cmd = printing.command(Path("/usr/bin/chromium"), tmp_path / "index.html", tmp_path / "r.pdf", tmp_path / "p")
    assert cmd[0] == "/usr/bin/chromium" and "--headless" in cmd and "--no-pdf-header-footer" in cmd
    assert f"--print-to-pdf={tmp_path / 'r.pdf'}" in cmd and f"--user-data-dir={tmp_path / 'p'}" in cmd
    assert cmd[-1] == (tmp_path / "index.html").as_uri()
    assert ("--no-sandbox" in cmd) == (os.geteuid() == 0)


def test_print_pdf_prints_a_link_safe_copy_and_leaves_no_temporary(tmp_path):
    browser = _script(tmp_path / "bin", "chromium", FAKE)
    (tmp_path / "site").mkdir()
    page = tmp_path / "site" / "index.html"
    page.write_text('<a href="notebooks/a.html">a</a><h1 id="x">T-1</h1>', encoding="utf-8")
    out = printing.print_pdf(page, tmp_path / "site" / "report.pdf", browser)
    assert out.read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "bin" / "printed.html").read_text(encoding="utf-8") == '<a>a</a><h1 id="x">T-1</h1>'
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["index.html", "report.pdf"]


def test_a_browser_that_makes_no_pdf_is_one_line_and_changes_nothing(tmp_path):
    browser = _script(tmp_path / "bin", "chromium", BROKEN)
    page = tmp_path / "index.html"
    page.write_text("<h1>T-1</h1>", encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 the previous one")
    with pytest.raises(printing.PrintError, match=r"chromium made no PDF of index.html \(exit 3\): Failed to load"):
        printing.print_pdf(page, tmp_path / "report.pdf", browser)
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF-1.4 the previous one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "index.html", "report.pdf"]


@pytest.mark.slow
def test_chromium_prints_the_page_text_and_no_machine_path(tmp_path):
    browser = printing.find_browser()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail(printing.NO_BROWSER.format(what="this test"))
        pytest.skip(printing.NO_BROWSER.format(what="this test"))
    from pypdf import PdfReader

    page = tmp_path / "index.html"
    page.write_text('<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>T</title></head><body>'
                    '<h1 id="T-1">T-1</h1><p>Азербайджан и Турция</p><a href="claims/T-1.html">T-2</a>'
                    '<p style="break-before: page">T-3</p></body></html>', encoding="utf-8")
    pdf = printing.print_pdf(page, tmp_path / "report.pdf", browser)
    reader = PdfReader(pdf)
    text = "".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) == 2
    assert all(t in text for t in ("T-1", "T-2", "T-3", "Азербайджан"))
    assert b"file:" not in pdf.read_bytes() and str(tmp_path).encode() not in pdf.read_bytes()


def test_khar_pdf_0_turns_printing_off():
    assert printing.wanted({}) and printing.wanted({"KHAR_PDF": "1"}) and not printing.wanted({"KHAR_PDF": "0"})
