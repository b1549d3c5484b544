"""Eurostat Data Browser xlsx exports of ``nrg_ti_gas`` (imports of natural gas by partner country).

Dataset: https://ec.europa.eu/eurostat/web/products-datasets/-/nrg_ti_gas. The pinned extract has partners
Russia and total, 2011-2020, in terajoules (gross calorific value), and includes Turkey as a reporter.

Known oddities (handled below; anything else fails loudly): the workbook's sheet dimensions are wrong, so
it is read without openpyxl's read-only mode; ``:`` means "not available" (NaN, never zero).

Identity: the ``Summary`` sheet's title ends with the dataset code in brackets, which must be the record's
``format.dataset``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from khar_analysis.core import countries
from khar_analysis.core.layout_checks import expect_equal, expect_true
from khar_analysis.provenance.manifest import Source

UNIT = "Terajoule (gross calorific value - GCV)"
SIEC = {"Natural gas": "natural_gas", "Liquefied natural gas": "lng"}
SUMMARY_HEADER = ["Contents", "Time frequency",
                           "Standard international energy product classification (SIEC)",
                           "Geopolitical entity (partner)", "Unit of measure"]


def load_gas_imports(file: Path, src: Source, **options) -> pd.DataFrame:
    """Load a Eurostat Data Browser xlsx export of ``nrg_ti_gas`` (one sheet per product x partner).

    The sheet list on ``Summary`` says which product (SIEC) and partner each data sheet holds; each data
    sheet must repeat them. ``:`` (not available) becomes NaN. Returns ``siec, partner, partner_label,
    reporter, reporter_label, year, tj_gcv``.
    """
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Workbook contains no default style": harmless
        wb = openpyxl.load_workbook(file, data_only=True)  # not read-only: the export's sheet dimensions are wrong
    expect_true(file, "Summary" in wb.sheetnames, f"no 'Summary' sheet (sheets: {wb.sheetnames})")
    summary = [r for r in wb["Summary"].iter_rows(values_only=True) if r]
    title = next((str(r[0]) for r in summary if r[0] is not None), "")
    dataset = src.format.get("dataset", "")
    expect_true(file, title.endswith(f"[{dataset}]"),
                f"Summary title {title[:80]!r} does not name the dataset {dataset!r} of the manifest record {src.id}")
    heads = [r for r in summary if len(r) > 5 and r[1] == "Contents"]
    expect_true(file, len(heads) == 1, "Summary: no single 'Contents' header row")
    expect_equal(file, "Summary header", SUMMARY_HEADER, [str(v) for v in heads[0][1:6]])
    slices = [r for r in summary if len(r) > 5 and isinstance(r[1], str) and re.fullmatch(r"Sheet \d+", r[1])]
    expect_true(file, bool(slices), "Summary lists no data sheets")
    records = []
    for _, sheet, freq, siec, partner_label, unit, *_ in slices:
        expect_true(file, sheet in wb.sheetnames, f"Summary lists {sheet!r}, which is not in the workbook")
        expect_equal(file, f"{sheet}: frequency", "Annual", str(freq))
        expect_equal(file, f"{sheet}: unit", UNIT, str(unit))
        expect_true(file, siec in SIEC, f"{sheet}: unknown product {siec!r}")
        rows = list(wb[sheet].iter_rows(values_only=True))
        meta = {str(r[0]): r[2] for r in rows[:10] if r and r[0] is not None and len(r) > 2}
        expect_equal(file, f"{sheet}: product line", siec, str(meta.get(SUMMARY_HEADER[2])))
        expect_equal(file, f"{sheet}: partner line", partner_label, str(meta.get(SUMMARY_HEADER[3])))
        time_rows = [i for i, r in enumerate(rows) if r and r[0] == "TIME"]
        expect_true(file, len(time_rows) == 1, f"{sheet}: no single 'TIME' row")
        t = time_rows[0]
        years = [(j, int(v)) for j, v in enumerate(rows[t]) if j > 0 and v is not None and str(v).isdigit()]
        expect_equal(file, f"{sheet}: row after TIME", "GEO (Labels)", str(rows[t + 1][0]))
        partner = countries.harmonise([partner_label], file.name)[0]
        for row in rows[t + 2:]:
            if not row or row[0] is None or row[0] == "Special value":
                break
            reporter = countries.harmonise([row[0]], file.name)[0]
            for j, year in years:
                v = row[j]
                expect_true(file, v == ":" or isinstance(v, int | float),
                            f"{sheet}: {row[0]} {year}: expected a number or ':', found {v!r}")
                records.append((SIEC[siec], partner, partner_label, reporter, row[0], year,
                                float("nan") if v == ":" else float(v)))
    return pd.DataFrame(records, columns=["siec", "partner", "partner_label", "reporter", "reporter_label", "year",
                                          "tj_gcv"])
