"""Arms imports (claims ARMS-1, ARMS-2, ARMS-R): SIPRI Arms Transfers Database, TIV.

Loaders turn SIPRI's three CSV exports into one tidy table; computations rank suppliers by TIV.

Sources and method: https://www.sipri.org/databases/armstransfers/sources-and-methods.
TIV (trend-indicator value, millions) is SIPRI's volume measure of major conventional arms based on
unit production costs; it is *not* the financial value of deals, and covers no small arms or
ammunition. Rankings here sum ``tiv_delivered_mn`` by supplier over delivery years, as SIPRI's own
TIV tables do.

Known oddities of the files (each is handled explicitly below, and anything else fails loudly):

* per-year register: every line ends with a stray ``;`` from SIPRI's exporter, CRLF line ends;
* classic register: the ``?`` uncertainty flags sit in columns with a blank header ``" "`` after the
  column they qualify; ``Year(s) of delivery`` is a ``; ``-separated list with no per-year split;
* SIPRI spells Turkey ``Turkiye`` (mapped in ``resources/country_names.csv``); ``unknown supplier(s)``
  maps to the pseudo-code ``_UNK``;
* TIV table: an empty cell means no deliveries, ``0`` means between 0 and 0.5 (rounded).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import pandas as pd

from khar_analysis.core import countries
from khar_analysis.core.layout_checks import expect_equal, expect_true, read_text_strict

PERYEAR_COLUMNS = [
    "SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description", "Armament category",
    "Order date", "Order date is estimate", "Numbers delivered", "Numbers delivered is estimate",
    "Delivery year", "Delivery year is estimate", "Status", "SIPRI estimate", "TIV deal unit",
    "TIV delivery values", "Local production",
]
CLASSIC_COLUMNS = [
    "Recipient", "Supplier", "Year of order", " ", "Number ordered", " ", "Weapon designation",
    "Weapon description", "Number delivered", " ", "Year(s) of delivery", "status", "Comments",
    "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons",
]
CLASSIC_NAMES = [
    "recipient_name", "supplier_name", "order_year", "is_order_year_estimate", "units_ordered",
    "is_units_ordered_estimate", "designation", "description", "units_delivered",
    "is_units_delivered_estimate", "delivery_years", "status", "comments", "tiv_unit_mn",
    "tiv_order_mn", "tiv_delivered_mn",
]
#: Columns of the tidy table, in order (units in names: ``_mn`` = millions of TIV).
TIDY_COLUMNS = [
    "release", "file_format", "deal_id", "recipient", "supplier", "supplier_name", "delivery_year",
    "designation", "description", "category", "status", "units_delivered", "tiv_delivered_mn",
    "is_delivery_year_estimate", "is_units_estimate", "split",
]
SPLITS = ("equal", "first_year", "last_year")
_GENERATED = re.compile(r"^Data generated: (\d{1,2} \w{3} \d{4})")


def _release(lines: list[str], file: Path, line_no: int) -> str:
    """The 'Data generated' date on ``line_no`` (1-based) as ISO yyyy-mm-dd."""
    match = _GENERATED.match(lines[line_no - 1]) if len(lines) >= line_no else None
    expect_true(file, match is not None,
                f"line {line_no} should read 'Data generated: <date>', found {lines[line_no - 1][:60]!r}"
                if len(lines) >= line_no else f"file has only {len(lines)} lines")
    return pd.to_datetime(match.group(1), format="%d %b %Y").date().isoformat()


def load_register_peryear(file: Path) -> pd.DataFrame:
    """Load SIPRI's per-delivery-year trade register (one row per deal x delivery year) as tidy rows.

    ``tiv_delivered_mn`` is SIPRI's "TIV delivery values" (= units delivered that year x TIV deal unit).
    """
    text = read_text_strict(file, "ascii")
    lines = text.splitlines()
    release = _release([ln.rstrip(";") for ln in lines], file, 11)
    header = next(csv.reader([lines[11].removesuffix(";")]))
    expect_equal(file, "header on line 12", PERYEAR_COLUMNS, header)
    rows = []
    for n, line in enumerate(lines[12:], start=13):
        if not line.strip():
            continue
        expect_true(file, line.endswith(";"), f"line {n} lacks SIPRI's trailing ';' (a different exporter?)")
        fields = next(csv.reader([line.removesuffix(";")]))
        expect_true(file, len(fields) == len(PERYEAR_COLUMNS),
                    f"line {n} has {len(fields)} fields, expected {len(PERYEAR_COLUMNS)}")
        rows.append(fields)
    raw = pd.DataFrame(rows, columns=PERYEAR_COLUMNS)
    out = pd.DataFrame({
        "release": release,
        "file_format": "peryear",
        "deal_id": raw["SIPRI AT Database ID"].astype(int),
        "recipient": countries.harmonise(raw["Recipient"], file.name),
        "supplier": countries.harmonise(raw["Supplier"], file.name),
        "supplier_name": raw["Supplier"],
        "delivery_year": pd.to_numeric(raw["Delivery year"]).astype(int),
        "designation": raw["Designation"].str.strip().str.removesuffix(" -"),
        "description": raw["Description"],
        "category": raw["Armament category"],
        "status": raw["Status"],
        "units_delivered": pd.to_numeric(raw["Numbers delivered"]).astype(float),
        "tiv_delivered_mn": pd.to_numeric(raw["TIV delivery values"]).astype(float),
        "is_delivery_year_estimate": raw["Delivery year is estimate"].eq("Yes"),
        "is_units_estimate": raw["Numbers delivered is estimate"].eq("Yes"),
        "split": "reported",
    })
    return out[TIDY_COLUMNS]


def load_register_classic(file: Path) -> pd.DataFrame:
    """Load SIPRI's classic per-order trade register: one row per order, delivery years listed.

    Encoding is ISO-8859-1 for SIPRI's full exports (the kept AZE/ARM lines are ASCII).
    """
    text = read_text_strict(file, "latin-1")
    lines = text.splitlines()
    release = _release(lines, file, 11)
    header = next(csv.reader([lines[11]]))
    expect_equal(file, "header on line 12", CLASSIC_COLUMNS, header)
    rows = list(csv.reader(io.StringIO("\n".join(lines[12:]))))
    for n, fields in enumerate(rows, start=13):
        expect_true(file, len(fields) == len(CLASSIC_COLUMNS),
                    f"line {n} has {len(fields)} fields, expected {len(CLASSIC_COLUMNS)}")
    raw = pd.DataFrame(rows, columns=CLASSIC_NAMES)
    raw["release"] = release
    raw["recipient"] = countries.harmonise(raw["recipient_name"], file.name)
    raw["supplier"] = countries.harmonise(raw["supplier_name"], file.name)
    for col in ("units_ordered", "units_delivered", "tiv_unit_mn", "tiv_order_mn", "tiv_delivered_mn"):
        raw[col] = pd.to_numeric(raw[col].replace("", pd.NA)).astype(float)
    for col in ("is_order_year_estimate", "is_units_ordered_estimate", "is_units_delivered_estimate"):
        bad = sorted(set(raw[col]) - {"", "?"})
        expect_true(file, not bad, f"uncertainty column {col} holds {bad}, expected only '?' or ''")
        raw[col] = raw[col].eq("?")
    return raw


def split_orders(orders: pd.DataFrame, split: str = "equal") -> pd.DataFrame:
    """Spread each classic order's delivered units and TIV over its listed delivery years.

    The classic register gives only the total delivered over ``Year(s) of delivery``; SIPRI's own
    per-year numbers are not in it. ``split``:

    * ``equal`` - the same share in each listed year (the default; SIPRI's per-year file shows
      deliveries are often uneven, so the notebook measures how much this matters);
    * ``first_year`` / ``last_year`` - everything in the first / last listed year (bounds).

    Orders with no listed delivery year have delivered nothing and are dropped.
    """
    if split not in SPLITS:
        raise ValueError(f"split={split!r} is not one of {SPLITS}")
    rows = []
    for rec in orders.itertuples(index=False):
        years = [int(y) for y in str(rec.delivery_years).split(";") if y.strip()]
        if not years:
            continue
        if split == "equal":
            weights = {y: 1 / len(years) for y in years}
        else:
            weights = {(years[0] if split == "first_year" else years[-1]): 1.0}
        for year, w in weights.items():
            rows.append({
                "release": rec.release, "file_format": "classic", "deal_id": pd.NA,
                "recipient": rec.recipient, "supplier": rec.supplier, "supplier_name": rec.supplier_name,
                "delivery_year": year, "designation": rec.designation, "description": rec.description,
                "category": pd.NA, "status": rec.status,
                "units_delivered": (rec.units_delivered or 0.0) * w,
                "tiv_delivered_mn": (0.0 if pd.isna(rec.tiv_delivered_mn) else rec.tiv_delivered_mn) * w,
                "is_delivery_year_estimate": bool(rec.is_units_delivered_estimate),
                "is_units_estimate": bool(rec.is_units_delivered_estimate), "split": split,
            })
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


def load_tiv_imports(file: Path) -> pd.DataFrame:
    """Load SIPRI's TIV import table (recipient x year, all suppliers summed) as tidy rows.

    Returns ``recipient, delivery_year, tiv_mn, is_below_half, release``: empty cells (no deliveries)
    become 0.0; SIPRI's ``0`` (0 < TIV < 0.5) becomes 0.0 with ``is_below_half`` True.
    """
    text = read_text_strict(file, "ascii")
    lines = text.splitlines()
    expect_true(file, lines[0].startswith("Volume of transfers of major arms"),
                f"line 1 should be the TIV table title, found {lines[0][:50]!r}")
    release = _release(lines, file, 8)
    header = next(csv.reader([lines[9]]))
    expect_true(file, header[0] == "Recipient", f"line 10 should start with 'Recipient', found {header[0]!r}")
    years = [h for h in header[1:] if re.fullmatch(r"\d{4}", h)]
    tail = header[1 + len(years):]
    expect_equal(file, "summary columns after the years", ["Percentage", "Sum total years", "Percentage of total"],
                 tail[1:])
    rows = []
    for n, fields in enumerate(csv.reader(lines[10:]), start=11):
        if not fields:
            continue
        expect_true(file, len(fields) == len(header), f"line {n} has {len(fields)} fields, expected {len(header)}")
        for year, cell in zip(years, fields[1:1 + len(years)], strict=True):
            rows.append({"recipient": fields[0], "delivery_year": int(year),
                         "tiv_mn": float(cell) if cell else 0.0, "is_below_half": cell == "0"})
    out = pd.DataFrame(rows)
    out["recipient"] = countries.harmonise(out["recipient"], file.name)
    out["release"] = release
    return out


# --- computations -------------------------------------------------------------------------------

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


#: Column types of the tidy table as stored in ``data/processed/sipri__transfers_*.csv``.
TIDY_DTYPES = {
    "release": "str", "file_format": "str", "deal_id": "Int64", "recipient": "str", "supplier": "str",
    "supplier_name": "str", "delivery_year": "int64", "designation": "str", "description": "str",
    "category": "str", "status": "str", "units_delivered": "float64", "tiv_delivered_mn": "float64",
    "is_delivery_year_estimate": "bool", "is_units_estimate": "bool", "split": "str",
}


def load_release(source_id: str, split: str = "equal") -> pd.DataFrame:
    """The tidy transfers of one SIPRI register source (per-year as reported; classic split by ``split``).

    Cached as ``data/processed/sipri__transfers_{source_id}.csv`` with a sidecar naming the input's
    sha256, the split and the hash of the code that made it.
    """
    from khar_analysis.provenance import manifest, processed

    if split not in SPLITS:
        raise ValueError(f"split={split!r} is not one of {SPLITS}")

    def build() -> pd.DataFrame:
        file = manifest.path(source_id)
        if "peryear" in source_id:
            return load_register_peryear(file)
        return split_orders(load_register_classic(file), split)

    params = {"split": split if "peryear" not in source_id else "reported"}
    return processed.cached_table(f"sipri__transfers_{source_id}", [source_id], build, params=params,
                                  code=processed.code_hash(sys.modules[__name__], countries), dtypes=TIDY_DTYPES)


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


def split_sensitivity(orders: dict[str, pd.DataFrame], recipient: str, supplier: str, start: int,
                      end: int) -> pd.DataFrame:
    """``supplier``'s rank and share in ``start..end`` under each split of each classic release."""
    rows = []
    for label, raw in orders.items():
        for split in SPLITS:
            ranking = supplier_ranking(split_orders(raw, split), recipient, start, end)
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


def release_label(source_id: str) -> str:
    """A short label for a SIPRI source: its release and file format, e.g. 'March-2025 release, per-year'."""
    from khar_analysis.provenance import manifest

    src = manifest.get(source_id)
    match = re.search(r"(\w+-\d{4}) release", src.release)
    release = f"{match.group(1)} release" if match else f"generated {src.data_generated}"
    return f"{release}, {'per-year' if 'peryear' in source_id else 'classic'}"
