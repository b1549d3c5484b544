"""Freedom House loader on tiny excerpts of the real file."""

from __future__ import annotations

import pytest

from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.sources import freedomhouse

pytestmark = pytest.mark.integration

FIW = "fiw_2013-2025_extract"


# --- Freedom House -------------------------------------------------------------------------------

def _fiw_lines(i: int, line: str) -> bool:
    return i <= 2 or line.startswith(("Azerbaijan;", "Nagorno-Karabakh;Eurasia;t;2024"))


def test_fiw_excerpt_editions_and_status(excerpt, record, value):
    tidy = freedomhouse.load_fiw(excerpt(FIW, _fiw_lines), record(FIW))
    # edition 2025 describes 2024
    row = tidy[(tidy["series"] == "fiw:Total") & (tidy["country"] == "AZE") & (tidy["edition"] == 2025)].iloc[0]
    assert (row.data_year, row.value) == (2024, 7.0)
    assert value(tidy, "fiw:Total", "AZE", 2020) == 10.0
    assert value(tidy, "fiw:Status", "AZE", 2020) == freedomhouse.STATUS["NF"]
    assert value(tidy, "fiw:Add Q", "AZE", 2024) == 2.0
    # the territory maps to its pseudo-code, and Add Q pushes its total below zero
    assert value(tidy, "fiw:Total", "_NKR", 2023) == -3.0


def test_fiw_inconsistent_total_fails(excerpt, record):
    path = excerpt(FIW, _fiw_lines)
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2][: lines[2].rfind(b";") + 1] + b"8"  # AZE 2025 total 7 -> 8
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(UnknownLayoutError, match="Total differs from the sum"):
        freedomhouse.load_fiw(path, record(FIW))
