"""Spreadsheet cells as plain grids, so that loaders parse lists of rows and tests can cut and alter
excerpts of the real files without writing workbooks.

A grid is a list of rows, each a list of cell values: numbers, strings, ``datetime`` for date cells,
``None`` for empty cells. ``.xlsx`` files are read with openpyxl (read-only, cached values), ``.xls``
files with xlrd directly (pandas' xlrd engine is deprecated and warns).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import xlrd

from khar_analysis.core.layout_checks import expect_true

Grid = list[list]


def read_grids(file: Path, sheets: list[str] | None = None) -> dict[str, Grid]:
    """The named sheets (default: all, in workbook order) of ``file`` as grids; a missing sheet fails."""
    file = Path(file)
    if file.suffix == ".xls":
        book = xlrd.open_workbook(file)
        names = book.sheet_names()
        wanted = sheets or names
        expect_true(file, set(wanted) <= set(names), f"sheets {sorted(set(wanted) - set(names))} not in {names}")
        out = {}
        for name in wanted:
            sh = book.sheet_by_name(name)
            out[name] = [[_xls_value(sh.cell(r, c), book.datemode) for c in range(sh.ncols)] for r in range(sh.nrows)]
        return out
    wb = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        names = wb.sheetnames
        wanted = sheets or names
        expect_true(file, set(wanted) <= set(names), f"sheets {sorted(set(wanted) - set(names))} not in {names}")
        return {name: [list(r) for r in wb[name].iter_rows(values_only=True)] for name in wanted}
    finally:
        wb.close()


def _xls_value(cell, datemode: int):
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate_as_datetime(cell.value, datemode)
    return cell.value


def trimmed(row: list) -> list:
    """``row`` without its trailing empty cells."""
    out = list(row)
    while out and out[-1] is None:
        out.pop()
    return out
