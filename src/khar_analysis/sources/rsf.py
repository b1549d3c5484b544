"""Reporters Without Borders (RSF), World Press Freedom Index, as tidy rows (:mod:`index_tables`).

Index: https://rsf.org/en/index ; methodology:
https://rsf.org/en/methodology-used-compiling-world-press-freedom-index .
An edition published in spring of year N mostly reflects year N-1; there is no 2011 edition (the 2011-12
edition is filed as 2012). The score changes scale twice (:data:`SCALES`): editions 2002-2012 are
open-ended with 0 = freest; 2013-2021 are 0-100 with higher = freer (as RSF now republishes them: 100
minus the score first published); from 2022 a new methodology (five indicators), 0-100, which RSF says is
not comparable with earlier scores. Ranks are ordinal only.

Known oddities of the files (each handled below; anything else fails loudly):

* the 2002-2025 series was read from RSF's CSVs by R's ``readr``, which took RSF's decimal comma for a
  thousands separator where it parsed a column as numbers: ``score_as_stored`` lost the decimal point
  (``27,99`` -> ``2799``). The score is decoded here from the stored value (:func:`decode_score`) and
  checked against the curator's decoded column and against RSF's own 2025 CSV (:func:`check_decoding`);
* RSF's 2025 CSV: Windows-1252 text, ``;``-separated, decimal comma; Arabic and Farsi names were lost
  to ``?`` in the copy (not used).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from khar_analysis.core.layout_checks import expect_equal, expect_true, read_text_strict
from khar_analysis.sources.identity import SourceRecord, expect_countries, naming, no_options
from khar_analysis.sources.index_tables import EDITION_OFFSET, HIGHER_FREER, LOWER_FREER, check_codes, finish

SERIES_COLUMNS = ["edition", "year_field", "ISO", "country_en", "rank", "score", "score_as_stored",
                  "score_type", "decode_rule", "scale", "source_object", "score_col"]
COLUMNS_2025 = [
    "ISO", "Score 2025", "Rank", "Political Context", "Rank_Pol", "Economic Context", "Rank_Eco", "Legal Context",
    "Rank_Leg", "Social Context", "Rank_Soc", "Safety", "Rank_Saf", "Zone", "Country_FR", "Country_EN",
    "Country_ES", "Country_PT", "Country_AR", "Country_FA", "Year (N)", "Rank N-1", "Rank evolution",
    "Score N-1", "Score evolution",
]


@dataclass(frozen=True)
class Scale:
    """One comparability segment of RSF's score (editions ``first``..``last``)."""

    first: int
    last: int
    label: str
    direction: str
    scale_max: float
    file_prefix: str  # how the mirror's series file labels the segment


#: RSF's scale breaks (https://rsf.org/en/index; rsf/PROVENANCE.md).
SCALES = (
    Scale(2002, 2012, "RSF 2002-2012 (0 = freest, open-ended)", LOWER_FREER, math.nan,
          "old scale (2002-2012 editions)"),
    Scale(2013, 2021, "RSF 2013-2021 as republished (0-100)", HIGHER_FREER, 100.0,
          "2013-2021 editions as republished by RSF"),
    Scale(2022, 9999, "RSF 2022+ methodology (0-100)", HIGHER_FREER, 100.0, "2022+ methodology"),
)
RANK_SCALE = "RSF rank (1 = freest)"
#: Score ranges that make the decoding of a stored RSF score unambiguous (every score of the five
#: countries in every edition lies in it; a value outside fails rather than being guessed).
DECODE_RANGE = (10.0, 100.0)


def scale_of(edition: int) -> Scale:
    """The comparability segment of an RSF edition."""
    for seg in SCALES:
        if seg.first <= edition <= seg.last:
            return seg
    raise ValueError(f"RSF edition {edition} precedes the first edition (2002)")


def decode_score(stored: str, score_type: str) -> float:
    """Decode an RSF score as stored in the 2002-2025 series file.

    ``character`` values kept RSF's decimal comma (``"56,38"`` -> 56.38). ``numeric`` values lost it
    (readr took the comma for a thousands separator): 2 digits are an integer score, 3 digits had one
    decimal (``"716"`` -> 71.6), 4 digits two (``"2799"`` -> 27.99). This is unambiguous only because
    every score lies in :data:`DECODE_RANGE`; a decoded value outside it raises ``ValueError``.
    """
    text = str(stored).strip()
    if score_type == "character":
        value = float(text.replace(",", "."))
    elif score_type == "numeric":
        divisor = {2: 1, 3: 10, 4: 100}.get(len(text))
        if not text.isdigit() or divisor is None:
            raise ValueError(f"stored RSF score {text!r}: expected 2 to 4 digits for a numeric value")
        value = int(text) / divisor
    else:
        raise ValueError(f"stored RSF score type {score_type!r}: expected 'character' or 'numeric'")
    lo, hi = DECODE_RANGE
    if not lo <= value <= hi:
        raise ValueError(f"stored RSF score {text!r} decodes to {value}, outside {lo}-{hi}: the decoding is ambiguous")
    return value


def _score_rank_rows(base: pd.DataFrame, editions: pd.Series, scores: pd.Series, ranks: pd.Series) -> pd.DataFrame:
    """Score and rank rows with each edition's scale segment."""
    segs = [scale_of(int(e)) for e in editions]
    common = {**{c: base[c] for c in base}, "edition": editions,
              "data_year": editions - EDITION_OFFSET["rsf"]}
    score = pd.DataFrame({**common, "indicator": "score", "value": scores, "scale": [s.label for s in segs],
                          "scale_min": 0.0, "scale_max": [s.scale_max for s in segs],
                          "direction": [s.direction for s in segs]})
    rank = pd.DataFrame({**common, "indicator": "rank", "value": ranks.astype(float), "scale": RANK_SCALE,
                         "scale_min": 1.0, "scale_max": math.nan, "direction": LOWER_FREER})
    return pd.concat([score, rank], ignore_index=True)


def load_series(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``rsf_series``: the RSF 2002-2025 series extract; the score is decoded from ``score_as_stored``.

    Checks that each edition's segment matches the file's own ``scale`` label, that the decoded score
    equals the curator's ``score`` column, and that the countries are those the record names.
    """
    no_options(src, options)
    with naming(src):
        return _read_series(file, src)


def _read_series(file: Path, src: SourceRecord) -> pd.DataFrame:
    raw = pd.read_csv(io.StringIO(read_text_strict(file, "utf-8")), dtype=str, keep_default_na=False)
    expect_equal(file, "header", SERIES_COLUMNS, list(raw.columns))
    editions = raw["edition"].astype(int)
    labels = [scale_of(e).file_prefix for e in editions]
    wrong = [(e, s) for e, s, p in zip(editions, raw["scale"], labels, strict=True) if not s.startswith(p)]
    expect_true(file, not wrong, f"scale labels disagree with RSF's breaks (edition, label): {wrong[:3]}")
    try:
        decoded = pd.Series([decode_score(s, t) for s, t in zip(raw["score_as_stored"], raw["score_type"],
                                                                       strict=True)], index=raw.index)
    except ValueError as exc:
        expect_true(file, False, str(exc))
    diff = (decoded - pd.to_numeric(raw["score"])).abs()
    wrong = raw.loc[diff >= 1e-9, "score_as_stored"].tolist()
    expect_true(file, not wrong, f"decoded scores differ from the file's score column: {wrong}")
    base = pd.DataFrame({"country": check_codes(file, raw["country_en"], raw["ISO"])})
    expect_countries(src, base["country"])
    rows = _score_rank_rows(base, editions, decoded, pd.to_numeric(raw["rank"]))
    return finish(rows, src.id, "rsf", "RSF 2002-2025 series")


def _comma_number(col: pd.Series) -> pd.Series:
    return pd.to_numeric(col.str.replace(",", ".", regex=False))


def load_2025(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``rsf_2025_csv``: RSF's own 2025 CSV: edition 2025 (score, rank, five context scores) and 2024
    (``N-1`` columns), for the countries the record names."""
    no_options(src, options)
    with naming(src):
        return _read_2025(file, src)


def _read_2025(file: Path, src: SourceRecord) -> pd.DataFrame:
    text = read_text_strict(file, "cp1252")
    raw = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    expect_equal(file, "header", COLUMNS_2025, list(raw.columns))
    years = sorted(set(raw["Year (N)"]))
    expect_true(file, years == ["2025"], f"Year (N) should be 2025, found {years}")
    base = pd.DataFrame({"country": check_codes(file, raw["Country_EN"], raw["ISO"])})
    expect_countries(src, base["country"])
    n = len(raw)
    ed = pd.Series([2025] * n + [2024] * n)
    rows = _score_rank_rows(pd.concat([base, base], ignore_index=True), ed,
                     pd.concat([_comma_number(raw["Score 2025"]), _comma_number(raw["Score N-1"])], ignore_index=True),
                     pd.concat([pd.to_numeric(raw["Rank"]), pd.to_numeric(raw["Rank N-1"])], ignore_index=True))
    seg = scale_of(2025)
    contexts = {"Political Context": "political_context", "Economic Context": "economic_context",
                "Legal Context": "legal_context", "Social Context": "social_context", "Safety": "safety"}
    for col, name in contexts.items():
        rows = pd.concat([rows, pd.DataFrame({"country": base["country"], "edition": 2025, "data_year": 2024,
                                              "indicator": name, "value": _comma_number(raw[col]),
                                              "scale": seg.label, "scale_min": 0.0, "scale_max": seg.scale_max,
                                              "direction": seg.direction})], ignore_index=True)
    return finish(rows, src.id, "rsf", "RSF 2025 CSV")


def check_decoding(series: pd.DataFrame, raw2025: pd.DataFrame) -> pd.DataFrame:
    """Decoded scores and ranks of the series beside RSF's own 2025 CSV (editions 2024 and 2025).

    Raises :class:`~khar_analysis.core.layout_checks.UnknownLayoutError` if any value differs.
    """
    keys = ["series", "country", "edition"]
    ref = raw2025[raw2025["indicator"].isin(["score", "rank"])]
    out = ref[[*keys, "value"]].merge(series[[*keys, "value"]], on=keys, how="left", suffixes=("_rsf_csv", "_decoded"),
                                      validate="1:1")
    out["matches"] = (out["value_rsf_csv"] - out["value_decoded"]).abs() < 1e-9
    expect_true("rsf series", bool(out["matches"].all()),
                f"decoded series differs from RSF's 2025 CSV: {out[~out['matches']].to_dict('records')}")
    return out.sort_values(keys, kind="mergesort").reset_index(drop=True)
