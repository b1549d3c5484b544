"""World Bank / KNOMAD files: the bilateral matrices (remittances, migrant stocks) and KNOMAD's
inward remittance flows, as tidy tables (origin-destination form of :mod:`od_tables`).

The remittance matrices are *model estimates*, not recorded flows. The World Bank's note under each
matrix: "analytical estimates based on logical assumptions ... not actual officially reported data";
a receiving country's total inflow (balance-of-payments data) is split over senders in proportion to
the migrants from it living in each sender, weighted by host and origin incomes (Ratha and Shaw 2007,
https://www.knomad.org/data/remittances).

Identity: a matrix's year (``format.year`` of its manifest record) and, for remittance matrices, its
version month (``data_generated``) must equal what the file's title (or the CSV's name) says; the
inflow table's ``Date:`` line must equal ``data_generated``. A file for another edition fails naming
the source id.

Layouts and oddities (each handled here; any other layout fails with :class:`UnknownLayoutError`):

* xlsx editions: row 1 a title naming the year (and, for remittances, the version month); row 2 a
  header whose corner cell names the axes (receiving/destination across, sending/origin down); then
  one row per country, the total row (``World`` or ``WORLD``), a blank row and ``Notes:``. The last
  column is the total too. Migration matrices end both axes with ``Other North``, ``Other South``,
  ``World``. Extra sheets (``Sheet2``, ``remshare``, ``countries-comparison``) were added by the
  repositories the copies come from and are ignored (see the mirror's knomad/PROVENANCE.md).
* India-Pakistan (both ways) is ``0*`` (2016 edition; a footnote gives the State Bank of Pakistan's
  figures), ``-`` (2017) or ``N/A`` (2018); Israel-Lebanon (both ways) is ``N/A`` or blank (2016),
  ``-`` (2017) or ``N/A`` (2018) ("not available" in the 2016 notes). The migration matrix 2017
  has two blank cells (Iran and Kosovo as origins, United Arab Emirates as destination). These
  cells become NaN with ``is_not_available``; the published totals include something for them, so
  totals are checked only on complete lines.
* The 2018 remittance matrix is a third party's CSV extract (UTF-8 with BOM): the square country
  block only, whole US$ millions, no total row or column. The year and version come from the file
  name (``...matrix2018Oct2019.csv``); a receiver's total is the column sum.
* KNOMAD inflows ``.xlsx``: row 1 holds the title cell and the years (2018 stored as an integer, the
  others as floats), then one row per economy, the aggregates ``Low-and Middle-Income Countries`` and
  ``World``, blank rows and notes whose ``Date:`` line gives the vintage. A blank cell (or one holding
  only a space: St. Martin 2018) is missing; many economies show 0 where the World Bank has no data.
  Values are US$ millions; 2022 is the World Bank's early estimate in this vintage.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from khar_analysis.core import countries, workbooks
from khar_analysis.core.layout_checks import UnknownLayoutError, expect_equal, expect_true, read_text_strict
from khar_analysis.sources.identity import SourceRecord, expect_identity, expected, naming, no_options
from khar_analysis.sources.od_tables import KEY_COLUMNS, WORLD, check_diagonal

RESIDUALS = ["Other North", "Other South"]
#: Cells known not to hold a number: (row label, column label) -> the markers seen there.
KNOWN_GAPS = {
    ("India", "Pakistan"): {"0*", "-", "N/A"}, ("Pakistan", "India"): {"0*", "-", "N/A"},
    ("Israel", "Lebanon"): {"-", "N/A", None}, ("Lebanon", "Israel"): {"-", "N/A", None},
    ("Iran, Islamic Rep.", "United Arab Emirates"): {None}, ("Kosovo", "United Arab Emirates"): {None},
}
#: The two kinds of World Bank matrix: title pattern, accepted corner cells, value column.
KINDS = {
    "remittances": {
        "title": re.compile(r"^Bilateral Remittance Estimates for (\d{4}) using Migrant Stocks, Host Country "
                            r"Incomes, and Origin Country Incomes \(millions of US\$\) \((\w+ \d{4}) Version\)$"),
        "corners": {"receiving (across) / sending (down)",
                    "Remittance-receiving country (across) - Remittance-sending country (down)"},
        "unit": "usd_mn", "residuals": [],
    },
    "migrants": {
        "title": re.compile(r"^Bilateral Estimates of Migrant Stocks in (\d{4})$"),
        "corners": {"destination (across) / origin (down)",
                    "Destination country (across) - Source country (down)"},
        "unit": "persons", "residuals": RESIDUALS,
    },
}
_STOCK_NOTE = re.compile(r"migrant stocks from (\d{4})")
_CSV_NAME = re.compile(r"^Bilateralremittancematrix(\d{4})([A-Z][a-z]{2})(\d{4})\.csv$")


def _squash(text) -> str:
    return " ".join(str(text).split()) if text is not None else ""


def month(text: str, file: Path | str) -> str:
    """'April 2018' / 'Oct 2019' -> '2018-04' / '2019-10' (a version month in a title, name or note)."""
    for fmt in ("%B %Y", "%b %Y"):
        try:
            return pd.to_datetime(text, format=fmt).strftime("%Y-%m")
        except ValueError:
            continue
    raise UnknownLayoutError(f"{Path(file).name}: cannot read the version month {text!r}")


def _cell(file: Path | str, row: str, col: str, value) -> tuple[float, bool]:
    """A matrix cell as (number, is_not_available); a non-number outside :data:`KNOWN_GAPS` raises."""
    if isinstance(value, bool):
        raise UnknownLayoutError(f"{Path(file).name}: cell ({row!r}, {col!r}) holds a boolean")
    if isinstance(value, int | float):
        return float(value), False
    if isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value.strip()):
        return float(value), False
    allowed = KNOWN_GAPS.get((row, col), set())
    expect_true(file, value in allowed,
                f"cell ({row!r}, {col!r}) holds {value!r}, which is not a number nor a known gap of the matrices")
    return math.nan, True


def _tidy(file: Path | str, rows: list[str], cols: list[str], values: list[list], unit: str, source: str,
          edition: str, year: int) -> pd.DataFrame:
    """Long table from a labelled block; names mapped to codes through :mod:`countries`."""
    records = []
    for r, line in zip(rows, values, strict=True):
        for c, v in zip(cols, line, strict=True):
            number, gap = _cell(file, r, c, v)
            records.append((r, c, number, gap))
    out = pd.DataFrame(records, columns=["origin_name", "destination_name", unit, "is_not_available"])
    names = sorted(set(rows) | set(cols))
    codes = dict(zip(names, countries.harmonise(names, Path(file).name), strict=True))
    out["origin"] = out["origin_name"].map(codes)
    out["destination"] = out["destination_name"].map(codes)
    out["source"] = source or Path(file).name
    out["edition"] = edition
    out["year"] = year
    return out[[*KEY_COLUMNS, unit, "is_not_available"]]


def check_totals(table: pd.DataFrame, file: Path | str, value: str, rel: float = 1e-6) -> int:
    """Each complete column's sum must equal its total row, and each complete row's its total column.

    Lines that contain a not-available cell are skipped (the World Bank's totals include a value for
    it). Returns the number of lines checked; raises :class:`UnknownLayoutError` naming the first
    line that disagrees (a shifted row or column shows up here).
    """
    inner = table[(table["origin"] != WORLD) & (table["destination"] != WORLD)]
    checked = 0
    for axis, other in (("destination", "origin"), ("origin", "destination")):
        totals = table[(table[other] == WORLD) & (table[axis] != WORLD)].set_index(axis)[value]
        sums = inner.groupby(axis)[value].sum()
        gaps = set(inner.loc[inner["is_not_available"], axis])
        for code, total in totals.items():
            if code in gaps:
                continue
            ok = abs(sums.get(code, 0.0) - total) <= rel * max(abs(total), 1.0)
            expect_true(file, ok, f"the {axis} {code} sums to {sums.get(code, 0.0):.6g} over its cells but its "
                                  f"total is {total:.6g}: rows or columns have moved")
            checked += 1
    return checked


def parse_matrix(grid: workbooks.Grid, sheet: str, kind: str, file: str, source: str = "") -> pd.DataFrame:
    """A World Bank bilateral matrix sheet, already read as a grid, as a tidy table, totals checked.

    ``kind`` is ``remittances`` (US$ millions, origin = sending country) or ``migrants`` (persons,
    origin = country of birth). The edition is the version month for remittance matrices and the
    matrix year for migration matrices. ``file`` names the sheet's file in messages.
    """
    spec = KINDS[kind]
    expect_true(file, bool(re.fullmatch(r"Bilateral[ _](Remittances|Migration)[ _]\d{4}", sheet)),
                f"first sheet is {sheet!r}, expected 'Bilateral Remittances <year>' or 'Bilateral Migration <year>'")
    expect_true(file, len(grid) > 3, f"sheet {sheet!r} has only {len(grid)} rows")
    title = _squash(grid[0][0])
    match = spec["title"].match(title)
    expect_true(file, match is not None, f"row 1 should be the {kind} matrix title, found {title[:90]!r}")
    year = int(match.group(1))
    edition = month(match.group(2), file) if kind == "remittances" else f"{year} matrix"
    expect_true(file, int(sheet[-4:]) == year, f"sheet {sheet!r} and title year {year} disagree")
    header = workbooks.trimmed(grid[1])
    corner = _squash(header[0])
    expect_true(file, corner in spec["corners"],
                f"corner cell A2 is {corner!r}; expected one of {sorted(spec['corners'])}")
    cols = [_squash(c) for c in header[1:]]
    expect_true(file, all(cols) and len(set(cols)) == len(cols), "row 2 has blank or repeated column labels")
    labels = [_squash(r[0]) if r else "" for r in grid]
    world_rows = [i for i, label in enumerate(labels) if label.casefold() == "world"]
    expect_true(file, len(world_rows) == 1, f"expected one total row 'World' in column A, found {len(world_rows)}")
    end = world_rows[0]
    tail = [*spec["residuals"], cols[-1]]
    expect_equal(file, "last columns of row 2", [*spec["residuals"], "World"],
                 [c if c.casefold() != "world" else "World" for c in cols[-len(tail):]])
    expect_equal(file, "last rows before the total", spec["residuals"], labels[end - len(spec["residuals"]):end])
    after = grid[end + 1:end + 3]
    expect_true(file, len(after) == 2 and all(v is None for v in after[0]) and _squash(after[1][0]) == "Notes:",
                f"the total row (row {end + 1}) should be followed by a blank row and 'Notes:'")
    row_labels = labels[2:end + 1]
    expect_true(file, all(row_labels), f"blank label in column A between row 3 and row {end + 1}")
    countries_down = row_labels[:len(row_labels) - 1 - len(spec["residuals"])]
    countries_across = cols[:len(cols) - 1 - len(spec["residuals"])]
    expect_equal(file, "country rows (should equal the country columns)", sorted(countries_across),
                 sorted(countries_down))
    width = len(cols)
    block = [(list(r[1:width + 1]) + [None] * width)[:width] for r in grid[2:end + 1]]
    cols = [c if c.casefold() != "world" else "World" for c in cols]
    row_labels = [r if r.casefold() != "world" else "World" for r in row_labels]
    out = _tidy(file, row_labels, cols, block, spec["unit"], source, edition, year)
    check_diagonal(out, file, spec["unit"])
    check_totals(out, file, spec["unit"])
    return out


def stated_stock_year(file: Path) -> int | None:
    """The migrant-stock year a remittance matrix workbook's notes say it was split by (None if unstated).

    The notes under the 2016 and 2017 matrices end their first sentence with "... and estimated
    migrant stocks from <year>".
    """
    grid = next(iter(workbooks.read_grids(file).values()))
    column_a = [r[0] if r else None for r in grid]
    notes = " ".join(str(v) for v in column_a[column_a.index("Notes:") + 1:] if v) if "Notes:" in column_a else ""
    years = sorted({int(y) for y in _STOCK_NOTE.findall(notes)})
    expect_true(file, len(years) <= 1, f"the notes name several stock years {years}")
    return years[0] if years else None


def read_remittance_matrix_csv(file: Path, source: str = "") -> pd.DataFrame:
    """Read the CSV extract of a remittance matrix (square country block, no totals) as a tidy table.

    Year and version come from the file name; any other name fails (so a renamed file cannot carry
    the wrong year silently).
    """
    match = _CSV_NAME.match(Path(file).name)
    expect_true(file, match is not None,
                "file name should read 'Bilateralremittancematrix<year><Mon><yyyy>.csv' (it carries the year)")
    year, edition = int(match.group(1)), month(f"{match.group(2)} {match.group(3)}", file)
    text = read_text_strict(file, "utf-8-sig")
    grid = list(csv.reader(text.splitlines()))
    expect_true(file, len(grid) > 2, f"only {len(grid)} lines")
    header = grid[0]
    expect_equal(file, "corner cell", "", header[0])
    cols = header[1:]
    rows = [line[0] for line in grid[1:]]
    expect_equal(file, "row labels (should equal the column labels, in order)", cols, rows)
    expect_true(file, all(len(line) == len(header) for line in grid),
                f"every line should have {len(header)} fields")
    expect_true(file, not ({"World", "WORLD"} & set(cols)), "the extract should hold no total row or column")
    block = [line[1:] for line in grid[1:]]
    out = _tidy(file, rows, cols, block, "usd_mn", source, edition, year)
    check_diagonal(out, file, "usd_mn")
    return out



def _check_edition(src: SourceRecord, table: pd.DataFrame, kind: str) -> None:
    """The matrix year (and a remittance matrix's version month) is the one the manifest record names."""
    expect_identity(src, "matrix year", expected(src, "year"), str(table["year"].iloc[0]))
    if kind == "remittances" and src.data_generated:
        expect_identity(src, "version month", src.data_generated, table["edition"].iloc[0])


def _load_xlsx(file: Path, src: SourceRecord, kind: str, options: dict[str, Any]) -> pd.DataFrame:
    no_options(src, options)
    with naming(src):
        sheet, grid = next(iter(workbooks.read_grids(file).items()))
        out = parse_matrix(grid, sheet, kind, Path(file).name, src.id)
        _check_edition(src, out, kind)
    return out


def load_remittance_matrix_xlsx(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``wb_remittance_matrix_xlsx``: a remittance matrix workbook (first sheet), US$ millions."""
    return _load_xlsx(file, src, "remittances", options)


def load_migration_matrix_xlsx(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``wb_migration_matrix_xlsx``: a migrant-stock matrix workbook (first sheet), persons."""
    return _load_xlsx(file, src, "migrants", options)


def load_remittance_matrix_csv(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``wb_remittance_matrix_csv``: a remittance matrix CSV extract (:func:`read_remittance_matrix_csv`)."""
    no_options(src, options)
    with naming(src):
        out = read_remittance_matrix_csv(file, src.id)
        _check_edition(src, out, "remittances")
    return out


# --- KNOMAD inward remittance flows ----------------------------------------------------------------

KNOMAD_TITLE = "Remittance inflows (US$ million)"
KNOMAD_AGGREGATES = ["Low-and Middle-Income Countries", "World"]


def parse_inflows(grid: workbooks.Grid, file: str, source: str = "") -> pd.DataFrame:
    """KNOMAD's inward remittance flows sheet, already read as a grid, as ``source, edition, economy,
    economy_name, year, usd_mn, is_aggregate`` (``edition`` = the year-month of the notes' ``Date:``
    line; ``file`` names the sheet's file in messages)."""
    header = workbooks.trimmed(grid[0])
    expect_equal(file, "cell A1", KNOMAD_TITLE, str(header[0]))
    years = header[1:]
    expect_true(file, all(isinstance(y, int | float) and float(y).is_integer() for y in years)
                and [int(y) for y in years] == list(range(int(years[0]), int(years[0]) + len(years))),
                f"row 1 should hold consecutive years after the title, found {years}")
    years = [int(y) for y in years]
    names = [r[0] if r else None for r in grid]
    end = names.index(None, 1) if None in names[1:] else len(names)
    expect_equal(file, "last rows of the table (aggregates)", KNOMAD_AGGREGATES, names[end - 2:end])
    dates = [str(n) for n in names[end:] if isinstance(n, str) and n.startswith("Date:")]
    expect_true(file, len(dates) == 1 and re.fullmatch(r"Date: [A-Z][a-z]+ \d{4}", dates[0].strip()) is not None,
                f"the notes should hold one 'Date: <Month> <year>' line, found {dates}")
    edition = month(dates[0].removeprefix("Date:").strip(), file)
    rows = []
    for r in grid[1:end]:
        cells = (list(r[1:len(years) + 1]) + [None] * len(years))[:len(years)]
        for year, value in zip(years, cells, strict=True):
            blank = value is None or (isinstance(value, str) and not value.strip())
            expect_true(file, blank or isinstance(value, int | float), f"{r[0]} {year}: {value!r} is not a number")
            rows.append((r[0], year, math.nan if blank else float(value), r[0] in KNOMAD_AGGREGATES))
    out = pd.DataFrame(rows, columns=["economy_name", "year", "usd_mn", "is_aggregate"])
    names = sorted(set(out["economy_name"]))
    codes = dict(zip(names, countries.harmonise(names, file), strict=True))
    out["economy"] = out["economy_name"].map(codes)
    out.insert(0, "source", source or file)
    out.insert(1, "edition", edition)
    return out[["source", "edition", "economy", "economy_name", "year", "usd_mn", "is_aggregate"]]


def load_inflows(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``knomad_inflows``: KNOMAD's inward remittance flows workbook (:func:`parse_inflows`); its
    ``Date:`` vintage must be the record's ``data_generated``."""
    no_options(src, options)
    with naming(src):
        out = parse_inflows(next(iter(workbooks.read_grids(file).values())), Path(file).name, src.id)
        expect_identity(src, "vintage (the notes' 'Date:' line)", src.data_generated, out["edition"].iloc[0])
    return out
