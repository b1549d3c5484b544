"""Executing notebooks: the progress shown while they run."""

from __future__ import annotations

import io
import sys

from khar_analysis.build import execute


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_a_terminal_only_log_lines_are_printed(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with execute.progress(2) as done:
        done("  done 01_a (1.0 s)")
    assert capsys.readouterr().out == "[khar]   done 01_a (1.0 s)\n"
    assert sys.stderr.getvalue() == ""


def test_a_terminal_gets_a_bar_with_the_elapsed_time(monkeypatch, capsys):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with execute.progress(2) as done:
        done("  done 01_a (1.0 s)")
    assert "[khar]   done 01_a (1.0 s)" in capsys.readouterr().out
    assert "[khar] notebooks: 1/2" in terminal.getvalue() and "elapsed" in terminal.getvalue()
