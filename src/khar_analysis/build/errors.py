"""The build's one error type and its log line."""

from __future__ import annotations


class BuildError(RuntimeError):
    """The build stopped; the message says why. The previous report is intact."""


def log(msg: str) -> None:
    """One progress line on stdout, prefixed ``[khar]``."""
    print(f"[khar] {msg}", flush=True)
