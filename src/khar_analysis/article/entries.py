"""The article's source list: one :class:`Entry` per listed source, and the page furniture after it.

One entry per line: ``Author or outlet, [day] [month] YEAR[suffix]. Title. URL``. An entry may
continue on a later line that holds only its URL (the copy breaks one entry that way). The list ends
at the first line that is neither an entry nor a URL; what follows is page furniture. An entry-like
line after that point is an unknown layout and raises. Months may be in the language's listed names
(the Russian article's list writes Azerbaijani ``yanvar 2026``). Persons are written ``Surname,
Given`` and joined by the language's ``and`` words (``and``, ``&``, Azerbaijani ``və``); an author
without a comma is kept whole (``Asker Ali``, ``Van Rij Armida``), and citations match it by
leading words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlparse

from khar_analysis.article import lang as languages
from khar_analysis.article import text as article
from khar_analysis.article.lang import Language
from khar_analysis.article.names import title_language
from khar_analysis.core.dates import UrlDate, url_date
from khar_analysis.core.layout_checks import expect_true

URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class _Patterns:
    entry: re.Pattern
    pages: re.Pattern
    persons: re.Pattern


@cache
def _patterns(lg: Language) -> _Patterns:
    return _Patterns(
        entry=re.compile(rf"^(?P<author>\S.*?),\s+{article.citation_date_part(lg)}\.(?:\s+(?P<rest>.*))?$",
                         re.IGNORECASE),
        # page ranges closing a book entry ("səh. 54-58", "pp. 1-2", "стр. 5")
        pages=re.compile(rf",?\s*\b(?:{lg.page_words})\.?\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?)\.?$",
                         re.IGNORECASE),
        persons=re.compile(rf"\s+(?:{lg.and_words})\s+"),
    )


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




def _person_names(author: str, lg: Language) -> tuple[str, ...]:
    if "," not in author:  # an outlet, or a person written "Surname Given": kept whole
        return (author.strip(),)
    parts = _patterns(lg).persons.split(author)
    return tuple(p.split(",")[0].strip() for p in parts if p.strip())


def parse_entry(text: str, line: int = 0, lang: article.LangArg = None) -> Entry | None:
    """Parse one source-list line; ``None`` when the line is not an entry."""
    lg = languages.resolve(lang)
    pats = _patterns(lg)
    m = pats.entry.match(text.strip())
    if not m:
        return None
    rest = (m["rest"] or "").strip()
    urls = URL.findall(rest)
    url = urls[-1].rstrip(".,;") if urls else ""
    title = URL.sub("", rest).strip().rstrip(".").strip()
    pages = pats.pages.search(title)
    title = title[:pages.start()].strip() if pages else title
    return Entry(
        line=line, lines=(line,), author=m["author"].strip(), names=_person_names(m["author"], lg),
        year=int(m["year"]), month=lg.month_number(m["month"]) if m["month"] else None,
        day=int(m["day"]) if m["day"] else None, suffix=(m["suffix"] or "").lower(),
        date_text=" ".join(m["date"].split()),
        title=title, url=url, lang=title_language(title), pages=pages["pages"] if pages else "",
    )


@dataclass(frozen=True)
class SourceList:
    """The parsed source list and the furniture after it."""

    entries: tuple[Entry, ...]
    trailer: tuple[int, ...]



def parse_entries(all_lines, name: str = "article", lang: article.LangArg = None) -> SourceList:
    """Every entry of the source list (see the module docstring for the layout)."""
    lg = languages.resolve(lang)
    refs = article.structure(all_lines, name, lg).references
    entries: list[Entry] = []
    trailer: list[int] = []
    for i in range(refs.first, refs.last + 1):
        text = all_lines[i - 1].strip()
        if not text:
            continue
        entry = parse_entry(text, i, lg)
        if trailer:
            expect_true(name, entry is None and not URL.fullmatch(text),
                        f"line {i} looks like a source-list entry after the list ended at line {trailer[0]}")
            trailer.append(i)
        elif entry is not None:
            entries.append(entry)
        elif URL.fullmatch(text) and entries and not entries[-1].url:
            last = entries[-1]
            entries[-1] = Entry(**{**last.__dict__, "url": text.rstrip(".,;"), "lines": (*last.lines, i)})
        else:
            trailer.append(i)
    expect_true(name, bool(entries), f"no entries under the source-list heading at line {refs.line}")
    return SourceList(tuple(entries), tuple(trailer))
