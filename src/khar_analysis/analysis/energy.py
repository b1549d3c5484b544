"""Gas (claim ENERGY-1 and the data vintages): Azerbaijan's pipeline gas to Europe, Eurostat beside the
Statistical Review, and how editions revise a year.

Pure functions on the tidy tables of :mod:`khar_analysis.sources.statreview` (``matrices``,
``interregional``, ``consumption``, each with an ``edition`` column) and
:mod:`khar_analysis.sources.eurostat`. Volumes are billion cubic metres (``bcm``) at the publisher's
40 MJ/m3; Eurostat's terajoules (GCV) are converted with :data:`TJ_PER_BCM`. ENERGY-2 and ENERGY-3
(importers hidden in residual rows) are in :mod:`khar_analysis.analysis.gas_origins`.

What the tables mean (the publisher's ``Definitions`` sheet):

* the publisher's ``Europe`` includes Turkey and Georgia (European OECD members plus Georgia, the
  Balkans, ...); "Europe's imports" below are in that sense, and the inter-regional series count only
  imports from outside Europe (Norway's pipeline gas to the EU is intra-regional);
* inter-regional ``Other CIS`` (CIS less Russia) exporting to Europe is Azerbaijan in practice: in every
  matrix the other CIS exporters (Kazakhstan, Turkmenistan, Uzbekistan) send nothing to Europe;
  :func:`check_other_cis` shows it.
"""

from __future__ import annotations

import pandas as pd

from khar_analysis.core.layout_checks import expect_true

TJ_PER_BCM = 40_000.0  # 1e9 m3 x 40 MJ/m3 = 4e10 MJ = 40,000 TJ (the Statistical Review's standard GCV)
#: EU members (EU-27, from February 2020), for summing the EU's LNG rows.
EU27 = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
        "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE")


def editions(matrices: pd.DataFrame) -> list[tuple[int, int]]:
    """The ``(edition, data_year)`` pairs of a matrices table, by edition."""
    pairs = matrices[["edition", "data_year"]].drop_duplicates().sort_values("edition", kind="mergesort")
    return [(int(e), int(y)) for e, y in pairs.itertuples(index=False)]


# --- ENERGY-1: Azerbaijan's exports ----------------------------------------------------------------

def exports_by_destination(matrices: pd.DataFrame, exporter: str, matrix: str = "pipeline") -> pd.DataFrame:
    """``exporter``'s exports by importer row (bcm) in each edition's matrix, zero rows dropped.

    Returns ``edition, data_year, importer, importer_label, is_region_total, is_importer_aggregate, bcm``.
    """
    sel = matrices[(matrices["matrix"] == matrix) & (matrices["exporter"] == exporter) & (matrices["bcm"] > 0)]
    cols = ["edition", "data_year", "importer", "importer_label", "is_region_total", "is_importer_aggregate", "bcm"]
    return sel[cols].sort_values(["edition", "is_region_total", "importer"], kind="mergesort").reset_index(drop=True)


def destination_table(matrices: pd.DataFrame, exporter: str) -> pd.DataFrame:
    """:func:`exports_by_destination` as destination x data year (bcm, 2 decimals); '' = not a row that year."""
    ex = exports_by_destination(matrices, exporter)
    ex = ex.assign(destination=[f"{lab} (region total)" if tot else (f"{lab} (aggregate)" if agg else lab)
                                for lab, tot, agg in zip(ex["importer_label"], ex["is_region_total"],
                                                         ex["is_importer_aggregate"], strict=True)])
    wide = ex.pivot_table(index="destination", columns="data_year", values="bcm", aggfunc="sum").round(2)
    listed = matrices[matrices["matrix"] == "pipeline"].groupby("data_year")["importer_label"].agg(set)
    for year in wide.columns:
        for dest in wide.index:
            base = dest.split(" (")[0]
            if pd.isna(wide.loc[dest, year]):
                wide.loc[dest, year] = 0.0 if base in listed[year] else float("nan")
    return wide


def europe_series(interregional: pd.DataFrame, edition: int, partner: str = "_CIS_OTHER",
                  since: int | None = None) -> pd.DataFrame:
    """Europe's pipeline imports from ``partner`` and Europe's total imports by year, one edition.

    Returns ``year, partner_bcm, europe_pipeline_bcm, europe_lng_bcm, europe_imports_bcm, share_pct``
    (``share_pct`` = partner / Europe's total inter-regional imports, pipeline plus LNG).
    """
    sel = interregional[(interregional["edition"] == edition) & (interregional["region"] == "_EUR")]
    part = sel[(sel["flow"] == "pipeline_imports") & (sel["partner"] == partner)]
    if part.empty:
        raise KeyError(f"edition {edition} does not split Europe's pipeline imports by origin ({partner})")
    tot = sel[sel["partner"] == ""].pivot(index="year", columns="flow", values="bcm")
    out = pd.DataFrame({"partner_bcm": part.set_index("year")["bcm"],
                        "europe_pipeline_bcm": tot["pipeline_imports"], "europe_lng_bcm": tot["lng_imports"],
                        "europe_imports_bcm": tot["total_imports"]})
    out["share_pct"] = 100 * out["partner_bcm"] / out["europe_imports_bcm"]
    out = out.dropna(subset=["partner_bcm"]).reset_index()
    return out if since is None else out[out["year"] >= since].reset_index(drop=True)


def first_published_series(matrices: pd.DataFrame, interregional: pd.DataFrame, exporter: str) -> pd.DataFrame:
    """Each data year as first published: ``exporter`` -> Europe from the matrix of the following
    edition, Europe's total imports from the same edition's inter-regional sheet.

    Returns ``year, edition, partner_bcm, europe_imports_bcm, share_pct``.
    """
    mat, ir = matrices, interregional
    rows = []
    for edition, data_year in editions(matrices):
        hit = mat[(mat["edition"] == edition) & (mat["matrix"] == "pipeline") & (mat["importer"] == "_EUR")
                  & (mat["exporter"] == exporter)]
        tot = ir[(ir["edition"] == edition) & (ir["region"] == "_EUR") & (ir["flow"] == "total_imports")
                 & (ir["partner"] == "") & (ir["year"] == data_year)]
        expect_true(f"edition {edition}", len(hit) == 1 and len(tot) == 1,
                    "expected one Europe row in the pipeline matrix and one Europe total-imports value")
        part, total = float(hit["bcm"].iloc[0]), float(tot["bcm"].iloc[0])
        rows.append({"year": data_year, "edition": edition, "partner_bcm": part,
                     "europe_imports_bcm": total, "share_pct": 100 * part / total})
    return pd.DataFrame(rows)


def eu_series(matrices: pd.DataFrame, exporter: str) -> pd.DataFrame:
    """``exporter``'s pipeline exports to the EU and its share of the EU's gas imports, in the editions
    whose pipeline matrix has an EU row (2022 on): EU imports = the EU pipeline row (all origins,
    Norway included) plus the LNG rows of EU members and ``Other EU``.

    Returns ``year, edition, partner_bcm, eu_imports_bcm, share_pct``.
    """
    rows = []
    for edition, data_year in editions(matrices):
        m = matrices[matrices["edition"] == edition]
        pipe = m[(m["matrix"] == "pipeline") & (m["importer"] == "_EU")]
        if pipe.empty:
            continue
        lng = m[(m["matrix"] == "lng") & (m["importer"].isin([*EU27, "_EU_OTHER"]))]
        part = float(pipe.loc[pipe["exporter"] == exporter, "bcm"].sum())
        total = float(pipe["bcm"].sum() + lng["bcm"].sum())
        rows.append({"year": data_year, "edition": edition, "partner_bcm": part, "eu_imports_bcm": total,
                     "share_pct": 100 * part / total})
    return pd.DataFrame(rows)


def check_other_cis(matrices: pd.DataFrame, interregional: pd.DataFrame,
                    others: tuple[str, ...] = ("KAZ", "TKM", "UZB")) -> pd.DataFrame:
    """Is inter-regional ``Other CIS`` -> Europe Azerbaijan? Per edition (its data year): the series
    value, Azerbaijan -> Europe in the matrix, and the other CIS exporters -> Europe in the matrix."""
    mat, ir = matrices, interregional
    rows = []
    for edition, data_year in editions(matrices):
        m = mat[(mat["edition"] == edition) & (mat["matrix"] == "pipeline") & (mat["importer"] == "_EUR")]
        s = ir[(ir["edition"] == edition) & (ir["region"] == "_EUR") & (ir["partner"] == "_CIS_OTHER")
               & (ir["year"] == data_year)]
        rows.append({"edition": edition, "year": data_year,
                     "series_other_cis_bcm": float(s["bcm"].iloc[0]) if len(s) else float("nan"),
                     "matrix_azerbaijan_bcm": float(m.loc[m["exporter"] == "AZE", "bcm"].sum()),
                     "matrix_other_cis_exporters_bcm": float(m.loc[m["exporter"].isin(others), "bcm"].sum())})
    return pd.DataFrame(rows)


def compare_periods(series: pd.DataFrame, column: str, baseline: tuple[int, int], after: tuple[int, int]) -> dict:
    """Mean of ``column`` over the baseline years and over the after years (inclusive), and the change."""
    before = series.loc[series["year"].between(*baseline), column]
    later = series.loc[series["year"].between(*after), column]
    if before.empty or later.empty:
        raise ValueError(f"no {column} values in {baseline} or {after}; years present: {sorted(series['year'])}")
    return {"before": float(before.mean()), "after": float(later.mean()), "change": float(later.mean() - before.mean())}


def span_text(p: tuple[int, int]) -> str:
    """A year span as text: ``2021`` or ``2019-2021``."""
    return f"{p[0]}" if p[0] == p[1] else f"{p[0]}-{p[1]}"


def role_rose(series: pd.DataFrame, baseline: tuple[int, int], after_start: int) -> tuple[bool, str]:
    """Whether both the volume (``partner_bcm``) and the share (``share_pct``) were higher on average from
    ``after_start`` to the series' last year than over ``baseline``; returns (holds, one line with both)."""
    after = (after_start, int(series["year"].max()))
    vol = compare_periods(series, "partner_bcm", baseline, after)
    share = compare_periods(series, "share_pct", baseline, after)
    text = (f"{vol['before']:.1f} -> {vol['after']:.1f} bcm, share {share['before']:.1f}% -> "
            f"{share['after']:.1f}% ({span_text(baseline)} -> {span_text(after)})")
    return bool(vol["change"] > 0 and share["change"] > 0), text


def energy1_series(matrices: pd.DataFrame, interregional: pd.DataFrame, exporter: str, baseline: tuple[int, int],
                   wide_baseline: tuple[int, int]) -> dict[str, tuple[pd.DataFrame, tuple[int, int]]]:
    """ENERGY-1's variant series, each with the baseline it is judged against: another baseline, another
    vintage and another definition (``exporter``: the matrices' code behind the inter-regional ``Other CIS``)."""
    latest = max(e for e, _ in editions(matrices))
    return {
        f"baseline {wide_baseline[0]}-{wide_baseline[1]}, edition {latest}":
            (europe_series(interregional, latest), wide_baseline),
        "first-published vintages (each year from the following edition)":
            (first_published_series(matrices, interregional, exporter), baseline),
        "EU importers only (editions with an EU row)": (eu_series(matrices, exporter), baseline),
    }


def energy1_variants(matrices: pd.DataFrame, interregional: pd.DataFrame, exporter: str,
                     baseline: tuple[int, int], after_start: int, wide_baseline: tuple[int, int]) -> dict[str, bool]:
    """The ENERGY-1 observation under each of :func:`energy1_series`."""
    return {name: role_rose(table, base, after_start)[0]
            for name, (table, base) in energy1_series(matrices, interregional, exporter, baseline,
                                                      wide_baseline).items()}


#: The Statistical Review's trade tables are rounded to 0.1 bcm (the 2023 edition stores them so): a change
#: of two averages within 0.1 bcm is not measured. Shares of Europe's imports (hundreds of bcm) move by
#: under 0.05 pp for such a rounding.
VOLUME_PRECISION_BCM = 0.1
SHARE_PRECISION_PP = 0.05


def role_margin(series: pd.DataFrame, baseline: tuple[int, int], after_start: int) -> tuple[float, str, str, float]:
    """The margin of :func:`role_rose`, as ``(value, unit, against, precision)``: the rise of whichever of the
    two measures (volume in bcm, share in pp) rose less relative to its baseline, the other named beside it.
    Negative when that measure fell (the claim then fails by that much)."""
    after = (after_start, int(series["year"].max()))
    vol = compare_periods(series, "partner_bcm", baseline, after)
    share = compare_periods(series, "share_pct", baseline, after)
    if share["change"] / share["before"] <= vol["change"] / vol["before"]:
        return (share["change"], "pp", f"share {span_text(after)} over {span_text(baseline)} "
                f"(volume {vol['change']:+.1f} bcm)", SHARE_PRECISION_PP)
    return (vol["change"], "bcm", f"volume {span_text(after)} over {span_text(baseline)} "
            f"(share {share['change']:+.1f} pp)", VOLUME_PRECISION_BCM)


# --- Eurostat beside the Statistical Review -------------------------------------------------------

def eurostat_share(eurostat: pd.DataFrame, reporter: str, partner: str) -> pd.DataFrame:
    """``partner``'s share of ``reporter``'s natural-gas imports (LNG included) by year, Eurostat.

    Returns ``year, partner_tj, total_tj, share_pct, partner_bcm, total_bcm`` (bcm at 40 MJ/m3).
    """
    sel = eurostat[(eurostat["siec"] == "natural_gas") & (eurostat["reporter"] == reporter)]
    wide = sel.pivot(index="year", columns="partner", values="tj_gcv")
    out = pd.DataFrame({"partner_tj": wide[partner].round().astype("Int64"),
                        "total_tj": wide["_WLD"].round().astype("Int64")})
    out["share_pct"] = 100 * out["partner_tj"] / out["total_tj"]
    out["partner_bcm"] = out["partner_tj"] / TJ_PER_BCM
    out["total_bcm"] = out["total_tj"] / TJ_PER_BCM
    return out.reset_index()


def compare_sources(eurostat_table: pd.DataFrame, direct: pd.DataFrame, partner: str) -> pd.DataFrame:
    """Eurostat beside the Statistical Review for the years both give: total imports and ``partner``'s
    (bcm) and ``partner``'s share; differences are Statistical Review minus Eurostat."""
    sr = direct.groupby("data_year").apply(
        lambda g: pd.Series({"sr_total_bcm": g["total_bcm"].sum(),
                             "sr_partner_bcm": g.loc[g["origin"] == partner, "total_bcm"].sum()}),
        include_groups=False)
    sr["sr_share_pct"] = 100 * sr["sr_partner_bcm"] / sr["sr_total_bcm"]
    es = eurostat_table.set_index("year")[["total_bcm", "partner_bcm", "share_pct"]]
    es.columns = ["eurostat_total_bcm", "eurostat_partner_bcm", "eurostat_share_pct"]
    out = sr.join(es, how="inner")
    out["total_diff_bcm"] = out["sr_total_bcm"] - out["eurostat_total_bcm"]
    out["share_diff_pp"] = out["sr_share_pct"] - out["eurostat_share_pct"]
    return out.reset_index(names="year")


def eurostat_amounts(eurostat_table: pd.DataFrame, direct: pd.DataFrame,
                     partner: str) -> dict[str, tuple[dict[str, float], float]]:
    """A second source for ``partner``'s volume: for each year Eurostat and the Statistical Review both give
    (``direct``, the importer listed), the Review's origins with ``partner``'s imports replaced by
    Eurostat's, and Eurostat's total (bcm): origin -> bcm and the total, by variant label."""
    es = eurostat_table.set_index("year")
    out = {}
    for year, part in direct.groupby("data_year", sort=True):
        if year not in es.index:
            continue
        values = dict(zip(part["origin"], part["total_bcm"].astype(float), strict=True))
        values[partner] = float(es.loc[year, "partner_bcm"])
        out[f"Eurostat nrg_ti_gas for {partner}, Statistical Review for the others, data {int(year)}"] = \
            (values, float(es.loc[year, "total_bcm"]))
    return out


def partner_share_series(eurostat_table: pd.DataFrame, direct: pd.DataFrame, bounded: pd.DataFrame,
                         partner: str) -> pd.DataFrame:
    """``partner``'s share of the importer's gas imports by year and source, for one chart: Eurostat,
    the Statistical Review where the importer is listed, and the bounded range where it is hidden.

    Returns ``source, year, share_pct, low_pct, high_pct``: low/high equal share_pct for exact values;
    for bounded years share_pct is NaN (a range, not a point estimate).
    """
    rows = [{"source": "Eurostat", "year": int(r.year), "share_pct": r.share_pct, "low_pct": r.share_pct,
             "high_pct": r.share_pct} for r in eurostat_table.itertuples()]
    for r in direct[direct["origin"] == partner].itertuples():
        rows.append({"source": "Statistical Review, listed", "year": int(r.data_year), "share_pct": r.share_pct,
                     "low_pct": r.share_pct, "high_pct": r.share_pct})
    for (_, year), part in bounded.groupby(["edition", "data_year"], sort=True):
        p = part[part["origin"] == partner].iloc[0]
        others = part[part["origin"] != partner]
        low = 100 * p["lower_bcm"] / (p["lower_bcm"] + others["upper_bcm"].sum())
        high = 100 * p["upper_bcm"] / (p["upper_bcm"] + others["lower_bcm"].sum())
        rows.append({"source": "Statistical Review, range from bounds", "year": int(year),
                     "share_pct": float("nan"), "low_pct": low, "high_pct": high})
    return pd.DataFrame(rows).sort_values(["source", "year"], kind="mergesort").reset_index(drop=True)


# --- data vintages -------------------------------------------------------------------------------

def vintage_table(interregional: pd.DataFrame, region: str, flow: str, partner: str = "",
                  since: int | None = None) -> pd.DataFrame:
    """One series as published by each edition: year x edition (bcm, 2 decimals) plus the spread
    (largest minus smallest value) across the editions that give the year."""
    sel = interregional[(interregional["region"] == region) & (interregional["flow"] == flow)
                        & (interregional["partner"] == partner)]
    if since is not None:
        sel = sel[sel["year"] >= since]
    wide = sel.pivot(index="year", columns="edition", values="bcm")
    wide["spread_bcm"] = wide.max(axis=1) - wide.min(axis=1)
    return wide.round(2)


def consumption_vintages(consumption: pd.DataFrame, country: str, since: int) -> pd.DataFrame:
    """A country's consumption as published by each edition: year x edition plus the spread (bcm)."""
    sel = consumption[(consumption["country"] == country) & (consumption["year"] >= since)]
    wide = sel.pivot(index="year", columns="edition", values="bcm")
    wide["spread_bcm"] = wide.max(axis=1) - wide.min(axis=1)
    return wide.round(2)


def revisions(table: pd.DataFrame) -> pd.DataFrame:
    """Each edition's value minus the latest edition's value for the same year (bcm), as long rows:
    ``year, edition, revision_bcm`` (years the latest edition gives, editions that give them)."""
    editions = [c for c in table.columns if c != "spread_bcm"]
    latest = max(editions)
    diff = table[editions].sub(table[latest], axis=0).drop(columns=latest)
    out = diff.reset_index().melt(id_vars="year", var_name="edition", value_name="revision_bcm").dropna()
    out["edition"] = out["edition"].astype(str)
    return out.sort_values(["edition", "year"], kind="mergesort").reset_index(drop=True)


def largest_revision(table: pd.DataFrame) -> tuple[int, float]:
    """The year with the largest spread in a :func:`vintage_table` and that spread (bcm)."""
    spread = table["spread_bcm"].dropna()
    year = int(spread.idxmax())
    return year, float(spread.loc[year])


def describe_revisions(tables: dict[str, pd.DataFrame]) -> str:
    """One line per named :func:`vintage_table`: its largest spread across editions and the year."""
    lines = []
    for name, table in tables.items():
        year, spread = largest_revision(table)
        latest = table[max(c for c in table.columns if c != "spread_bcm")].loc[year]
        lines.append(f"{name}: largest spread {spread:.2f} bcm in {year} ({100 * spread / latest:.1f}% of the "
                     f"latest value)")
    return "\n".join(lines)
