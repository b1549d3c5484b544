"""EIU Democracy Index (overall score 0-10), as republished by Our World in Data, as tidy rows (:mod:`index_tables`).

The year is the year assessed (the 2024 index was published early 2025); there is no 2007 or 2009
index. Regime classes follow EIU's published thresholds (:data:`CLASSES`; e.g.
https://www.eiu.com/n/campaigns/democracy-index-2024/ ): authoritarian up to 4, hybrid up to 6, flawed
democracy up to 8, full democracy above.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd

from khar_analysis.core.layout_checks import expect_equal, read_text_strict
from khar_analysis.sources.identity import SourceRecord, expect_countries, naming, no_options
from khar_analysis.sources.index_tables import EDITION_OFFSET, HIGHER_FREER, check_codes, check_range, finish

#: EIU regime classes by overall score (EIU: authoritarian <= 4, hybrid <= 6, flawed democracy <= 8).
CLASSES = {0: "authoritarian regime", 1: "hybrid regime", 2: "flawed democracy", 3: "full democracy"}
UPPER = (4.0, 6.0, 8.0)


def regime_class(score: float) -> int:
    """EIU regime class code (:data:`CLASSES`) of an overall score."""
    return next((k for k, upper in enumerate(UPPER) if score <= upper), len(UPPER))


def load_index(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``eiu_owid_csv``: the OWID republication of the EIU Democracy Index: the score (0-10) and its
    regime class, for the countries the record names."""
    no_options(src, options)
    with naming(src):
        return _read_index(file, src)


def _read_index(file: Path, src: SourceRecord) -> pd.DataFrame:
    raw = pd.read_csv(io.StringIO(read_text_strict(file, "utf-8")), dtype=str, keep_default_na=False)
    expect_equal(file, "header", ["Entity", "Code", "Year", "Democracy score"], list(raw.columns))
    year = raw["Year"].astype(int)
    score = pd.to_numeric(raw["Democracy score"])
    country = check_codes(file, raw["Entity"], raw["Code"])
    expect_countries(src, country)
    base = {"country": country, "edition": year,
            "data_year": year - EDITION_OFFSET["eiu"]}
    rows = pd.concat([
        pd.DataFrame({**base, "indicator": "score", "value": score, "scale": "EIU score 0-10", "scale_min": 0.0,
                      "scale_max": 10.0, "direction": HIGHER_FREER}),
        pd.DataFrame({**base, "indicator": "regime_class", "value": score.map(regime_class).astype(float),
                      "scale": "EIU class 0-3 (" + ", ".join(f"{k} {v}" for k, v in CLASSES.items()) + ")",
                      "scale_min": 0.0, "scale_max": 3.0, "direction": HIGHER_FREER}),
    ], ignore_index=True)
    tidy = finish(rows, src.id, "eiu", "OWID grapher")
    check_range(file, tidy)
    return tidy
