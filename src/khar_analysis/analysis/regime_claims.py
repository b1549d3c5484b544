"""Regime family, the parts the verdicts need beyond :mod:`regime`: evidence rows, class margins, and the
claims on a regime's kind and its consolidation (REGIME-3, REGIME-4).

* :func:`evidence_rows`: the index rows a verdict rests on, each with its ``source_id``;
* :func:`autocracy_inputs` (REGIME-4): the country is in an autocratic class of every class index, every year;
* :func:`consolidation_inputs` (REGIME-3, per country): still an autocracy after the break, and no
  liberalisation: no continuous index rose by the democratisation-episode threshold or more.

The threshold is a share of each index's range, the mirror of REGIME-1's margin: V-Dem's Episodes of
Regime Transformation count a democratisation episode from a cumulative rise of 0.10 on the 0-1 EDI (ERT
package, https://github.com/vdeminstitute/ERT , ``get_eps(cum_incl = 0.1)``). Which class codes count as
autocratic is a notebook parameter (``autocratic_classes``: the highest autocratic code of each class series).
"""

from __future__ import annotations

import pandas as pd

from khar_analysis.analysis.regime import class_margin, series_name
from khar_analysis.sources import eiu, freedomhouse, vdem

_LABELS = {"vdem": vdem.ROW_CLASSES, "fiw": freedomhouse.CLASSES, "eiu": eiu.CLASSES}

#: Columns of an evidence table built from the tidy index table.
EVIDENCE_COLUMNS = ["source_id", "series", "country", "edition", "data_year", "value", "scale"]


def evidence_rows(tidy: pd.DataFrame, series_list: list[str], countries: list[str], first_year: int,
                  last_year: int | None = None) -> pd.DataFrame:
    """The rows of ``series_list`` for ``countries`` with ``first_year <= data_year <= last_year`` (no upper
    bound when ``last_year`` is None), each with its ``source_id``, sorted by series, country and year."""
    sel = tidy[tidy["series"].isin(series_list) & tidy["country"].isin(countries)
               & (tidy["data_year"] >= first_year)]
    if last_year is not None:
        sel = sel[sel["data_year"] <= last_year]
    if sel.empty:
        raise KeyError(f"no rows for {series_list} and {countries} from {first_year}")
    out = sel.rename(columns={"source": "source_id"})[EVIDENCE_COLUMNS]
    return out.sort_values(["series", "country", "data_year"], kind="mergesort").reset_index(drop=True)


def evidence_spec(tidy: pd.DataFrame, series_list: list[str], countries: list[str], first_year: int,
                  last_year: int | None = None) -> dict:
    """:func:`evidence_rows` with the filter in words and in code (``table``, ``words``, ``code``: the
    keyword arguments of ``claims.evidence`` but its ``sources``)."""
    upper = f" and data_year <= {last_year}" if last_year is not None else ""
    return {"table": evidence_rows(tidy, series_list, countries, first_year, last_year),
            "words": f"index rows of {', '.join(series_list)} for {', '.join(countries)}, data years from "
                     f"{first_year}" + (f" to {last_year}" if last_year is not None else ""),
            "code": f"series in {series_list} and country in {countries} and data_year >= {first_year}{upper}"}


def _classes(tidy: pd.DataFrame, series: str, country: str, first_year: int) -> pd.DataFrame:
    sel = tidy[(tidy["series"] == series) & (tidy["country"] == country) & (tidy["data_year"] >= first_year)]
    if sel.empty:
        raise KeyError(f"no rows for series {series!r} and country {country!r} from {first_year}")
    return sel.sort_values("data_year", kind="mergesort")


def _class_text(tidy: pd.DataFrame, series: str, country: str, first_year: int) -> tuple[list[int], str]:
    sel = _classes(tidy, series, country, first_year)
    names = _LABELS[sel["index"].iloc[0]]
    codes = [int(v) for v in sel["value"]]
    years = f"{int(sel['data_year'].min())}-{int(sel['data_year'].max())}"
    return codes, f"{series_name(series)}: {' / '.join(names[c] for c in sorted(set(codes)))} in {years}"


def autocracy_inputs(tidy: pd.DataFrame, autocratic: dict[str, int], primary: str, country: str,
                     first_year: int) -> dict:
    """REGIME-4's observation: ``country`` is in an autocratic class (code ``<= autocratic[series]``) in every
    year from ``first_year``, by ``primary`` (observed) and by each other series of ``autocratic`` (variants).

    Returns ``observed``, ``variants``, ``observed_text`` and ``margin`` (``value, unit, against`` for
    ``claims.margin``: class steps of ``primary`` to the first non-autocratic class)."""
    texts, variants = [], {}
    for series, top in autocratic.items():
        codes, text = _class_text(tidy, series, country, first_year)
        texts.append(text)
        if series == primary:
            observed, steps = max(codes) <= top, class_margin(codes, top, every_year=True)
        else:
            variants[text] = max(codes) <= top
    against = f"below the first non-autocratic class of {series_name(primary)}"
    return {"observed": observed, "variants": variants, "observed_text": "; ".join(texts),
            "margin": (steps, "classes", against)}


def improvement_pct(rows: pd.DataFrame, first_year: int) -> tuple[float, int]:
    """The rise towards more freedom from ``first_year`` to the series' last year, in percent of its range
    (negative: a fall), and that last year. The series must hold ``first_year`` and one scale only."""
    if rows["scale"].nunique() != 1:
        raise ValueError(f"series spans several scales {sorted(set(rows['scale']))}; compare within one only")
    rows = rows.sort_values("data_year", kind="mergesort")
    start = rows.loc[rows["data_year"] == first_year, "value"]
    if start.empty:
        raise KeyError(f"no value in {first_year}")
    last = rows.iloc[-1]
    sign = 1.0 if last["direction"] == "higher_freer" else -1.0
    span = float(last["scale_max"] - last["scale_min"])
    return sign * 100 * (float(last["value"]) - float(start.iloc[0])) / span, int(last["data_year"])


def consolidation_inputs(tidy: pd.DataFrame, autocratic: dict[str, int], primary: str, trend_series: list[str],
                         country: str, break_year: int, threshold_pct: float) -> dict:
    """One country's part of REGIME-3: after ``break_year`` still an autocracy and no liberalisation.

    Observed (``True``/``False``): ``primary`` (a class series) stays in an autocratic class every year from
    ``break_year``, and no series of ``trend_series`` rose by ``threshold_pct`` percent of its range or more
    from ``break_year`` to its last year. Its margin (``% of range``): ``threshold_pct`` minus the largest
    rise (when the class holds). Variants: each other class series in an autocratic class; and, the stronger
    reading of consolidation as further hardening, each continuous series fell by ``threshold_pct`` or more.
    """
    codes, class_text = _class_text(tidy, primary, country, break_year)
    is_autocracy = max(codes) <= autocratic[primary]
    rises, parts, variants = {}, [], {}
    for series in trend_series:
        rows = tidy[(tidy["series"] == series) & (tidy["country"] == country)]
        rise, last = improvement_pct(rows, break_year)
        rises[series] = rise
        parts.append(f"{series_name(series)} {break_year}->{last} {rise:+.1f}% of range")
        variants[f"{series_name(series)}: fell at least {threshold_pct:g}% of range after {break_year}"] = \
            -rise >= threshold_pct
    for series, top in autocratic.items():
        if series != primary:
            other, text = _class_text(tidy, series, country, break_year)
            variants[f"{text} (autocratic class)"] = max(other) <= top
    worst = max(rises, key=lambda s: (rises[s], s))
    room = threshold_pct - rises[worst]
    observed = bool(is_autocracy and room > 0)
    margin = (room, "% of range", f"below a democratisation episode ({threshold_pct:g}% of range; largest rise "
                                  f"{series_name(worst)} {rises[worst]:+.1f})") if is_autocracy else \
        (float(class_margin(codes, autocratic[primary], every_year=True)), "classes",
         f"below the first non-autocratic class of {series_name(primary)}")
    return {"observed": observed, "variants": variants, "margin": margin,
            "observed_text": f"{country}: {class_text}; " + "; ".join(parts)}
