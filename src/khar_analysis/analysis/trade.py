"""Trade (claims TRADE-1 to TRADE-3): partner ranks and product groups from WITS trade summaries.

Pure functions on the tidy tables of :mod:`khar_analysis.sources.wits` (read its docstring for what the
files hold and miss). Values are millions of current US dollars (``usd_mn``) and percent (``share_pct``).

* the ``Top 5`` partner indicators list only the five largest partners of each year: a rank computed
  here is a rank among the listed five, and a partner missing from the list is below fifth place (its
  share is at most the fifth partner's share);
* the product groups mix HS sectors and UNCTAD stages of processing, which overlap and are never added
  together; there is no partner x product detail.

Agri-food here means HS chapters 01-24 (WITS sectors Animal + Vegetable + Food Products), the usual
WTO-style definition (it includes fish).
"""

from __future__ import annotations

import pandas as pd

AGRIFOOD = ("Animal", "Vegetable", "Food Products")


def totals(summary: pd.DataFrame, flow: str) -> pd.DataFrame:
    """The reporter's total ``flow`` (``import``/``export``) by year: ``year, usd_mn``."""
    sel = summary[(summary["flow"] == flow) & (summary["measure"] == "total")]
    return sel[["year", "usd_mn"]].reset_index(drop=True)


def top_partners(summary: pd.DataFrame, flow: str) -> pd.DataFrame:
    """The listed (top-5) partners by year with their rank among the listed ones.

    Returns ``year, rank, partner, usd_mn, share_pct``; ranks by share, ties broken by partner code.
    """
    sel = summary[(summary["flow"] == flow) & (summary["measure"] == "partner")]
    sel = sel.sort_values(["year", "share_pct", "partner"], ascending=[True, False, True], kind="mergesort")
    sel = sel.assign(rank=sel.groupby("year").cumcount() + 1)
    return sel[["year", "rank", "partner", "usd_mn", "share_pct"]].reset_index(drop=True)


def partner_by_year(summary: pd.DataFrame, flow: str, partner: str) -> pd.DataFrame:
    """``partner``'s place in the reporter's ``flow`` for every year with a total.

    Returns ``year, total_usd_mn, usd_mn, share_pct, rank, leader, fifth_share_pct``: ``rank`` is NA
    when the partner is not among the listed five (its share is then at most ``fifth_share_pct``);
    ``leader`` is the first listed partner.
    """
    tops = top_partners(summary, flow)
    hit = tops[tops["partner"] == partner].set_index("year")
    leader = tops[tops["rank"] == 1].set_index("year")["partner"]
    fifth = tops.groupby("year")["share_pct"].min()
    out = totals(summary, flow).rename(columns={"usd_mn": "total_usd_mn"}).set_index("year")
    out["usd_mn"] = hit["usd_mn"]
    out["share_pct"] = hit["share_pct"]
    out["rank"] = hit["rank"].astype("Int64")
    out["leader"] = leader
    out["fifth_share_pct"] = fifth
    return out.reset_index().sort_values("year", kind="mergesort").reset_index(drop=True)


def check_partner_shares(summary: pd.DataFrame, flow: str) -> float:
    """Largest gap (percentage points) between WITS's partner share and 100 x partner value / total.

    A check that the share columns mean what this module assumes (share of the reporter's total).
    """
    tops = top_partners(summary, flow).merge(totals(summary, flow).rename(columns={"usd_mn": "total_usd_mn"}),
                                             on="year", how="left", validate="m:1")
    gap = (tops["share_pct"] - 100 * tops["usd_mn"] / tops["total_usd_mn"]).abs()
    return float(gap.max())


def products(summary: pd.DataFrame, flow: str, groups: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Trade with the world by WITS product group: ``year, product, classification, code, usd_mn, share_pct``
    (only ``groups`` when given; classification and code as the loader assigns them)."""
    sel = summary[(summary["flow"] == flow) & (summary["measure"] == "product")].copy()
    if groups is not None:
        sel = sel[sel["product"].isin(groups)]
    sel["code"] = sel["product_code"]
    cols = ["year", "product", "classification", "code", "usd_mn", "share_pct"]
    return sel[cols].sort_values(["year", "classification", "product"], kind="mergesort").reset_index(drop=True)


def product_table(summary: pd.DataFrame, flow: str, column: str = "share_pct",
                  since: int | None = None) -> pd.DataFrame:
    """:func:`products` as year x product group (``column``: ``share_pct`` or ``usd_mn``), from ``since``."""
    prod = products(summary, flow)
    if since is not None:
        prod = prod[prod["year"] >= since]
    return prod.pivot(index="year", columns="product", values=column)


def agrifood(summary: pd.DataFrame, flow: str = "export") -> pd.DataFrame:
    """Agri-food trade (HS 01-24) with the world by year, and its share of the total and of non-fuel trade.

    Returns ``year, animal_usd_mn, vegetable_usd_mn, food_products_usd_mn, agrifood_usd_mn,
    share_of_total_pct, share_of_nonfuel_pct`` (the last is NA when the file has no fuels row for ``flow``).
    """
    prod = products(summary, flow)
    wide = prod.pivot(index="year", columns="product", values="usd_mn")
    missing = [p for p in AGRIFOOD if p not in wide]
    if missing:
        raise KeyError(f"no {flow} rows for {missing}: this file cannot give agri-food {flow}s")
    out = pd.DataFrame({f"{p.lower().replace(' ', '_')}_usd_mn": wide[p] for p in AGRIFOOD})
    out["agrifood_usd_mn"] = out.sum(axis=1)
    total = totals(summary, flow).set_index("year")["usd_mn"]
    out["share_of_total_pct"] = 100 * out["agrifood_usd_mn"] / total
    fuels = wide["Fuels"] if "Fuels" in wide else pd.Series(float("nan"), index=wide.index)
    out["share_of_nonfuel_pct"] = 100 * out["agrifood_usd_mn"] / (total - fuels)
    return out.reset_index()


def rank_premise(by_year: pd.DataFrame, max_rank: int, start: int, end: int) -> tuple[bool, str]:
    """Whether the partner ranks ``max_rank`` or better in every year ``start..end`` of :func:`partner_by_year`.

    Returns (holds, one line describing the ranks and shares observed). A year in which the partner is
    not among the listed five counts as a rank below ``max_rank`` (``max_rank`` must be at most 5).
    """
    if not 1 <= max_rank <= 5:
        raise ValueError(f"max_rank={max_rank}: the file lists only the top five partners")
    sel = by_year[by_year["year"].between(start, end)]
    if sel.empty:
        raise ValueError(f"no years between {start} and {end} in the table")
    ranks = sel["rank"].fillna(99).astype(int)
    holds = bool((ranks <= max_rank).all())
    worst = "not in the top five" if (ranks == 99).any() else f"{int(ranks.max())}"
    last = sel.iloc[-1]
    last_rank = "not in the top five" if pd.isna(last["rank"]) else f"rank {int(last['rank'])}"
    text = (f"{last_rank} in {int(last['year'])} ({last['share_pct']:.1f}% of imports); worst rank "
            f"{start}-{end}: {worst}; rank 1 in {int((ranks == 1).sum())} of {len(sel)} years")
    return holds, text


def last_years(by_year: pd.DataFrame, n_years: int) -> tuple[int, int]:
    """The last ``n_years`` calendar years a :func:`partner_by_year` table covers, as ``(first, last)``.

    Raises if the table does not reach back that far (a window must never be shorter than stated).
    """
    if n_years < 1:
        raise ValueError(f"n_years={n_years}: need at least one year")
    last = int(by_year["year"].max())
    first = last - n_years + 1
    missing = sorted(set(range(first, last + 1)) - set(by_year["year"].astype(int)))
    if missing:
        raise ValueError(f"the table lacks years {missing} of the last {n_years} ({first}-{last})")
    return first, last


def partner_presence(summaries: list[pd.DataFrame], partner: str) -> pd.DataFrame:
    """In which years ``partner`` is among each reporter's listed top-5 partners (the mirror view).

    Returns ``reporter, flow, years_listed, years_covered`` (``years_listed`` is "none" when never listed).
    """
    rows = []
    for summary in summaries:
        for flow in ("import", "export"):
            tops = top_partners(summary, flow)
            listed = sorted(tops.loc[tops["partner"] == partner, "year"])
            years = sorted(tops["year"].unique())
            rows.append({"reporter": str(summary["reporter"].iloc[0]), "flow": flow,
                         "years_listed": ", ".join(map(str, listed)) or "none",
                         "years_covered": f"{years[0]}-{years[-1]}"})
    return pd.DataFrame(rows)


def leading_partners(summary: pd.DataFrame, flow: str, n_years: int) -> list[str]:
    """Partners listed in at least ``n_years`` years, most-listed first (ties by code): the lines worth drawing."""
    tops = top_partners(summary, flow)
    counts = tops.groupby("partner").size().reset_index(name="n")
    counts = counts[counts["n"] >= n_years].sort_values(["n", "partner"], ascending=[False, True], kind="mergesort")
    return list(counts["partner"])


def agrifood_text(agri: pd.DataFrame, exports_by_year: pd.DataFrame, partner: str) -> str:
    """One line on what the data show for TRADE-2: the latest agri-food exports and ``partner``'s share of
    all exports (last year listed among the top five, and the bound in the latest year)."""
    last = agri.iloc[-1]
    listed = exports_by_year.dropna(subset=["share_pct"])
    end = exports_by_year.iloc[-1]
    partner_text = (f"{partner} bought {listed.iloc[-1]['share_pct']:.1f}% of all exports in "
                    f"{int(listed.iloc[-1]['year'])} (last year among the top five)" if len(listed) else
                    f"{partner} never among the top five buyers")
    if pd.isna(end["share_pct"]):
        partner_text += f", at most {end['fifth_share_pct']:.1f}% in {int(end['year'])}"
    return (f"agri-food (HS 01-24) exports {last['agrifood_usd_mn']:.0f} US$ mn in {int(last['year'])} "
            f"({last['share_of_nonfuel_pct']:.1f}% of non-fuel exports), to the world only; {partner_text}; "
            "no partner x product figures")


#: WITS gives partner shares to 0.01 percent, so a gap between two shares is known to about 0.01 pp.
SHARE_PRECISION_PP = 0.01


def rank_margin(summary: pd.DataFrame, flow: str, partner: str, max_rank: int, start: int,
                end: int) -> tuple[float, str, str, float]:
    """How far ``partner`` is from leaving (or reaching) the first ``max_rank`` places in ``start..end``.

    Per year: where ``partner`` ranks ``max_rank`` or better, its share minus the share of the partner in
    place ``max_rank + 1`` (positive); otherwise its share (at most the fifth partner's when unlisted) minus
    the share in place ``max_rank`` (negative). The margin is the smallest over the years, in percentage
    points, returned as ``(value, unit, against, precision)`` for a boolean rule's margin.
    """
    if not 1 <= max_rank <= 4:
        raise ValueError(f"max_rank={max_rank}: the place behind it must be among the five listed")
    tops = top_partners(summary, flow)
    tops = tops[tops["year"].between(start, end)]
    if tops.empty:
        raise ValueError(f"no listed {flow} partners between {start} and {end}")
    gaps = []
    for year, part in tops.groupby("year", sort=True):
        by_rank = part.set_index("rank")
        hit = part[part["partner"] == partner]
        own = float(hit["share_pct"].iloc[0]) if len(hit) else float(part["share_pct"].min())
        inside = len(hit) and int(hit["rank"].iloc[0]) <= max_rank
        place = max_rank + 1 if inside else max_rank
        rival = by_rank.loc[place] if place in by_rank.index else None
        if rival is None:
            continue
        gaps.append((own - float(rival["share_pct"]), int(year), str(rival["partner"]), place))
    if not gaps:
        raise ValueError(f"no year in {start}-{end} lists a partner in place {max_rank + 1}")
    value, year, rival, place = min(gaps)
    word = "over" if value > 0 else "behind"
    return (value, "pp", f"{partner} {word} {rival} (place {place}) in {year}, its closest year of {start}-{end}",
            SHARE_PRECISION_PP)


def window_partners(summary: pd.DataFrame, flow: str, start: int, end: int) -> pd.DataFrame:
    """The listed partners of every year ``start..end`` with the reporter's total: the rows a rank premise
    reads. ``year, flow, rank, partner, usd_mn, share_pct, total_usd_mn``."""
    tops = top_partners(summary, flow)
    tops = tops[tops["year"].between(start, end)].merge(
        totals(summary, flow).rename(columns={"usd_mn": "total_usd_mn"}), on="year", how="left", validate="m:1")
    return tops.assign(flow=flow)[["year", "flow", "rank", "partner", "usd_mn", "share_pct", "total_usd_mn"]]


def window_filter(summary: pd.DataFrame, flow: str, start: int, end: int) -> tuple[str, str]:
    """The filter behind :func:`window_partners` on ``summary`` (one reporter's file), in words and as code."""
    reporter = str(summary["reporter"].iloc[0])
    words = (f"the five largest {flow} partners WITS lists for {reporter} in each year from {start} to {end} "
             f"(rows 'Partner share(%)-Top 5 {flow.title()} Partner' and the matching values), with the total")
    code = (f'reporter == "{reporter}" and flow == "{flow}" and measure in ("partner", "total") and '
            f"{start} <= year <= {end}")
    return words, code
