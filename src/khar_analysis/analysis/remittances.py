"""Remittances (claim REM-1): recorded inflow totals and the World Bank's modelled split by sender.

Two kinds of data, which answer different questions:

* *recorded totals*: personal remittances received by a country (balance-of-payments data, IMF BPM6:
  personal transfers plus compensation of employees), from the World Development Indicators
  (https://data.worldbank.org/indicator/BX.TRF.PWKR.CD.DT) and KNOMAD's inflow table
  (https://www.knomad.org/data/remittances). They say how much arrives, not from where;
* *model estimates by sender*: the World Bank bilateral remittance matrices (:mod:`bilateral`), which
  split a recorded total over senders in proportion to migrant stocks weighted by incomes. A sender's
  share there is a modelling assumption about where the receiving country's emigrants live, not an
  observation of transfers.

A share "of money transfers coming from Russia" is an observation only when it comes from transfers
recorded by sending country (a central bank's statistics of transfers by country). None of the raw
files here is of that kind, so :func:`primary_share` finds none and the claim's primary specification
cannot be computed; the model estimates and the migrant-stock proxy are shown beside it.

Layouts and oddities:

* WDI ``.xls`` (read through :mod:`workbooks`): sheet
  ``Data`` with ``Data Source`` / ``Last Updated Date`` (an Excel date) rows, header on row 4
  (``Country Name, Country Code, Indicator Name, Indicator Code, 1960 ... 2022``); sheet ``Metadata -
  Countries`` where aggregates have no region (``INX``, "Not classified", is missing there and is
  read as an aggregate). Empty cells are missing values. The country names of
  economies are checked against their codes through :mod:`countries`.
* KNOMAD inflows ``.xlsx``: row 1 holds the title cell and the years (2018 stored as an integer, the
  others as floats), then one row per economy, the aggregates ``Low-and Middle-Income Countries`` and
  ``World``, blank rows and notes whose ``Date:`` line gives the vintage. A blank cell (or one holding
  only a space: St. Martin 2018) is missing; many economies show 0 where the World Bank has no data.
  Values are US$ millions; 2022 is the World Bank's early estimate in this vintage.
"""

from __future__ import annotations

import datetime
import math
import re
import sys
from pathlib import Path

import pandas as pd

from khar_analysis.analysis import bilateral
from khar_analysis.claims import register as claims
from khar_analysis.core import countries, workbooks
from khar_analysis.core.layout_checks import expect_equal, expect_true

#: WDI indicators this loader knows: code -> (value column, factor to that unit).
WDI_INDICATORS = {
    "BX.TRF.PWKR.CD.DT": ("usd_mn", 1e-6),
    "BX.TRF.PWKR.DT.GD.ZS": ("pct_gdp", 1.0),
}
#: Codes in the data sheet but not in 'Metadata - Countries': World Bank groupings, read as aggregates.
WDI_UNLISTED = {"INX": "Not classified"}
WDI_HEADER = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
KNOMAD_TITLE = "Remittance inflows (US$ million)"
KNOMAD_AGGREGATES = ["Low-and Middle-Income Countries", "World"]

#: Kinds of figure for a share "of transfers from a sender", from observation to proxy.
RECORDED = "recorded transfers by sending country"
MODEL = "model estimate (World Bank bilateral matrix)"
MODEL_OVER_RECORDED = "model amount over a later recorded total"
STOCK_PROXY = "migrant-stock proxy (where the emigrants live)"
KINDS = (RECORDED, MODEL, MODEL_OVER_RECORDED, STOCK_PROXY)


def load_wdi(file: Path, source: str = "") -> pd.DataFrame:
    """Load a single-indicator WDI Excel download as ``source, edition, economy, economy_name, year,
    <unit>, is_aggregate`` (``edition`` = the file's "Last Updated Date"; unit from the indicator)."""
    grids = workbooks.read_grids(file, ["Data", "Metadata - Countries"])
    return parse_wdi(grids["Data"], grids["Metadata - Countries"], Path(file).name, source)


def parse_wdi(data: workbooks.Grid, meta: workbooks.Grid, file: str, source: str = "") -> pd.DataFrame:
    """:func:`load_wdi` on the two sheets already read as grids (``file`` names them in messages)."""
    expect_equal(file, "cells A1:B1", ["Data Source", "World Development Indicators"], data[0][:2])
    expect_true(file, data[1][0] == "Last Updated Date" and isinstance(data[1][1], datetime.datetime),
                f"A2:B2 should be 'Last Updated Date' and a date, found {data[1][:2]}")
    edition = data[1][1].date().isoformat()
    header = workbooks.trimmed(data[3])
    expect_equal(file, "row 4 (first four cells)", WDI_HEADER, header[:4])
    expect_true(file, all(str(y).isdigit() for y in header[4:]), f"row 4 should hold years after {WDI_HEADER}")
    years = [int(y) for y in header[4:]]
    expect_equal(file, "year columns (consecutive)", [str(y) for y in range(years[0], years[0] + len(years))],
                 [str(y) for y in header[4:]])
    body = [r for r in data[4:] if any(v is not None for v in r)]
    indicators = sorted({r[3] for r in body})
    expect_true(file, len(indicators) == 1 and indicators[0] in WDI_INDICATORS,
                f"expected one known indicator {sorted(WDI_INDICATORS)}, found {indicators}")
    unit, factor = WDI_INDICATORS[indicators[0]]
    expect_equal(file, "Metadata - Countries header", ["Country Code", "Region"], meta[0][:2])
    region = {r[0]: r[1] for r in meta[1:]}
    rows = []
    for i, r in enumerate(body, start=5):
        name, code = r[0], r[1]
        expect_true(file, code in region or WDI_UNLISTED.get(code) == name,
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


def load_knomad_inflows(file: Path, source: str = "") -> pd.DataFrame:
    """Load KNOMAD's inward remittance flows workbook as ``source, edition, economy, economy_name, year,
    usd_mn, is_aggregate`` (``edition`` = the year-month of the notes' ``Date:`` line)."""
    grid = next(iter(workbooks.read_grids(file).values()))
    return parse_knomad_inflows(grid, Path(file).name, source)


def parse_knomad_inflows(grid: workbooks.Grid, file: str, source: str = "") -> pd.DataFrame:
    """:func:`load_knomad_inflows` on the sheet already read as a grid (``file`` names it in messages)."""
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
    edition = bilateral.month(dates[0].removeprefix("Date:").strip(), file)
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


def load_source(source_id: str) -> pd.DataFrame:
    """Any remittance or migration source of this family, by manifest id, as its tidy table.

    The parse is cached in ``data/processed/cache/`` (keyed on the file's sha256 and this code).
    """
    from khar_analysis.analysis import migration
    from khar_analysis.provenance import processed

    code = processed.code_hash(sys.modules[__name__], bilateral, migration, workbooks, countries)
    return processed.cached_object(f"remittances__{source_id}", [source_id], lambda: _parse_source(source_id),
                                   code=code)


def _parse_source(source_id: str) -> pd.DataFrame:
    from khar_analysis.analysis import migration
    from khar_analysis.provenance import manifest

    file = manifest.path(source_id)
    if source_id.startswith("wb_remittance_matrix"):
        if file.suffix == ".csv":
            return bilateral.load_remittance_matrix_csv(file, source_id)
        return bilateral.load_matrix_xlsx(file, "remittances", source_id)
    if source_id.startswith("wb_migration_matrix"):
        return bilateral.load_matrix_xlsx(file, "migrants", source_id)
    if source_id.startswith("wdi_"):
        return load_wdi(file, source_id)
    if source_id.startswith("knomad_inward"):
        return load_knomad_inflows(file, source_id)
    if source_id == "undesa_ims_2019_origin_destination":
        return migration.load_undesa_origin_destination(file, source_id)
    if source_id == "undesa_ims_2020_destination":
        return migration.load_undesa_destination(file, source_id)
    raise KeyError(f"no loader for source {source_id!r}")


# --- REM-1 ----------------------------------------------------------------------------------------

def recorded_total(inflows: pd.DataFrame, economy: str, year: int) -> float:
    """A recorded inflow total (US$ mn) for one economy and year from a WDI or KNOMAD table."""
    hit = inflows.loc[(inflows["economy"] == economy) & (inflows["year"] == year), "usd_mn"]
    return float(hit.iloc[0]) if len(hit) else math.nan


def share_estimates(origin: str, destination: str, matrices: list[pd.DataFrame], stocks: list[pd.DataFrame],
                    recorded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure the raw files give for ``origin``'s share of ``destination``'s remittance inflows.

    One row per source, year and definition: ``source, edition, year, kind, definition, numerator,
    denominator, unit, share_pct, series`` (kinds in :data:`KINDS`; ``series`` splits the stock proxy
    by publisher, for trends and figures):

    * each remittance matrix: ``origin``'s modelled amount over ``destination``'s total in the same
      matrix (published total, or the sum of cells where the extract dropped it);
    * with ``recorded`` (a WDI table): the same modelled amount over the recorded total of a later
      vintage for the matrix year (the matrix was scaled to an earlier vintage of that total);
    * each migrant-stock table and year: the ``destination``-born living in ``origin`` as a share of
      all ``destination``-born abroad, the quantity the model splits remittances by.
    """
    rows = []
    for m in matrices:
        s = bilateral.share(m, origin, destination)
        meta = {"source": m["source"].iloc[0], "edition": m["edition"].iloc[0], "year": int(m["year"].iloc[0])}
        rows.append({**meta, "kind": MODEL, "definition": f"modelled amount / matrix total ({s['basis']})",
                     "numerator": s["value"], "denominator": s["total"], "unit": "usd_mn"})
        if recorded is not None:
            whole = recorded_total(recorded, destination, meta["year"])
            rows.append({**meta, "kind": MODEL_OVER_RECORDED,
                         "definition": f"modelled amount / recorded total, {recorded['edition'].iloc[0]} vintage",
                         "numerator": s["value"], "denominator": whole, "unit": "usd_mn"})
    for t in stocks:
        for year, part in t.groupby("year", sort=True):
            s = bilateral.share(part, destination, origin, axis="origin")
            rows.append({"source": part["source"].iloc[0], "edition": part["edition"].iloc[0], "year": int(year),
                         "kind": STOCK_PROXY, "definition": f"born in {destination}, living in {origin} / all "
                                                            f"{destination}-born abroad ({s['basis']})",
                         "numerator": s["value"], "denominator": s["total"], "unit": "persons"})
    from khar_analysis.provenance import manifest

    records = manifest.load_manifest()
    out = pd.DataFrame(rows)
    out["share_pct"] = 100 * out["numerator"] / out["denominator"]
    out["series"] = [k if k != STOCK_PROXY else f"{k}: {records[s].publisher}"
                     for k, s in zip(out["kind"], out["source"], strict=True)]
    order = {k: i for i, k in enumerate(KINDS)}
    out = out.sort_values(["kind", "year", "source"], key=lambda c: c.map(order) if c.name == "kind" else c,
                          kind="mergesort")
    return out.reset_index(drop=True)


def primary_share(estimates: pd.DataFrame) -> tuple[float | None, str]:
    """The claim's primary specification: the latest share from recorded transfers by sending country.

    Returns (share_pct, label), or (None, why not) when no source of that kind is among the estimates.
    """
    rec = estimates[estimates["kind"] == RECORDED].sort_values("year", kind="mergesort")
    if rec.empty:
        return None, "no raw file here records transfers by sending country"
    last = rec.iloc[-1]
    return float(last["share_pct"]), f"{last['source']} ({last['year']})"


def describe_estimates(estimates: pd.DataFrame, kind: str = MODEL) -> str:
    """'58.1% (2016), 58.1% (2017), 63.5% (2018)' for the rows of one kind (shares to 0.1 pp)."""
    sel = estimates[estimates["kind"] == kind]
    return ", ".join(f"{r.share_pct:.1f}% ({r.year})" for r in sel.itertuples())


def observed_text(estimates: pd.DataFrame) -> str:
    """The verdict's 'observed' field for REM-1: the primary share, or why it is missing and what the
    model estimates say instead."""
    value, label = primary_share(estimates)
    if value is not None:
        return f"{value:.1f}% ({label})"
    return f"{label}; World Bank model estimates: {describe_estimates(estimates)}"


def spec_verdicts(estimates: pd.DataFrame, claim: claims.Claim, tolerances_pp: list[float]) -> pd.DataFrame:
    """Robustness view: the verdict the register's rule would give if each figure were taken as the
    measure, its gap to the claimed value, and whether it falls within other readings of "about"."""
    out = estimates[["kind", "year", "source", "definition", "share_pct"]].copy()
    out["gap_pp"] = out["share_pct"] - float(claim.claimed["value"])
    out["verdict_if_primary"] = [claims.assess(claim, v).verdict for v in out["share_pct"]]
    for tol in tolerances_pp:
        out[f"within_{tol:g}pp"] = out["gap_pp"].abs() <= tol
    return out.round({"share_pct": 1, "gap_pp": 1})


def trend(estimates: pd.DataFrame) -> pd.DataFrame:
    """Per series: the number of points, first and last year, the share then, and the change (pp)."""
    rows = []
    for series, part in estimates.groupby("series", sort=False):
        part = part.sort_values("year", kind="mergesort")
        first, last = part.iloc[0], part.iloc[-1]
        rows.append({"series": series, "points": len(part), "first_year": int(first.year),
                     "first_pct": round(first.share_pct, 1), "last_year": int(last.year),
                     "last_pct": round(last.share_pct, 1), "change_pp": round(last.share_pct - first.share_pct, 1)})
    return pd.DataFrame(rows)


def estimates_view(estimates: pd.DataFrame) -> pd.DataFrame:
    """:func:`share_estimates` for display: amounts formatted in their unit, shares to 0.1 pp."""
    fmt = {"usd_mn": "{:,.1f}", "persons": "{:,.0f}"}
    out = estimates[["kind", "source", "year", "definition"]].copy()
    for col in ("numerator", "denominator"):
        out[col] = [fmt[u].format(v) for u, v in zip(estimates["unit"], estimates[col], strict=True)]
    out["unit"] = estimates["unit"]
    out["share_pct"] = estimates["share_pct"].round(1)
    return out


def claimed_band(claim: claims.Claim) -> tuple[float, float]:
    """The claimed value minus and plus the register's absolute tolerance (the band of 'about')."""
    value, tol = float(claim.claimed["value"]), float(claim.rule.get("tolerance", {}).get("abs", 0.0))
    return value - tol, value + tol


def matrix_notes(source_ids: list[str]) -> pd.DataFrame:
    """For each remittance matrix: the migrant-stock year its notes state (None where the copy has no notes)."""
    from khar_analysis.provenance import manifest, processed

    rows = []
    for sid in source_ids:
        file = manifest.path(sid)
        stated = None
        if file.suffix == ".xlsx":  # reading the notes opens the whole workbook: cached like the parse
            stated = processed.cached_object(f"remittances__notes_{sid}", [sid],
                                             lambda file=file: bilateral.stated_stock_year(file),
                                             code=processed.code_hash(bilateral))
        rows.append({"source": sid, "stated_stock_year": stated if stated is not None else "not stated in this copy"})
    return pd.DataFrame(rows)


def closest(estimates: pd.DataFrame, claimed: float) -> str:
    """The figure nearest to ``claimed``, as one line (kind, source, year, share, gap)."""
    gap = (estimates["share_pct"] - claimed).abs()
    row = estimates.loc[gap.sort_values(kind="mergesort").index[0]]
    return (f"closest to {claimed:g}%: {row.share_pct:.1f}% ({row.kind}; {row.source}, {row.year}), "
            f"{row.share_pct - claimed:+.1f} pp")


def verdict_reason(estimates: pd.DataFrame) -> str:
    """Why REM-1's primary specification is or is not computable, from the kinds of figure at hand."""
    if primary_share(estimates)[0] is not None:
        return ""

    def span(kinds: tuple[str, ...]) -> str:
        years = estimates.loc[estimates["kind"].isin(kinds), "year"]
        return f"{years.min()}-{years.max()}" if len(years) else "none"

    return ("the claim's measure is transfers recorded by sending country and no raw file here has them; "
            f"the files hold World Bank model estimates ({span((MODEL, MODEL_OVER_RECORDED))}: recorded totals "
            f"split by where emigrants live) and migrant-stock shares ({span((STOCK_PROXY,))}), neither of "
            "which observes where transfers come from")


def inflow_series(economy: str, tables: list[pd.DataFrame], matrices: list[pd.DataFrame]) -> pd.DataFrame:
    """Recorded inflows of ``economy`` by year from each table (``usd_mn`` or ``pct_gdp``), with the
    totals each remittance matrix was scaled to: ``year, series, value, unit``."""
    rows = []
    for t in tables:
        unit = "usd_mn" if "usd_mn" in t.columns else "pct_gdp"
        sel = t[(t["economy"] == economy)].dropna(subset=[unit])
        label = f"{t['source'].iloc[0]}"
        rows += [{"year": int(r.year), "series": label, "value": getattr(r, unit), "unit": unit}
                 for r in sel.itertuples()]
    for m in matrices:
        value, _ = bilateral.total(m, "destination", economy)
        rows.append({"year": int(m["year"].iloc[0]), "series": "matrix totals (model input)", "value": value,
                     "unit": "usd_mn"})
    out = pd.DataFrame(rows).sort_values(["unit", "series", "year"], kind="mergesort")
    return out.reset_index(drop=True)


def inflow_table(series: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """:func:`inflow_series` as a year x series table from ``first_year`` (US$ mn rounded to 1, % to 0.01)."""
    sel = series[series["year"] >= first_year]
    wide = sel.pivot_table(index="year", columns="series", values="value", aggfunc="first")
    return wide.round(2)


def top_senders(matrices: list[pd.DataFrame], destination: str, n: int) -> pd.DataFrame:
    """The ``n`` largest modelled senders to ``destination`` in each matrix (code and share, %)."""
    rows = []
    for m in matrices:
        ranking = bilateral.partners(m, "destination", destination).head(n)
        for r in ranking.itertuples():
            rows.append({"edition": f"{m['year'].iloc[0]} ({m['edition'].iloc[0]})", "rank": r.rank,
                         "sender": r.partner, "share_pct": round(r.share_pct, 1)})
    return pd.DataFrame(rows).pivot(index="rank", columns="edition", values=["sender", "share_pct"])
