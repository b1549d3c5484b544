"""The one tidy layout shared by the democracy and press-freedom indices (family F, claims REGIME-1/2).

Every loader (:mod:`vdem`, :mod:`freedomhouse`, :mod:`rsf`, :mod:`eiu`) returns rows with
:data:`TIDY_COLUMNS`: one row per **series** (one indicator of one release, e.g. ``vdem_v15:v2x_polyarchy``,
``fiw:Total``, ``rsf:score``), country (ISO3 through :mod:`countries`) and data year, with the value's
``scale`` (its comparability segment: only rows with the same scale may be compared), bounds and
``direction``. Both the publisher's ``edition`` and the ``data_year`` it describes are kept
(``data_year = edition - EDITION_OFFSET[index]``):

* Freedom House: edition N covers calendar year N-1 (FIW 2025 = 2024);
* RSF: an edition published in spring of year N mostly reflects year N-1;
* EIU: the index is named after the year assessed (the 2024 index was published early 2025);
* V-Dem: coded per calendar year; no edition, but the *release* (v14, v15, v16) matters because each
  release revises back data: never compare years across releases.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from khar_analysis.core import countries
from khar_analysis.core.layout_checks import expect_true

#: Columns of every tidy index table, in order.
TIDY_COLUMNS = [
    "source", "series", "index", "release", "indicator", "country", "edition", "data_year", "value",
    "scale", "scale_min", "scale_max", "direction",
]
#: ``direction`` values: which way is freer / more democratic.
HIGHER_FREER = "higher_freer"
LOWER_FREER = "lower_freer"
#: data_year = edition - offset, per index (V-Dem has releases, not editions).
EDITION_OFFSET = {"fiw": 1, "rsf": 1, "eiu": 0}


def finish(rows: pd.DataFrame, source: str, index: str, release: str) -> pd.DataFrame:
    """Finish a loader's rows: fill the common columns, order them, sort (stable) and check uniqueness."""
    out = rows.copy()
    out["source"] = source
    out["index"] = index
    out["release"] = release
    if "series" not in out:
        out["series"] = index + ":" + out["indicator"]
    if "edition" not in out:
        out["edition"] = pd.NA
    out["edition"] = out["edition"].astype("Int64")
    out["data_year"] = out["data_year"].astype(int)
    out["value"] = out["value"].astype(float)
    out = out[TIDY_COLUMNS].sort_values(["series", "country", "data_year"], kind="mergesort")
    dup = out.duplicated(["series", "country", "data_year"])
    expect_true(source, not dup.any(), f"duplicate series/country/year rows: {out[dup].head(3).to_dict('records')}")
    return out.reset_index(drop=True)


def check_codes(file: Path, names: pd.Series, codes: pd.Series) -> pd.Series:
    """Map ``names`` through the project's country mapping and check they agree with the file's codes."""
    mapped = pd.Series(countries.harmonise(names, file.name), index=names.index)
    bad = mapped.ne(codes.astype(str))
    expect_true(file, not bad.any(),
                f"country names and codes disagree: {sorted(set(zip(names[bad], codes[bad], strict=True)))[:5]}")
    return mapped


def check_range(file: Path, tidy: pd.DataFrame) -> None:
    """Every bounded value lies within its scale."""
    bounded = tidy[tidy["scale_max"].notna()]
    bad = bounded[(bounded["value"] < bounded["scale_min"]) | (bounded["value"] > bounded["scale_max"])]
    expect_true(file, bad.empty, f"values outside their scale: {bad.head(3).to_dict('records')}")
