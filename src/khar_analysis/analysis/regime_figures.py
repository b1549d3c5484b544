"""Figures of notebook ``07_regime`` (claims REGIME-1, REGIME-2), from the tidy index table and the
results of :mod:`regime`."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from khar_analysis.analysis.regime import ols_line, select, series_name
from khar_analysis.core import countries
from khar_analysis.core.plots import COLOURS, use_style
from khar_analysis.sources import eiu, rsf
from khar_analysis.sources.index_tables import LOWER_FREER


def _style_line(code: str, country: str) -> dict:
    main = code == country
    return {"color": COLOURS.get(code, COLOURS["other"]), "lw": 2.4 if main else 1.1, "alpha": 1 if main else 0.75,
            "zorder": 3 if main else 2, "label": countries.display_name(code)}


def figure_trends(tidy: pd.DataFrame, hardening: pd.DataFrame, series_list: list[str], countries_: list[str],
                  country: str, break_year: int, pre_start: int):
    """One panel per series: every country's line, the war year marked, and ``country``'s pre-war trend
    extended to the last year (dashed) so the post-war departure can be read off."""
    use_style()
    ncol = 2
    nrow = math.ceil(len(series_list) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(10, 3.3 * nrow), squeeze=False)
    for ax, series in zip(axes.flat, series_list, strict=False):
        for code in countries_:
            sel = select(tidy, series, code)
            sel = sel[sel["data_year"] >= pre_start - 2]
            ax.plot(sel["data_year"], sel["value"], marker="o", ms=2.5, **_style_line(code, country))
        pre = select(tidy, series, country)
        pre = pre[pre["data_year"].between(pre_start, break_year - 1)]
        a, b = ols_line(pre["data_year"], pre["value"])
        h = hardening[(hardening["series"] == series) & (hardening["country"] == country)].iloc[0]
        xs = np.arange(pre_start, h.last_year + 1)
        hi = pre["scale_max"].iloc[0]
        ys = np.clip(a + b * xs, pre["scale_min"].iloc[0], hi if not math.isnan(hi) else np.inf)
        ax.plot(xs, ys, ls="--", lw=1.2, color="black", zorder=4, label=f"{country} trend {h.pre_years}, extended")
        ax.axvspan(break_year - 0.5, break_year + 0.5, color="#d62728", alpha=0.12, lw=0)
        ax.axvline(break_year, color="#d62728", lw=0.8)
        if series == "eiu:score":
            ax.axhline(eiu.UPPER[0], color="grey", ls=":", lw=1)
            ax.text(1.0, eiu.UPPER[0], "authoritarian at or below ", transform=ax.get_yaxis_transform(), ha="right",
                    va="top", fontsize=7, color="grey")
        ax.set_title(series_name(series), fontsize=10)
        ax.set_ylabel(pre["scale"].iloc[0], fontsize=8)
    for ax in axes.flat[len(series_list):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle(f"Democracy indices, {pre_start - 2} onwards; the {break_year} war year shaded", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    return fig


def figure_press(tidy: pd.DataFrame, countries_: list[str], country: str, window: tuple[int, int]):
    """RSF score in its three comparability segments (each on its own axis; the old scale's axis is
    inverted so that up = freer everywhere) above the rank over all editions, breaks marked, the
    ``window`` of editions shaded."""
    use_style()
    fig = plt.figure(figsize=(10, 6.4))
    grid = fig.add_gridspec(2, 3, height_ratios=[1, 1], width_ratios=[s.last - s.first + 1 if s.last < 9999 else 4
                                                                       for s in rsf.SCALES])
    scores = tidy[tidy["series"] == "rsf:score"]
    last_edition = int(scores["edition"].max())
    for i, seg in enumerate(rsf.SCALES):
        ax = fig.add_subplot(grid[0, i])
        part = scores[scores["edition"].between(seg.first, seg.last)]
        for code in countries_:
            sel = part[part["country"] == code]
            ax.plot(sel["edition"], sel["value"], marker="o", ms=2.5, **_style_line(code, country))
        if seg.direction == LOWER_FREER:
            ax.invert_yaxis()
        if seg.first <= window[0] <= seg.last:
            ax.axvspan(window[0] - 0.3, window[1] + 0.3, color="#d62728", alpha=0.1, lw=0)
        ax.set_title(seg.label.replace(" (", "\n(") + (", axis inverted" if seg.direction == LOWER_FREER else ""),
                     fontsize=8)
        ax.set_xlim(seg.first - 0.5, min(seg.last, last_edition) + 0.5)
        if i == 0:
            ax.set_ylabel("score (up = freer)")
    ax = fig.add_subplot(grid[1, :])
    ranks = tidy[tidy["series"] == "rsf:rank"]
    for code in countries_:
        sel = ranks[ranks["country"] == code]
        ax.plot(sel["edition"], sel["value"], marker="o", ms=2.5, **_style_line(code, country))
    for seg in rsf.SCALES[1:]:
        ax.axvline(seg.first - 0.5, color="grey", ls="--", lw=1)
        ax.text(seg.first - 0.4, 0.98, f"scale break {seg.first}", transform=ax.get_xaxis_transform(), fontsize=7,
                color="grey", va="top")
    ax.axvspan(window[0] - 0.3, window[1] + 0.3, color="#d62728", alpha=0.1, lw=0)
    ax.invert_yaxis()
    ax.set_ylabel("rank (1 = freest)")
    ax.set_xlabel("RSF edition (reflects mostly the previous year)")
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle("RSF World Press Freedom Index: score by comparable segment, and rank", fontsize=11)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
