"""Origin x destination tables: the World Bank bilateral matrices (remittances, migrant stocks) and the
generic computations on any tidy origin-destination table (also UN DESA's, see :mod:`migration`).

Tidy form, one row per cell: ``source, edition, year, origin, destination, origin_name,
destination_name, <value>, is_not_available``. ``<value>`` names its unit (``usd_mn`` for remittances,
``persons`` for migrant stocks). Codes come from :mod:`countries`; the matrices' total row and column
map to ``_WLD`` and the migration matrices' residual groups to ``_ONO`` / ``_OSO``.

The remittance matrices are *model estimates*, not recorded flows. The World Bank's note under each
matrix: "analytical estimates based on logical assumptions ... not actual officially reported data";
a receiving country's total inflow (balance-of-payments data) is split over senders in proportion to
the migrants from it living in each sender, weighted by host and origin incomes (Ratha and Shaw 2007,
https://www.knomad.org/data/remittances). A sender's share therefore follows the stock of people *born*
in the receiving country who live there, whoever they are and whether or not they send money.

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
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pandas as pd

from khar_analysis.core import countries, workbooks
from khar_analysis.core.layout_checks import UnknownLayoutError, expect_equal, expect_true, read_text_strict

#: Columns of every tidy origin-destination table, before the value column.
KEY_COLUMNS = ["source", "edition", "year", "origin", "destination", "origin_name", "destination_name"]
WORLD = "_WLD"
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


#: Countries whose own cell (origin = destination) is not zero in the World Bank matrices: 3 persons
#: born in Vanuatu are recorded as migrants in Vanuatu (2013 and 2017 stocks), and the remittance
#: matrices built on those stocks carry a tiny Vanuatu-to-Vanuatu amount.
KNOWN_SELF_CELLS = {"VUT"}


def check_diagonal(table: pd.DataFrame, file: Path | str, value: str) -> None:
    """No country is its own partner: every own cell is zero (or not available) except
    :data:`KNOWN_SELF_CELLS`. Row labels shifted against their values put numbers there."""
    own = table[(table["origin"] == table["destination"]) & ~table["origin"].str.startswith("_")]
    bad = sorted(set(own.loc[(own[value].fillna(0) != 0), "origin"]) - KNOWN_SELF_CELLS)
    expect_true(file, not bad, f"countries with a non-zero cell for themselves {bad[:5]}: labels and values "
                               "do not line up")


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


def load_matrix_xlsx(file: Path, kind: str, source: str = "") -> pd.DataFrame:
    """Load a World Bank bilateral matrix workbook (first sheet) as a tidy table, totals checked.

    ``kind`` is ``remittances`` (US$ millions, origin = sending country) or ``migrants`` (persons,
    origin = country of birth). The edition is the version month for remittance matrices and the
    matrix year for migration matrices.
    """
    sheet, grid = next(iter(workbooks.read_grids(file).items()))
    return parse_matrix(grid, sheet, kind, Path(file).name, source)


def parse_matrix(grid: workbooks.Grid, sheet: str, kind: str, file: str, source: str = "") -> pd.DataFrame:
    """:func:`load_matrix_xlsx` on a sheet already read as a grid (``file`` names it in messages)."""
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


def load_remittance_matrix_csv(file: Path, source: str = "") -> pd.DataFrame:
    """Load the CSV extract of a remittance matrix (square country block, no totals) as a tidy table.

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


# --- computations on any tidy origin-destination table ------------------------------------------------

def value_column(table: pd.DataFrame) -> str:
    """The value column of a tidy origin-destination table (``usd_mn`` or ``persons``)."""
    found = [c for c in table.columns if c not in KEY_COLUMNS and c != "is_not_available"]
    if len(found) != 1:
        raise ValueError(f"expected one value column besides {KEY_COLUMNS}, found {found}")
    return found[0]


def total(table: pd.DataFrame, axis: str, code: str) -> tuple[float, str]:
    """Total of ``code`` as ``destination`` (all it receives) or ``origin`` (all it sends).

    The published total (``_WLD`` on the other axis) when the table has one, else the sum of the
    country cells. Returns (total, basis) with basis ``published total`` or ``sum of cells``.
    """
    other = "origin" if axis == "destination" else "destination"
    value = value_column(table)
    line = table[table[axis] == code]
    if line.empty:
        raise KeyError(f"{code} is not a {axis} in this table")
    published = line.loc[line[other] == WORLD, value]
    if len(published):
        return float(published.iloc[0]), "published total"
    return float(line.loc[~line[other].str.startswith("_"), value].sum()), "sum of cells"


def partners(table: pd.DataFrame, axis: str, code: str) -> pd.DataFrame:
    """Partners of ``code`` ranked by value: ``rank, partner, partner_name, <value>, share_pct``.

    ``axis`` is the role of ``code`` (``destination``: who sends to / lives in it; ``origin``: where
    it sends to / its people live). Shares are of :func:`total`. Ties are broken by code.
    """
    other = "origin" if axis == "destination" else "destination"
    value = value_column(table)
    whole, _ = total(table, axis, code)
    sel = table[(table[axis] == code) & (table[other] != WORLD) & (table[other] != code)]
    out = sel[[other, f"{other}_name", value]].rename(columns={other: "partner", f"{other}_name": "partner_name"})
    out = out[out[value] > 0].sort_values([value, "partner"], ascending=[False, True], kind="mergesort")
    out["share_pct"] = 100 * out[value] / whole
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)


def cell(table: pd.DataFrame, origin: str, destination: str) -> float:
    """The value from ``origin`` to ``destination`` (NaN when not available; KeyError when absent)."""
    hit = table.loc[(table["origin"] == origin) & (table["destination"] == destination), value_column(table)]
    if len(hit) != 1:
        raise KeyError(f"expected one cell {origin}->{destination}, found {len(hit)}")
    return float(hit.iloc[0])


def share(table: pd.DataFrame, origin: str, destination: str, axis: str = "destination") -> dict[str, float | str]:
    """``origin -> destination`` as a share of ``axis``'s total (destination: of all it receives;
    origin: of all that leaves the origin). Returns value, total, share_pct and the total's basis."""
    value = cell(table, origin, destination)
    whole, basis = total(table, axis, destination if axis == "destination" else origin)
    return {"value": value, "total": whole, "share_pct": 100 * value / whole, "basis": basis}


def allocation_difference(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, float]:
    """How far two editions split receivers' totals over senders differently.

    For every destination in both tables with a positive total, each sender's share of it; returns
    the number of destinations compared and the largest absolute share difference (percentage points).
    Zero means one edition is the other rescaled to new totals: no new information on where money
    comes from.
    """
    def shares(t: pd.DataFrame) -> pd.Series:
        v = value_column(t)
        inner = t[(t["origin"] != WORLD) & (t["destination"] != WORLD)].dropna(subset=[v])
        sums = inner.groupby("destination")[v].transform("sum")
        return (100 * inner[v] / sums).set_axis(pd.MultiIndex.from_frame(inner[["origin", "destination"]]))

    sa, sb = shares(a), shares(b)
    common = sa.index.intersection(sb.index)
    diff = (sa.loc[common] - sb.loc[common]).abs().dropna()
    return {"destinations": int(diff.index.get_level_values("destination").nunique()),
            "max_diff_pp": float(diff.max()) if len(diff) else math.nan}


def compare_allocations(a: pd.DataFrame, b: pd.DataFrame, precision_pp: float = 1e-6) -> str:
    """:func:`allocation_difference` as one line: are the two editions' splits the same?"""
    d = allocation_difference(a, b)
    label = f"{a['year'].iloc[0]} ({a['edition'].iloc[0]}) vs {b['year'].iloc[0]} ({b['edition'].iloc[0]})"
    if d["max_diff_pp"] < precision_pp:
        return (f"{label}: every sender's share of each of {d['destinations']} receivers is the same "
                f"(largest difference < {precision_pp:g} pp): one split, rescaled to new totals")
    return f"{label}: splits differ for {d['destinations']} receivers, by up to {d['max_diff_pp']:.1f} pp"
