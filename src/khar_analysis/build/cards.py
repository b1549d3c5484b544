"""The claim cards of the report's index: their order, the verdict in words and the plain-language texts.

Pure functions on ledger rows (``build.collect``) and register records: no file access, so the tests
run on tiny inline rows. :func:`cards` puts the pieces together for the template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class VerdictWords:
    """How a verdict reads on the page: words, a text icon (never colour alone) and a CSS class."""

    words: str
    icon: str
    css: str


VERDICT_WORDS = {
    "reproduced": VerdictWords("Reproduced", "✓", "v-reproduced"),
    "reproduced_with_caveat": VerdictWords("Reproduced with a caveat", "≈", "v-reproduced_with_caveat"),
    "not_reproduced": VerdictWords("Not reproduced", "✗", "v-not_reproduced"),
    "not_testable": VerdictWords("Not testable with these data", "?", "v-not_testable"),
    "pending": VerdictWords("Pending (its notebook does not exist yet)", "…", "v-pending"),
}


def verdict_words(verdict: str) -> VerdictWords:
    """The words, icon and class of ``verdict``; an unknown token reads as itself (never hidden)."""
    return VERDICT_WORDS.get(verdict, VerdictWords(verdict.replace("_", " "), "•", "v-other"))


def article_order(ids_lines: Iterable[tuple[str, int | None]]) -> list[str]:
    """Claim ids in the article's order: by line, ties in register order; a claim without a line (a
    robustness check, a reading of another claim) follows the register entry just before it, or opens
    the list when it comes first in the register.

    >>> article_order([("B", 9), ("B-R", None), ("A", 3)])
    ['A', 'B', 'B-R']
    """
    groups: list[tuple[int | None, int, list[str]]] = []
    for i, (cid, line) in enumerate(ids_lines):
        if line is None and groups:
            groups[-1][2].append(cid)
        else:
            groups.append((line, i, [cid]))
    groups.sort(key=lambda g: (g[0] if g[0] is not None else -1, g[1]))
    return [cid for _, _, ids in groups for cid in ids]


_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_LIST_LINE = re.compile(r"\(L(\d+)\)")
_RESULT = {"yes": "holds", "no": "fails", "indeterminate": "cannot be decided", "undecidable": "cannot be decided"}


def plain(text: str) -> str:
    """Internal notation made readable: ``snake_case`` names as words, ``->`` as an arrow (→), ``(L157)`` (a
    line of the article's source list) in words.

    >>> plain("match_dated: x -> y (L12)")
    'match dated: x → y (source list, line 12)'
    """
    text = _SNAKE.sub(lambda m: m.group(0).replace("_", " "), text)
    text = _LIST_LINE.sub(r"(source list, line \1)", text)
    return text.replace(" -> ", " → ").replace("->", "→")


def parts_plain(text: str) -> list[tuple[str, str, str]]:
    """A compound claim's ledger ``parts`` (``name (core): verdict; ...``) as ``(name in words, "core" or "",
    verdict in words)`` per part.

    >>> parts_plain("us_pressure (core): not_testable; tie: reproduced")
    [('us pressure', 'core', '? Not testable with these data'), ('tie', '', '✓ Reproduced')]
    """
    out = []
    for item in filter(None, (p.strip() for p in (text or "").split(";"))):
        head, _, verdict = item.rpartition(": ")
        core = head.endswith(" (core)")
        words = verdict_words(verdict.strip())
        out.append((plain(head.removesuffix(" (core)")), "core" if core else "", f"{words.icon} {words.words}"))
    return out


_CONDITIONS = re.compile(r"^(\d+)/(\d+) conditions hold: (.*)$", re.S)
_CONDITION = re.compile(r"^([a-z][a-z0-9_]*): (.*) -> (yes|no|indeterminate|undecidable)$", re.S)


@dataclass(frozen=True)
class Observed:
    """What the data show, for the card: one headline and, for a list of conditions, one line each
    (``(name, detail, result)`` with result ``holds``, ``fails`` or ``cannot be decided``)."""

    headline: str
    conditions: tuple[tuple[str, str, str], ...] = ()


def observed_plain(observed: str) -> Observed:
    """The ledger's ``observed`` text in plain language.

    An event claim's ``"3/4 conditions hold: name: detail -> yes; ..."`` becomes "3 of 4 conditions hold"
    and one (name in words, detail, result in words) per condition; any other text goes through :func:`plain`.

    >>> observed_plain("1/2 conditions hold: in_2009: 2009-10-14 in 2009 -> yes; later: found E1 -> no")
    Observed(headline='1 of 2 conditions hold', conditions=(('in 2009', '2009-10-14 in 2009', 'holds'), \
('later', 'catalogue rows E1', 'fails')))
    """
    m = _CONDITIONS.match(observed.strip())
    if not m:
        return Observed(plain(observed))
    items = []
    for part in m.group(3).split("; "):
        c = _CONDITION.match(part.strip())
        if c is None:  # a detail holding "; " itself: keep it whole rather than guess
            return Observed(plain(observed))
        name, detail, result = c.groups()
        detail = re.sub(r"^found ", "catalogue rows ", detail)
        items.append((name.replace("_", " "), plain(detail), _RESULT[result]))
    return Observed(f"{m.group(1)} of {m.group(2)} conditions hold", tuple(items))


def figure_alts(nb: Mapping) -> dict[str, str]:
    """Alt text of each figure an executed notebook displayed, by figure name (``plots.show`` writes
    ``"Figure <name>: <title>"`` into the output's ``image/png`` metadata)."""
    alts = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            alt = (out.get("metadata") or {}).get("image/png", {}).get("alt", "")
            m = re.match(r"Figure ([\w-]+): (.*)$", alt, re.S)
            if m:
                alts[m.group(1)] = m.group(2).strip()
    return alts


def card(row: Mapping, quote: str = "", figure: str = "", figure_alt: str = "", certificate: bool = False,
         audit_href: str = "") -> dict:
    """One card's fields for the template, from one ledger row (with the verdict core's ``margin``,
    ``knife_edge``, ``evidence`` and the audit's ``audit`` columns when present).

    ``figure`` is the figure's report-relative path ('' for none); links are report-relative."""
    cid = row["claim_id"]
    words = verdict_words(row["verdict"])
    href = f"notebooks/{row['notebook']}.html" + (f"#cell-id={row['cell_id']}" if row.get("cell_id") else "")
    return {
        "id": cid, "anchor": f"claim-{cid}", "family": row["family"], "verdict": row["verdict"],
        "words": words.words, "icon": words.icon, "css": words.css,
        "quote": quote, "line": row.get("line", ""), "gloss": row.get("gloss", ""),
        "citation": row.get("citation", ""), "entry": plain(row.get("entry", "")),
        "audit": plain(row.get("audit", "")), "audit_href": audit_href if row.get("citation") else "",
        "reason": plain(row.get("reason", "")), "caveat": plain(row.get("caveat", "")),
        "observed": observed_plain(row.get("observed", "")), "claimed": plain(row.get("claimed", "")),
        "margin": row.get("margin", "") or "", "knife_edge": plain(row.get("knife_edge", "") or ""),
        "would_test": row.get("would_test", ""), "parameters": row.get("parameters", ""),
        "figure": figure, "figure_alt": figure_alt or (f"Key figure of {cid}" if figure else ""),
        "evidence": row.get("evidence", "") or "",
        "parts": parts_plain(row.get("parts", "") or ""), "sensitivity": row.get("sensitivity", "") or "",
        "notebook": row["notebook"], "notebook_href": href if row["verdict"] != "pending" else "",
        "certificate": f"claims/{cid}.html" if certificate else "",
    }
