"""Language modules: the words and patterns that parsing an article needs, one module per language.

Each module (:mod:`~khar_analysis.article.lang.ru`, :mod:`~khar_analysis.article.lang.en`) defines
``LANGUAGE``, a :class:`Language`. The article's language is data: the ``language`` key of its
manifest record (:func:`of_source`); the parsing functions of :mod:`khar_analysis.article` take a
``lang`` argument (a :class:`Language` or its code) and, when it is omitted, use the pinned article's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from khar_analysis.core.paths import Layout

CODES = ("ru", "en")


@dataclass(frozen=True)
class NumberWords:
    """Number words of a language (regex alternatives, matched case-insensitively on word boundaries)."""

    qualifiers: str                  # "about", "more than" ... before a number
    percent: str                     # the word after a number that makes it a percentage
    multipliers: dict[str, float]    # prefix of a multiplier word -> factor ("тысяч" -> 1e3)
    multiplier_words: str            # the multiplier words as they follow a number
    cardinals: dict[int, str]        # cardinal words from two up, all inflected forms
    collectives: dict[int, str]      # collective nouns ("пятёрка", "dozen")
    ordinal_stems: dict[int, str]    # ordinal stems (with :attr:`ordinal_endings`) or whole ordinals
    ordinal_endings: str             # endings after an ordinal stem ("" when ordinals are whole words)
    adverbials: dict[int, str]       # "во-первых", "twice"
    adverbial_prefixes: tuple[str, ...]  # adverbials that take no counted noun after them
    few: str                         # "несколько", "several"
    durations: str                   # vague durations ("долгие годы", "for years")


@dataclass(frozen=True, eq=False)  # one instance per language, hashed by identity (for caches)
class Language:
    """What parsing one language needs. ``months`` are regexes of the month words of the prose (all
    inflected forms); ``listed_months`` further month names that citations and the source list may
    use (other languages, abbreviations), lower case."""

    code: str
    months: dict[int, str]
    listed_months: dict[int, tuple[str, ...]]
    year_words: str                  # a word after a year in prose ("года", "гг.")
    citation_year_words: str         # a word after a year inside an in-text citation
    reference_headings: tuple[str, ...]
    sentence_end: str                # where a paragraph splits into sentences
    descriptors: tuple[str, ...]     # generic words before a cited outlet ("газета", "newspaper")
    and_words: str                   # words joining cited names ("и", "and", "&")
    et_al: str                       # "et al." in this language
    page_words: str                  # page abbreviations closing a book entry
    numbers: NumberWords = field(repr=False)
    day_after_month: bool = False    # dates may be written "February 22, 2022"

    @property
    def month_pattern(self) -> str:
        """One regex for any prose month word."""
        return "(?:" + "|".join(self.months.values()) + ")"

    def month_number(self, word: str) -> int | None:
        """The month a word names (prose forms, then listed names), else ``None``."""
        w = word.casefold().strip(".")
        if not w.isalpha():
            return None
        for n, pattern in self.months.items():
            if re.fullmatch(pattern, w):
                return n
        return next((n for n, names in self.listed_months.items() if w in names), None)


@cache
def get(code: str) -> Language:
    """The :class:`Language` of ``code`` (one of :data:`CODES`)."""
    if code not in CODES:
        raise ValueError(f"no language module for {code!r}; known: {', '.join(CODES)}")
    return import_module(f"khar_analysis.article.lang.{code}").LANGUAGE


def of_source(source_id: str | None = None, lay: Layout | None = None) -> Language:
    """The language a manifest record declares (``language``); a text record without one is an error.

    ``source_id`` defaults to the project's article (``[tool.khar] article``).
    """
    from khar_analysis.core.paths import layout as default_layout
    from khar_analysis.provenance import manifest

    lay = lay or default_layout()
    source_id = source_id or lay.article_id
    code = manifest.get(source_id, lay).language
    if not code:
        raise manifest.ManifestError(f"{source_id}: the manifest record of the article declares no language; "
                                     f"expected 'language: ru' or 'language: en'")
    return get(code)


def resolve(lang: Language | str | None, lay: Layout | None = None) -> Language:
    """``lang`` as a :class:`Language`: given, by code, or (``None``) the pinned article's."""
    if isinstance(lang, Language):
        return lang
    return get(lang) if lang else of_source(None, lay)
