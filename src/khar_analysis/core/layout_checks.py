"""Loud checks for raw-file layouts: a loader that meets a layout it does not know fails, naming the file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class UnknownLayoutError(ValueError):
    """A raw file's layout differs from the one the loader was written for."""


def expect_equal(file: Path | str, what: str, expected: Sequence[str] | str, found: Sequence[str] | str) -> None:
    """Raise :class:`UnknownLayoutError` unless ``found == expected``, naming the file and both values."""
    exp = list(expected) if not isinstance(expected, str) else expected
    fnd = list(found) if not isinstance(found, str) else found
    if exp != fnd:
        diff = ""
        if isinstance(exp, list) and isinstance(fnd, list):
            missing = [c for c in exp if c not in fnd]
            extra = [c for c in fnd if c not in exp]
            if missing or extra:
                diff = f" (missing: {missing}; unexpected: {extra})"
            else:
                diff = " (same names, different order)"
        raise UnknownLayoutError(f"{Path(file).name}: unexpected {what}{diff}: expected {exp!r}, found {fnd!r}")


def expect_true(file: Path | str, condition: bool, message: str) -> None:
    """Raise :class:`UnknownLayoutError` with ``message`` (prefixed by the file name) unless ``condition``."""
    if not condition:
        raise UnknownLayoutError(f"{Path(file).name}: {message}")


def read_text_strict(file: Path, encoding: str) -> str:
    """Read ``file`` in ``encoding``; a decoding error names the file, the encoding and the byte offset."""
    data = Path(file).read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnknownLayoutError(
            f"{Path(file).name}: not valid {encoding} text: byte {data[exc.start:exc.start + 1]!r} "
            f"at offset {exc.start} ({exc.reason})"
        ) from None
