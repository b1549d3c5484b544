"""Migrant stocks (claim MIG-1): people born in one country living in another.

Sources: UN DESA International Migrant Stock 2019 (origin x destination, 1990-2019) and 2020
(destination totals, 1990-2020), https://www.un.org/development/desa/pd/content/international-migrant-stock,
and the World Bank bilateral migration matrices 2013 and 2017 (:mod:`bilateral`). Migrant stock means
the foreign-born population (citizenship where a country records no place of birth); Russia's figures
rest on place of birth in the 2002 and 2010 censuses, carried forward by the UN after 2010. The
Azerbaijan-born in Russia therefore include people of every nationality who moved within the Soviet
Union, and exclude Azerbaijani citizens born in Russia; no figure here is for a region or city, so
nothing here counts Moscow.

Layouts and oddities (each handled here; anything else fails with :class:`UnknownLayoutError`):

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

import pandas as pd
import pycountry

from khar_analysis.analysis import bilateral
from khar_analysis.core import countries, workbooks
from khar_analysis.core.layout_checks import expect_equal, expect_true, read_text_strict

UN_YEARS_2019 = [1990, 1995, 2000, 2005, 2010, 2015, 2019]
UN_YEARS_2020 = [1990, 1995, 2000, 2005, 2010, 2015, 2020]
#: Region rows the 2019 extract left among the destinations (not countries; dropped).
UN_REGION_ROWS = ["Caribbean", "Melanesia", "Micronesia", "Polynesia", "South America"]
#: Non-numeric markers in the 2019 extract, all read as "not available".
UN_GAPS = {"..", "-"}
UN_2020_TITLE = "International Migrant Stock 2020: Destination"
UN_2020_HEADER = ["Region, development group, country or area", "Notes", "Location code", "Type of data"]
FIRST_REGION_CODE = 900


def load_undesa_origin_destination(file: Path, source: str = "") -> pd.DataFrame:
    """Load the UN DESA 2019 origin x destination extract as a tidy origin-destination table (persons)."""
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
    bilateral.check_diagonal(out, file, "persons")
    return out[[*bilateral.KEY_COLUMNS, "persons", "is_not_available"]]


def load_undesa_destination(file: Path, source: str = "") -> pd.DataFrame:
    """Load ``Table 1`` of UN DESA's 2020 destination workbook (both sexes) as ``source, edition,
    destination, destination_name, location_code, type_of_data, year, persons, is_aggregate``."""
    grid = workbooks.read_grids(file, ["Table 1"])["Table 1"]
    return parse_undesa_destination(grid, Path(file).name, source)


def parse_undesa_destination(grid: workbooks.Grid, file: str, source: str = "") -> pd.DataFrame:
    """:func:`load_undesa_destination` on ``Table 1`` already read as a grid (``file`` names it in messages)."""
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


# --- MIG-1 ----------------------------------------------------------------------------------------

def stock_series(origin: str, destination: str, tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The ``origin``-born living in ``destination``, every table and year, with two shares.

    ``share_of_diaspora_pct``: of all ``origin``-born abroad; ``share_of_host_migrants_pct``: of all
    foreign-born in ``destination``. Denominators are published totals where the table has them (World
    Bank matrices) and sums of cells otherwise (UN 2019 extract: its totals were removed).
    """
    rows = []
    for t in tables:
        for year, part in t.groupby("year", sort=True):
            diaspora = bilateral.share(part, origin, destination, axis="origin")
            host = bilateral.share(part, origin, destination, axis="destination")
            rows.append({"source": part["source"].iloc[0], "edition": part["edition"].iloc[0], "year": int(year),
                         "origin": origin, "destination": destination, "persons": diaspora["value"],
                         "diaspora_total": diaspora["total"],
                         "share_of_diaspora_pct": round(diaspora["share_pct"], 1),
                         "host_migrants_total": host["total"],
                         "share_of_host_migrants_pct": round(host["share_pct"], 2), "basis": diaspora["basis"]})
    out = pd.DataFrame(rows).sort_values(["year", "source"], kind="mergesort").reset_index(drop=True)
    return out.astype({"persons": "int64", "diaspora_total": "int64", "host_migrants_total": "int64"})


def host_totals(origin_destination: pd.DataFrame, destination_totals: pd.DataFrame, destination: str) -> pd.DataFrame:
    """``destination``'s foreign-born total by year: the sum of the 2019 extract's origin cells beside
    the 2020 revision's published total (the extract's denominator check; revisions differ a little)."""
    sums = (origin_destination[origin_destination["destination"] == destination]
            .groupby("year", as_index=False)["persons"].sum().rename(columns={"persons": "sum_of_2019_cells"}))
    pub = destination_totals[destination_totals["destination"] == destination][["year", "persons"]]
    out = pub.rename(columns={"persons": "published_2020_revision"}).merge(sums, on="year", how="outer",
                                                                          validate="1:1")
    out["difference_pct"] = (100 * (out["sum_of_2019_cells"] / out["published_2020_revision"] - 1)).round(2)
    out = out.astype({"published_2020_revision": "Int64", "sum_of_2019_cells": "Int64"})
    return out.sort_values("year", kind="mergesort").reset_index(drop=True)


def latest(series: pd.DataFrame) -> pd.Series:
    """The latest year's row (ties: the last source in sort order)."""
    return series.sort_values(["year", "source"], kind="mergesort").iloc[-1]


def city_premise(series: pd.DataFrame, threshold: float, place: str) -> tuple[bool, str]:
    """The testable premise of a count for one city: the whole country holds at least ``threshold``.

    Uses the latest figure; the text also gives the share of that national figure the city would need.
    """
    row = latest(series)
    need = 100 * threshold / row.persons
    holds = bool(row.persons >= threshold)
    born, host = countries.display_name(row.origin), countries.display_name(row.destination)
    text = (f"{row.persons:,.0f} {born}-born in all of {host} ({row.source}, {row.year}); {place} alone is "
            f"not in these data: {threshold:,.0f} there would be {need:.0f}% of them")
    return holds, text


def premise_variants(series: pd.DataFrame, threshold: float) -> dict[str, bool]:
    """Whether the national figure reaches ``threshold`` in every source and year (labels carry the figure)."""
    return {f"{r.source}, {r.year} ({r.persons:,.0f})": bool(r.persons >= threshold)
            for r in series.sort_values(["source", "year"], kind="mergesort").itertuples()}


def describe_series(series: pd.DataFrame) -> str:
    """One line per source: the counts by year and the range of the diaspora share."""
    lines = []
    for source, part in series.groupby("source", sort=True):
        counts = ", ".join(f"{r.persons:,.0f} ({r.year})" for r in part.itertuples())
        lo, hi = part["share_of_diaspora_pct"].min(), part["share_of_diaspora_pct"].max()
        shares = f"{lo:.1f}%" if lo == hi else f"{lo:.1f}-{hi:.1f}%"
        lines.append(f"{source}: {counts}; share of all born in the origin living abroad: {shares}")
    return "\n".join(lines)
