"""The rows behind the ENERGY verdicts (evidence files), and the filters that select them in words and code.

Pure functions on the tables of :mod:`khar_analysis.analysis.energy` and :mod:`khar_analysis.analysis.gas_origins`
(bcm at 40 MJ/m3). Each row carries the manifest id of the edition (or Eurostat extract) it comes from,
mapped by the caller (``sources``: edition -> source id).
"""

from __future__ import annotations

import pandas as pd

from khar_analysis.analysis.energy import span_text


def energy1_evidence(series: pd.DataFrame, baseline: tuple[int, int],
                     variants: dict[str, tuple[pd.DataFrame, tuple[int, int]]], latest: int, sources: dict[int, str],
                     after_start: int) -> pd.DataFrame:
    """The rows ENERGY-1's verdict compares: the primary series (``latest`` edition, against ``baseline``) and
    each of :func:`energy1_series`, in their baseline and after years only. A series with an ``edition``
    column takes each year from that edition; ``sources`` maps an edition to its manifest id.
    Returns ``source_id, series, edition, year, period, partner_bcm, share_pct``.
    """
    frames = []
    for name, (table, base) in {"primary": (series, baseline), **variants}.items():
        sel = table[table["year"].between(*base) | (table["year"] >= after_start)].copy()
        sel["edition"] = sel.get("edition", latest)
        sel["source_id"] = [sources[int(e)] for e in sel["edition"]]
        sel["series"] = name
        sel["period"] = ["after" if y >= after_start else "baseline" for y in sel["year"]]
        frames.append(sel)
    cols = ["source_id", "series", "edition", "year", "period", "partner_bcm", "share_pct"]
    return pd.concat(frames, ignore_index=True)[cols].round({"partner_bcm": 3, "share_pct": 3})


def energy1_filter(exporter: str, baseline: tuple[int, int], wide_baseline: tuple[int, int],
                   after_start: int) -> tuple[str, str]:
    """The filter behind :func:`energy1_evidence`, in words and as code."""
    words = (f"Europe's pipeline imports from {exporter} (inter-regional 'Other CIS' in the latest edition; the "
             f"{exporter} exporter column of each edition's pipeline matrix for first-published years; the EU row "
             f"where a matrix has one) and their share of Europe's gas imports, in the baseline years "
             f"({span_text(baseline)}, or {span_text(wide_baseline)} for the wide-baseline variant) and from "
             f"{after_start}")
    code = (f'region == "_EUR" and flow == "pipeline_imports" and partner == "_CIS_OTHER" (inter-regional) | '
            f'matrix == "pipeline" and exporter == "{exporter}" and importer in ("_EUR", "_EU") (matrices); '
            f"year in baseline or year >= {after_start}")
    return words, code


def energy2_evidence(direct: pd.DataFrame, bounded: pd.DataFrame, sources: dict[int, str],
                     eurostat_table: pd.DataFrame | None = None, eurostat_source: str = "",
                     partner: str = "") -> pd.DataFrame:
    """The rows ENERGY-2's rank rests on: imports by origin where the importer is listed (exact), and the
    bounds where it is hidden, each with its edition's manifest id; with ``eurostat_table`` (from
    :func:`khar_analysis.analysis.energy.eurostat_share`), Eurostat's figure for ``partner`` in the years the
    listed editions cover. ``source_id, edition, data_year, origin, how, low_bcm, high_bcm, share_pct`` (bcm;
    ``how`` is ``listed``, ``bounded`` or ``eurostat``; share only where exact)."""
    exact = direct.assign(how="listed", low_bcm=direct["total_bcm"], high_bcm=direct["total_bcm"])
    ranges = bounded.assign(how="bounded", low_bcm=bounded["lower_bcm"], high_bcm=bounded["upper_bcm"],
                            share_pct=float("nan"))
    cols = ["edition", "data_year", "origin", "how", "low_bcm", "high_bcm", "share_pct"]
    out = pd.concat([exact[cols], ranges[cols]], ignore_index=True)
    out.insert(0, "source_id", [sources[int(e)] for e in out["edition"]])
    if eurostat_table is not None:
        es = eurostat_table[eurostat_table["year"].isin(set(direct["data_year"]))]
        out = pd.concat([out, pd.DataFrame({
            "source_id": eurostat_source, "edition": pd.NA, "data_year": es["year"], "origin": partner,
            "how": "eurostat", "low_bcm": es["partner_bcm"], "high_bcm": es["partner_bcm"],
            "share_pct": es["share_pct"]})], ignore_index=True)
    return out.round({"low_bcm": 3, "high_bcm": 3, "share_pct": 2})


def energy2_filter(importer: str) -> tuple[str, str]:
    """The filter behind :func:`energy2_evidence`, in words and as code."""
    words = (f"{importer}'s gas imports by origin (pipeline plus LNG) in every edition that lists it as an importer, "
             f"and the bounds on them (flows to the residual row that hides it, and its consumption less LNG) in "
             "every edition that does not")
    code = (f'importer == "{importer}" and matrix in ("pipeline", "lng") (listed editions) | importer_label == '
            f'"Rest of Europe" and matrix == "pipeline", importer == "{importer}" and matrix == "lng", '
            f'country == "{importer}" (consumption) (hidden editions)')
    return words, code


def energy3_evidence(series: pd.DataFrame, flows: dict[str, pd.DataFrame], sources: dict[int, str],
                     baseline: tuple[int, int], after_start: int) -> pd.DataFrame:
    """The rows behind ENERGY-3's route parts: the exporter's first-published exports to Europe in the
    baseline and after years, and each :func:`flow_into` table in ``flows`` (name -> table) from
    ``after_start``, each row with its edition's manifest id. ``source_id, table, edition, data_year,
    row_label, lower_bcm, upper_bcm, received`` (for the export series lower = upper = the volume)."""
    sel = series[series["year"].between(*baseline) | (series["year"] >= after_start)]
    frames = [pd.DataFrame({"table": "exports to Europe", "edition": sel["edition"], "data_year": sel["year"],
                            "row_label": "Europe", "lower_bcm": sel["partner_bcm"], "upper_bcm": sel["partner_bcm"],
                            "received": None})]
    for name, table in flows.items():
        part = table[table["data_year"] >= after_start]
        frames.append(part.assign(table=name)[["table", "edition", "data_year", "row_label", "lower_bcm", "upper_bcm",
                                               "received"]])
    out = pd.concat(frames, ignore_index=True).round({"lower_bcm": 3, "upper_bcm": 3})
    out.insert(0, "source_id", [sources[int(e)] for e in out["edition"]])
    return out


def energy3_filter(origin: str, exporter: str, transit: str, after_start: int) -> tuple[str, str]:
    """The filter behind :func:`energy3_evidence`, in words and as code."""
    words = (f"{exporter}'s pipeline exports to Europe as first published (baseline and after years), and "
             f"{origin}'s pipeline flows to {exporter} and to {transit} (exact where listed, bounded by the row "
             f"that hides them otherwise) from {after_start}")
    code = (f'matrix == "pipeline" and ((exporter == "{exporter}" and importer == "_EUR") or (exporter == "{origin}" '
            f'and importer in ("{exporter}", "{transit}", its residual row))) and data_year >= {after_start} '
            "(exports also in baseline years)")
    return words, code
