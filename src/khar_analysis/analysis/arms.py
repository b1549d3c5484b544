"""Arms imports (claims ARMS-1, ARMS-2, ARMS-R): supplier rankings by SIPRI TIV.

Pure functions on the tidy transfers of :mod:`khar_analysis.sources.sipri` (its docstring lists the files'
oddities). TIV (trend-indicator value, millions) is SIPRI's volume measure of major conventional arms
based on unit production costs; it is *not* the financial value of deals, and covers no small arms or
ammunition (https://www.sipri.org/databases/armstransfers/sources-and-methods). Rankings here sum
``tiv_delivered_mn`` by supplier over delivery years, as SIPRI's own TIV tables do.
"""

from __future__ import annotations

import re

import pandas as pd


def supplier_ranking(transfers: pd.DataFrame, recipient: str, start: int, end: int) -> pd.DataFrame:
    """Suppliers of ``recipient`` ranked by TIV delivered in ``start..end`` (inclusive).

    Returns ``rank, supplier, tiv_mn, share_pct`` (share of the recipient's total in the window).
    Ties are broken by supplier code so the order is deterministic.
    """
    if end < start:
        raise ValueError(f"window end {end} is before its start {start}")
    sel = transfers[(transfers["recipient"] == recipient) & transfers["delivery_year"].between(start, end)]
    totals = sel.groupby("supplier", as_index=False)["tiv_delivered_mn"].sum()
    totals = totals.rename(columns={"tiv_delivered_mn": "tiv_mn"})
    totals = totals[totals["tiv_mn"] > 0].sort_values(["tiv_mn", "supplier"], ascending=[False, True],
                                                     kind="mergesort")
    total = totals["tiv_mn"].sum()
    totals["share_pct"] = 100 * totals["tiv_mn"] / total if total else float("nan")
    totals.insert(0, "rank", range(1, len(totals) + 1))
    return totals.reset_index(drop=True)


def rank_of(ranking: pd.DataFrame, supplier: str) -> int | None:
    """The rank of ``supplier`` in a :func:`supplier_ranking` table (None if it delivered nothing)."""
    hit = ranking.loc[ranking["supplier"] == supplier, "rank"]
    return int(hit.iloc[0]) if len(hit) else None


def margin_after(ranking: pd.DataFrame, rank: int) -> dict[str, float]:
    """TIV and share gap between ``rank`` and ``rank + 1`` (how safe a rank is)."""
    a = ranking[ranking["rank"] == rank].iloc[0]
    b = ranking[ranking["rank"] == rank + 1].iloc[0]
    return {"tiv_mn": float(a.tiv_mn - b.tiv_mn), "share_pp": float(a.share_pct - b.share_pct),
            "next_supplier": str(b.supplier)}


def window_ranks(transfers: pd.DataFrame, recipient: str, supplier: str, length: int,
                 first: int, last: int) -> pd.DataFrame:
    """``supplier``'s rank and share in every ``length``-year window that fits in ``first..last``."""
    rows = []
    for start in range(first, last - length + 2):
        end = start + length - 1
        ranking = supplier_ranking(transfers, recipient, start, end)
        hit = ranking[ranking["supplier"] == supplier]
        rows.append({"window": f"{start}-{end}", "start": start, "end": end, "length": length,
                     "rank": int(hit["rank"].iloc[0]) if len(hit) else pd.NA,
                     "share_pct": float(hit["share_pct"].iloc[0]) if len(hit) else 0.0,
                     "top": " > ".join(ranking["supplier"].head(4))})
    return pd.DataFrame(rows)


def deliveries_by_year(transfers: pd.DataFrame, recipient: str, supplier: str,
                       start: int, end: int) -> pd.DataFrame:
    """``supplier``'s deliveries to ``recipient`` by year and weapon (units, TIV), ``start..end``."""
    sel = transfers[(transfers["recipient"] == recipient) & (transfers["supplier"] == supplier)
                    & transfers["delivery_year"].between(start, end)]
    cols = ["delivery_year", "category", "description", "designation"]
    out = sel.groupby(cols, as_index=False, dropna=False)[["units_delivered", "tiv_delivered_mn"]].sum()
    return out.sort_values(cols, kind="mergesort").reset_index(drop=True)


def supplier_share(transfers: pd.DataFrame, recipient: str, supplier: str, start: int, end: int) -> float:
    """``supplier``'s share (percent) of ``recipient``'s TIV delivered in ``start..end``."""
    ranking = supplier_ranking(transfers, recipient, start, end)
    hit = ranking.loc[ranking["supplier"] == supplier, "share_pct"]
    return float(hit.iloc[0]) if len(hit) else 0.0


def yearly_totals(transfers: pd.DataFrame, recipient: str) -> pd.DataFrame:
    """Total TIV delivered to ``recipient`` per year (all suppliers), for checking against SIPRI's TIV table."""
    sel = transfers[transfers["recipient"] == recipient]
    return sel.groupby("delivery_year", as_index=False)["tiv_delivered_mn"].sum()


def check_against_tiv_table(transfers: pd.DataFrame, tiv: pd.DataFrame, recipient: str,
                            start: int, end: int) -> pd.DataFrame:
    """Per-year totals from a register beside SIPRI's TIV table (rounded to whole TIV there)."""
    reg = yearly_totals(transfers, recipient).rename(columns={"tiv_delivered_mn": "register_tiv_mn"})
    tab = tiv[tiv["recipient"] == recipient][["delivery_year", "tiv_mn"]].rename(columns={"tiv_mn": "table_tiv_mn"})
    out = tab.merge(reg, on="delivery_year", how="left", validate="1:1").fillna({"register_tiv_mn": 0.0})
    out = out[out["delivery_year"].between(start, end)].reset_index(drop=True)
    out["difference_mn"] = out["register_tiv_mn"] - out["table_tiv_mn"]
    return out


#: SIPRI descriptions that denote uncrewed aircraft (the 2024 release writes "armed UAV", the
#: 2026 release "armed drone"); see SIPRI's weapon-type conventions in sources-and-methods.
UAV_PATTERN = re.compile(r"\b(?:UAV|drone)s?\b", re.IGNORECASE)


def top_order(ranking: pd.DataFrame, n: int) -> list[str]:
    """The first ``n`` supplier codes of a ranking."""
    return list(ranking["supplier"].head(n))


def describe_top(ranking: pd.DataFrame, n: int) -> str:
    """'RUS 59.7% > ISR 25.9% > ...' for the first ``n`` suppliers (shares rounded to 0.1 pp)."""
    return " > ".join(f"{r.supplier} {r.share_pct:.1f}%" for r in ranking.head(n).itertuples())


def uav_deliveries(transfers: pd.DataFrame, recipient: str, supplier: str, start: int, end: int) -> pd.DataFrame:
    """Deliveries of uncrewed aircraft (description matching :data:`UAV_PATTERN`) in ``start..end``."""
    sel = deliveries_by_year(transfers, recipient, supplier, start, end)
    return sel[sel["description"].str.contains(UAV_PATTERN)].reset_index(drop=True)


def share_before_and_in(transfers: pd.DataFrame, recipient: str, supplier: str, before: tuple[int, int],
                        year: int) -> dict[str, float]:
    """``supplier``'s share (percent) of ``recipient``'s TIV in ``before`` and in ``year``."""
    return {"before_pct": supplier_share(transfers, recipient, supplier, *before),
            "year_pct": supplier_share(transfers, recipient, supplier, year, year)}


def war_premise(transfers: pd.DataFrame, recipient: str, supplier: str, before: tuple[int, int],
                year: int) -> tuple[bool, str]:
    """The testable premise of ARMS-2: ``supplier`` delivered UAVs in ``year`` and its share rose.

    Returns (premise holds, a one-line description of what was observed).
    """
    uav = uav_deliveries(transfers, recipient, supplier, year, year)
    shares = share_before_and_in(transfers, recipient, supplier, before, year)
    units = float(uav["units_delivered"].sum())
    names = ", ".join(sorted(set(uav["designation"])))
    holds = units > 0 and shares["year_pct"] > shares["before_pct"]
    text = (f"{units:.0f} UAVs ({names or 'none'}) delivered in {year}; {supplier} share "
            f"{shares['year_pct']:.1f}% in {year} vs {shares['before_pct']:.1f}% in {before[0]}-{before[1]}")
    return holds, text


def rankings_by_release(releases: dict[str, pd.DataFrame], recipient: str, start: int, end: int,
                        n: int = 6) -> pd.DataFrame:
    """Top-``n`` suppliers (code and share) in ``start..end`` for each release label."""
    rows = []
    for label, transfers in releases.items():
        ranking = supplier_ranking(transfers, recipient, start, end).head(n)
        for r in ranking.itertuples():
            rows.append({"release": label, "rank": r.rank, "supplier": r.supplier, "tiv_mn": round(r.tiv_mn, 2),
                         "share_pct": round(r.share_pct, 2)})
    return pd.DataFrame(rows).pivot(index="rank", columns="release", values=["supplier", "share_pct"])


def split_sensitivity(splits: dict[str, dict[str, pd.DataFrame]], recipient: str, supplier: str, start: int,
                      end: int) -> pd.DataFrame:
    """``supplier``'s rank and share in ``start..end`` under each split of each classic release.

    ``splits`` maps a release label to its transfers under each split (label -> split -> tidy table, as
    :func:`khar_analysis.sources.sipri.all_splits` gives them).
    """
    rows = []
    for label, by_split in splits.items():
        for split, transfers in by_split.items():
            ranking = supplier_ranking(transfers, recipient, start, end)
            hit = ranking[ranking["supplier"] == supplier]
            rows.append({"release": label, "split": split, "rank": rank_of(ranking, supplier),
                         "share_pct": round(float(hit["share_pct"].iloc[0]), 2) if len(hit) else 0.0,
                         "top5": " > ".join(top_order(ranking, 5))})
    return pd.DataFrame(rows)


def robustness_variants(releases: dict[str, pd.DataFrame], reference: str, recipient: str, start: int, end: int,
                        shift: int, n: int = 4) -> dict[str, list[str]]:
    """Top-``n`` order under every other release (same window) and under windows shifted by ``+-shift`` years
    in the reference release: the variants ARMS-R assesses."""
    out: dict[str, list[str]] = {}
    for label, transfers in releases.items():
        if label != reference:
            out[f"{label}, {start}-{end}"] = top_order(supplier_ranking(transfers, recipient, start, end), n)
    for d in sorted({-shift, shift} - {0}):
        ranking = supplier_ranking(releases[reference], recipient, start + d, end + d)
        out[f"{reference}, {start + d}-{end + d}"] = top_order(ranking, n)
    return out


def coverage(transfers: pd.DataFrame) -> tuple[int, int]:
    """First and last delivery year in a tidy table."""
    return int(transfers["delivery_year"].min()), int(transfers["delivery_year"].max())
