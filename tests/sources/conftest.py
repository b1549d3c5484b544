"""Fixtures shared by the loaders' tests: manifest records, index values, workbook grids."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from khar_analysis.core import workbooks
from khar_analysis.provenance import manifest


@pytest.fixture
def record(lay):
    """``record(source_id, keep_countries=False)`` -> the real manifest record; for an excerpt, without its
    country set (an excerpt keeps fewer countries than the file)."""

    def get(source_id: str, keep_countries: bool = False) -> manifest.Source:
        src = manifest.get(source_id, lay)
        fmt = {k: v for k, v in src.format.items() if keep_countries or k != "countries"}
        return dataclasses.replace(src, format=fmt)

    return get


@pytest.fixture
def value():
    """``value(tidy, series, country, year)`` -> the one value of an index table at that cell."""

    def get(tidy: pd.DataFrame, series: str, country: str, year: int) -> float:
        hit = tidy[(tidy["series"] == series) & (tidy["country"] == country) & (tidy["data_year"] == year)]
        assert len(hit) == 1, (series, country, year)
        return float(hit["value"].iloc[0])

    return get


@pytest.fixture(scope="session")
def grids(raw):
    """``grids(source_id)`` -> all sheets of a workbook as grids, read once per session."""
    cache = {}

    def get(source_id: str):
        if source_id not in cache:
            cache[source_id] = workbooks.read_grids(raw(source_id))
        return cache[source_id]

    return get
