"""Freedom House loader on tiny excerpts of the real file."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.provenance import manifest
from khar_analysis.sources import freedomhouse

pytestmark = pytest.mark.integration

FIW = "fiw_2013-2025_extract"


def record(source_id: str, lay, keep_countries: bool = False):
    """The real manifest record; for an excerpt, without its country set (an excerpt keeps fewer countries)."""
    src = manifest.get(source_id, lay)
    fmt = {k: v for k, v in src.format.items() if keep_countries or k != "countries"}
    return dataclasses.replace(src, format=fmt)


def _value(tidy: pd.DataFrame, series: str, country: str, year: int) -> float:
    hit = tidy[(tidy["series"] == series) & (tidy["country"] == country) & (tidy["data_year"] == year)]
    assert len(hit) == 1, (series, country, year)
    return float(hit["value"].iloc[0])


# --- Freedom House -------------------------------------------------------------------------------

def _fiw_lines(i: int, line: str) -> bool:
    return i <= 2 or line.startswith(("Azerbaijan;", "Nagorno-Karabakh;Eurasia;t;2024"))


def test_fiw_excerpt_editions_and_status(excerpt, lay):
    tidy = freedomhouse.load_fiw(excerpt(FIW, _fiw_lines), record(FIW, lay))
    # edition 2025 describes 2024
    row = tidy[(tidy["series"] == "fiw:Total") & (tidy["country"] == "AZE") & (tidy["edition"] == 2025)].iloc[0]
    assert (row.data_year, row.value) == (2024, 7.0)
    assert _value(tidy, "fiw:Total", "AZE", 2020) == 10.0
    assert _value(tidy, "fiw:Status", "AZE", 2020) == freedomhouse.STATUS["NF"]
    assert _value(tidy, "fiw:Add Q", "AZE", 2024) == 2.0
    # the territory maps to its pseudo-code, and Add Q pushes its total below zero
    assert _value(tidy, "fiw:Total", "_NKR", 2023) == -3.0


def test_fiw_inconsistent_total_fails(excerpt, lay):
    path = excerpt(FIW, _fiw_lines)
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2][: lines[2].rfind(b";") + 1] + b"8"  # AZE 2025 total 7 -> 8
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(UnknownLayoutError, match="Total differs from the sum"):
        freedomhouse.load_fiw(path, record(FIW, lay))
