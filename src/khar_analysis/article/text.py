"""The article as data: its lines, its structure, the dates its prose states, and quotes by location.

The article is a pinned raw file (manifest id ``article``); the project never stores its sentences.
Quotes are cut from the file at build time by line number and anchor words, into outputs that are
not committed. Its language is declared in its manifest record (``language``); the words and
patterns of each language live in :mod:`khar_analysis.article.lang` (``ru``, ``en``), and every
parsing function here takes ``lang`` (a :class:`~khar_analysis.article.lang.Language` or its code;
omitted: the pinned article's).

Layout of the file (checked by :func:`structure`, which fails loudly on anything else)
------------------------------------------------------------------------------------
- one paragraph per line, blank lines between; line 1 is the dateline, then the title (repeated once
  on the web page the copy was saved from);
- section headings are short lines without closing punctuation; exactly one of them names the
  source list (``Источники``, ``References``: the language's ``reference_headings``), which runs to the
  end of the file and is followed by page furniture (a newsletter box) that
  :mod:`khar_analysis.article.entries` separates from the entries.

Dates in the prose (:func:`dates`) follow the language: ``22 февраля 2022 года``, ``в декабре 2024
года``, ``2011–2020 годов``; ``22 February 2022``, ``February 22, 2022``, ``in 2024``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from khar_analysis.article import lang as languages
from khar_analysis.article.lang import Language
from khar_analysis.article.lang.ru import MONTHS  # noqa: F401  (read by url_date for English month names)
from khar_analysis.core.layout_checks import expect_true
from khar_analysis.core.paths import Layout
from khar_analysis.core.paths import layout as default_layout
from khar_analysis.provenance import manifest

YEAR = r"(?:1[89]|20)\d{2}"
LangArg = Language | str | None


@cache
def _date_regex(lg: Language) -> re.Pattern:
    day_after = r"(?:(?P<day_after>[0-3]?\d),?\s+)?" if lg.day_after_month else ""
    return re.compile(
        rf"(?<![\w-])(?:(?P<day>[0-3]?\d)\s+)?(?:(?P<month>{lg.month_pattern})\s+{day_after})?(?P<year>{YEAR})"
        rf"(?:\s*[–—-]\s*(?P<year_end>{YEAR}))?(?P<suffix>[a-z](?!\w))?"
        rf"(?:\s+(?P<word>{lg.year_words}))?(?!\w)",
        re.IGNORECASE,
    )


def citation_date_part(lg: Language) -> str:
    """The regex of the date closing a citation or a list entry: ``[day] [month] YEAR[suffix]``, the month
    in the prose's forms or a listed name (groups ``date``, ``day``, ``month``, ``year``, ``suffix``)."""
    listed = sorted({n for names in lg.listed_months.values() for n in names}, key=len, reverse=True)
    any_month = f"(?:{lg.month_pattern}|{'|'.join(map(re.escape, listed))})" if listed else lg.month_pattern
    return (rf"(?P<date>(?:(?P<day>[0-3]?\d)\s+)?(?:(?P<month>{any_month})\s+)?(?P<year>{YEAR})"
            r"(?P<suffix>[a-z])?)")


@cache
def _sentence_end(lg: Language) -> re.Pattern:
    return re.compile(lg.sentence_end)


class AnchorError(LookupError):
    """The anchor words of a claim are not on the line the register gives."""


@cache
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").splitlines())


def lines(lay: Layout | None = None) -> tuple[str, ...]:
    """The article's lines (line 1 is index 0), read from the verified pinned file.

    The article is the manifest record the project file names (``[tool.khar] article``).
    """
    lay = lay or default_layout()
    return _lines(manifest.path(lay.article_id, lay))


def language(lay: Layout | None = None) -> Language:
    """The article's language, as its manifest record declares it."""
    lay = lay or default_layout()
    return languages.of_source(lay.article_id, lay)


def sentences(text: str, lang: LangArg = None) -> list[str]:
    """Split a paragraph into sentences (after ., !, ?, … or a closing quote/bracket before a capital)."""
    return [s.strip() for s in _sentence_end(languages.resolve(lang)).split(text) if s.strip()]


def sentence_spans(text: str, lang: LangArg = None) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the sentences :func:`sentences` finds in ``text``."""
    spans, start = [], 0
    for m in _sentence_end(languages.resolve(lang)).finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def quote(line: int, anchors: list[str], lay: Layout | None = None, all_lines=None, lang: LangArg = None) -> str:
    """The sentence on ``line`` that contains the first anchor (all anchors must be on the line).

    ``all_lines`` and ``lang`` default to the pinned article and its declared language.
    """
    all_lines = all_lines if all_lines is not None else lines(lay)
    lg = languages.resolve(lang, lay)
    if not 1 <= line <= len(all_lines):
        raise AnchorError(f"line {line} is outside the article (1..{len(all_lines)})")
    text = all_lines[line - 1]
    missing = [a for a in anchors if a.casefold() not in text.casefold()]
    if missing:
        raise AnchorError(f"anchor words {missing} are not on article line {line}")
    if not anchors:
        return text
    for sentence in sentences(text, lg):
        if anchors[0].casefold() in sentence.casefold():
            return sentence
    return text


# --- dates ---------------------------------------------------------------------------------------

def month_number(word: str, lang: LangArg = None) -> int | None:
    """The month a word names (for Russian: in any case, or in Azerbaijani, Turkish, English), else ``None``.

    >>> month_number("января", "ru"), month_number("yanvar", "ru"), month_number("Dec", "ru")
    (1, 1, 12)
    >>> month_number("войны", "ru"), month_number("Sept.", "en")
    (None, 9)
    """
    return languages.resolve(lang).month_number(word)


@dataclass(frozen=True)
class DateMention:
    """A date the prose states: a year, a month of a year, a day, or a range of years.

    ``start``/``end`` are character offsets in the paragraph; ``text`` is the matched token
    (e.g. ``декабре 2024 года``); ``year_end`` is set for ranges (``2011–2020``).
    """

    start: int
    end: int
    text: str
    year: int
    month: int | None = None
    day: int | None = None
    year_end: int | None = None
    suffix: str = ""

    @property
    def precision(self) -> str:
        return "range" if self.year_end else "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        """``2024``, ``2024-12``, ``2022-02-22`` or ``2011/2020``."""
        if self.year_end:
            return f"{self.year}/{self.year_end}"
        return "-".join([str(self.year)] + [f"{p:02d}" for p in (self.month, self.day) if p])


def dates(text: str, lang: LangArg = None) -> list[DateMention]:
    """Every date expression in ``text`` (prose in ``lang``), in order.

    A day needs a month (``22 февраля 2022``); a bare number before a year is not a day.

    >>> [d.iso() for d in dates("за 22 февраля 2022 года, в декабре 2024 года и в 2011–2020 годах", "ru")]
    ['2022-02-22', '2024-12', '2011/2020']
    >>> [d.iso() for d in dates("on February 22, 2022 and in Dec. 2024", "en")]
    ['2022-02-22', '2024-12']
    """
    lg = languages.resolve(lang)
    out = []
    for m in _date_regex(lg).finditer(text):
        start, day = m.start(), m.group("day") or m.groupdict().get("day_after")
        month = lg.month_number(m.group("month")) if m.group("month") else None
        if day and not month:  # "38 2024" is not a date: restart at the year
            start, day = m.start("year"), None
        out.append(DateMention(
            start=start, end=m.end(), text=text[start:m.end()], year=int(m.group("year")), month=month,
            day=int(day) if day else None, year_end=int(m.group("year_end")) if m.group("year_end") else None,
            suffix=(m.group("suffix") or "").lower(),
        ))
    return out


# --- structure -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    """A section: its heading line and the range of lines after it (``first``..``last``, inclusive)."""

    title: str
    line: int
    first: int
    last: int


@dataclass(frozen=True)
class Paragraph:
    """A non-empty prose line of a body section."""

    line: int
    section: str
    text: str


@dataclass(frozen=True)
class Structure:
    """Where the dateline, title, body sections and source list are."""

    dateline: int | None
    title_lines: tuple[int, ...]
    sections: tuple[Section, ...]
    references: Section
    paragraphs: tuple[Paragraph, ...]


def _is_heading(text: str) -> bool:
    t = text.strip()
    return bool(t) and len(t.split()) <= 14 and not re.search(r"[.!?…:;,]$", t) and not t[0].isdigit()


def structure(all_lines: tuple[str, ...] | list[str], name: str = "article", lang: LangArg = None) -> Structure:
    """Split the article's lines into dateline, title, body sections and the source list.

    A heading is a short line without closing punctuation that does not start with a digit. The first
    heading is the title (identical repeats of it are title repeats); the others open sections, and
    the one named in the language's ``reference_headings`` opens the source list, which runs to the end.
    Raises :class:`~khar_analysis.core.layout_checks.UnknownLayoutError` when there is no title, no body
    section, or not exactly one source-list heading.
    """
    lg = languages.resolve(lang)
    ref_headings = lg.reference_headings
    n = len(all_lines)
    dateline = 1 if n and dates(all_lines[0], lg) and all_lines[0].strip()[0].isdigit() else None
    headings: list[int] = []
    for i, text in enumerate(all_lines, start=1):
        if i == dateline:
            continue
        if text.strip() in ref_headings:
            headings.append(i)
            break  # nothing after the source list's heading is a section
        if _is_heading(text):
            headings.append(i)
    ref = [i for i in headings if all_lines[i - 1].strip() in ref_headings]
    expect_true(name, len(ref) == 1, f"expected one source-list heading {ref_headings}, found {len(ref)}")
    expect_true(name, len(headings) >= 3, f"expected a title and body sections, found {len(headings)} heading(s)")
    title = all_lines[headings[0] - 1].strip()
    title_lines = tuple(i for i in headings if all_lines[i - 1].strip() == title)
    opening = [i for i in headings if i not in title_lines]
    sections = []
    for k, i in enumerate(opening):
        last = (opening[k + 1] - 1) if k + 1 < len(opening) else n
        sections.append(Section(all_lines[i - 1].strip(), i, i + 1, last))
    body = tuple(s for s in sections if s.line != ref[0])
    expect_true(name, bool(body), "no body section before the source list")
    paragraphs = tuple(
        Paragraph(i, s.title, all_lines[i - 1].strip())
        for s in body for i in range(s.first, s.last + 1) if all_lines[i - 1].strip()
    )
    return Structure(dateline, title_lines, body, next(s for s in sections if s.line == ref[0]), paragraphs)


def over_paragraphs(all_lines, find, name: str = "article", lang: LangArg = None) -> list:
    """``find(text, line)`` applied to every body paragraph, the results joined in reading order."""
    return [hit for p in structure(all_lines, name, lang).paragraphs for hit in find(p.text, p.line)]


def outline(st: Structure, words: int = 4):
    """The structure as a table: part, heading line, line range, prose paragraphs.

    Headings are cut to their first ``words`` words (the project shows the article only by location).
    """
    import pandas as pd

    def short(title: str) -> str:
        cut = title.split()
        return " ".join(cut[:words]) + (" …" if len(cut) > words else "")

    rows = [{"part": "dateline", "heading_line": st.dateline, "lines": str(st.dateline), "paragraphs": 0},
            {"part": "title", "heading_line": st.title_lines[0],
             "lines": ", ".join(map(str, st.title_lines)), "paragraphs": 0}]
    for s in (*st.sections, st.references):
        n = sum(p.section == s.title and s.first <= p.line <= s.last for p in st.paragraphs)
        rows.append({"part": short(s.title), "heading_line": s.line, "lines": f"{s.first}-{s.last}", "paragraphs": n})
    return pd.DataFrame(rows).astype({"heading_line": "Int64"})
