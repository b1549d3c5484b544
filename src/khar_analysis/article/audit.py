"""The citation audit of one article: every in-text citation resolved, and the source list's own defects.

Entry defects (:data:`ENTRY_DEFECTS`): an entry no citation resolves to (``uncited``), two entries
with the same name and date (``duplicate_key``) or URL (``shared_url``), a year suffix without a
sibling (``orphan_suffix``), and a URL dated against the list's own date (``entry_url_conflict``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from khar_analysis.article import entries as source_list
from khar_analysis.article import intext
from khar_analysis.article import lang as languages
from khar_analysis.article import text as article
from khar_analysis.article.entries import Entry
from khar_analysis.article.intext import Citation
from khar_analysis.article.names import STRONG, compact, match_name
from khar_analysis.article.resolution import STATUSES, Resolution, resolve_citation, url_conflict
from khar_analysis.core.paths import Layout

ENTRY_DEFECTS = ("uncited", "duplicate_key", "shared_url", "orphan_suffix", "entry_url_conflict")


@dataclass
class Audit:
    """The citation audit of one article: every citation resolved, and the list's own defects."""

    entries: tuple[Entry, ...]
    resolutions: list[Resolution]
    entry_defects: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    trailer: tuple[int, ...] = ()

    def cited_lines(self) -> dict[int, list[int]]:
        """For each entry (by line), the article lines whose citations point to it (or may)."""
        out: dict[int, list[int]] = defaultdict(list)
        for r in self.resolutions:
            for e in r.entries:
                out[e.line].append(r.citation.line)
        return out

    def table(self) -> pd.DataFrame:
        """One row per in-text citation, then one per uncited entry (``reports/citation_audit.csv``)."""
        rows = []
        for r in self.resolutions:
            e = r.entry
            extra = [d for e2 in r.entries for d, _ in self.entry_defects.get(e2.line, []) if d != "uncited"]
            detail = r.detail
            if e is not None and self.entry_defects.get(e.line):
                detail = "; ".join(filter(None, [detail, *(w for _, w in self.entry_defects[e.line])]))
            rows.append({
                "line": r.citation.line, "in_text": r.citation.text, "entry": r.entry_text(), "status": r.status,
                "detail": detail, "defects": ";".join([*r.defects, *(f"entry:{d}" for d in dict.fromkeys(extra))]),
                "entry_line": e.line if e else pd.NA, "url": e.url if e else "",
                "text_date": r.citation.event_iso(), "url_date": e.url_date.iso() if e and e.url_date else "",
                "kind": "citation",
            })
        for e in self.entries:
            marks = dict(self.entry_defects.get(e.line, []))
            if "uncited" in marks:
                rows.append({"line": e.line, "in_text": "", "entry": e.label, "status": "uncited",
                             "detail": "; ".join(marks.values()), "defects": ";".join(marks),
                             "entry_line": e.line, "url": e.url, "text_date": "",
                             "url_date": e.url_date.iso() if e.url_date else "", "kind": "entry"})
        table = pd.DataFrame(rows, columns=["line", "in_text", "entry", "status", "detail", "defects",
                                            "entry_line", "url", "text_date", "url_date", "kind"])
        return table.astype({"entry_line": "Int64"})

    def entries_table(self) -> pd.DataFrame:
        """One row per list entry: key, lines, date, language, URL date, citing lines and defects."""
        cited = self.cited_lines()
        rows = [{
            "entry": e.label, "lines": "-".join(map(str, (e.lines[0], e.lines[-1]))) if len(e.lines) > 1
            else str(e.line), "year": e.year, "month": e.month or pd.NA, "suffix": e.suffix, "lang": e.lang,
            "host": e.host, "url_date": e.url_date.iso() if e.url_date else "",
            "url_date_kind": e.url_date.kind if e.url_date else "",
            "cited_on": ", ".join(map(str, sorted(set(cited.get(e.line, []))))),
            "defects": ";".join(d for d, _ in self.entry_defects.get(e.line, [])),
        } for e in self.entries]
        return pd.DataFrame(rows).astype({"month": "Int64"})

    def counts(self) -> pd.DataFrame:
        """Counts at a glance: citations by status, entries by defect (``label`` and ``is_defect`` for plots)."""
        by_status = Counter(r.status for r in self.resolutions)
        by_defect = Counter(d for marks in self.entry_defects.values() for d, _ in marks)
        rows = [("citations", "all", len(self.resolutions))]
        rows += [("citations", s, by_status[s]) for s in STATUSES if by_status[s]]
        rows += [("entries", "all", len(self.entries))]
        rows += [("entries", d, by_defect[d]) for d in ENTRY_DEFECTS]
        table = pd.DataFrame(rows, columns=["what", "status", "n"])
        table["is_defect"] = ~table["status"].isin(["all", "ok"])
        table["label"] = table["what"] + ": " + table["status"]
        return table

    def defects(self) -> pd.DataFrame:
        """Only the rows of :meth:`table` with a defect (status other than ``ok``, or an entry defect)."""
        t = self.table()
        return t[(t["status"] != "ok") | t["defects"].str.contains("entry:", regex=False)].reset_index(drop=True)


def _name_key(e: Entry) -> tuple[str, int]:
    return compact(" ".join(e.names)), e.year


def _entry_defects(entries: tuple[Entry, ...], resolutions: list[Resolution]) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    cited = {e.line for r in resolutions for e in r.entries}
    for e in entries:
        if e.line not in cited:
            out[e.line].append(("uncited", "no in-text citation resolves to this entry"))
    same = (("duplicate_key", "the list gives {} the same name and date", lambda e: (*_name_key(e), e.suffix)),
            ("shared_url", "shares its URL with {}", lambda e: e.url.rstrip("/") or None))
    for defect, text, key in same:
        groups = defaultdict(list)
        for e in entries:
            if key(e) is not None:
                groups[key(e)].append(e)
        for group in (g for g in groups.values() if len(g) > 1):
            for e in group:
                out[e.line].append((defect, text.format(", ".join(o.label for o in group if o is not e))))
    by_name_year = defaultdict(list)
    for e in entries:
        by_name_year[_name_key(e)].append(e)
    for e in entries:
        if e.suffix and not any(o.suffix and o is not e for o in by_name_year[_name_key(e)]):
            out[e.line].append(("orphan_suffix", f"suffix '{e.suffix}' but no other entry of that name and year"))
    for e in entries:
        why = url_conflict((e.year, e.month, e.day, None), e.url_date) if e.url_date else ""
        if why:
            out[e.line].append(("entry_url_conflict", why.replace("the event the text dates", "the list's date")))
    return dict(out)



def audit(all_lines=None, lay: Layout | None = None, name: str = "article",
          lang: article.LangArg = None) -> Audit:
    """The citation audit of the article (its pinned copy, in its declared language, unless given)."""
    all_lines = all_lines if all_lines is not None else article.lines(lay)
    lg = languages.resolve(lang, lay)
    src = source_list.parse_entries(all_lines, name, lg)
    resolutions = [resolve_citation(c, src.entries) for c in intext.extract(all_lines, name, lg)]
    return Audit(src.entries, resolutions, _entry_defects(src.entries, resolutions), src.trailer)


@cache
def _audit_cached(root: str) -> Audit:
    from khar_analysis.core.paths import layout

    return audit(lay=layout(root))


def resolve(citation_text: str, line: int | None, lay: Layout | None = None) -> list[Resolution]:
    """Resolve a register row's ``citation`` (one or several, ``;``-separated) as the audit does.

    Each part is matched to the in-text citation on ``line`` with the same name and date (so it gets
    the text's date for the URL check) or, when the line has none, resolved against the list alone
    with the defect ``not_on_line`` added (not when ``line`` is ``None``). A part that does not parse
    comes back ``unparsed``.
    """
    from khar_analysis.core.paths import layout as default_layout

    lay = lay or default_layout()
    aud = _audit_cached(str(lay.root))
    out = []
    for part in filter(None, (p.strip() for p in citation_text.split(";"))):
        cit = intext.parse_citation(part, line or 0, lang=article.language(lay))
        if cit is None:
            out.append(Resolution(Citation(line or 0, part), "unparsed", (), ("unparsed",),
                                  "the register's citation does not parse"))
            continue
        on_line = [r for r in aud.resolutions if r.citation.line == line and r.citation.parsed
                   and r.citation.year == cit.year and r.citation.suffix == cit.suffix
                   and r.citation.month == cit.month
                   and all(match_name(a, b) in STRONG for a, b in zip(cit.names, r.citation.names, strict=False))
                   and len(cit.names) == len(r.citation.names)]
        if on_line:
            out.append(on_line[0])
            continue
        r = resolve_citation(cit, aud.entries)
        if line is None:  # a claim without a line (a robustness check): the list alone decides
            out.append(r)
            continue
        out.append(Resolution(cit, r.status, r.entries, (*r.defects, "not_on_line"),
                              "; ".join(filter(None, [r.detail, f"not cited on article line {line}"])), r.how))
    return out


def describe(citation_text: str, line: int | None, lay: Layout | None = None) -> str:
    """One short line for the report: each part's list entry (or candidates) and its status."""
    parts = []
    for r in resolve(citation_text, line, lay):
        target = r.entry_text() or "no list entry"
        flags = [s for s in (r.status, "not_on_line" if "not_on_line" in r.defects else "") if s and s != "ok"]
        parts.append(target + (f" [{', '.join(flags)}]" if flags else ""))
    return "; ".join(parts)


