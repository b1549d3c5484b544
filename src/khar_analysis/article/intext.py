"""In-text citations: parentheticals that end in a date, and the date the text gives for what they support.

``(Skocpol, 1982)``, ``(Levitsky и Way, 2010)``, ``(ODIHR, 2024a)``, ``(Reuters, январь 2026 года)``,
``(KHAR Center, 13 января 2026 года)``, ``(газета Азербайджан, 2024)``; several may share one pair of
brackets, separated by ``;``. The name part holds no digits and starts with a capital letter (after
an optional descriptor of the language, such as ``газета``), so ``(в 2020 году)`` is not a citation.
A parenthetical holding a year that does not parse as a citation is kept as ``unparsed``, so nothing
with a date is dropped silently.

The date the text gives for the cited event is the citation's own month or day if it has one, else
the last date in the same sentence before the citation, else the last date earlier in the paragraph
when it has the citation's year, else the citation's year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, partial

from khar_analysis.article import lang as languages
from khar_analysis.article import text as article
from khar_analysis.article.lang import Language

_PAREN = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class _Patterns:
    cite: re.Pattern
    connectors: re.Pattern
    et_al: re.Pattern


@cache
def _patterns(lg: Language) -> _Patterns:
    return _Patterns(
        cite=re.compile(rf"^(?P<names>[^\W\d_][^()\d]*?),?\s+{article.citation_date_part(lg)}"
                        rf"(?:\s+(?:{lg.citation_year_words}))?\s*$", re.IGNORECASE),
        connectors=re.compile(rf"\s+(?:{lg.and_words})\s+|,\s+", re.IGNORECASE),
        et_al=re.compile(rf"\s+(?:{lg.et_al})$", re.IGNORECASE),
    )


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
    sentence: str = ""

    @property
    def parsed(self) -> bool:
        return self.year is not None

    def event_iso(self) -> str:
        if not self.event:
            return ""
        y, m, d, y2 = self.event
        return f"{y}/{y2}" if y2 else "-".join([str(y)] + [f"{p:02d}" for p in (m, d) if p])



def parse_citation(text: str, line: int = 0, start: int = 0, lang: article.LangArg = None) -> Citation | None:
    """Parse what stands in brackets for one citation; ``None`` when it is not one.

    >>> c = parse_citation("Levitsky и Way, 2010", lang="ru"); c.names, c.year
    (('Levitsky', 'Way'), 2010)
    >>> c = parse_citation("KHAR Center, 13 января 2026 года", lang="ru"); c.names, c.year, c.month, c.day
    (('KHAR Center',), 2026, 1, 13)
    """
    lg = languages.resolve(lang)
    pats = _patterns(lg)
    m = pats.cite.match(text.strip())
    if not m:
        return None
    names = m["names"].strip()
    et_al = bool(pats.et_al.search(names))
    names = pats.et_al.sub("", names)
    descriptor = ""
    first, _, tail = names.partition(" ")
    if first.casefold() in lg.descriptors and tail:
        descriptor, names = first, tail
    if not names[:1].isupper():  # "(в 2020 году)" is a date in brackets, not a citation
        return None
    parts = tuple(p.strip() for p in pats.connectors.split(names) if p.strip())
    if not parts or len(parts) > 6 or any(len(p.split()) > 6 for p in parts):
        return None
    return Citation(
        line=line, text=" ".join(text.split()), names=parts, year=int(m["year"]),
        month=lg.month_number(m["month"]) if m["month"] else None,
        day=int(m["day"]) if m["day"] else None, suffix=(m["suffix"] or "").lower(), start=start,
        descriptor=descriptor, et_al=et_al,
    )


def _event_date(text: str, cit: Citation, mentions: list[article.DateMention], lg: Language) -> tuple[tuple, str]:
    """The date the text gives for what ``cit`` supports, and where it was read (module docstring)."""
    if cit.month:
        return (cit.year, cit.month, cit.day, None), "citation"
    before = [d for d in mentions if d.end <= cit.start]
    sentence = next(((a, b) for a, b in article.sentence_spans(text, lg) if a <= cit.start < b), (0, len(text)))
    in_sentence = [d for d in before if d.start >= sentence[0]]
    if in_sentence:
        d = in_sentence[-1]
        return (d.year, d.month, d.day, d.year_end), "sentence"
    same_year = [d for d in before if d.year == cit.year and not d.year_end]
    if same_year:
        d = same_year[-1]
        return (d.year, d.month, d.day, None), "paragraph"
    return (cit.year, None, None, None), "citation year"


def citations_in(text: str, line: int, lang: article.LangArg = None) -> list[Citation]:
    """Every citation in one paragraph, in order, each with the date the text gives for its event and
    its ``sentence`` (the sentence holding it, citations blanked, whitespace collapsed).

    A parenthetical holding a year that is not a citation comes back unparsed (``year is None``).
    """
    lg = languages.resolve(lang)
    found, masked = _scan(text, line, lg)
    mentions = article.dates(masked, lg)
    spans = article.sentence_spans(text, lg)
    out = []
    for c in found:
        if c.parsed:
            event, origin = _event_date(text, c, mentions, lg)
            k = next((k for k, (a, b) in enumerate(spans) if a <= c.start < b), None)
            a, b = spans[k] if k is not None else (0, len(text))
            if k and not re.search(r"\w", masked[a:b]):  # a citation cut off after a closing quote
                a = spans[k - 1][0]
            c = Citation(**{**c.__dict__, "event": event, "event_from": origin,
                            "sentence": " ".join(masked[a:b].split())})
        out.append(c)
    return sorted(out, key=lambda c: c.start)


def sentences_in(text: str, line: int, lang: article.LangArg = None) -> list[tuple[int, str]]:
    """The sentences of one paragraph as ``(line, text)``, citations blanked as in :func:`citations_in`."""
    lg = languages.resolve(lang)
    masked = _scan(text, line, lg)[1]
    return [(line, s) for a, b in article.sentence_spans(text, lg)
            if re.search(r"\w", s := " ".join(masked[a:b].split()))]


def _scan(text: str, line: int, lg: Language) -> tuple[list[Citation], str]:
    """The citations of a paragraph (without event dates) and the paragraph with them blanked."""
    found: list[Citation] = []
    masked = text
    for m in _PAREN.finditer(text):
        inner, offset = m.group(1), m.start(1)
        parts, pos = [], 0
        for piece in inner.split(";"):
            parts.append((piece, offset + pos + (len(piece) - len(piece.lstrip()))))
            pos += len(piece) + 1
        parsed = [parse_citation(p, line, s, lg) for p, s in parts]
        if any(parsed):
            found.extend(c for c in parsed if c)
            masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
            unparsed = [(p, s) for (p, s), c in zip(parts, parsed, strict=True) if c is None and p.strip()]
            found.extend(Citation(line, " ".join(p.split()), start=s) for p, s in unparsed)
        elif re.search(rf"(?<!\d){article.YEAR}(?!\d)", inner):
            found.append(Citation(line, " ".join(inner.split()), start=offset))
    return found, masked


def extract(all_lines, name: str = "article", lang: article.LangArg = None) -> list[Citation]:
    """Every in-text citation of the article's body, in reading order."""
    lg = languages.resolve(lang)
    return article.over_paragraphs(all_lines, partial(citations_in, lang=lg), name, lg)


def sentences(all_lines, name: str = "article", lang: article.LangArg = None) -> list[tuple[int, str]]:
    """Every sentence of the article's body as ``(line, text)``, citations blanked."""
    lg = languages.resolve(lang)
    return article.over_paragraphs(all_lines, partial(sentences_in, lang=lg), name, lg)
