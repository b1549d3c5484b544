"""Origin x destination tables: computations on any tidy origin-destination table (the World Bank
bilateral matrices and UN DESA's, loaded by :mod:`khar_analysis.sources.knomad` and
:mod:`khar_analysis.sources.undesa`; layout in :mod:`khar_analysis.sources.od_tables`).

Tidy form, one row per cell: ``source, edition, year, origin, destination, origin_name,
destination_name, <value>, is_not_available``. ``<value>`` names its unit (``usd_mn`` for remittances,
``persons`` for migrant stocks); ``_WLD`` is the matrices' total row and column.

The remittance matrices are *model estimates*, not recorded flows. The World Bank's note under each
matrix: "analytical estimates based on logical assumptions ... not actual officially reported data";
a receiving country's total inflow (balance-of-payments data) is split over senders in proportion to
the migrants from it living in each sender, weighted by host and origin incomes (Ratha and Shaw 2007,
https://www.knomad.org/data/remittances). A sender's share therefore follows the stock of people *born*
in the receiving country who live there, whoever they are and whether or not they send money.
"""

from __future__ import annotations

import math

import pandas as pd

from khar_analysis.sources.od_tables import KEY_COLUMNS, WORLD


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
