"""The article's source list and in-text citations: parsing, resolution and the citation audit.

Everything here is computed from the pinned article file; nothing is listed by hand except the one
abbreviation table ``resources/citation_aliases.csv`` (each row with its reason).

Source list («Источники»)
-------------------------
One entry per line: ``Author or outlet, [day] [month] YEAR[suffix]. Title. URL``. An entry may
continue on a later line that holds only its URL (the copy breaks one entry that way). The list ends
at the first line that is neither an entry nor a URL; what follows is page furniture. An entry-like
line after that point is an unknown layout and raises. Months in the list are Azerbaijani
(``yanvar 2026``). Persons are written ``Surname, Given`` and joined by ``and``, ``&`` or the
Azerbaijani ``və``; an author without a comma is kept whole (``Asker Ali``, ``Van Rij Armida``),
and citations match it by leading words.

In-text citations
-----------------
Parentheticals that end in a date: ``(Skocpol, 1982)``, ``(Levitsky и Way, 2010)``, ``(ODIHR, 2024a)``,
``(Reuters, январь 2026 года)``, ``(KHAR Center, 13 января 2026 года)``, ``(газета Азербайджан, 2024)``;
several may share one pair of brackets, separated by ``;``. The name part holds no digits and starts
with a capital letter (after an optional descriptor such as ``газета``), so ``(в 2020 году)`` is not a
citation. A parenthetical holding a year that does not parse as a citation is kept as ``unparsed``, so
nothing with a date is dropped silently.

Resolution (:func:`resolve_citation`)
-------------------------------------
Names are compared after folding (Cyrillic transliterated; Turkish and Azerbaijani letters read two
ways: as plain Latin and phonetically, so ``Интерфакс`` = ``Interfax`` and ``Азербайджан`` =
``Azərbaycan``; dotted ``İ`` = ``I``). A cited name matches a listed one exactly, as one part of
``OSCE/ODIHR``, as an acronym of its capitalised words (``HRW``, ``AP``, ``CSCE``), by leading words
(``BBC`` for ``BBC News Azərbaycanca``, ``President Az`` for ``President of the Republic of
Azerbaijan``), or through the alias table (``МИД``). Weaker matches, reported as name mismatches: the
cited name is the entry's publisher or web host (``KHAR Center`` for an entry listed under its
author), or a spelling within two edits (``Landwall`` / ``Lindvall``). Then the date: same year and
suffix; same year, other suffix; a weak name with the same year; a strong name with another year.
Several equal candidates make the citation ``ambiguous``; none make it ``unresolved``.

The date check (:func:`url_conflict`)
-------------------------------------
The date the text gives for the cited event is the citation's own month or day if it has one, else
the last date in the same sentence before the citation, else the last date earlier in the paragraph
when it has the citation's year, else the citation's year. A date in the cited URL contradicts it when
the source is dated before the event, or when the URL carries a full date (a dated report) later
than the event's period plus :data:`REPORT_GRACE_DAYS`. WordPress upload folders
(``wp-content/uploads/2017/01``) date the upload, not the publication: only the first test applies.
"""

from __future__ import annotations

import calendar
import csv
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from urllib.parse import urlparse

import pandas as pd

from khar_analysis.article import text as article
from khar_analysis.core.dates import UrlDate, url_date  # the one URL-date reader (rules in its docstring)
from khar_analysis.core.layout_checks import expect_true
from khar_analysis.core.paths import Layout

#: Citation statuses, most serious first (a row's ``status`` is its most serious defect).
STATUSES = ("unparsed", "unresolved", "ambiguous", "url_date_conflict", "year_mismatch", "name_mismatch",
            "suffix_mismatch", "month_mismatch", "ok")
#: Defects of list entries (apart from the citations that point to them).
ENTRY_DEFECTS = ("uncited", "duplicate_key", "shared_url", "orphan_suffix", "entry_url_conflict")
#: Days a dated news report may follow the end of the period the text gives for its event.
REPORT_GRACE_DAYS = 7
#: Generic words that may precede a cited outlet's name ("газета Азербайджан").
DESCRIPTORS = ("газета", "агентство", "журнал", "издание", "сайт", "телеканал", "портал")
_CONNECTORS = re.compile(r"\s+(?:и|and|&|və|ve)\s+|,\s+", re.IGNORECASE)
_ET_AL = re.compile(r"\s+(?:и\s+др\.?|et\s+al\.?)$", re.IGNORECASE)
_MONTH_WORDS = sorted({n for names in article.MONTHS.values() for n in names[1:]}, key=len, reverse=True)
_ANY_MONTH = rf"(?:{article._RU_MONTH}|{'|'.join(map(re.escape, _MONTH_WORDS))})"
_YEAR = article._YEAR
_DATE_PART = (rf"(?P<date>(?:(?P<day>[0-3]?\d)\s+)?(?:(?P<month>{_ANY_MONTH})\s+)?(?P<year>{_YEAR})"
              r"(?P<suffix>[a-z])?)")
_CITE = re.compile(rf"^(?P<names>[^\W\d_][^()\d]*?),?\s+{_DATE_PART}(?:\s+(?:год[аух]?|г\.))?\s*$", re.IGNORECASE)
_ENTRY = re.compile(rf"^(?P<author>\S.*?),\s+{_DATE_PART}\.(?:\s+(?P<rest>.*))?$", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
_PAREN = re.compile(r"\(([^()]*)\)")
# Page ranges closing a book entry: "səh. 54-58" (Azerbaijani), "s 233–256", "pp. 1-2", "стр. 5".
_PAGES = re.compile(r",?\s*\b(?:səh|s|pp?|стр|с)\.?\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?)\.?$", re.IGNORECASE)

_CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                 "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))
# Turkish/Azerbaijani letters read phonetically (c = dzh as in Azərbaycan, x = kh as in Azerbaijani).
_TURKIC = {"c": "dzh", "ç": "ch", "ş": "sh", "x": "kh", "q": "g", "j": "zh", "ğ": "g", "ə": "e", "ı": "i",
           "ö": "o", "ü": "u"}
_PLAIN = {"ə": "e", "ı": "i", "x": "ks"}


# --- folding names --------------------------------------------------------------------------------

def _fold(text: str, turkic: bool) -> str:
    out = []
    for ch in text.casefold():
        if ch in _CYR:
            out.append(_CYR[ch])
        elif turkic and ch in _TURKIC:
            out.append(_TURKIC[ch])
        elif not turkic and ch in _PLAIN:
            out.append(_PLAIN[ch])
        else:
            out.append(ch)
    plain = unicodedata.normalize("NFKD", "".join(out))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def readings(text: str) -> frozenset[str]:
    """The folded Latin readings of a name (plain and phonetic), lower case, words separated by spaces.

    >>> sorted(readings("Интерфакс")), "interfaks" in readings("Interfax")
    (['interfaks'], True)
    >>> readings("Азербайджан") & readings("Azərbaycan")
    frozenset({'azerbaydzhan'})
    """
    return frozenset({_fold(text, False), _fold(text, True)})


def _compact(text: str) -> str:
    return _fold(text, False).replace(" ", "")


def _acronym(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[^\W\d_]+", name) if w[0].isupper()).casefold()


def _edits(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@cache
def aliases() -> dict[str, str]:
    """Committed abbreviations the text uses for listed names (``resources/citation_aliases.csv``)."""
    text = resources.files("khar_analysis").joinpath("resources/citation_aliases.csv").read_text(encoding="utf-8")
    return {_fold(r["cited"], False): r["listed"] for r in csv.DictReader(text.splitlines())}


def _leading_words(cited: str, listed: str) -> bool:
    """The cited words start the listed name: the first equal, later ones equal or prefixes, in order."""
    for c in readings(cited):
        for li in readings(listed):
            cw, lw = c.split(), li.split()
            if not cw or not lw or cw[0] != lw[0]:
                continue
            k = 1
            for w in cw[1:]:
                while k < len(lw) and not (lw[k] == w or (len(w) >= 2 and lw[k].startswith(w))):
                    k += 1
                if k == len(lw):
                    break
                k += 1
            else:
                return True
    return False


STRONG = ("exact", "part", "acronym", "leading_words", "alias")
WEAK = ("publisher", "spelling")


def match_name(cited: str, listed: str, entry: Entry | None = None) -> str | None:
    """How a cited name matches a listed one: a kind in :data:`STRONG` or :data:`WEAK`, or ``None``."""
    if readings(cited) & readings(listed):
        return "exact"
    if "/" in listed and any(readings(cited) & readings(p) for p in listed.split("/")):
        return "part"
    if cited.isupper() and len(cited) >= 2 and _compact(cited) == _acronym(listed):
        return "acronym"
    if _leading_words(cited, listed):
        return "leading_words"
    alias = aliases().get(_fold(cited, False))
    if alias and (readings(alias) & readings(listed) or _leading_words(alias, listed)):
        return "alias"
    if entry is not None:
        key = _compact(cited)
        segments = {_compact(s) for s in re.split(r"\.\s+", entry.title)}
        if len(key) >= 4 and (key in _compact(entry.host) or key in segments):
            return "publisher"
    a, b = _compact(cited), _compact(listed)
    if min(len(a), len(b)) >= 5 and _edits(a, b) <= 2:
        return "spelling"
    return None


# --- the source list ------------------------------------------------------------------------------

def _span(year: int, month: int | None = None, day: int | None = None, year_end: int | None = None
          ) -> tuple[date, date]:
    if year_end:
        return date(year, 1, 1), date(year_end, 12, 31)
    if day and month:
        return date(year, month, day), date(year, month, day)
    if month:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 1, 1), date(year, 12, 31)


_EN_WORDS = frozenset(["the", "of", "and", "in", "to", "a", "an", "on", "for", "with", "is", "are", "says", "as",
                       "after", "at", "by", "from", "will", "not", "its"])
_TR_WORDS = frozenset(["ve", "bir", "ile", "için", "da", "de", "değil", "olduğu", "bu", "en"])


def title_language(title: str) -> str:
    """``az``, ``tr``, ``en``, ``ru`` or ``und`` for a title, from its letters and function words.

    Azerbaijani is the only one of these with ``ə``; Turkish has ``ğ ı ş`` and dotted capitals; a
    Latin title is English when English function words outnumber Turkish signs, or when it is plain
    ASCII of two or more words.
    """
    words = re.findall(r"[^\W\d_]+", title)
    if not words:
        return "und"
    if re.search(r"[әəƏ]", title):
        return "az"
    if re.search(r"[а-яё]", title, re.IGNORECASE):
        return "ru"
    low = [w.casefold() for w in words]
    en = sum(w in _EN_WORDS for w in low)
    tr = sum(w in _TR_WORDS for w in low) + sum(bool(re.search(r"[ğışçöüİÇŞÖÜĞ]", w)) for w in words)
    if tr > en:
        return "tr"
    if en or (len(words) >= 2 and title.isascii()):
        return "en"
    return "und"


@dataclass(frozen=True)
class Entry:
    """One entry of the source list. ``line`` is its first line; ``lines`` all the lines it spans."""

    line: int
    lines: tuple[int, ...]
    author: str
    names: tuple[str, ...]
    year: int
    month: int | None
    day: int | None
    suffix: str
    date_text: str
    title: str
    url: str
    lang: str
    pages: str = ""

    @property
    def key(self) -> str:
        """The entry as the list names it, short: ``Reuters, yanvar 2026a``, ``Kınık & Çelik, 2021``."""
        return f"{' & '.join(self.names)}, {self.date_text}"

    @property
    def label(self) -> str:
        """The key with the entry's line, unique within the list: ``Reuters, 2024 (L161)``."""
        return f"{self.key} (L{self.line})"

    @property
    def host(self) -> str:
        return urlparse(self.url).netloc.removeprefix("www.") if self.url else ""

    @property
    def url_date(self) -> UrlDate | None:
        return url_date(self.url)


def _person_names(author: str) -> tuple[str, ...]:
    if "," not in author:  # an outlet, or a person written "Surname Given": kept whole
        return (author.strip(),)
    parts = re.split(r"\s+(?:and|&|və|ve|и)\s+", author)
    return tuple(p.split(",")[0].strip() for p in parts if p.strip())


def parse_entry(text: str, line: int = 0) -> Entry | None:
    """Parse one source-list line; ``None`` when the line is not an entry."""
    m = _ENTRY.match(text.strip())
    if not m:
        return None
    rest = (m["rest"] or "").strip()
    urls = _URL.findall(rest)
    url = urls[-1].rstrip(".,;") if urls else ""
    title = _URL.sub("", rest).strip().rstrip(".").strip()
    pages = _PAGES.search(title)
    title = title[:pages.start()].strip() if pages else title
    return Entry(
        line=line, lines=(line,), author=m["author"].strip(), names=_person_names(m["author"]),
        year=int(m["year"]), month=article.month_number(m["month"]) if m["month"] else None,
        day=int(m["day"]) if m["day"] else None, suffix=(m["suffix"] or "").lower(),
        date_text=" ".join(m["date"].split()),
        title=title, url=url, lang=title_language(title), pages=pages["pages"] if pages else "",
    )


@dataclass(frozen=True)
class SourceList:
    """The parsed source list and the furniture after it."""

    entries: tuple[Entry, ...]
    trailer: tuple[int, ...]


def parse_entries(all_lines, name: str = "article") -> SourceList:
    """Every entry of the source list (see the module docstring for the layout)."""
    refs = article.structure(all_lines, name).references
    entries: list[Entry] = []
    trailer: list[int] = []
    for i in range(refs.first, refs.last + 1):
        text = all_lines[i - 1].strip()
        if not text:
            continue
        entry = parse_entry(text, i)
        if trailer:
            expect_true(name, entry is None and not _URL.fullmatch(text),
                        f"line {i} looks like a source-list entry after the list ended at line {trailer[0]}")
            trailer.append(i)
        elif entry is not None:
            entries.append(entry)
        elif _URL.fullmatch(text) and entries and not entries[-1].url:
            last = entries[-1]
            entries[-1] = Entry(**{**last.__dict__, "url": text.rstrip(".,;"), "lines": (*last.lines, i)})
        else:
            trailer.append(i)
    expect_true(name, bool(entries), f"no entries under the source-list heading at line {refs.line}")
    return SourceList(tuple(entries), tuple(trailer))


# --- in-text citations ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Citation:
    """One in-text citation. ``text`` is what stands in the brackets for it (``Reuters, январь 2026
    года``); ``start`` its offset in the line; ``event`` the date the text gives for what it supports."""

    line: int
    text: str
    names: tuple[str, ...] = ()
    year: int | None = None
    month: int | None = None
    day: int | None = None
    suffix: str = ""
    start: int = 0
    descriptor: str = ""
    et_al: bool = False
    event: tuple[int, int | None, int | None, int | None] | None = None
    event_from: str = ""

    @property
    def parsed(self) -> bool:
        return self.year is not None

    def event_iso(self) -> str:
        if not self.event:
            return ""
        y, m, d, y2 = self.event
        return f"{y}/{y2}" if y2 else "-".join([str(y)] + [f"{p:02d}" for p in (m, d) if p])


def parse_citation(text: str, line: int = 0, start: int = 0) -> Citation | None:
    """Parse what stands in brackets for one citation; ``None`` when it is not one.

    >>> c = parse_citation("Levitsky и Way, 2010"); c.names, c.year
    (('Levitsky', 'Way'), 2010)
    >>> c = parse_citation("KHAR Center, 13 января 2026 года"); c.names, c.year, c.month, c.day
    (('KHAR Center',), 2026, 1, 13)
    """
    m = _CITE.match(text.strip())
    if not m:
        return None
    names = m["names"].strip()
    et_al = bool(_ET_AL.search(names))
    names = _ET_AL.sub("", names)
    descriptor = ""
    first, _, tail = names.partition(" ")
    if first.casefold() in DESCRIPTORS and tail:
        descriptor, names = first, tail
    if not names[:1].isupper():  # "(в 2020 году)" is a date in brackets, not a citation
        return None
    parts = tuple(p.strip() for p in _CONNECTORS.split(names) if p.strip())
    if not parts or len(parts) > 6 or any(len(p.split()) > 6 for p in parts):
        return None
    return Citation(
        line=line, text=" ".join(text.split()), names=parts, year=int(m["year"]),
        month=article.month_number(m["month"]) if m["month"] else None,
        day=int(m["day"]) if m["day"] else None, suffix=(m["suffix"] or "").lower(), start=start,
        descriptor=descriptor, et_al=et_al,
    )


def _event_date(text: str, cit: Citation, mentions: list[article.DateMention]) -> tuple[tuple, str]:
    """The date the text gives for what ``cit`` supports, and where it was read (module docstring)."""
    if cit.month:
        return (cit.year, cit.month, cit.day, None), "citation"
    before = [d for d in mentions if d.end <= cit.start]
    sentence = next(((a, b) for a, b in article.sentence_spans(text) if a <= cit.start < b), (0, len(text)))
    in_sentence = [d for d in before if d.start >= sentence[0]]
    if in_sentence:
        d = in_sentence[-1]
        return (d.year, d.month, d.day, d.year_end), "sentence"
    same_year = [d for d in before if d.year == cit.year and not d.year_end]
    if same_year:
        d = same_year[-1]
        return (d.year, d.month, d.day, None), "paragraph"
    return (cit.year, None, None, None), "citation year"


def citations_in(text: str, line: int) -> list[Citation]:
    """Every citation in one paragraph, in order, each with the date the text gives for its event.

    A parenthetical holding a year that is not a citation comes back unparsed (``year is None``).
    """
    found: list[Citation] = []
    masked = text
    for m in _PAREN.finditer(text):
        inner, offset = m.group(1), m.start(1)
        parts, pos = [], 0
        for piece in inner.split(";"):
            parts.append((piece, offset + pos + (len(piece) - len(piece.lstrip()))))
            pos += len(piece) + 1
        parsed = [parse_citation(p, line, s) for p, s in parts]
        if any(parsed):
            found.extend(c for c in parsed if c)
            masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
            unparsed = [(p, s) for (p, s), c in zip(parts, parsed, strict=True) if c is None and p.strip()]
            found.extend(Citation(line, " ".join(p.split()), start=s) for p, s in unparsed)
        elif re.search(rf"(?<!\d){_YEAR}(?!\d)", inner):
            found.append(Citation(line, " ".join(inner.split()), start=offset))
    mentions = article.dates(masked)
    out = []
    for c in found:
        if c.parsed:
            event, origin = _event_date(text, c, mentions)
            c = Citation(**{**c.__dict__, "event": event, "event_from": origin})
        out.append(c)
    return sorted(out, key=lambda c: c.start)


def extract(all_lines, name: str = "article") -> list[Citation]:
    """Every in-text citation of the article's body, in reading order."""
    return article.over_paragraphs(all_lines, citations_in, name)


# --- resolution -----------------------------------------------------------------------------------

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
    ev_start, ev_end = _span(*event[:3], year_end=event[3])
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
        return Resolution(cit, "unparsed", (), ("unparsed",), "a bracket holding a year that is not a citation")
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
        return Resolution(cit, "unresolved", (), ("unresolved",), "no list entry has this name")
    found = tuple(e for e, _ in cands)
    if len(found) > 1:
        fits = [e.label for e in found if e.url_date and not url_conflict(cit.event, e.url_date)]
        detail = f"{len(found)} entries share this name and date"
        if cit.event and 0 < len(fits) < len(found):
            detail += f"; only {', '.join(fits)} has a URL date that fits the text's date {cit.event_iso()}"
        return Resolution(cit, "ambiguous", found, ("ambiguous", *defects), detail, cands[0][1])
    entry, how = cands[0]
    notes = []
    if "year_mismatch" in defects:
        notes.append(f"year: text {cit.year}, list {entry.year}")
    if "suffix_mismatch" in defects:
        notes.append(f"suffix: text '{cit.suffix or '-'}', list '{entry.suffix or '-'}'")
    if how == "publisher":
        notes.append(f"cited by its publisher; the list names '{entry.author}'")
    elif how == "spelling":
        pairs = [f"{c} / {e}" for c, e in zip(cit.names, entry.names, strict=False)
                 if match_name(c, e, entry) == "spelling"]
        notes.append(f"name spelled differently: {'; '.join(pairs)}")
    if cit.month and entry.month and cit.month != entry.month:
        defects = (*defects, "month_mismatch")
        notes.append(f"month: text {cit.month}, list {entry.month}")
    why = url_conflict(cit.event, entry.url_date)
    if why:
        defects = (*defects, "url_date_conflict")
        notes.append(why)
    if cit.descriptor:
        notes.append(f"cited with the descriptor '{cit.descriptor}'")
    status = next((s for s in STATUSES if s in defects), "ok")
    return Resolution(cit, status, (entry,), tuple(s for s in STATUSES if s in defects), "; ".join(notes), how)


# --- the audit ------------------------------------------------------------------------------------

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
    return _compact(" ".join(e.names)), e.year


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


def audit(all_lines=None, lay: Layout | None = None, name: str = "article") -> Audit:
    """The citation audit of the article (its pinned copy unless ``all_lines`` is given)."""
    all_lines = all_lines if all_lines is not None else article.lines(lay)
    src = parse_entries(all_lines, name)
    resolutions = [resolve_citation(c, src.entries) for c in extract(all_lines, name)]
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
        cit = parse_citation(part, line or 0)
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


#: Citation statuses under which a cited source cannot support a claim: it is not identifiable, or
#: it is dated before the event it is cited for. Name, year and suffix slips leave it identifiable.
SUPPORT_FAILS = ("unparsed", "unresolved", "ambiguous", "url_date_conflict")


def claim_support(claim_id: str, lay: Layout | None = None) -> tuple[bool | None, str]:
    """Whether a registered claim's cited support holds, and a one-line account of it.

    ``True``: every cited part resolves to one list entry and none is dated against the text;
    ``False``: some part is unresolved, ambiguous or contradicted by its URL date (see
    :data:`SUPPORT_FAILS`); ``None``: the claim cites nothing.
    """
    from khar_analysis.claims import register as claims

    claim = claims.load_register(lay)[claim_id]
    if not claim.citation:
        return None, "the claim cites no source"
    results = resolve(claim.citation, claim.line, lay)
    held = all(r.status not in SUPPORT_FAILS for r in results)
    text = "; ".join(f"({r.citation.text}) -> {r.entry_text() or 'no entry'}: {r.status}"
                     + (f" ({r.detail})" if r.detail else "") for r in results)
    return held, text
