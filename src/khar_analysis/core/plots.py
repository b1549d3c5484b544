"""One figure style, and one helper that saves, shows once and closes a figure.

Saving happens only when the build sets ``KHAR_FIGURE_DIR`` (figures go to the build's staging
folder, never over a previous report); notebooks opened by a reviewer or run by nbval just show.
PNGs carry no software/date metadata, so the bytes are stable.
"""

from __future__ import annotations

import base64
import io
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


def show(fig, name: str) -> None:
    """Render ``fig`` once as PNG, save it as ``{name}.png`` under ``KHAR_FIGURE_DIR`` (if set), display it
    once (with its title as alt text) and close it. Rendering once halves the cost of every figure.

    Returns nothing: a figure cell ends with this call, and a returned value would be displayed under the
    figure (a path into the build's staging folder, different on every build and machine)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, bbox_inches="tight")
    data = buf.getvalue()
    alt = fig._suptitle.get_text() if fig._suptitle is not None else ""
    alt = alt or next((ax.get_title() for ax in fig.axes if ax.get_title()), name)
    plt.close(fig)
    target = os.environ.get("KHAR_FIGURE_DIR")
    if target:
        out = Path(target) / f"{name}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    from IPython.display import display

    # Displayed raw with a readable text fallback: IPython's Image object would leave its repr
    # ("<IPython.core.display.Image object>") as the text/plain of every figure in the saved notebook.
    label = f"Figure {name}: {alt}"
    display({"image/png": base64.b64encode(data).decode("ascii"), "text/plain": f"[{label}]"}, raw=True,
            metadata={"image/png": {"alt": label}})


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


def event_timeline(table, label: str, group: str, value: str, panels, title: str = "",
                   vmin: float = -10.0, vmax: float = 10.0, value_label: str = ""):
    """One row per event (``start``/``end`` columns, Timestamps), grouped by ``group`` in table order,
    across x-panels ``[(from, to), ...]`` (a broken time axis). A day is a dot, a longer interval a
    bar over its days; colour is ``value`` on a red (negative) to blue (positive) scale. Each row's
    ``label`` is its y tick label, so every marker is named by its table key."""
    import matplotlib.dates as mdates
    import pandas as pd

    use_style()
    n = len(table)
    spans = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in panels]
    lost = [getattr(r, label) for r in table.itertuples() if not any(r.end >= a and r.start <= b for a, b in spans)]
    if lost:
        raise ValueError(f"rows outside every panel {panels}: {lost}")
    widths = [max((b - a).days, 1) ** 0.5 for a, b in spans]
    height = 0.16 * n + 1.6
    fig, axes = plt.subplots(1, len(spans), sharey=True, figsize=(11, height),
                             gridspec_kw={"width_ratios": widths, "wspace": 0.04}, squeeze=False)
    fig.subplots_adjust(left=0.24, right=0.91, top=1 - 0.45 / height, bottom=1.05 / height)
    cmap, norm = plt.get_cmap("RdBu"), plt.Normalize(vmin, vmax)
    ys = list(range(n))
    for ax, (a, b) in zip(axes[0], spans, strict=True):
        for y, rec in zip(ys, table.itertuples(), strict=True):
            colour = cmap(norm(getattr(rec, value)))
            if rec.end > rec.start:
                ax.plot([rec.start, rec.end + pd.Timedelta(days=1)], [y, y], color=colour, lw=4,
                        solid_capstyle="butt", alpha=0.6)
                ax.plot([rec.start + (rec.end - rec.start) / 2], [y], "D", color=colour, ms=4.5,
                        mec="#333333", mew=0.4)
            else:
                ax.plot([rec.start], [y], "o", color=colour, ms=5, mec="#333333", mew=0.4)
        ax.set_xlim(a, b)
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        ax.tick_params(axis="x", labelsize=7)
        ax.spines["left"].set_visible(ax is axes[0][0])
    groups = list(table[group])
    edges = [i for i in range(1, n) if groups[i] != groups[i - 1]]
    for ax in axes[0]:
        for e in edges:
            ax.axhline(e - 0.5, color="#555555", lw=0.8)
    starts = [0, *edges]
    for s, e in zip(starts, [*edges, n], strict=True):
        axes[0][-1].text(1.01, (s + e - 1) / 2, groups[s], transform=axes[0][-1].get_yaxis_transform(),
                         va="center", fontsize=8, fontweight="bold")
    first = axes[0][0]
    first.set_yticks(ys)
    first.set_yticklabels(list(table[label]), fontsize=6)
    first.set_ylim(n - 0.5, -0.5)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=norm)
    cax = fig.add_axes((0.4, 0.3 / height, 0.35, 0.12 / height))
    fig.colorbar(sm, cax=cax, orientation="horizontal",
                 label=(value_label or value) + " (dot: a day; diamond and bar: a month, a year or a range)")
    fig.suptitle(title, y=1 - 0.12 / height)
    return fig


def bars_with_spans(panels, title: str = "", ylabel: str = ""):
    """Stacked panels sharing x: bars (``x``, ``y``, ``width`` in days), an optional step line
    (``line_x``, ``line_y``), shaded ``spans`` [(from, to, kind)] (kind ``escalation`` red, anything
    else blue) and dashed ``hlines`` [(y, label)]."""
    use_style()
    fig, axes = plt.subplots(len(panels), 1, sharex=True, figsize=(9, 2.6 * len(panels) + 0.6), squeeze=False)
    for ax, p in zip(axes[:, 0], panels, strict=True):
        for a, b, kind in p.get("spans", []):
            ax.axvspan(a, b, color="#d62728" if kind == "escalation" else "#1f77b4", alpha=0.12, lw=0)
        colours = ["#d62728" if v < 0 else "#1f77b4" for v in p["y"]]
        ax.bar(p["x"], p["y"], width=p.get("width", 1), align="edge", color=colours, label="bars")
        if p.get("line_x"):
            ax.step(p["line_x"], p["line_y"], where="post", color="#333333", lw=1, label="step line")
        for y, text in p.get("hlines", []):
            ax.axhline(y, color="#555555", ls="--", lw=0.8)
            ax.annotate(text, (1, y), xycoords=("axes fraction", "data"), fontsize=7, ha="right",
                        va="bottom", color="#555555")
        ax.axhline(0, color="#000000", lw=0.6)
        ax.set_title(p["title"], fontsize=9)
        ax.set_ylabel(ylabel)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def series_by_group(table, x: str, y: str, group: str, title: str = "", ylabel: str = "",
                    ref: float | None = None, ref_label: str = "", band: tuple[float, float] | None = None,
                    band_label: str = "", ymin: float | None = None):
    """``y`` against ``x``, one line with markers per ``group`` value (a single point shows as a marker);
    an optional reference line ``ref`` and shaded band ``band`` (e.g. a claimed value and its tolerance).
    The legend sits under the axes so it never hides a point; large values get thousands separators."""
    from matplotlib.ticker import StrMethodFormatter

    use_style()
    fig, ax = plt.subplots()
    if band is not None:
        ax.axhspan(*band, color="#d62728", alpha=0.12, lw=0, label=band_label)
    if ref is not None:
        ax.axhline(ref, color="#d62728", ls="--", lw=1, label=ref_label)
    markers = "osD^vP*X"
    for i, (key, part) in enumerate(table.groupby(group, sort=True)):
        part = part.sort_values(x, kind="mergesort")
        ax.plot(part[x], part[y], marker=markers[i % len(markers)], ms=5, label=str(key))
    if ymin is not None:
        ax.set_ylim(bottom=ymin)
    if table[y].abs().max() >= 1e4:
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    return fig


def lines(table, x: str, y: str, group: str, title: str = "", ylabel: str = "", marker_x=None,
          band: tuple[str, str] | None = None, marker_label: str = ""):
    """One line per ``group`` value of ``y`` against ``x`` (gaps where a group has no row for an ``x``).

    ``band=(low, high)`` shades a range per group; ``marker_x`` draws a dashed vertical line there.
    Groups named by a code in :data:`COLOURS` get its colour.
    """
    from matplotlib.colors import to_hex
    from matplotlib.ticker import MaxNLocator

    use_style()
    fig, ax = plt.subplots()
    keys = sorted(table[group].unique(), key=str)
    taken = {to_hex(COLOURS[str(k)]) for k in keys if str(k) in COLOURS}
    spare = iter(to_hex(c) for c in plt.rcParams["axes.prop_cycle"].by_key()["color"] if to_hex(c) not in taken)
    for key in keys:
        part = table[table[group] == key].set_index(x).sort_index()
        full = part.reindex(range(int(part.index.min()), int(part.index.max()) + 1)) if part.index.dtype.kind == "i" \
            else part
        colour = COLOURS.get(str(key)) or next(spare, None)
        (line,) = ax.plot(full.index, full[y], marker="o", ms=3, label=str(key), color=colour)
        if band is not None:
            ax.fill_between(full.index, full[band[0]], full[band[1]], alpha=0.2, color=line.get_color(), lw=0)
    if marker_x is not None:
        ax.axvline(marker_x, color="#555555", ls="--", lw=1, label=marker_label or None)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def bars_and_share(table, x: str, bars: str, share: str, title: str = "", bar_label: str = "",
                   share_label: str = "", marker_x=None):
    """Bars of ``bars`` (left axis) and a line of ``share`` (right axis) against ``x``."""
    use_style()
    fig, ax = plt.subplots()
    ax.bar(table[x], table[bars], color="#9fb7cc", label=bar_label or bars)
    ax.set_ylabel(bar_label or bars)
    right = ax.twinx()
    right.plot(table[x], table[share], color=COLOURS["AZE"], marker="o", ms=3, label=share_label or share)
    right.set_ylabel(share_label or share)
    right.grid(False)
    if marker_x is not None:
        ax.axvline(marker_x - 0.5, color="#555555", ls="--", lw=1)
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    ax.legend(handles, [h.get_label() for h in handles], fontsize=8, loc="upper left")
    ax.set_xlabel(x)
    ax.set_title(title)
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
