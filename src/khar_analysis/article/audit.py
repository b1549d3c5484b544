"""The citation audit of one article: every in-text citation resolved, and the source list's own defects.

Citation defects are those of :mod:`khar_analysis.article.resolution` (name, year, suffix and month
slips, URL dates against the text, ``unverifiable_precision``), plus three the audit adds because it
sees the whole article (:func:`finish_all`):

- ``subject_mismatch`` (with status ``unresolved``): the entry's title and URL are about something
  else than the citing sentence (heuristics and their limits: :mod:`khar_analysis.article.subjects`);
  for an ambiguous citation the detail names the candidates that fit the sentence;
- ``shared_url`` and ``title_slug_mismatch``: defects of the entry, carried by every citation that
  resolves to it, so that such a citation is never ``ok``.

Entry defects (:data:`ENTRY_DEFECTS`): an entry no citation reaches (``uncited``) or reaches only
through a citation with a mismatch (``not_properly_cited``; the kinds are
:data:`~khar_analysis.article.resolution.MISMATCHES`), two entries with the same name and date
(``duplicate_key``) or URL (``shared_url``), a year suffix without a sibling (``orphan_suffix``), a
URL dated against the list's own date (``entry_url_conflict``), and a title that disagrees with its
own URL's slug (``title_slug_mismatch``).
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
from khar_analysis.article.resolution import MISMATCHES, STATUSES, Resolution, finish, resolve_citation, url_conflict
from khar_analysis.article.subjects import Topics, entry_terms, subject_mismatch, title_slug_disagreement
from khar_analysis.core.paths import Layout

ENTRY_DEFECTS = ("uncited", "not_properly_cited", "duplicate_key", "shared_url", "orphan_suffix",
                 "entry_url_conflict", "title_slug_mismatch")
#: Entry defects that every citation resolving to the entry carries as its own defect.
CARRIED = ("shared_url", "title_slug_mismatch")
#: Entry defects that are a consequence of the citations, not shown again on each citation.
_FROM_CITATIONS = ("uncited", "not_properly_cited")


@dataclass
class Audit:
    """The citation audit of one article: every citation resolved, and the list's own defects."""

    entries: tuple[Entry, ...]
    resolutions: list[Resolution]
    entry_defects: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    trailer: tuple[int, ...] = ()
    topics: Topics | None = field(default=None, repr=False)

    def cited_lines(self) -> dict[int, list[int]]:
        """For each entry (by line), the article lines whose citations point to it (or may)."""
        out: dict[int, list[int]] = defaultdict(list)
        for r in self.resolutions:
            for e in r.entries:
                out[e.line].append(r.citation.line)
        return out

    def _row(self, r: Resolution) -> dict:
        e = r.entry
        skip = (*_FROM_CITATIONS, *(CARRIED if e is not None else ()))  # carried ones are the citation's own
        extra = [d for e2 in r.entries for d, _ in self.entry_defects.get(e2.line, []) if d not in skip]
        own = [w for d, w in self.entry_defects.get(e.line, []) if d not in skip] if e is not None else []
        return {
            "line": r.citation.line, "in_text": r.citation.text, "entry": r.entry_text(), "status": r.status,
            "detail": "; ".join(filter(None, [r.detail, *own])),
            "defects": ";".join([*r.defects, *(f"entry:{d}" for d in dict.fromkeys(extra))]),
            "entry_line": e.line if e else pd.NA, "url": e.url if e else "",
            "text_date": r.citation.event_iso(), "url_date": e.url_date.iso() if e and e.url_date else "",
            "kind": "citation",
        }

    def table(self) -> pd.DataFrame:
        """One row per in-text citation, then one per entry not properly cited (``reports/citation_audit.csv``)."""
        rows = [self._row(r) for r in self.resolutions]
        for e in self.entries:
            marks = dict(self.entry_defects.get(e.line, []))
            status = next((d for d in _FROM_CITATIONS if d in marks), None)
            if status:
                rows.append({"line": e.line, "in_text": "", "entry": e.label, "status": status,
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
        """Counts at a glance: citations by status and by defect, entries by defect (``label``, ``is_defect``)."""
        by_status = Counter(r.status for r in self.resolutions)
        by_kind = Counter(d for r in self.resolutions for d in r.defects)
        by_defect = Counter(d for marks in self.entry_defects.values() for d, _ in marks)
        rows = [("citations", "all", len(self.resolutions))]
        rows += [("citations", s, by_status[s]) for s in STATUSES if by_status[s]]
        rows += [("citation defects", s, by_kind[s]) for s in STATUSES if by_kind[s]]
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


def _list_defects(entries: tuple[Entry, ...]) -> dict[int, list[tuple[str, str]]]:
    """The source list's own defects, by entry line (all of :data:`ENTRY_DEFECTS` but the first two)."""
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
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
        why = title_slug_disagreement(e.title, e.url, e.author)
        if why:
            out[e.line].append(("title_slug_mismatch", why))
    return dict(out)


def _citing_defects(entries: tuple[Entry, ...], resolutions: list[Resolution]) -> dict[int, list[tuple[str, str]]]:
    """``uncited`` and ``not_properly_cited`` entries (module docstring), by entry line."""
    reached: dict[int, list[str]] = defaultdict(list)
    proper = set()
    for r in resolutions:
        slips = [d for d in r.defects if d in MISMATCHES]
        for e in r.entries:
            if slips or r.entry is None:
                reached[e.line].append(f"L{r.citation.line} ({', '.join(slips)})")
            else:
                proper.add(e.line)
    out = {}
    for e in entries:
        if e.line in proper:
            continue
        if e.line in reached:
            out[e.line] = [("not_properly_cited", "reached only by citations with a mismatch: "
                            + ", ".join(reached[e.line]))]
        else:
            out[e.line] = [("uncited", "no in-text citation resolves to this entry")]
    return out


def finish_citation(r: Resolution, list_defects: dict[int, list[tuple[str, str]]],
                    topics: Topics | None) -> Resolution:
    """A resolution with the defects only the whole article shows (module docstring)."""
    cit, more = r.citation, []
    checked = topics is not None and cit.event is not None and cit.event_from not in ("", "citation year")
    if r.entry is not None:
        off = subject_mismatch(r.entry.title, r.entry.url, cit.line, cit.sentence, topics,
                               bool(url_conflict(cit.event, r.entry.url_date))) if checked else ""
        if off:
            more += [("unresolved", f"no fitting entry: the nearest, {r.entry.label}, is about something else"),
                     ("subject_mismatch", off)]
        more += [(d, f"{r.entry.label} {w}" if d == "shared_url" else w)
                 for d, w in list_defects.get(r.entry.line, []) if d in CARRIED]
    elif len(r.entries) > 1 and checked:
        near = topics.near(cit.line, cit.sentence)
        fits = [e.label for e in r.entries if (entry_terms(e.title, e.url) - topics.theme) & near]
        if 0 < len(fits) < len(r.entries):
            more.append(("ambiguous", f"by title and URL only {', '.join(fits)} fits the citing sentence"))
    return finish(r, tuple(more)) if more else r


def finish_all(entries: tuple[Entry, ...], resolutions: list[Resolution], topics: Topics | None,
               ) -> tuple[list[Resolution], dict[int, list[tuple[str, str]]]]:
    """Every resolution finished (:func:`finish_citation`), and every entry's defects."""
    listed = _list_defects(entries)
    done = [finish_citation(r, listed, topics) for r in resolutions]
    marks = defaultdict(list, {k: list(v) for k, v in _citing_defects(entries, done).items()})
    for line, m in listed.items():
        marks[line].extend(m)
    return done, {e.line: marks[e.line] for e in entries if marks.get(e.line)}


def audit(all_lines=None, lay: Layout | None = None, name: str = "article",
          lang: article.LangArg = None) -> Audit:
    """The citation audit of the article (its pinned copy, in its declared language, unless given)."""
    all_lines = all_lines if all_lines is not None else article.lines(lay)
    lg = languages.resolve(lang, lay)
    src = source_list.parse_entries(all_lines, name, lg)
    topics = Topics.of(intext.sentences(all_lines, name, lg))
    resolutions = [resolve_citation(c, src.entries) for c in intext.extract(all_lines, name, lg)]
    done, marks = finish_all(src.entries, resolutions, topics)
    return Audit(src.entries, done, marks, src.trailer, topics)


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
    lay = lay or _default_layout()
    aud = _audit_cached(str(lay.root))
    out = []
    for part in filter(None, (p.strip() for p in citation_text.split(";"))):
        cit = intext.parse_citation(part, line or 0, lang=article.language(lay))
        if cit is None:
            out.append(finish(Resolution(Citation(line or 0, part), "ok", (), (), ""),
                              (("unparsed", "the register's citation does not parse"),)))
            continue
        on_line = [r for r in aud.resolutions if r.citation.line == line and r.citation.parsed
                   and r.citation.year == cit.year and r.citation.suffix == cit.suffix
                   and r.citation.month == cit.month
                   and all(match_name(a, b) in STRONG for a, b in zip(cit.names, r.citation.names, strict=False))
                   and len(cit.names) == len(r.citation.names)]
        if on_line:
            out.append(on_line[0])
            continue
        r = finish_citation(resolve_citation(cit, aud.entries), aud.entry_defects, None)
        if line is None:  # a claim without a line (a robustness check): the list alone decides
            out.append(r)
            continue
        out.append(finish(r, (("not_on_line", f"not cited on article line {line}"),)))
    return out


def defects_text(citation_text: str, line: int | None, lay: Layout | None = None) -> str:
    """The defects of a register row's citation, one ``kind: why`` each, ``; ``-separated (``""`` when ok).

    This is the ledger's ``audit`` column: each part's own defects (with the entry's label when the
    citation has several parts) and the defects of the list entry it resolves to, but not
    ``uncited``/``not_properly_cited``, which only restate the citation's own mismatch.
    """
    parts = resolve(citation_text, line, lay) if citation_text else []
    aud = _audit_cached(str((lay or _default_layout()).root)) if parts else None
    out = []
    for r in parts:
        said = [f"{k}: {w}" if w else k for k, w in r.explained()]
        skip = (*_FROM_CITATIONS, *(CARRIED if r.entry is not None else ("duplicate_key",)))
        for e in r.entries:  # the entry's own defects; of several candidates, each named
            said += [f"{k}: {'' if r.entry else e.label + ': '}{w}" for k, w in aud.entry_defects.get(e.line, [])
                     if k not in skip]
        if said and len(parts) > 1:
            said[0] = f"({r.citation.text}) {said[0]}"
        out += said
    return "; ".join(out)


def _default_layout() -> Layout:
    from khar_analysis.core.paths import layout

    return layout()


def describe(citation_text: str, line: int | None, lay: Layout | None = None) -> str:
    """One short line for the report: each part's list entry (or candidates) and its status."""
    parts = []
    for r in resolve(citation_text, line, lay):
        target = r.entry_text() or "no list entry"
        flags = [s for s in (r.status, "not_on_line" if "not_on_line" in r.defects else "") if s and s != "ok"]
        parts.append(target + (f" [{', '.join(flags)}]" if flags else ""))
    return "; ".join(parts)


