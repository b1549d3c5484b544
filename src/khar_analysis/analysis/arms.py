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


#: The unit of every ranked amount here (what a ranking's margin is stated in).
UNIT = "TIV mn"


def amounts(ranking: pd.DataFrame, places: int | None = None,
            keep: tuple[str, ...] = ()) -> tuple[dict[str, float], float]:
    """Supplier -> TIV (millions) of a :func:`supplier_ranking` table, and the window's total (all suppliers):
    what a ranking's margin needs (the TIV gap between two places, and that gap in percentage points).

    ``places`` keeps only the first suppliers (a margin needs the claimed places and the next one; the rest
    only lengthen the verdict's text), and ``keep`` the named suppliers wherever they rank.
    """
    top = ranking if places is None else ranking[(ranking["rank"] <= places) | ranking["supplier"].isin(keep)]
    return dict(zip(top["supplier"], top["tiv_mn"].astype(float), strict=True)), float(ranking["tiv_mn"].sum())


def window_filter(recipient: str, start: int, end: int, supplier: str | None = None) -> tuple[str, str]:
    """The filter that selects a window's delivery rows, in words and as code (for evidence files)."""
    who = f" from {supplier}" if supplier else ""
    words = (f"every delivery row{who} to {recipient} with a delivery year from {start} to {end} (one row per "
             "order and delivery year, TIV delivered in millions)")
    code = f'recipient == "{recipient}" and {start} <= delivery_year <= {end}'
    return words, code + (f' and supplier == "{supplier}"' if supplier else "")


def window_rows(transfers: pd.DataFrame, recipient: str, start: int, end: int,
                supplier: str | None = None) -> pd.DataFrame:
    """The delivery rows a window's ranking sums (:func:`window_filter`), sorted by supplier, year and deal.

    Returns ``deal_id, supplier, delivery_year, designation, description, units_delivered,
    tiv_delivered_mn, is_delivery_year_estimate``.
    """
    sel = transfers[(transfers["recipient"] == recipient) & transfers["delivery_year"].between(start, end)]
    if supplier is not None:
        sel = sel[sel["supplier"] == supplier]
    cols = ["deal_id", "supplier", "delivery_year", "designation", "description", "units_delivered",
            "tiv_delivered_mn", "is_delivery_year_estimate"]
    return sel.sort_values(["supplier", "delivery_year", "deal_id", "designation"], kind="mergesort")[cols] \
        .reset_index(drop=True)


def robustness_rankings(by_source: dict[str, dict[str, pd.DataFrame]], labels: dict[str, str], reference: str,
                        recipient: str, start: int, end: int, shift: int) -> pd.DataFrame:
    """Every supplier ranking ARMS-R judges: each release (``by_source``: source id -> split -> transfers;
    the per-year register has one entry, the classic registers one per split rule) in the window and in
    the window shifted by ``-shift`` and ``+shift`` years.

    Returns one row per variant and supplier: ``variant, is_primary, source_id, release, split, start, end,
    rank, supplier, tiv_mn, share_pct``; the primary is ``reference``'s unsplit table in ``start..end``.
    """
    frames = []
    for source_id, splits in by_source.items():
        for split, transfers in splits.items():
            for d in sorted({-shift, 0, shift}):
                ranking = supplier_ranking(transfers, recipient, start + d, end + d)
                how = "" if len(splits) == 1 else f", split {split}"
                frames.append(ranking.assign(
                    variant=f"{labels[source_id]}{how}, {start + d}-{end + d}",
                    is_primary=source_id == reference and d == 0 and len(splits) == 1, source_id=source_id,
                    release=labels[source_id], split=split, start=start + d, end=end + d))
    out = pd.concat(frames, ignore_index=True)
    if int(out.drop_duplicates("variant")["is_primary"].sum()) != 1:
        raise ValueError(f"the reference {reference!r} must be one unsplit release among {list(by_source)}")
    cols = ["variant", "is_primary", "source_id", "release", "split", "start", "end", "rank", "supplier",
            "tiv_mn", "share_pct"]
    return out[cols]


def variant_amounts(rankings: pd.DataFrame, places: int | None = None,
                    keep: tuple[str, ...] = ()) -> dict[str, tuple[dict[str, float], float]]:
    """:func:`amounts` of every non-primary variant of a :func:`robustness_rankings` table, in its order."""
    out = {}
    for variant, part in rankings[~rankings["is_primary"]].groupby("variant", sort=False):
        out[str(variant)] = amounts(part, places, keep)
    return out


def variant_evidence(rankings: pd.DataFrame, n: int) -> pd.DataFrame:
    """The first ``n`` places of every variant of a :func:`robustness_rankings` table (primary first): the
    aggregated rows behind ARMS-R. ``source_id, variant, split, start, end, rank, supplier, tiv_mn,
    share_pct`` (TIV in millions, shares in percent, both rounded to 0.01)."""
    top = rankings[rankings["rank"] <= n].copy()
    top["order"] = ~top["is_primary"]
    top = top.sort_values("order", kind="mergesort").round({"tiv_mn": 2, "share_pct": 2})
    return top[["source_id", "variant", "split", "start", "end", "rank", "supplier", "tiv_mn", "share_pct"]] \
        .reset_index(drop=True)


def variant_filter(recipient: str, start: int, end: int, shift: int, n: int) -> tuple[str, str]:
    """The filter behind :func:`variant_evidence`, in words and as code."""
    words = (f"aggregated, not raw: for each release, split rule and window ({start}-{end} and shifted by "
             f"{shift} year(s) either way), the first {n} suppliers to {recipient} by TIV delivered (millions), "
             "summed from that release's delivery rows; the raw rows behind all variants run to several hundred")
    code = (f'recipient == "{recipient}" and start <= delivery_year <= end for (start, end) in '
            f"[({start - shift}, {end - shift}), ({start}, {end}), ({start + shift}, {end + shift})]; "
            f"sum tiv_delivered_mn by supplier; rank <= {n}")
    return words, code


def failing_variants(rankings: pd.DataFrame, claimed: list[str]) -> pd.DataFrame:
    """The variants of a :func:`robustness_rankings` table whose top places differ from ``claimed``, with
    their top ``len(claimed) + 1`` suppliers: ``variant, order`` (empty when every variant holds)."""
    rows = []
    for variant, part in rankings.groupby("variant", sort=False):
        top = list(part["supplier"].head(len(claimed)))
        if top != list(claimed):
            rows.append({"variant": variant, "order": describe_top(part, len(claimed) + 1)})
    return pd.DataFrame(rows, columns=["variant", "order"])


def vintage_note(ranking: pd.DataFrame, reported: dict[str, float], release: str, cited: str) -> str:
    """Today's shares beside the shares a secondary source reports for a release not in the mirror, e.g.
    ``'TUR 3.8% here, 2.9% in the March-2021 release (+0.9 pp); ... (as reported by ...)'`` (percent, pp)."""
    shares = dict(zip(ranking["supplier"], ranking["share_pct"], strict=True))
    parts = [f"{code} {shares.get(code, 0.0):.1f}% here, {pct:g}% in the {release} "
             f"({shares.get(code, 0.0) - pct:+.1f} pp)" for code, pct in reported.items()]
    return f"{'; '.join(parts)} (the {release} as reported by {cited})"


def war_margin(transfers: pd.DataFrame, recipient: str, supplier: str, before: tuple[int, int],
               year: int) -> tuple[float, str, str]:
    """The margin of :func:`war_premise`, as ``(value, unit, against)``: ``supplier``'s share in ``year``
    minus its share over ``before`` (percentage points); with no UAV delivered in ``year`` the premise
    fails whatever the shares, and the margin is minus one delivery (``UAVs``)."""
    if uav_deliveries(transfers, recipient, supplier, year, year)["units_delivered"].sum() <= 0:
        return -1.0, "UAVs", f"no UAV delivered by {supplier} in {year}"
    shares = share_before_and_in(transfers, recipient, supplier, before, year)
    return (shares["year_pct"] - shares["before_pct"], "pp",
            f"{supplier}'s {year} share over its {before[0]}-{before[1]} share")


def coverage(transfers: pd.DataFrame) -> tuple[int, int]:
    """First and last delivery year in a tidy table."""
    return int(transfers["delivery_year"].min()), int(transfers["delivery_year"].max())
