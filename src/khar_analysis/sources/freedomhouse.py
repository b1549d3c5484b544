"""Freedom House, *Freedom in the World* (editions 2013-2025), as tidy rows (:mod:`index_tables`).

Methodology: https://freedomhouse.org/reports/freedom-world/freedom-world-research-methodology . Edition N
covers calendar year N-1. Scores: 25 indicators of 0-4 points in subcategories A-C (political rights,
PR 0-40) and D-G (civil liberties, CL 0-60), Total 0-100; status Free / Partly Free / Not Free.

Known oddities of the file (each handled below; anything else fails loudly):

* a title line precedes the header; ``;``-separated, CRLF line ends; ``Add A`` holds ``N/A``;
* ``Add Q`` (0-4, a deliberate change of a territory's ethnic composition) is *subtracted* from PR, so PR
  and Total can fall below 0 (Nagorno-Karabakh, edition 2024);
* Nagorno-Karabakh is rated as a territory and has no ISO code (pseudo-code ``_NKR`` in
  ``resources/country_names.csv``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd

from khar_analysis.core import countries
from khar_analysis.core.layout_checks import expect_equal, expect_true, read_text_strict
from khar_analysis.sources.identity import SourceRecord, expect_countries, naming, no_options
from khar_analysis.sources.index_tables import EDITION_OFFSET, HIGHER_FREER, LOWER_FREER, finish

HEADER = [
    "Country/Territory", "Region", "C/T", "Edition", "Status", "PR rating", "CL rating", "A1", "A2", "A3", "A",
    "B1", "B2", "B3", "B4", "B", "C1", "C2", "C3", "C", "Add Q", "Add A", "PR", "D1", "D2", "D3", "D4", "D", "E1",
    "E2", "E3", "E", "F1", "F2", "F3", "F4", "F", "G1", "G2", "G3", "G4", "G", "CL", "Total",
]
#: Freedom House scores kept, with their nominal range (Add Q is a deduction of 0-4 points).
SCORES = {"Total": (0, 100), "PR": (0, 40), "CL": (0, 60), "A": (0, 12), "B": (0, 16), "C": (0, 12),
              "D": (0, 16), "E": (0, 12), "F": (0, 16), "G": (0, 16), "D1": (0, 4), "Add Q": (0, 4)}
STATUS = {"NF": 0, "PF": 1, "F": 2}
CLASSES = {0: "Not Free", 1: "Partly Free", 2: "Free"}


def load_fiw(file: Path, src: SourceRecord, **options: Any) -> pd.DataFrame:
    """Loader ``fiw_extract``: Freedom House's FIW 2013-2025 data lines as tidy rows (scores and status).

    Checks that PR = A + B + C - Add Q, CL = D + E + F + G and Total = PR + CL on every line, so a
    misread column cannot pass silently, and that the countries are those the record names. Status is
    coded 0 Not Free, 1 Partly Free, 2 Free.
    """
    no_options(src, options)
    with naming(src):
        return _read_fiw(file, src)


def _read_fiw(file: Path, src: SourceRecord) -> pd.DataFrame:
    text = read_text_strict(file, "ascii")
    lines = text.splitlines()
    expect_true(file, lines[0].startswith("Freedom in the World 2013-2025 Raw Data"),
                f"line 1 should be the title line, found {lines[0][:50]!r}")
    raw = pd.read_csv(io.StringIO("\n".join(lines[1:])), sep=";", dtype=str, keep_default_na=False)
    expect_equal(file, "header on line 2", HEADER, list(raw.columns))
    num = {c: pd.to_numeric(raw[c]) for c in HEADER[7:] if c != "Add A"}
    for total, parts, minus in (("PR", ["A", "B", "C"], "Add Q"), ("CL", ["D", "E", "F", "G"], None),
                                ("Total", ["PR", "CL"], None)):
        calc = sum(num[p] for p in parts) - (num[minus] if minus else 0)
        bad = calc.ne(num[total])
        expect_true(file, not bad.any(), f"{total} differs from the sum of {parts} on {int(bad.sum())} line(s)")
    unknown = sorted(set(raw["Status"]) - set(STATUS))
    expect_true(file, not unknown, f"unknown status values {unknown}")
    country = pd.Series(countries.harmonise(raw["Country/Territory"], file.name), index=raw.index)
    expect_countries(src, country)
    edition = raw["Edition"].astype(int)
    base = {"country": country, "edition": edition, "data_year": edition - EDITION_OFFSET["fiw"]}
    parts = []
    for col, (lo, hi) in SCORES.items():
        parts.append(pd.DataFrame({**base, "indicator": col, "value": num[col], "scale": f"FIW {col} {lo}-{hi}",
                                   "scale_min": float(lo), "scale_max": float(hi),
                                   "direction": LOWER_FREER if col == "Add Q" else HIGHER_FREER}))
    parts.append(pd.DataFrame({**base, "indicator": "Status", "value": raw["Status"].map(STATUS),
                               "scale": "FIW status 0-2 (" + ", ".join(f"{k} {v}" for k, v in CLASSES.items())
                               + ")", "scale_min": 0.0, "scale_max": 2.0, "direction": HIGHER_FREER}))
    return finish(pd.concat(parts, ignore_index=True), src.id, "fiw", "FIW 2013-2025")
