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

The files are read by :mod:`khar_analysis.sources.wdi` and :mod:`khar_analysis.sources.knomad`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from khar_analysis.analysis import bilateral

#: Kinds of figure for a share "of transfers from a sender", from observation to proxy.
RECORDED = "recorded transfers by sending country"
MODEL = "model estimate (World Bank bilateral matrix)"
MODEL_OVER_RECORDED = "model amount over a later recorded total"
STOCK_PROXY = "migrant-stock proxy (where the emigrants live)"
KINDS = (RECORDED, MODEL, MODEL_OVER_RECORDED, STOCK_PROXY)


# --- REM-1 ----------------------------------------------------------------------------------------

def recorded_total(inflows: pd.DataFrame, economy: str, year: int) -> float:
    """A recorded inflow total (US$ mn) for one economy and year from a WDI or KNOMAD table."""
    hit = inflows.loc[(inflows["economy"] == economy) & (inflows["year"] == year), "usd_mn"]
    return float(hit.iloc[0]) if len(hit) else math.nan


def share_estimates(origin: str, destination: str, matrices: list[pd.DataFrame], stocks: list[pd.DataFrame],
                    publishers: Mapping[str, str], recorded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure the raw files give for ``origin``'s share of ``destination``'s remittance inflows.

    One row per source, year and definition: ``source, edition, year, kind, definition, numerator,
    denominator, unit, share_pct, series`` (kinds in :data:`KINDS`; ``series`` splits the stock proxy
    by publisher, for trends and figures):

    * each remittance matrix: ``origin``'s modelled amount over ``destination``'s total in the same
      matrix (published total, or the sum of cells where the extract dropped it);
    * with ``recorded`` (a WDI table): the same modelled amount over the recorded total of a later
      vintage for the matrix year (the matrix was scaled to an earlier vintage of that total);
    * each migrant-stock table and year: the ``destination``-born living in ``origin`` as a share of
      all ``destination``-born abroad, the quantity the model splits remittances by (its series is
      labelled with the table's publisher, ``publishers[source id]``).
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
    out = pd.DataFrame(rows)
    out["share_pct"] = 100 * out["numerator"] / out["denominator"]
    out["series"] = [k if k != STOCK_PROXY else f"{k}: {publishers[s]}"
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


def spec_table(estimates: pd.DataFrame, claimed: float, tolerances_pp: list[float],
               verdicts: list[str]) -> pd.DataFrame:
    """Robustness view: for each figure taken as the measure, its gap to ``claimed`` (pp), the verdict
    ``verdicts`` gives it (one per row, from the register's rule), and whether it falls within other
    readings of "about" (each of ``tolerances_pp``)."""
    out = estimates[["kind", "year", "source", "definition", "share_pct"]].copy()
    out["gap_pp"] = out["share_pct"] - float(claimed)
    out["verdict_if_primary"] = list(verdicts)
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


def claimed_band(claimed: float, tolerance: float) -> tuple[float, float]:
    """``claimed`` minus and plus an absolute ``tolerance`` (the band of 'about'; same unit as the claim)."""
    return float(claimed) - float(tolerance), float(claimed) + float(tolerance)


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


def evidence_rows(estimates: pd.DataFrame) -> pd.DataFrame:
    """:func:`share_estimates` as evidence rows: ``source_id`` first, then kind, year, amounts and share (%)."""
    out = estimates.rename(columns={"source": "source_id"})
    return out[["source_id", "edition", "year", "kind", "definition", "numerator", "denominator", "unit",
                "share_pct"]].reset_index(drop=True)
