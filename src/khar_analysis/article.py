"""The article as data: its lines, and quotes rendered by location.

The article is a pinned raw file (manifest id ``article``); the project never stores its sentences.
Quotes are cut from the file at build time by line number and anchor words, into outputs that are
not committed.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from . import sources
from .paths import Layout

SOURCE_ID = "article"
_SENTENCE_END = re.compile(r"(?<=[.!?…»)])\s+(?=[«(A-ZА-ЯЁ0-9])")


class AnchorError(LookupError):
    """The anchor words of a claim are not on the line the register gives."""


@cache
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").splitlines())


def lines(lay: Layout | None = None) -> tuple[str, ...]:
    """The article's lines (line 1 is index 0), read from the verified pinned file."""
    return _lines(sources.path(SOURCE_ID, lay))


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (after ., !, ?, … or a closing quote/bracket before a capital)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def quote(line: int, anchors: list[str], lay: Layout | None = None) -> str:
    """The sentence on ``line`` that contains the first anchor (all anchors must be on the line)."""
    all_lines = lines(lay)
    if not 1 <= line <= len(all_lines):
        raise AnchorError(f"line {line} is outside the article (1..{len(all_lines)})")
    text = all_lines[line - 1]
    missing = [a for a in anchors if a.casefold() not in text.casefold()]
    if missing:
        raise AnchorError(f"anchor words {missing} are not on article line {line}")
    if not anchors:
        return text
    for sentence in sentences(text):
        if anchors[0].casefold() in sentence.casefold():
            return sentence
    return text
