"""Trade (claims TRADE-1 to TRADE-3): World Bank WITS country trade summaries.

The WITS "All years trade summary" download of a country profile
(https://wits.worldbank.org/CountryProfile/en/AZE) holds, per year, the reporter's total imports and
exports, its five largest partners in each direction, and its trade by product group with the world.
The data are UN Comtrade figures as the reporter declared them (for Azerbaijan: Azerbaijan's own
customs declarations), in millions of current US dollars.

Known oddities of the files (each handled explicitly below; anything else fails loudly):

* values are right-aligned with leading spaces (``"   1437.14"``); a blank cell is "not reported";
* the ``Top 5`` partner indicators list only the five largest partners of each year. A blank means
  "not among the five", never zero: a rank computed here is a rank among the listed five, and a partner
  missing from the list is below fifth place (its share is at most the fifth partner's share);
* rows about the reporter as a whole carry ``...`` as partner and product;
* WITS spells ``Iran, Islamic Rep.`` and ``Hong Kong, China``; ``World``, ``Unspecified`` and
  ``Special Categories`` are pseudo-partners (all mapped in ``resources/country_names.csv``);
* product rows exist for partner ``World`` only: the file has no partner x product detail, so no
  partner's share of a product group (fuels, components, agri-food) can be computed from it;
* the product groups mix two classifications that overlap and must never be added together: HS-based
  sectors (``Animal`` = HS 01-05, ``Vegetable`` = HS 06-15, ``Food Products`` = HS 16-24, ``Fuels`` =
  HS 27, ...; WITS product codes ``01-05_Animal``, ``06-15_Vegetable``, ``16-24_FoodProd``,
  ``27-27_Fuels``) and UNCTAD stages of processing (``Raw materials``, ``Intermediate goods``,
  ``Consumer goods``, ``Capital goods``; codes ``UNCTAD-SoP1`` to ``UNCTAD-SoP4``). For Azerbaijan's
  *imports* the file holds the four stages only; there is no import row for fuels.

Agri-food here means HS chapters 01-24 (WITS sectors Animal + Vegetable + Food Products), the usual
WTO-style definition (it includes fish).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from khar_analysis.core import countries
from khar_analysis.core.layout_checks import expect_equal, expect_true, read_text_strict

LEAD_COLUMNS = ["Reporter", "Partner", "Product categories", "Indicator Type", "Indicator"]

#: The indicators read, as (flow, measure, unit column). Other indicators (GDP, tariffs, counts) are skipped.
INDICATORS: dict[str, tuple[str, str, str]] = {
    "Imports (in US$ Mil)": ("import", "total", "usd_mn"),
    "Exports (in US$ Mil)": ("export", "total", "usd_mn"),
    "Trade (US$ Mil)-Top 5 Import Partner": ("import", "partner", "usd_mn"),
    "Partner share(%)-Top 5 Import Partner": ("import", "partner", "share_pct"),
    "Trade (US$ Mil)-Top 5 Export Partner": ("export", "partner", "usd_mn"),
    "Partner share(%)-Top 5 Export Partner": ("export", "partner", "share_pct"),
    "Import(US$ Mil)": ("import", "product", "usd_mn"),
    "Import Product share(%)": ("import", "product", "share_pct"),
    "Export(US$ Mil)": ("export", "product", "usd_mn"),
    "Export Product share(%)": ("export", "product", "share_pct"),
}
#: WITS product groups by classification (see the module docstring).
HS_SECTORS = {
    "Animal": "HS 01-05", "Vegetable": "HS 06-15", "Food Products": "HS 16-24", "Minerals": "HS 25-26",
    "Fuels": "HS 27", "Chemicals": "HS 28-38", "Plastic or Rubber": "HS 39-40", "Hides and Skins": "HS 41-43",
    "Wood": "HS 44-49", "Textiles and Clothing": "HS 50-63", "Footwear": "HS 64-67",
    "Stone and Glass": "HS 68-71", "Metals": "HS 72-83", "Mach and Elec": "HS 84-85",
    "Transportation": "HS 86-89", "Miscellaneous": "HS 90-99",
}
STAGES = {"Raw materials": "UNCTAD-SoP1", "Intermediate goods": "UNCTAD-SoP2", "Consumer goods": "UNCTAD-SoP3",
          "Capital goods": "UNCTAD-SoP4"}
AGRIFOOD = ("Animal", "Vegetable", "Food Products")
TIDY_COLUMNS = ["reporter", "flow", "measure", "partner", "partner_name", "product", "year", "usd_mn", "share_pct"]
_YEAR = re.compile(r"^\d{4}$")


def load_trade_summary(file: Path) -> pd.DataFrame:
    """Load a WITS "All years trade summary" CSV as tidy rows (US$ millions and percent).

    Returns :data:`TIDY_COLUMNS`: one row per reporter x flow x measure (``total``, ``partner``,
    ``product``) x partner x product x year with a reported value; ``partner`` is an ISO3 code (or a
    pseudo-code such as ``_WLD``), ``product`` is the WITS group (``All Products`` for totals).
    """
    text = read_text_strict(file, "ascii")
    rows = list(csv.reader(text.splitlines()))
    header = [h.strip() for h in rows[0]]
    expect_equal(file, "leading columns", LEAD_COLUMNS, header[:5])
    years = header[5:]
    expect_true(file, all(_YEAR.match(y) for y in years), f"columns after the first five should be years: {years}")
    expect_true(file, [int(y) for y in years] == sorted((int(y) for y in years), reverse=True),
                "year columns should run from the latest year down")
    reporters = {r[0] for r in rows[1:] if r}
    expect_true(file, len(reporters) == 1, f"one reporter expected, found {sorted(reporters)}")
    found = {r[4] for r in rows[1:] if r}
    missing = sorted(set(INDICATORS) - found - {"Import Product share(%)", "Export Product share(%)"})
    expect_true(file, not missing, f"indicators missing: {missing}")
    records = []
    for n, fields in enumerate(rows[1:], start=2):
        if not fields:
            continue
        expect_true(file, len(fields) == len(header), f"line {n} has {len(fields)} fields, expected {len(header)}")
        if fields[4] not in INDICATORS:
            continue
        flow, measure, unit = INDICATORS[fields[4]]
        partner = "World" if measure == "total" else fields[1]
        product = fields[2] if measure == "product" else "All Products"
        if measure == "product":
            expect_true(file, partner == "World", f"line {n}: product rows should be for partner World: {partner!r}")
            expect_true(file, product in HS_SECTORS or product in STAGES,
                        f"line {n}: unknown product group {product!r}")
        if measure == "partner":
            expect_true(file, product == "All Products", f"line {n}: partner rows should be All Products")
        for year, cell in zip(years, fields[5:], strict=True):
            if cell.strip():
                records.append((fields[0], flow, measure, partner, product, int(year), unit, float(cell)))
    raw = pd.DataFrame(records, columns=["reporter_name", "flow", "measure", "partner_name", "product", "year",
                                         "unit", "value"])
    keys = ["reporter_name", "flow", "measure", "partner_name", "product", "year"]
    dup = raw[raw.duplicated([*keys, "unit"], keep=False)]
    expect_true(file, dup.empty, f"{len(dup)} values reported twice, e.g. {dup.head(2).to_dict('records')}")
    wide = raw.pivot(index=keys, columns="unit", values="value").reset_index()
    for col in ("usd_mn", "share_pct"):
        if col not in wide:
            wide[col] = float("nan")
    wide.columns.name = None
    wide["reporter"] = countries.harmonise(wide["reporter_name"], file.name)
    wide["partner"] = countries.harmonise(wide["partner_name"], file.name)
    out = wide[TIDY_COLUMNS].sort_values(["flow", "measure", "partner", "product", "year"], kind="mergesort")
    return out.reset_index(drop=True)


# --- computations -------------------------------------------------------------------------------

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
    (only ``groups`` when given)."""
    sel = summary[(summary["flow"] == flow) & (summary["measure"] == "product")].copy()
    if groups is not None:
        sel = sel[sel["product"].isin(groups)]
    sel["classification"] = ["stage of processing" if p in STAGES else "HS sector" for p in sel["product"]]
    sel["code"] = [STAGES.get(p) or HS_SECTORS[p] for p in sel["product"]]
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
