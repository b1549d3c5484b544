"""World Bank WITS "All years trade summary" country files as tidy rows (US$ millions and percent).

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

Identity: the file must hold one reporter, the one the manifest record names (``format.reporter``).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from khar_analysis.core import countries
from khar_analysis.core.layout_checks import expect_equal, expect_true, read_text_strict
from khar_analysis.provenance.manifest import Source

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
TIDY_COLUMNS = ["reporter", "flow", "measure", "partner", "partner_name", "product", "classification", "product_code",
                "year", "usd_mn", "share_pct"]
_YEAR = re.compile(r"^\d{4}$")


def classify(product: str) -> tuple[str, str]:
    """``(classification, code)`` of a WITS product group (both empty for ``All Products``)."""
    if product in STAGES:
        return "stage of processing", STAGES[product]
    return ("HS sector", HS_SECTORS[product]) if product in HS_SECTORS else ("", "")


def _records(file: Path, rows: list[list[str]], header: list[str], years: list[str]) -> list[tuple]:
    """``(reporter_name, flow, measure, partner_name, product, year, unit, value)`` for every non-blank cell
    of the indicators read (:data:`INDICATORS`); checks each row's width and partner/product pairing."""
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
    return records


def load_trade_summary(file: Path, src: Source, **options) -> pd.DataFrame:
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
    records = _records(file, rows, header, years)
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
    wide["classification"], wide["product_code"] = zip(*(classify(p) for p in wide["product"]), strict=True)
    expected = src.format.get("reporter")
    expect_true(file, expected is None or set(wide["reporter"]) == {expected},
                f"reporter {sorted(set(wide['reporter']))}, but the manifest record {src.id} says {expected}")
    out = wide[TIDY_COLUMNS].sort_values(["flow", "measure", "partner", "product", "year"], kind="mergesort")
    return out.reset_index(drop=True)
