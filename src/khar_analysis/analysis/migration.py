"""Migrant stocks (claim MIG-1): people born in one country living in another.

Sources: UN DESA International Migrant Stock 2019 (origin x destination, 1990-2019) and 2020
(destination totals, 1990-2020), https://www.un.org/development/desa/pd/content/international-migrant-stock,
and the World Bank bilateral migration matrices 2013 and 2017, loaded by
:mod:`khar_analysis.sources.undesa` and :mod:`khar_analysis.sources.knomad`. Migrant stock means
the foreign-born population (citizenship where a country records no place of birth); Russia's figures
rest on place of birth in the 2002 and 2010 censuses, carried forward by the UN after 2010. The
Azerbaijan-born in Russia therefore include people of every nationality who moved within the Soviet
Union, and exclude Azerbaijani citizens born in Russia; no figure here is for a region or city.
"""

from __future__ import annotations

import pandas as pd

from khar_analysis.analysis import bilateral
from khar_analysis.core import countries


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


def evidence_rows(series: pd.DataFrame) -> pd.DataFrame:
    """:func:`stock_series` as evidence rows: ``source_id`` first, then the count and its denominators."""
    out = series.rename(columns={"source": "source_id"})
    return out[["source_id", "edition", "year", "origin", "destination", "persons", "diaspora_total",
                "share_of_diaspora_pct"]].reset_index(drop=True)


def premise_counts(series: pd.DataFrame) -> dict[str, float]:
    """The national count (persons) in every source and year, labelled like :func:`premise_variants`."""
    return {f"{r.source}, {r.year}": float(r.persons)
            for r in series.sort_values(["source", "year"], kind="mergesort").itertuples()}
