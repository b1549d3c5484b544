"""UN DESA International Migrant Stock: the 2019 origin x destination extract and the 2020 destination
table, as tidy tables (https://www.un.org/development/desa/pd/content/international-migrant-stock).

Migrant stock means the foreign-born population (citizenship where a country records no place of
birth). Identity: the last year a file covers must be the revision year the record's
``data_generated`` names; a file of another revision fails naming the source id.

Layouts and oddities (each handled here; anything else fails with
:class:`~khar_analysis.core.layout_checks.UnknownLayoutError`):

* 2019 CSV (a third party's extract, see the mirror's undesa/PROVENANCE.md): ``Year, Dest`` then one
  column per origin; ``..`` not available; ``-`` (Albania-born in Montenegro, 1990-2005, before
  Montenegro's independence) treated as not available. The total and ``Other North/South`` columns
  were removed, so a destination's total is the sum of its origin cells. Five region rows remain
  among the destinations (:data:`UN_REGION_ROWS`) and are dropped.
* 2020 ``Table 1``: UN title in E2, the header on row 11 (name, notes, location code, type of data,
  then 1990-2020 for both sexes, for males, for females); names are indented and some carry a ``*``
  note mark; location codes of 900 and above are regions and groups; ``..`` is not available (e.g.
  South Sudan before 2011). Type of data: B = place of
  birth, C = citizenship, R = refugees added, I = imputed.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from khar_analysis.core import countries, workbooks
from khar_analysis.core.layout_checks import expect_equal, expect_true, read_text_strict
from khar_analysis.sources.identity import SourceRecord, expect_identity, naming, no_options
from khar_analysis.sources.od_tables import KEY_COLUMNS, check_diagonal

UN_YEARS_2019 = [1990, 1995, 2000, 2005, 2010, 2015, 2019]
UN_YEARS_2020 = [1990, 1995, 2000, 2005, 2010, 2015, 2020]
#: Region rows the 2019 extract left among the destinations (not countries; dropped).
UN_REGION_ROWS = ["Caribbean", "Melanesia", "Micronesia", "Polynesia", "South America"]
#: Non-numeric markers in the 2019 extract, all read as "not available".
UN_GAPS = {"..", "-"}
UN_2020_TITLE = "International Migrant Stock 2020: Destination"
UN_2020_HEADER = ["Region, development group, country or area", "Notes", "Location code", "Type of data"]
FIRST_REGION_CODE = 900


def read_origin_destination(file: Path, source: str = "") -> pd.DataFrame:
    """Read the UN DESA 2019 origin x destination extract as a tidy origin-destination table (persons)."""
    text = read_text_strict(file, "utf-8")
    grid = list(csv.reader(text.splitlines()))
    header = grid[0]
    expect_equal(file, "first two columns", ["Year", "Dest"], header[:2])
    origins = header[2:]
    expect_true(file, all(len(r) == len(header) for r in grid), f"every line should have {len(header)} fields")
    expect_true(file, all(r[0].isdigit() for r in grid[1:]), "column Year holds a value that is not a year")
    years = sorted({int(r[0]) for r in grid[1:]})
    expect_equal(file, "years", [str(y) for y in UN_YEARS_2019], [str(y) for y in years])
    kept = [r for r in grid[1:] if r[1] not in UN_REGION_ROWS]
    for year in years:
        dests = [r[1] for r in kept if int(r[0]) == year]
        expect_equal(file, f"destinations of {year} (should equal the origin columns)", sorted(origins), sorted(dests))
    odd = sorted({v for r in kept for v in r[2:] if not v.isdigit()} - UN_GAPS)
    expect_true(file, not odd, f"cells hold unknown markers {odd} (known: {sorted(UN_GAPS)})")
    wide = pd.DataFrame([r[1:] for r in kept], columns=["destination_name", *origins])
    wide.insert(0, "year", [int(r[0]) for r in kept])
    out = wide.melt(id_vars=["year", "destination_name"], var_name="origin_name", value_name="cell")
    out["is_not_available"] = out["cell"].isin(UN_GAPS)
    out["persons"] = pd.to_numeric(out["cell"].where(~out["is_not_available"])).astype(float)
    names = sorted(set(origins))
    codes = dict(zip(names, countries.harmonise(names, Path(file).name), strict=True))
    out["origin"] = out["origin_name"].map(codes)
    out["destination"] = out["destination_name"].map(codes)
    out["source"] = source or Path(file).name
    out["edition"] = "2019 revision"
    out = out.sort_values(["year", "destination", "origin"], kind="mergesort").reset_index(drop=True)
    check_diagonal(out, file, "persons")
    return out[[*KEY_COLUMNS, "persons", "is_not_available"]]


def parse_destination(grid: workbooks.Grid, file: str, source: str = "") -> pd.DataFrame:
    """``Table 1`` of UN DESA's 2020 destination workbook (both sexes), already read as a grid, as ``source,
    edition, destination, destination_name, location_code, type_of_data, year, persons, is_aggregate``
    (``file`` names the workbook in messages)."""
    expect_equal(file, "cell E2", UN_2020_TITLE, str(grid[1][4]))
    expect_true(file, str(grid[2][4]).startswith("Table 1: International migrant stock at mid-year by sex"),
                f"cell E3 should name Table 1, found {str(grid[2][4])[:60]!r}")
    header = grid[10]
    expect_equal(file, "row 11 (B:E)", UN_2020_HEADER, header[1:5])
    expect_equal(file, "row 11 years (both sexes, then males)", [str(y) for y in UN_YEARS_2020 * 2],
                 [str(y) for y in header[5:19]])
    expect_true(file, "both sexes" in str(grid[7][5]), f"F8 should label the both-sexes block, found {grid[7][5]!r}")
    expect_equal(file, "first data row name", "WORLD", str(grid[11][1]).strip())
    rows = []
    for n, r in enumerate(grid[11:], start=12):
        if r[1] is None:
            continue
        code = r[3]
        expect_true(file, isinstance(code, int), f"row {n}: location code {code!r} is not an integer")
        name = str(r[1]).strip().rstrip("*")
        for year, value in zip(UN_YEARS_2020, r[5:12], strict=True):
            expect_true(file, isinstance(value, int | float) or value in UN_GAPS, f"row {n} {year}: {value!r}")
            rows.append((name, code, str(r[4] or "").strip(), year, float(value) if value not in UN_GAPS else math.nan))
    out = pd.DataFrame(rows, columns=["destination_name", "location_code", "type_of_data", "year", "persons"])
    out["is_aggregate"] = out["location_code"] >= FIRST_REGION_CODE
    names = sorted(set(out.loc[~out["is_aggregate"], "destination_name"]))
    codes = dict(zip(names, countries.harmonise(names, file), strict=True))
    out["destination"] = out["destination_name"].map(codes).fillna("")
    by_number = {int(c.numeric): c.alpha_3 for c in pycountry.countries}
    sel = out[~out["is_aggregate"]].drop_duplicates("destination")
    wrong = [f"{r.destination_name} ({r.location_code} -> {by_number[r.location_code]}, name -> {r.destination})"
             for r in sel.itertuples() if r.location_code in by_number and by_number[r.location_code] != r.destination]
    expect_true(file, not wrong, f"names and UN location codes disagree: {wrong}")
    out.insert(0, "source", source or file)
    out.insert(1, "edition", "2020 revision")
    return out[["source", "edition", "destination", "destination_name", "location_code", "type_of_data", "year",
                "persons", "is_aggregate"]]



def _check_revision(src: SourceRecord, table: pd.DataFrame) -> None:
    expect_identity(src, "revision year (the last year covered)", src.data_generated[:4], str(table["year"].max()))


def load_origin_destination(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``undesa_origin_destination``: the 2019 origin x destination extract (:func:`read_origin_destination`)."""
    no_options(src, options)
    with naming(src):
        out = read_origin_destination(file, src.id)
        _check_revision(src, out)
    return out


def load_destination(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``undesa_destination``: ``Table 1`` of the 2020 destination workbook (:func:`parse_destination`)."""
    no_options(src, options)
    with naming(src):
        out = parse_destination(workbooks.read_grids(file, ["Table 1"])["Table 1"], Path(file).name, src.id)
        _check_revision(src, out)
    return out
