"""World Bank World Development Indicators: single-indicator Excel downloads, as tidy tables.

Indicators known here (:data:`INDICATORS`): personal remittances received, current US$
(https://data.worldbank.org/indicator/BX.TRF.PWKR.CD.DT) and as % of GDP
(https://data.worldbank.org/indicator/BX.TRF.PWKR.DT.GD.ZS): balance-of-payments data (IMF BPM6:
personal transfers plus compensation of employees). They say how much arrives, not from where.

Identity: the file's indicator code must be the record's ``format.indicator``, and its "Last Updated
Date" the record's ``data_generated``; a file for another indicator or vintage fails naming the source id.

Layout and oddities (``.xls``, read through :mod:`~khar_analysis.core.workbooks`): sheet ``Data`` with
``Data Source`` / ``Last Updated Date`` (an Excel date) rows, header on row 4 (``Country Name, Country
Code, Indicator Name, Indicator Code, 1960 ... 2022``); sheet ``Metadata - Countries`` where aggregates
have no region (``INX``, "Not classified", is missing there and is read as an aggregate). Empty cells
are missing values. The country names of economies are checked against their codes through
:mod:`~khar_analysis.core.countries`.
"""

from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any

import pandas as pd

from khar_analysis.core import countries, workbooks
from khar_analysis.core.layout_checks import expect_equal, expect_true
from khar_analysis.sources.identity import SourceRecord, expect_identity, expected, naming, no_options

#: WDI indicators this loader knows: code -> (value column, factor to that unit).
INDICATORS = {
    "BX.TRF.PWKR.CD.DT": ("usd_mn", 1e-6),
    "BX.TRF.PWKR.DT.GD.ZS": ("pct_gdp", 1.0),
}
#: Codes in the data sheet but not in 'Metadata - Countries': World Bank groupings, read as aggregates.
UNLISTED = {"INX": "Not classified"}
HEADER = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]


def _body(data: workbooks.Grid, file: str) -> tuple[str, list[int], list[list], str]:
    """Check the preamble and header of the ``Data`` sheet: (edition, years, data rows, indicator code)."""
    expect_equal(file, "cells A1:B1", ["Data Source", "World Development Indicators"], data[0][:2])
    expect_true(file, data[1][0] == "Last Updated Date" and isinstance(data[1][1], datetime.datetime),
                f"A2:B2 should be 'Last Updated Date' and a date, found {data[1][:2]}")
    edition = data[1][1].date().isoformat()
    header = workbooks.trimmed(data[3])
    expect_equal(file, "row 4 (first four cells)", HEADER, header[:4])
    expect_true(file, all(str(y).isdigit() for y in header[4:]), f"row 4 should hold years after {HEADER}")
    years = [int(y) for y in header[4:]]
    expect_equal(file, "year columns (consecutive)", [str(y) for y in range(years[0], years[0] + len(years))],
                 [str(y) for y in header[4:]])
    body = [r for r in data[4:] if any(v is not None for v in r)]
    indicators = sorted({r[3] for r in body})
    expect_true(file, len(indicators) == 1 and indicators[0] in INDICATORS,
                f"expected one known indicator {sorted(INDICATORS)}, found {indicators}")
    return edition, years, body, indicators[0]


def parse_wdi(data: workbooks.Grid, meta: workbooks.Grid, file: str, source: str = "") -> pd.DataFrame:
    """The ``Data`` and ``Metadata - Countries`` sheets, already read as grids, as ``source, edition,
    economy, economy_name, year, <unit>, is_aggregate`` (``edition`` = the file's "Last Updated Date";
    unit from the indicator; ``file`` names the sheets' file in messages)."""
    edition, years, body, indicator = _body(data, file)
    unit, factor = INDICATORS[indicator]
    expect_equal(file, "Metadata - Countries header", ["Country Code", "Region"], meta[0][:2])
    region = {r[0]: r[1] for r in meta[1:]}
    rows = []
    for i, r in enumerate(body, start=5):
        name, code = r[0], r[1]
        expect_true(file, code in region or UNLISTED.get(code) == name,
                    f"row {i}: code {code!r} is not in 'Metadata - Countries' nor a known grouping")
        cells = (list(r[4:]) + [None] * len(years))[:len(years)]
        for year, value in zip(years, cells, strict=True):
            expect_true(file, value is None or isinstance(value, int | float), f"row {i} {year}: {value!r}")
            rows.append((name, code, year, math.nan if value is None else float(value) * factor,
                         not region.get(code)))
    out = pd.DataFrame(rows, columns=["economy_name", "economy", "year", unit, "is_aggregate"])
    economies = out.loc[~out["is_aggregate"], ["economy_name", "economy"]].drop_duplicates()
    mapped = countries.harmonise(economies["economy_name"], file)
    wrong = [f"{n} ({c} in file, {m} by the mapping)" for n, c, m in
             zip(economies["economy_name"], economies["economy"], mapped, strict=True) if c != m]
    expect_true(file, not wrong, f"names and codes disagree: {wrong}")
    out.insert(0, "source", source or file)
    out.insert(1, "edition", edition)
    return out[["source", "edition", "economy", "economy_name", "year", unit, "is_aggregate"]]


def load_indicator(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``wdi_indicator_xls``: a single-indicator WDI Excel download (:func:`parse_wdi`), checked
    to hold the record's indicator (``format.indicator``) in the record's vintage (``data_generated``)."""
    no_options(src, options)
    with naming(src):
        grids = workbooks.read_grids(file, ["Data", "Metadata - Countries"])
        _, _, _, indicator = _body(grids["Data"], Path(file).name)
        expect_identity(src, "indicator code", expected(src, "indicator"), indicator)
        out = parse_wdi(grids["Data"], grids["Metadata - Countries"], Path(file).name, src.id)
        if src.data_generated:
            expect_identity(src, "vintage (Last Updated Date)", src.data_generated, out["edition"].iloc[0])
    return out
