"""SIPRI Arms Transfers Database: the per-year register, the classic register and the TIV table as tidy rows.

Sources and method: https://www.sipri.org/databases/armstransfers/sources-and-methods.
TIV (trend-indicator value, millions) is SIPRI's volume measure of major conventional arms based on
unit production costs; it is *not* the financial value of deals, and covers no small arms or ammunition.

Known oddities of the files (each is handled explicitly below, and anything else fails loudly):

* per-year register: every line ends with a stray ``;`` from SIPRI's exporter, CRLF line ends;
* classic register: the ``?`` uncertainty flags sit in columns with a blank header ``" "`` after the
  column they qualify; ``Year(s) of delivery`` is a ``; ``-separated list with no per-year split;
* SIPRI spells Turkey ``Turkiye`` (mapped in ``resources/country_names.csv``); ``unknown supplier(s)``
  maps to the pseudo-code ``_UNK``;
* TIV table: an empty cell means no deliveries, ``0`` means between 0 and 0.5 (rounded);
* the headers name the query ("from All countries to All countries"), not the extract: the mirror keeps
  the rows of the recipients the manifest record lists (``format.recipients``); the file must hold
  exactly those (checked here).

Identity: the ``Data generated`` date must equal the record's ``data_generated``.
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
from khar_analysis.provenance import manifest, processed
from khar_analysis.provenance.manifest import Source
from khar_analysis.sources import registry
from khar_analysis.sources.identity import expect_identity

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
#: Column types of the tidy table as stored in ``data/processed/sipri__transfers_*.csv``.
TIDY_DTYPES = {
    "release": "str", "file_format": "str", "deal_id": "Int64", "recipient": "str", "supplier": "str",
    "supplier_name": "str", "delivery_year": "int64", "designation": "str", "description": "str",
    "category": "str", "status": "str", "units_delivered": "float64", "tiv_delivered_mn": "float64",
    "is_delivery_year_estimate": "bool", "is_units_estimate": "bool", "split": "str",
}
SPLITS = ("equal", "first_year", "last_year")
#: ``format.loader`` names of the two register layouts (keys of ``sources.registry.LOADERS``).
PERYEAR_LOADER = "sipri_register_peryear"
CLASSIC_LOADER = "sipri_register_classic"
_GENERATED = re.compile(r"^Data generated: (\d{1,2} \w{3} \d{4})")


def _release(lines: list[str], file: Path, line_no: int, src: Source) -> str:
    """The 'Data generated' date on ``line_no`` (1-based) as ISO yyyy-mm-dd; must be the record's date."""
    match = _GENERATED.match(lines[line_no - 1]) if len(lines) >= line_no else None
    expect_true(file, match is not None,
                f"line {line_no} should read 'Data generated: <date>', found {lines[line_no - 1][:60]!r}"
                if len(lines) >= line_no else f"file has only {len(lines)} lines")
    release = pd.to_datetime(match.group(1), format="%d %b %Y").date().isoformat()
    expect_true(file, release == src.data_generated,
                f"generated {release}, but the manifest record {src.id} says {src.data_generated} (another file?)")
    return release


def check_recipients(file: Path, src: Source, recipients: pd.Series) -> None:
    """The file's recipient codes are exactly the record's ``format.recipients`` (when it lists any).

    A file of another recipient, or one lacking a listed recipient, pinned under the record's id fails
    naming the source id: a missing recipient would otherwise read as "no deliveries".
    """
    listed = sorted(set(src.format.get("recipients") or []))
    if listed:
        expect_identity(src, "recipients", listed, sorted(set(recipients)))


def load_register_peryear(file: Path, src: Source, **options) -> pd.DataFrame:
    """Load SIPRI's per-delivery-year trade register (one row per deal x delivery year) as tidy rows.

    ``tiv_delivered_mn`` is SIPRI's "TIV delivery values" (= units delivered that year x TIV deal unit).
    """
    lines = read_text_strict(file, "ascii").splitlines()
    release = _release([ln.rstrip(";") for ln in lines], file, 11, src)
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
    check_recipients(file, src, out["recipient"])
    return out[TIDY_COLUMNS]


def load_register_classic(file: Path, src: Source, **options) -> pd.DataFrame:
    """Load SIPRI's classic per-order trade register: one row per order, delivery years listed.

    Encoding is ISO-8859-1 for SIPRI's full exports (the kept AZE/ARM lines are ASCII).
    """
    lines = read_text_strict(file, "latin-1").splitlines()
    release = _release(lines, file, 11, src)
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
    check_recipients(file, src, raw["recipient"])
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


def all_splits(orders: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The classic ``orders`` spread by every split in :data:`SPLITS` (split -> tidy table)."""
    return {split: split_orders(orders, split) for split in SPLITS}


def load_tiv_imports(file: Path, src: Source, **options) -> pd.DataFrame:
    """Load SIPRI's TIV import table (recipient x year, all suppliers summed) as tidy rows.

    Returns ``recipient, delivery_year, tiv_mn, is_below_half, release``: empty cells (no deliveries)
    become 0.0; SIPRI's ``0`` (0 < TIV < 0.5) becomes 0.0 with ``is_below_half`` True.
    """
    lines = read_text_strict(file, "ascii").splitlines()
    expect_true(file, lines[0].startswith("Volume of transfers of major arms"),
                f"line 1 should be the TIV table title, found {lines[0][:50]!r}")
    release = _release(lines, file, 8, src)
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
    check_recipients(file, src, out["recipient"])
    out["release"] = release
    return out


# --- wiring: manifest and processed-table cache ---------------------------------------------------

def load_release(source_id: str, split: str = "equal") -> pd.DataFrame:
    """The tidy transfers of one SIPRI register source (per-year as reported; classic split by ``split``).

    The record's ``format.loader`` says which register layout the file has. Cached as
    ``data/processed/sipri__transfers_{source_id}.csv`` (``..._{split}.csv`` for a classic register spread
    by another rule than ``equal``) with a sidecar naming the input's sha256, the
    split and the hash of the code that made it.
    """
    if split not in SPLITS:
        raise ValueError(f"split={split!r} is not one of {SPLITS}")
    kind = manifest.get(source_id).format.get("loader")
    if kind not in (PERYEAR_LOADER, CLASSIC_LOADER):
        raise registry.NoLoaderError(f"{source_id}: format.loader {kind!r} is not a SIPRI trade register "
                                     f"({PERYEAR_LOADER} or {CLASSIC_LOADER})")

    def build() -> pd.DataFrame:
        table = registry.load(source_id)
        return table if kind == PERYEAR_LOADER else split_orders(table, split)

    params = {"split": split if kind == CLASSIC_LOADER else "reported"}
    # one file per split, so that reading every split (ARMS-R) does not rewrite one cache file in turn
    suffix = f"_{split}" if kind == CLASSIC_LOADER and split != "equal" else ""
    return processed.cached_table(f"sipri__transfers_{source_id}{suffix}", [source_id], build, params=params,
                                  code=processed.code_hash(sys.modules[__name__], countries), dtypes=TIDY_DTYPES)


def release_label(source_id: str) -> str:
    """A short label for a SIPRI register source: release and file format, e.g. 'March-2025 release, per-year'."""
    src = manifest.get(source_id)
    match = re.search(r"(\w+-\d{4}) release", src.release)
    release = f"{match.group(1)} release" if match else f"generated {src.data_generated}"
    return f"{release}, {'per-year' if src.format.get('loader') == PERYEAR_LOADER else 'classic'}"


def releases_by_split(source_ids: list[str]) -> dict[str, dict[str, pd.DataFrame]]:
    """Every register source under every split rule that applies to it: source id -> split -> transfers.

    The per-year register reports deliveries by year, so it appears once (``reported``); a classic
    register is spread by each rule in :data:`SPLITS`, since SIPRI gives no per-year split for it.
    """
    out: dict[str, dict[str, pd.DataFrame]] = {}
    for source_id in source_ids:
        if manifest.get(source_id).format.get("loader") == PERYEAR_LOADER:
            out[source_id] = {"reported": load_release(source_id)}
        else:
            out[source_id] = {split: load_release(source_id, split) for split in SPLITS}
    return out


def release_labels(source_ids: list[str]) -> dict[str, str]:
    """:func:`release_label` of each source id."""
    return {source_id: release_label(source_id) for source_id in source_ids}
