"""V-Dem (Varieties of Democracy) Country-Year data, releases v14-v16, as tidy rows (:mod:`index_tables`).

Indicators: ``v2x_polyarchy`` (electoral democracy index, EDI), ``v2x_libdem`` (liberal democracy),
``v2x_freexp_altinf`` (freedom of expression and alternative sources of information), all 0-1, and
``v2x_regime`` (Regimes of the World, :data:`ROW_CLASSES`). Codebook: https://www.v-dem.net/data/the-v-dem-dataset/ .

Known oddities of the files (each handled below; anything else fails loudly):

* no official V-Dem file is reachable; the copies are republications (the mirror's vdem/PROVENANCE.md);
* the five-country extract was cut by the mirror's curator from four files; its v15 and v16 rows are
  checked here against the unmodified files (:func:`check_extract`); its v14 rows come from an R ``.rda``
  that cannot be read here, so they are used as cut. Only v14 has Azerbaijan's ``v2x_regime`` and
  ``v2x_freexp_altinf``; empty cells mean "not in the source", never zero;
* the v15 CSV (a student project) has rows added by the authors' World Bank merge with ``NA`` for the
  country name and every V-Dem value (years before independence): dropped after checking they carry no
  V-Dem value. It spells Turkey ``Türkiye``;
* the JSON files (``{ISO3: {year: {indicator: value}}}``) hold 38 countries, not Azerbaijan or Armenia.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from khar_analysis.core.layout_checks import expect_equal, expect_true, read_text_strict
from khar_analysis.sources.identity import SourceRecord, expect_countries, expect_identity, naming, no_options
from khar_analysis.sources.index_tables import HIGHER_FREER, check_codes, check_range, finish

INDICATORS = ["v2x_polyarchy", "v2x_libdem", "v2x_freexp_altinf", "v2x_regime"]
NAMES = {
    "v2x_polyarchy": "V-Dem electoral democracy (EDI)", "v2x_libdem": "V-Dem liberal democracy (LDI)",
    "v2x_freexp_altinf": "V-Dem freedom of expression", "v2x_regime": "V-Dem Regimes of the World",
}
EXTRACT_COLUMNS = ["vdem_version", "country_text_id", "country_name", "country_id", "year", *INDICATORS,
                        "source_file"]
CSV_COLUMNS = [
    "country_name", "histname", "historical_date", "year", "country_text_id", "country_id", "v2x_polyarchy",
    "v2x_libdem", "v2x_partipdem", "v2x_delibdem", "v2x_egaldem", "country", "iso3c", "gdp_per_capita", "gdp",
    "population", "gini", "region", "continent",
]
#: Regimes of the World (Lührmann, Tannenberg & Lindberg 2018), V-Dem's ``v2x_regime``.
ROW_CLASSES = {0: "closed autocracy", 1: "electoral autocracy", 2: "electoral democracy", 3: "liberal democracy"}


def _long_rows(wide: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """Wide V-Dem rows (country, data_year, release, indicators) -> long rows with scale and direction."""
    long = wide.melt(id_vars=["country", "data_year", "release"], value_vars=indicators, var_name="indicator")
    long = long[long["value"].notna()].copy()
    long["series"] = "vdem_" + long["release"] + ":" + long["indicator"]
    is_class = long["indicator"].eq("v2x_regime")
    long["scale"] = np.where(is_class, "RoW class 0-3 (" + ", ".join(f"{k} {v}" for k, v in ROW_CLASSES.items())
                             + ")", "V-Dem index 0-1")
    long["scale_min"] = 0.0
    long["scale_max"] = np.where(is_class, 3.0, 1.0)
    long["direction"] = HIGHER_FREER
    return long


def releases(src: SourceRecord) -> list[str]:
    """The V-Dem releases (``v14`` ...) a manifest record's ``release`` names, in order."""
    found = re.findall(r"\bv\d{2}\b", src.release)
    expect_identity(src, "V-Dem release named in the record", True, bool(found))
    return found


def _one_release(src: SourceRecord) -> str:
    found = releases(src)
    expect_identity(src, "number of V-Dem releases named in the record", 1, len(found))
    return found[0]


def load_extract(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``vdem_extract``: the mirror's five-country V-Dem extract (releases v14, v15, v16) as tidy rows.

    Empty cells (a variable the source file did not carry) are dropped, not read as zero. The releases
    and countries must be those the record names.
    """
    no_options(src, options)
    with naming(src):
        return _read_extract(file, src)


def _read_extract(file: Path, src: SourceRecord) -> pd.DataFrame:
    text = read_text_strict(file, "utf-8")
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    expect_equal(file, "header", EXTRACT_COLUMNS, list(raw.columns))
    found = sorted(set(raw["vdem_version"]))
    expect_equal(file, "V-Dem releases", ["v14", "v15", "v16"], found)
    expect_identity(src, "V-Dem releases", sorted(releases(src)), found)
    expect_countries(src, raw["country_text_id"])
    wide = pd.DataFrame({
        "country": check_codes(file, raw["country_name"], raw["country_text_id"]),
        "data_year": raw["year"].astype(int), "release": raw["vdem_version"],
    })
    for col in INDICATORS:
        wide[col] = pd.to_numeric(raw[col].replace("", pd.NA))
    long = _long_rows(wide, INDICATORS)
    tidy = pd.concat([finish(part, src.id, "vdem", release)
                      for release, part in long.groupby("release", sort=True)], ignore_index=True)
    check_range(file, tidy)
    return tidy


def load_csv(file: Path, src: SourceRecord, *, wanted: list[str]) -> pd.DataFrame:
    """Loader ``vdem3_csv``: ``v2x_polyarchy`` and ``v2x_libdem`` for the ISO3 codes ``wanted`` from the
    student CSV, labelled with the one release its record names.

    The file's other V-Dem indices and its World Bank columns are not used.
    """
    release = _one_release(src)
    with naming(src):
        return _read_csv(file, src.id, release, wanted)


def _read_csv(file: Path, source: str, release: str, wanted: list[str]) -> pd.DataFrame:
    raw = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    expect_equal(file, "header", CSV_COLUMNS, list(raw.columns))
    raw = raw[raw["country_text_id"].isin(wanted)]
    merged_only = raw["country_name"].eq("NA")
    stray = raw.loc[merged_only, ["v2x_polyarchy", "v2x_libdem"]].ne("NA").any(axis=None)
    expect_true(file, not stray, "rows without a country name carry V-Dem values (expected World-Bank-only rows)")
    raw = raw[~merged_only]
    wide = pd.DataFrame({
        "country": check_codes(file, raw["country_name"], raw["country_text_id"]),
        "data_year": raw["year"].astype(int), "release": release,
        "v2x_polyarchy": pd.to_numeric(raw["v2x_polyarchy"].replace("NA", pd.NA)),
        "v2x_libdem": pd.to_numeric(raw["v2x_libdem"].replace("NA", pd.NA)),
    })
    tidy = finish(_long_rows(wide, ["v2x_polyarchy", "v2x_libdem"]), source, "vdem", release)
    check_range(file, tidy)
    return tidy


def load_json(file: Path, src: SourceRecord, *, wanted: list[str],
              indicators: tuple[str, ...] = ("v2x_polyarchy", "v2x_libdem", "v2x_freexp_altinf")) -> pd.DataFrame:
    """Loader ``vdem_static_json``: ``indicators`` for the ISO3 codes ``wanted`` from a ``{ISO3: {year:
    {indicator: value}}}`` V-Dem JSON, labelled with the one release its record names."""
    release = _one_release(src)
    with naming(src):
        return _read_json(file, src.id, release, wanted, indicators)


def _read_json(file: Path, source: str, release: str, wanted: list[str],
               indicators: tuple[str, ...]) -> pd.DataFrame:
    data = json.loads(read_text_strict(file, "utf-8"))
    expect_true(file, isinstance(data, dict) and all(isinstance(v, dict) for v in data.values()),
                "expected an object {ISO3: {year: {indicator: value}}}")
    rows = []
    for code in sorted(set(wanted) & set(data)):
        for year, values in data[code].items():
            missing = [i for i in indicators if i not in values]
            expect_true(file, not missing, f"{code} {year}: indicators {missing} missing")
            rows.append({"code": code, "data_year": int(year), "release": release,
                         **{i: values[i] for i in indicators}})
    wide = pd.DataFrame(rows, columns=["code", "data_year", "release", *indicators])
    wide["country"] = check_codes(file, wide["code"], wide["code"])
    tidy = finish(_long_rows(wide, list(indicators)), source, "vdem", release)
    check_range(file, tidy)
    return tidy


def check_extract(extract: pd.DataFrame, references: list[pd.DataFrame]) -> pd.DataFrame:
    """Compare the extract's rows with the unmodified files they were cut from.

    Returns one row per series: country-years compared, missing in the reference, largest absolute
    difference. Raises :class:`~khar_analysis.core.layout_checks.UnknownLayoutError` on any difference; the
    extract's v14 rows have no readable reference here and are reported as unchecked.
    """
    ref = pd.concat(references, ignore_index=True)
    keys = ["series", "country", "data_year"]
    merged = extract.merge(ref[[*keys, "value", "source"]], on=keys, how="left", suffixes=("", "_ref"),
                           validate="1:1")
    rows = []
    for series, part in merged.groupby("series", sort=True):
        checked = part["value_ref"].notna()
        diff = float((part["value"] - part["value_ref"]).abs().max()) if checked.any() else math.nan
        rows.append({"series": series, "rows": len(part), "compared": int(checked.sum()),
                     "reference": ", ".join(sorted(set(part.loc[checked, "source_ref"]))) or "none readable here",
                     "max_abs_diff": diff})
    out = pd.DataFrame(rows)
    referenced = {s for s in ref["series"]}
    bad = out[(out["series"].isin(referenced)) & ((out["compared"] < out["rows"]) | (out["max_abs_diff"] > 0))]
    expect_true("vdem extract", bad.empty, f"the extract differs from its sources: {bad.to_dict('records')}")
    return out
