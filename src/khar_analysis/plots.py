"""One figure style, and one helper that saves, shows once and closes a figure.

Saving happens only when the build sets ``KHAR_FIGURE_DIR`` (figures go to the build's staging
folder, never over a previous report); notebooks opened by a reviewer or run by nbval just show.
PNGs carry no software/date metadata, so the bytes are stable.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt

STYLE = {
    "figure.figsize": (8, 4.2),
    "figure.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 10,
    "svg.hashsalt": "khar-analysis",
}
#: One colour per actor, used across all figures.
COLOURS = {"AZE": "#1f77b4", "TUR": "#d62728", "RUS": "#2ca02c", "ISR": "#9467bd", "BLR": "#8c564b",
           "ARM": "#ff7f0e", "GEO": "#17becf", "UKR": "#bcbd22", "other": "#7f7f7f"}


def use_style() -> None:
    """Apply the project's figure style."""
    plt.rcParams.update(STYLE)


def show(fig, name: str) -> Path | None:
    """Save ``fig`` as ``{name}.png`` under ``KHAR_FIGURE_DIR`` (if set), display it once, close it."""
    out = None
    target = os.environ.get("KHAR_FIGURE_DIR")
    if target:
        out = Path(target) / f"{name}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, metadata={"Software": None}, bbox_inches="tight")
    try:
        from IPython.display import display

        display(fig)
    finally:
        plt.close(fig)
    return out


def bar_shares(table, label: str, value: str, highlight: str | None = None, title: str = "",
               xlabel: str = "share, %"):
    """Horizontal bars of ``value`` by ``label`` (largest on top); ``highlight`` is drawn in its colour."""
    use_style()
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(table) + 1.2))
    labels = list(table[label])[::-1]
    values = list(table[value])[::-1]
    colours = [COLOURS.get(x, COLOURS["other"]) if x == highlight else "#9fb7cc" for x in labels]
    ax.barh(labels, values, color=colours)
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:.1f}", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return fig


def step_ranks(table, x: str, y: str, group: str, title: str = "", claimed: float | None = None):
    """Rank (inverted axis: 1 on top) against ``x``, one line per ``group`` value."""
    use_style()
    fig, ax = plt.subplots()
    for key, part in table.groupby(group, sort=True):
        ax.plot(part[x], part[y], marker="o", ms=3, label=f"{group} {key}")
    if claimed is not None:
        ax.axhline(claimed, color="#d62728", ls="--", lw=1, label=f"claimed rank {claimed:g}")
    ax.invert_yaxis()
    ax.set_ylabel("rank")
    ax.set_xlabel(x)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def stacked_bars(table, x: str, stack: str, value: str, title: str = "", ylabel: str = ""):
    """Bars of ``value`` by ``x``, stacked by ``stack`` (a pivot of a tidy table)."""
    use_style()
    wide = table.pivot_table(index=x, columns=stack, values=value, aggfunc="sum", fill_value=0).sort_index()
    fig, ax = plt.subplots()
    bottom = None
    for col in wide.columns:
        ax.bar(wide.index.astype(str), wide[col], bottom=bottom, label=str(col))
        bottom = wide[col] if bottom is None else bottom + wide[col]
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", rotation=90)
    return fig


def bar_counts(table, label: str, count: str, alert=(), title: str = "", xlabel: str = "count"):
    """Horizontal bars of whole-number ``count`` by ``label``, in table order (first on top).

    Labels in ``alert`` are drawn in red (e.g. defect statuses), the others in grey-blue.
    """
    use_style()
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(table) + 1.2))
    labels = [str(x) for x in table[label]][::-1]
    values = [int(v) for v in table[count]][::-1]
    ax.barh(labels, values, color=["#d62728" if x in alert else "#9fb7cc" for x in labels])
    for y, v in enumerate(values):
        ax.text(v, y, f" {v}", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return fig
