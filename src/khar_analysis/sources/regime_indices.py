"""Wiring for the regime family (claims REGIME-1, REGIME-2): every democracy and press-freedom index in
one tidy table (:mod:`index_tables`), from source ids the notebook passes.

Each file is read by the loader its manifest record names (:mod:`registry`: :mod:`vdem`,
:mod:`freedomhouse`, :mod:`rsf`, :mod:`eiu`), and the cross-checks between files are made on loading.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from khar_analysis.core.layout_checks import expect_true
from khar_analysis.core.paths import Layout
from khar_analysis.sources import registry, rsf, vdem


@dataclass
class Indices:
    """The tidy table of every index (one row per series, country, year) and the checks made on loading."""

    tidy: pd.DataFrame
    vdem_check: pd.DataFrame
    rsf_check: pd.DataFrame

    def coverage(self) -> pd.DataFrame:
        """Per series: countries, first and last data year, scale(s), direction and source file id."""
        g = self.tidy.groupby("series", sort=True)
        return pd.DataFrame({
            "countries": g["country"].agg(lambda s: " ".join(sorted(set(s)))),
            "first_year": g["data_year"].min(), "last_year": g["data_year"].max(),
            "scales": g["scale"].agg(lambda s: " | ".join(dict.fromkeys(s))),
            "direction": g["direction"].agg(lambda s: " ".join(sorted(set(s)))),
            "source": g["source"].agg(lambda s: " ".join(sorted(set(s)))),
        })


def load_indices(wanted: list[str], *, vdem_extract: str, vdem_csv: str, vdem_expression_json: str, vdem_json: str,
                 fiw: str, rsf_series: str, rsf_raw: str, eiu: str, lay: Layout | None = None) -> Indices:
    """Every index for the ISO3 codes ``wanted``, one row per value; the arguments are manifest source ids.

    V-Dem: EDI/LDI of ``vdem_csv``'s release come from that unmodified CSV; freedom of expression from
    ``vdem_expression_json`` (the same release) and everything of ``vdem_json``'s release from that JSON; the
    extract's rows of those releases must equal those files (:func:`vdem.check_extract`), and only its
    other release (v14, the only one with Azerbaijan's ``v2x_regime``) is used from it. RSF's series is
    checked against RSF's own latest CSV (:func:`rsf.check_decoding`).
    """
    extract = registry.load(vdem_extract, lay)
    extract = extract[extract["country"].isin(wanted)]
    csv = registry.load(vdem_csv, lay, wanted=wanted)
    expression = registry.load(vdem_expression_json, lay, wanted=wanted, indicators=("v2x_freexp_altinf",))
    json_all = registry.load(vdem_json, lay, wanted=wanted)
    vdem_check = vdem.check_extract(extract, [csv, expression, json_all])
    checked = set(pd.concat([csv, expression, json_all])["release"])
    press = registry.load(rsf_series, lay)
    rsf_check = rsf.check_decoding(press, registry.load(rsf_raw, lay))
    parts = [extract[~extract["release"].isin(checked)], csv, expression, json_all, registry.load(fiw, lay), press,
             registry.load(eiu, lay)]
    tidy = pd.concat(parts, ignore_index=True)
    tidy = tidy[tidy["country"].isin(wanted)]
    tidy = tidy.sort_values(["series", "country", "data_year"], kind="mergesort").reset_index(drop=True)
    expect_true("indices", not tidy.duplicated(["series", "country", "data_year"]).any(), "duplicate rows")
    return Indices(tidy, vdem_check, rsf_check)
