"""The top of the report's index: the verdict summary figure (inline SVG) and the headline findings.

Both are written from the ledger rows by code, so nothing on the page is typed in by hand. The figure
is SVG text built here (no matplotlib in the build process): one bar per claim family, one segment per
verdict, each segment carrying its count and the verdict's icon, with a fill pattern per verdict, so
that colour is never the only carrier of a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from khar_analysis.build.cards import plain, verdict_words

#: Verdicts in the order the figure stacks them (best first); fill colour and pattern of each.
ORDER = ("reproduced", "reproduced_with_caveat", "not_reproduced", "not_testable", "pending")
FILLS = {
    "reproduced": ("#a6dba0", ""),
    "reproduced_with_caveat": ("#fee08b", '<path d="M0,8 L8,0" stroke="#8c6d00" stroke-width="1.2"/>'),
    "not_reproduced": ("#f4a582", '<path d="M0,0 L8,8 M0,8 L8,0" stroke="#8b1a1a" stroke-width="1.2"/>'),
    "not_testable": ("#e0e0e0", '<circle cx="4" cy="4" r="1.2" fill="#555"/>'),
    "pending": ("#ffffff", ""),
}
LABEL_W, BAR_W, TOTAL_W, ROW_H, TOP = 112, 260, 38, 32, 8


def counts_by_family(rows: Sequence[Mapping]) -> dict[str, dict[str, int]]:
    """family -> verdict -> number of claims; families in the order they first appear in ``rows``."""
    table: dict[str, dict[str, int]] = {}
    for r in rows:
        fam = table.setdefault(r["family"], {})
        fam[r["verdict"]] = fam.get(r["verdict"], 0) + 1
    return table


def _defs(verdicts: Sequence[str]) -> str:
    """One fill pattern per verdict shown (an unknown verdict is plain white)."""
    pats = "".join(
        f'<pattern id="p-{v}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{FILLS.get(v, ("#fff", ""))[0]}"/>{FILLS.get(v, ("#fff", ""))[1]}'
        f'</pattern>' for v in verdicts)
    return f"<defs>{pats}</defs>"


def _legend(y: int, verdicts: Sequence[str]) -> tuple[str, int]:
    """Legend rows (swatch, icon, words) from ``y``, under the bars; returns the SVG and the height used."""
    parts = []
    for i, v in enumerate(verdicts):
        yy = y + i * 26
        w = verdict_words(v)
        parts.append(f'<rect x="{LABEL_W}" y="{yy}" width="18" height="18" fill="url(#p-{v})" stroke="#333"/>'
                     f'<text x="{LABEL_W + 26}" y="{yy + 15}">{escape(w.icon)} {escape(w.words)}</text>')
    return "".join(parts), len(verdicts) * 26


def summary_svg(rows: Sequence[Mapping]) -> str:
    """The verdict summary figure as inline SVG text: claims by family (rows) and verdict (segments).

    Every label is text (readable by screen readers and searchable); the ``<title>`` and ``<desc>`` give
    the figure's content in words. Widths are in SVG user units; the figure scales to its container."""
    table = counts_by_family(rows)
    present = [v for v in ORDER if any(v in fam for fam in table.values())]
    present += sorted({v for fam in table.values() for v in fam} - set(ORDER))
    most = max((sum(f.values()) for f in table.values()), default=1)
    scale = max(BAR_W / most, 24.0)  # one claim's segment wide enough for its icon and count
    body = []
    for i, (family, fam) in enumerate(table.items()):
        y = TOP + i * ROW_H
        body.append(f'<text x="{LABEL_W - 8}" y="{y + 18}" text-anchor="end">{escape(family)}</text>')
        x = float(LABEL_W)
        for v in present:
            n = fam.get(v, 0)
            if not n:
                continue
            w = n * scale
            words = verdict_words(v)
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="24" fill="url(#p-{v})" '
                        f'stroke="#333"><title>{escape(family)}: {n} {escape(words.words.lower())}</title></rect>')
            if w >= 12:  # the count and icon inside the segment, smaller in a narrow one
                small = ' font-size="11"' if w < 30 else ' font-size="14"'
                body.append(f'<text x="{x + w / 2:.1f}" y="{y + 17}" text-anchor="middle" class="n"{small}>'
                            f'{escape(words.icon)}{n}</text>')
            x += w
        body.append(f'<text x="{x + 6:.1f}" y="{y + 18}">{sum(fam.values())}</text>')
    legend, legend_h = _legend(TOP + len(table) * ROW_H + 12, present)
    height = TOP + len(table) * ROW_H + 12 + legend_h
    width = LABEL_W + max(BAR_W, round(most * scale)) + TOTAL_W
    desc = "; ".join(f"{family}: " + ", ".join(f"{n} {verdict_words(v).words.lower()}" for v, n in fam.items())
                     for family, fam in table.items())
    return (f'<svg id="summary-figure" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'role="img" aria-labelledby="summary-title summary-desc" font-family="sans-serif" font-size="16">'
            f'<title id="summary-title">Verdicts by claim family ({len(rows)} claims)</title>'
            f'<desc id="summary-desc">{escape(desc)}</desc>{_defs(present)}'
            f'<style>.n {{ font-weight: bold; paint-order: stroke; stroke: #fff; stroke-width: 3px; }}</style>'
            f'{"".join(body)}{legend}</svg>')


@dataclass(frozen=True)
class Headline:
    """One headline finding: a sentence, and the claims it names with a short reason each."""

    text: str
    items: tuple[tuple[str, str], ...] = ()


def shorten(text: str, limit: int = 200) -> str:
    """``text`` in plain words, cut at its first ``;`` (a verdict reason's first clause) and at a word
    boundary within ``limit`` characters; a bracketed detail (``[...]``) is left to the card."""
    text = plain(re.sub(r"\s*\[[^\]]*\]", "", text)).split("; ")[0].strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _count_sentence(rows: Sequence[Mapping]) -> str:
    n = {v: sum(r["verdict"] == v for r in rows) for v in ORDER}
    held = n["reproduced"] + n["reproduced_with_caveat"]
    text = f"Of {len(rows)} claims checked, {held} reproduce from the raw data"
    if n["reproduced_with_caveat"]:
        text += f" ({n['reproduced_with_caveat']} of them only with a caveat)"
    text += f", {n['not_reproduced']} do not"
    if n["not_testable"]:
        text += f", and {n['not_testable']} cannot be tested with the data here"
    if n["pending"]:
        text += f"; {n['pending']} are pending"
    return text + "."


def headlines(rows: Sequence[Mapping], limit: int = 6) -> list[Headline]:
    """3 to ``limit`` headline findings from the ledger rows, most telling first: the count of each verdict,
    the claims that failed (with the first clause of their reason and their margin), the claims that hold
    only with a caveat, the verdicts on a knife edge, and what the untestable claims lack."""
    out = [Headline(_count_sentence(rows))]
    failed = [r for r in rows if r["verdict"] == "not_reproduced"]
    for r in failed[:2]:
        detail = shorten(r["reason"]) + (f" (margin {r['margin']})" if r.get("margin") else "")
        out.append(Headline(f"{r['claim_id']} is not reproduced: {shorten(r['gloss'], 120)}",
                            ((r["claim_id"], detail),)))
    if len(failed) > 2:
        out.append(Headline(f"{len(failed) - 2} more claim(s) are not reproduced.",
                            tuple((r["claim_id"], shorten(r["reason"], 120)) for r in failed[2:])))
    caveats = [r for r in rows if r["verdict"] == "reproduced_with_caveat"]
    if caveats:
        out.append(Headline(f"{len(caveats)} claim(s) hold only with a caveat, under some readings or data:",
                            tuple((r["claim_id"], shorten(r["caveat"] or r["reason"], 140)) for r in caveats)))
    edges = [r for r in rows if r.get("knife_edge")]
    if edges:
        out.append(Headline(f"{len(edges)} verdict(s) sit on a knife edge (the margin is within the data's "
                            "precision):", tuple((r["claim_id"], shorten(r["knife_edge"], 120)) for r in edges)))
    untestable = [r for r in rows if r["verdict"] == "not_testable"]
    if untestable:
        fams = counts_by_family(untestable)
        out.append(Headline(f"{len(untestable)} claim(s) cannot be tested with the data here ("
                            + ", ".join(f"{f} {sum(v.values())}" for f, v in fams.items())
                            + "); each card names the data that would test it."))
    return at_least_three(out, rows)[:limit]


def at_least_three(found: list[Headline], rows: Sequence[Mapping]) -> list[Headline]:
    """``found`` topped up to three headlines (when nearly everything holds) with each family's tally."""
    for family, fam in counts_by_family(rows).items():
        if len(found) >= 3:
            break
        found.append(Headline(f"{family}: " + ", ".join(f"{n} {verdict_words(v).words.lower()}"
                                                        for v, n in fam.items()) + "."))
    return found
