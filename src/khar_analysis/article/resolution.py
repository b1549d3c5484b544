"""Resolving an in-text citation against the source list (:func:`resolve_citation`), and the URL-date check.

A cited name must match a listed one (:func:`khar_analysis.article.names.match_name`: strong kinds
first, then weak ones). Then the date: same year and suffix; same year, other suffix; a weak name
with the same year; a strong name with another year. Several equal candidates make the citation
``ambiguous``; none make it ``unresolved``.

The date check (:func:`url_conflict`): a date in the cited URL contradicts the date the text gives
for the event when the source is dated before the event, or when the URL carries a full date (a
dated report) later than the event's period plus :data:`REPORT_GRACE_DAYS`. WordPress upload folders
(``wp-content/uploads/2017/01``) date the upload, not the publication: only the first test applies.

The precision check (:func:`precision_gap`, ``unverifiable_precision``): the text gives the event a
month or a day, and neither the entry's list date nor its URL's date is that precise, so the list
cannot confirm it. Every defect carries its own explanation (:meth:`Resolution.explained`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from khar_analysis.article.entries import Entry
from khar_analysis.article.intext import Citation
from khar_analysis.article.names import STRONG, WEAK, match_name
from khar_analysis.core.dates import UrlDate, calendar_when

#: Citation statuses and defects, most serious first (a row's ``status`` is its most serious defect).
#: ``subject_mismatch`` (the entry is about something else, :mod:`khar_analysis.article.subjects`)
#: always comes with ``unresolved``: the citation has no fitting entry. ``shared_url`` and
#: ``title_slug_mismatch`` are defects of the entry, carried by every citation that resolves to it.
STATUSES = ("unparsed", "unresolved", "subject_mismatch", "ambiguous", "url_date_conflict", "year_mismatch",
            "name_mismatch", "suffix_mismatch", "month_mismatch", "shared_url", "title_slug_mismatch",
            "unverifiable_precision", "ok")
#: Defects after which a citation does not count as citing its entry (the entry is not properly cited).
MISMATCHES = ("unresolved", "subject_mismatch", "ambiguous", "url_date_conflict", "year_mismatch",
              "name_mismatch", "suffix_mismatch", "month_mismatch")
_PRECISION = ("year", "month", "day")
#: Days a dated news report may follow the end of the period the text gives for its event.
REPORT_GRACE_DAYS = 7


@dataclass(frozen=True)
class Resolution:
    """What a citation resolves to: ``status`` (its most serious defect, see :data:`STATUSES`), the
    candidate ``entries`` (one when resolved), every defect, and a short ``detail``."""

    citation: Citation
    status: str
    entries: tuple[Entry, ...]
    defects: tuple[str, ...]
    detail: str
    how: str = ""
    notes: tuple[tuple[str, str], ...] = ()

    def explained(self) -> list[tuple[str, str]]:
        """Each defect with its explanation (``""`` when there is none), in :data:`STATUSES` order."""
        said = {}
        for kind, text in self.notes:
            if kind in self.defects:
                said[kind] = "; ".join(filter(None, [said.get(kind, ""), text]))
        return [(d, said.get(d, "")) for d in self.defects]

    @property
    def entry(self) -> Entry | None:
        return self.entries[0] if len(self.entries) == 1 else None

    def entry_text(self) -> str:
        return " | ".join(e.label for e in self.entries)


def _names_match(cit: Citation, entry: Entry) -> str | None:
    """The weakest of the per-name matches (all cited names must match, in order), else ``None``."""
    if len(cit.names) != len(entry.names) and not (cit.et_al and len(entry.names) > len(cit.names)):
        return None
    kinds = [match_name(c, e, entry) for c, e in zip(cit.names, entry.names, strict=False)]
    if any(k is None for k in kinds):
        return None
    return next((k for k in WEAK if k in kinds), None) or next(k for k in reversed(STRONG) if k in kinds)


def url_conflict(event: tuple | None, ud: UrlDate | None) -> str:
    """Why a URL date contradicts the date the text gives for the event, or ``""`` when it does not."""
    if not event or not ud:
        return ""
    told = calendar_when(*event[:3], year_end=event[3])
    ev_start, ev_end = told.start, told.end
    u_start, u_end = ud.span()
    if u_end < ev_start:
        return f"URL dated {ud.iso()}, before the event the text dates {_iso(event)}"
    if ud.kind in ("report", "timestamp") and u_start > ev_end + timedelta(days=REPORT_GRACE_DAYS):
        return f"URL dated {ud.iso()}, after the period the text gives for the event ({_iso(event)})"
    return ""


def _iso(event: tuple) -> str:
    y, m, d, y2 = event
    return f"{y}/{y2}" if y2 else "-".join([str(y)] + [f"{p:02d}" for p in (m, d) if p])


def resolve_citation(cit: Citation, entries: tuple[Entry, ...] | list[Entry]) -> Resolution:
    """Resolve one citation against the source list (rules in the module docstring)."""
    if not cit.parsed:
        why = "a bracket holding a year that is not a citation"
        return finish(Resolution(cit, "ok", (), (), ""), (("unparsed", why),))
    matched = [(e, k) for e in entries if (k := _names_match(cit, e))]
    strong = [(e, k) for e, k in matched if k in STRONG]
    weak = [(e, k) for e, k in matched if k in WEAK]
    same = [(e, k) for e, k in strong if e.year == cit.year and e.suffix == cit.suffix]
    steps = [
        (same, ()),
        ([(e, k) for e, k in strong if e.year == cit.year], ("suffix_mismatch",)),
        ([(e, k) for e, k in weak if e.year == cit.year], ("name_mismatch",)),
        (strong, ("year_mismatch",)),
        (weak, ("name_mismatch", "year_mismatch")),
    ]
    cands, defects = next(((c, d) for c, d in steps if c), ([], ()))
    if not cands:
        return finish(Resolution(cit, "ok", (), (), ""), (("unresolved", "no list entry has this name"),))
    found = tuple(e for e, _ in cands)
    if len(found) > 1:
        fits = [e.label for e in found if e.url_date and not url_conflict(cit.event, e.url_date)]
        detail = f"{len(found)} entries share this name and date"
        if cit.event and 0 < len(fits) < len(found):
            detail += f"; only {', '.join(fits)} has a URL date that fits the text's date {cit.event_iso()}"
        return finish(Resolution(cit, "ok", found, defects, "", cands[0][1]), (("ambiguous", detail),))
    entry, how = cands[0]
    notes = []
    if "year_mismatch" in defects:
        notes.append(("year_mismatch", f"year: text {cit.year}, list {entry.year}"))
    if "suffix_mismatch" in defects:
        notes.append(("suffix_mismatch", f"suffix: text '{cit.suffix or '-'}', list '{entry.suffix or '-'}'"))
    if how == "publisher":
        notes.append(("name_mismatch", f"cited by its publisher; the list names '{entry.author}'"))
    elif how == "spelling":
        pairs = [f"{c} / {e}" for c, e in zip(cit.names, entry.names, strict=False)
                 if match_name(c, e, entry) == "spelling"]
        notes.append(("name_mismatch", f"name spelled differently: {'; '.join(pairs)}"))
    if cit.month and entry.month and cit.month != entry.month:
        defects = (*defects, "month_mismatch")
        notes.append(("month_mismatch", f"month: text {cit.month}, list {entry.month}"))
    for kind, why in (("url_date_conflict", url_conflict(cit.event, entry.url_date)),
                      ("unverifiable_precision", precision_gap(cit.event, entry))):
        if why:
            defects = (*defects, kind)
            notes.append((kind, why))
    if cit.descriptor:
        notes.append(("", f"cited with the descriptor '{cit.descriptor}'"))
    return finish(Resolution(cit, "ok", (entry,), tuple(defects), "", how, tuple(notes)))


def finish(r: Resolution, more: tuple[tuple[str, str], ...] = ()) -> Resolution:
    """``r`` with the defects and notes ``more`` added, its defects ordered, status and detail recomputed."""
    notes = (*r.notes, *more)
    defects = tuple(dict.fromkeys([*r.defects, *(k for k, _ in more if k)]))
    ordered = (*(s for s in STATUSES if s in defects), *(d for d in defects if d not in STATUSES))
    status = next((s for s in STATUSES if s in defects), "ok")
    return Resolution(r.citation, status, r.entries, ordered, "; ".join(t for _, t in notes if t), r.how, notes)


def precision_gap(event: tuple | None, entry: Entry) -> str:
    """Why the entry cannot support the precision the text gives the event, or ``""``.

    The text gives a month or a day (the citation's own date, or the date the sentence or paragraph
    states); the entry's list date and its URL's date are both coarser. A WordPress upload folder
    dates a copy, not the work, so it supports nothing.
    """
    if not event or event[3]:
        return ""
    told = 2 if event[2] else 1 if event[1] else 0
    ud = entry.url_date
    by_url = 0 if ud is None or ud.kind == "upload" else 2 if ud.kind in ("report", "timestamp") else \
        1 if ud.kind == "month" else 0
    has = max(2 if entry.day else 1 if entry.month else 0, by_url)
    if told <= has:
        return ""
    where = "a dated URL" if by_url else "no dated URL"
    return f"the text gives a {_PRECISION[told]}, the entry only a {_PRECISION[has]} and {where}"
