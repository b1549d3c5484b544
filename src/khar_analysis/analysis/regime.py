"""Regime trajectory (claims REGIME-1, REGIME-2): the computations of notebook ``07_regime`` (its figures
are in :mod:`regime_figures`).

The indices arrive as one tidy table (:mod:`khar_analysis.sources.index_tables`, assembled by
:mod:`khar_analysis.sources.regime_indices` from the source ids the notebook names). Then:

* REGIME-1 (a post-2020 change of kind): :func:`hardening_table` compares each index's post-war change with
  its pre-war linear trend (:func:`trend_break`), :func:`class_transitions` whether a regime class moved to
  the bottom class, :func:`regime1_inputs` turns both into the verdict's observations;
* REGIME-2 (press freedom 2023-2025): :func:`press_table` and :func:`regime2_inputs` measure falls within
  one scale segment, in percent of each index's range, so one margin applies to all.

The margin (a share of each index's range) is the claimed value of REGIME-1 in the register, passed in
by the notebook: 10% follows V-Dem's threshold for a substantial autocratisation episode (a cumulative
fall of 0.10 on the 0-1 EDI; ERT package, https://github.com/vdeminstitute/ERT , ``get_eps(cum_incl = 0.1)``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from khar_analysis.sources import eiu, freedomhouse, vdem
from khar_analysis.sources.index_tables import HIGHER_FREER

SERIES_NAMES = {
    "fiw:Total": "Freedom House total (0-100)", "fiw:Status": "Freedom House status",
    "fiw:D": "Freedom House D, expression and belief (0-16)", "fiw:D1": "Freedom House D1, independent media (0-4)",
    "eiu:score": "EIU Democracy Index", "eiu:regime_class": "EIU class",
    "rsf:score": "RSF score", "rsf:rank": "RSF rank",
}


def series_name(series: str) -> str:
    """A readable name for a series key (``vdem_v15:v2x_polyarchy`` -> ``V-Dem electoral democracy (EDI) v15``)."""
    if series in SERIES_NAMES:
        return SERIES_NAMES[series]
    head, _, indicator = series.partition(":")
    if head.startswith("vdem_") and indicator in vdem.NAMES:
        return f"{vdem.NAMES[indicator]} {head.removeprefix('vdem_')}"
    return series


# --- computations: REGIME-1 ----------------------------------------------------------------------

def select(tidy: pd.DataFrame, series: str, country: str) -> pd.DataFrame:
    """Rows of one series for one country, by data year."""
    sel = tidy[(tidy["series"] == series) & (tidy["country"] == country)]
    if sel.empty:
        raise KeyError(f"no rows for series {series!r} and country {country!r}")
    return sel.sort_values("data_year", kind="mergesort").reset_index(drop=True)


def ols_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Intercept and slope of the least-squares line through (x, y)."""
    design = np.column_stack([np.ones(len(x)), np.asarray(x, dtype=float)])
    coef, *_ = np.linalg.lstsq(design, np.asarray(y, dtype=float), rcond=None)
    return float(coef[0]), float(coef[1])


def _freer(value: float, direction: str) -> float:
    """A value oriented so that higher = freer."""
    return value if direction == HIGHER_FREER else -value


def trend_break(rows: pd.DataFrame, break_year: int, pre_start: int, margin_share: float) -> dict:
    """The post-``break_year`` change of one series against its pre-``break_year`` linear trend.

    * pre-trend: OLS line through ``pre_start .. break_year - 1`` (at least 3 years);
    * post slope: OLS line through ``break_year .. last year`` (at least 2 years);
    * projection: the pre-trend at the last year, clipped to the scale's bounds (an index cannot fall
      below its floor, so a steep pre-trend is not allowed to predict the impossible);
    * ``departure`` = last value - projection; ``change`` = last value - value in ``break_year``;
    * ``margin`` = ``margin_share`` x the scale's range; ``is_hardening``: the series fell after the break
      *and* ended at least ``margin`` below its pre-trend (both in the less-free direction).
    """
    scales = set(rows["scale"])
    if len(scales) != 1:
        raise ValueError(f"series spans several scales {sorted(scales)}; compare within one scale only")
    pre = rows[rows["data_year"].between(pre_start, break_year - 1)]
    post = rows[rows["data_year"] >= break_year]
    if len(pre) < 3 or len(post) < 2 or break_year not in set(post["data_year"]):
        raise ValueError(f"too few years: {len(pre)} before {break_year} (need 3), {len(post)} from it (need 2)")
    a, b = ols_line(pre["data_year"], pre["value"])
    _, b_post = ols_line(post["data_year"], post["value"])
    last = post.iloc[-1]
    lo, hi = float(rows["scale_min"].iloc[0]), float(rows["scale_max"].iloc[0])
    projected = min(max(a + b * last.data_year, lo), hi if not math.isnan(hi) else math.inf)
    at_break = float(post.loc[post["data_year"] == break_year, "value"].iloc[0])
    direction = rows["direction"].iloc[0]
    margin = margin_share * (hi - lo)
    change, departure = float(last.value) - at_break, float(last.value) - projected
    return {
        "pre_years": f"{int(pre['data_year'].min())}-{int(pre['data_year'].max())}",
        "slope_pre_per_year": b, "slope_post_per_year": b_post, "value_at_break": at_break,
        "last_year": int(last.data_year), "value_last": float(last.value), "change": change,
        "projected_last": projected, "departure": departure, "margin": margin,
        "is_hardening": bool(_freer(change, direction) < 0 and _freer(departure, direction) <= -margin + 1e-12),
        "direction": direction,
    }


def hardening_table(tidy: pd.DataFrame, series_list: list[str], countries_: list[str], break_year: int,
                    pre_start: int, margin_share: float) -> pd.DataFrame:
    """:func:`trend_break` for every series and country; ``rank_of_decline`` 1 = largest fall of the countries."""
    rows = []
    for series in series_list:
        for code in countries_:
            res = trend_break(select(tidy, series, code), break_year, pre_start, margin_share)
            rows.append({"series": series, "country": code, **res})
    out = pd.DataFrame(rows)
    out["freer_change"] = [_freer(c, d) for c, d in zip(out["change"], out["direction"], strict=True)]
    out["rank_of_decline"] = out.groupby("series")["freer_change"].rank(method="min").astype(int)
    return out.drop(columns=["freer_change"])


def class_transitions(tidy: pd.DataFrame, series_list: list[str], country: str, break_year: int) -> pd.DataFrame:
    """For each class series: the class in ``break_year`` and after, and whether it moved to the bottom class.

    The bottom class is the least free code of the scale. A series already in its bottom class in
    ``break_year`` cannot register a move into it (``is_bottom_at_break``).
    """
    labels = {"vdem": vdem.ROW_CLASSES, "fiw": freedomhouse.CLASSES, "eiu": eiu.CLASSES}
    rows = []
    for series in series_list:
        sel = select(tidy, series, country)
        names = labels[sel["index"].iloc[0]]
        bottom = int(sel["scale_min"].iloc[0])
        at_break = sel.loc[sel["data_year"] == break_year, "value"]
        if at_break.empty:
            raise KeyError(f"{series}: no {country} value in {break_year}")
        after = sel[sel["data_year"] > break_year]
        after_codes = sorted({int(v) for v in after["value"]})
        rows.append({
            "series": series, "country": country, "class_at_break": names[int(at_break.iloc[0])],
            "classes_after": " / ".join(names[c] for c in after_codes) if after_codes else "none",
            "years_after": f"{int(after['data_year'].min())}-{int(after['data_year'].max())}" if len(after) else "",
            "bottom_class": names[bottom], "is_bottom_at_break": int(at_break.iloc[0]) == bottom,
            "moved_to_bottom": int(at_break.iloc[0]) != bottom and bottom in after_codes,
            "bottom_code": bottom, "codes_after": after_codes,
        })
    return pd.DataFrame(rows)


def class_margin(codes: list[int], needed: int, every_year: bool) -> int:
    """Class steps to flipping (codes: higher = freer): with ``every_year`` the claim needs every code
    ``<= needed`` (e.g. an autocratic class throughout), without it some code ``<= needed`` (e.g. a move
    down into the bottom class in some year).

    Positive: the claim holds with that many steps of room (the worst year is that far from the boundary);
    negative: it fails by that many steps (the best year is that far from the class it needs).
    """
    if not codes:
        raise ValueError("no class codes to compare")
    if not every_year:
        return needed - min(codes) if min(codes) > needed else needed - min(codes) + 1
    return needed + 1 - max(codes) if max(codes) <= needed else needed - max(codes)


def _num(x: float) -> str:
    return f"{x:+.3f}" if abs(x) < 1 else f"{x:+.2f}"


def regime1_inputs(hardening: pd.DataFrame, classes: pd.DataFrame, country: str, break_year: int) -> dict:
    """The observation of REGIME-1's part ``dictatorship``: the class test (primary) and the trend tests
    (variants), with the reason and the class margin (``value, unit, against`` for ``claims.margin``).

    Primary: ``v2x_regime`` (V-Dem's Regimes of the World, the one index here whose classes include a
    class below Azerbaijan's) moved to closed autocracy after ``break_year``. Variants: each continuous
    index fell at least its margin below its pre-``break_year`` trend.
    """
    vdem_class = classes[classes["series"].str.endswith("v2x_regime")].iloc[0]
    variants, parts = {}, []
    for r in hardening[hardening["country"] == country].itertuples():
        label = f"{series_name(r.series)}: {r.last_year} at least {r.margin:g} below the {r.pre_years} trend"
        variants[label] = r.is_hardening
        parts.append(f"{series_name(r.series)} {break_year}->{r.last_year} {_num(r.change)} "
                     f"({_num(r.departure)} vs trend)")
    floor = classes[classes["is_bottom_at_break"]]
    text = (f"{series_name(vdem_class.series)}: {vdem_class.class_at_break} in {break_year}, "
            f"{vdem_class.classes_after} in {vdem_class.years_after}; " + "; ".join(parts))
    reason = (f"a change of kind would show as a move to '{vdem_class.bottom_class}' in V-Dem's classes "
              f"or a fall beyond the pre-war trend by the margin")
    if len(floor):
        reason += ("; " + ", ".join(f"{series_name(r.series)} ({r.class_at_break})" for r in floor.itertuples())
                   + f": already in the index's lowest class in {break_year}, so no change of class can show")
    steps = class_margin(list(vdem_class.codes_after), int(vdem_class.bottom_code), every_year=False)
    return {"observed": bool(vdem_class.moved_to_bottom), "variants": variants, "observed_text": text,
            "reason": reason, "margin": (float(steps), "classes", f"from {vdem_class.bottom_class} after {break_year}")}


def fiw_decomposition(tidy: pd.DataFrame, country: str, first_year: int) -> pd.DataFrame:
    """Change of Freedom House's subcategory scores and the Add Q deduction from data year ``first_year``
    to the latest edition: which parts of the total moved (Add Q counts against the total)."""
    cols = ["A", "B", "C", "Add Q", "D", "E", "F", "G", "Total"]
    sel = tidy[(tidy["index"] == "fiw") & (tidy["country"] == country) & tidy["indicator"].isin(cols)]
    last_year = int(sel["data_year"].max())
    sel = sel[sel["data_year"].isin([first_year, last_year])]
    label = {int(r.data_year): f"{int(r.data_year)} (ed. {int(r.edition)})" for r in sel.itertuples()}
    wide = sel.pivot(index="indicator", columns="data_year", values="value").reindex(cols)
    wide["change"] = wide[last_year] - wide[first_year]
    wide["effect_on_total"] = np.where(wide.index == "Add Q", -wide["change"], wide["change"]) + 0.0
    return wide.rename(columns=label).rename_axis(columns=None)


# --- computations: REGIME-2 ----------------------------------------------------------------------

def data_years(tidy: pd.DataFrame, series: str, editions: list[int]) -> list[int]:
    """The data years of a series' ``editions`` (read from the table, so the offset is the loader's)."""
    sel = tidy[(tidy["series"] == series) & tidy["edition"].isin(editions)]
    years = sorted(set(sel["data_year"]))
    if len(years) != len(set(editions)):
        raise KeyError(f"{series}: editions {editions} not all present")
    return years


def _year_label(row) -> str:
    """'2024 (ed. 2025)' for an edition-based index, '2024' for V-Dem."""
    return f"{int(row.data_year)}" + ("" if pd.isna(row.edition) else f" (ed. {int(row.edition)})")


def window_change(rows: pd.DataFrame, first_year: int, last_year: int) -> dict:
    """Change of one series between its first and last data year in ``first_year..last_year``.

    Refuses a window that crosses a scale break. ``decline_pct_of_range`` is the fall towards less
    freedom in percent of the scale's range (negative = improvement; NaN for open-ended scales).
    """
    sel = rows[rows["data_year"].between(first_year, last_year)].sort_values("data_year", kind="mergesort")
    if len(sel) < 2:
        raise ValueError(f"fewer than two years in {first_year}-{last_year}")
    if sel["scale"].nunique() != 1:
        raise ValueError(f"window {first_year}-{last_year} crosses a scale break: {list(dict.fromkeys(sel['scale']))}")
    a, z = sel.iloc[0], sel.iloc[-1]
    span = float(a.scale_max - a.scale_min)
    change = float(z.value - a.value)
    return {"from_year": int(a.data_year), "to_year": int(z.data_year), "from_label": _year_label(a),
            "to_label": _year_label(z), "value_from": float(a.value), "value_to": float(z.value),
            "change": change, "scale": a.scale,
            "decline_pct_of_range": 0.0 - 100 * _freer(change, a.direction) / span if span == span else math.nan}


def press_table(tidy: pd.DataFrame, series_list: list[str], countries_: list[str], first_year: int,
                last_year: int) -> pd.DataFrame:
    """:func:`window_change` for each series and country over ``first_year..last_year`` (clipped to coverage)."""
    rows = []
    for series in series_list:
        for code in countries_:
            sel = tidy[(tidy["series"] == series) & (tidy["country"] == code)]
            if sel["data_year"].between(first_year, last_year).sum() < 2:
                continue
            rows.append({"series": series, "country": code, **window_change(sel, first_year, last_year)})
    return pd.DataFrame(rows)


def regime2_inputs(tidy: pd.DataFrame, country: str, primary: str, editions: list[int],
                   others: list[str], floor_checks: list[str], scope: str) -> dict:
    """Arguments for ``claims.verdict("REGIME-2", ...)``.

    Primary: the fall of ``primary`` (RSF score) over ``editions`` in percent of its range. Variants:
    each series in ``others`` over the same data years clipped to its coverage; where clipping
    shortened the window, the primary series over the same shorter window too (like with like).
    The reason starts with ``scope`` (what the indices cannot see of the claim); a series in
    ``floor_checks`` that sits at its floor throughout the window is named in it and shown as an
    indeterminate variant (it cannot register a fall).
    """
    first, last = data_years(tidy, primary, editions)
    main = window_change(select(tidy, primary, country), first, last)
    rank = window_change(select(tidy, primary.replace(":score", ":rank"), country), first, last)
    variants = {}
    for series in others:
        rows = select(tidy, series, country)
        end = min(last, int(rows["data_year"].max()))
        res = window_change(rows, first, end)
        if end < last:
            short = window_change(select(tidy, primary, country), first, end)
            variants[f"{series_name(primary)} {short['from_label']}->{short['to_label']}"] = short[
                "decline_pct_of_range"]
        variants[f"{series_name(series)} {res['from_label']}->{res['to_label']}"] = res["decline_pct_of_range"]
    text = (f"{series_name(primary)} {main['from_label']}->{main['to_label']}: {main['value_from']:.2f} -> "
            f"{main['value_to']:.2f} ({main['change']:+.2f} points, a fall of {main['decline_pct_of_range']:.1f}% "
            f"of the range); rank {rank['value_from']:.0f} -> {rank['value_to']:.0f}")
    reason = scope
    for series in floor_checks:
        rows = select(tidy, series, country)
        rows = rows[rows["data_year"].between(first, last)]
        if len(rows) and rows["value"].eq(rows["scale_min"]).all():
            reason += (f"; {series_name(series)} is at its floor ({rows['scale_min'].iloc[0]:g}) in every year "
                       f"{first}-{last}, so it cannot register a fall")
            variants[f"{series_name(series)} {first}-{last} (at its floor)"] = None
    return {"observed": main["decline_pct_of_range"], "variants": variants, "observed_text": text, "reason": reason}


def rsf_history(tidy: pd.DataFrame, country: str) -> pd.DataFrame:
    """RSF score and rank of ``country`` by edition, with the data year and the score's scale segment."""
    sel = tidy[tidy["series"].isin(["rsf:score", "rsf:rank"]) & (tidy["country"] == country)]
    wide = sel.pivot(index=["edition", "data_year"], columns="indicator", values="value")
    scales = sel[sel["indicator"] == "score"].set_index(["edition", "data_year"])["scale"]
    wide["rank"] = wide["rank"].astype(int)
    return wide.join(scales).rename_axis(columns=None).reset_index()


def summary_lines(hardening: pd.DataFrame, press: pd.DataFrame, decomposition: pd.DataFrame,
                  country: str) -> list[str]:
    """The closing note: per series the country's change (and its rank among the countries), and which
    Freedom House subcategories made up the change of its total (from :func:`fiw_decomposition`)."""
    lines = []
    n = hardening["country"].nunique()
    for r in hardening[hardening["country"] == country].itertuples():
        lines.append(f"{series_name(r.series)}: {r.value_at_break:g} -> {r.value_last:g} by {r.last_year} "
                     f"({_num(r.change)}; {_num(r.departure)} against the {r.pre_years} trend; "
                     f"decline rank {r.rank_of_decline} of {n})")
    moved = decomposition.drop(index="Total")
    moved = moved[moved["effect_on_total"] != 0]
    lines.append(f"Freedom House total, {' to '.join(decomposition.columns[:2])}: "
                 f"{decomposition.loc['Total', 'change']:+g} = "
                 + ", ".join(f"{k} {v:+g}" for k, v in moved["effect_on_total"].items()) + " (effect on the total)")
    for r in press[press["country"] == country].itertuples():
        lines.append(f"{series_name(r.series)}: {r.value_from:g} -> {r.value_to:g} from {r.from_label} to "
                     f"{r.to_label} ({_num(r.change)})")
    return lines
