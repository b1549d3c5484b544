"""English: month names, reference headings, sentence rules and number words of an English article.

Prose dates: ``22 February 2022``, ``February 22, 2022``, ``in December 2024``, ``Jan. 2026``,
``2011–2020``, ``in 2024``. As in Russian, ``one`` states no count (``one of``, ``on the one hand``)
and is left out; so is ``both``.
"""

from __future__ import annotations

import re

from khar_analysis.article.lang import Language, NumberWords

#: Words ending in a full stop that do not end a sentence (titles, Latin, months, references).
ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "St.", "vs.", "e.g.", "i.e.", "etc.", "No.", "Vol.", "p.", "pp.",
                 "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.")

_PROSE_MONTHS = {
    1: r"january|jan\.?", 2: r"february|feb\.?", 3: r"march|mar\.?", 4: r"april|apr\.?", 5: r"may",
    6: r"june|jun\.?", 7: r"july|jul\.?", 8: r"august|aug\.?", 9: r"september|sept?\.?", 10: r"october|oct\.?",
    11: r"november|nov\.?", 12: r"december|dec\.?",
}

NUMBERS = NumberWords(
    qualifiers=r"about|around|almost|nearly|over|more\s+than|less\s+than|fewer\s+than|at\s+least|at\s+most"
               r"|up\s+to|some|roughly|approximately",
    percent=r"per\s*cent\b|percent\b",
    multipliers={"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9},
    multiplier_words=r"thousand|million|mn|billion|bn",
    cardinals={2: r"two", 3: r"three", 4: r"four", 5: r"five", 6: r"six", 7: r"seven", 8: r"eight", 9: r"nine",
               10: r"ten", 100: r"hundred", 1000: r"thousand"},
    collectives={2: r"pairs?|couple", 12: r"dozens?"},
    ordinal_stems={1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
                   8: "eighth", 9: "ninth", 10: "tenth"},
    ordinal_endings="",
    adverbials={1: r"firstly", 2: r"secondly|twice", 3: r"thirdly|three\s+times", 4: r"fourthly"},
    adverbial_prefixes=("firstly", "secondly", "thirdly", "fourthly"),
    few=r"several|a\s+few",
    durations=r"(?:some|a\s+long)\s+time|for\s+years|many\s+years",
)

LANGUAGE = Language(
    code="en",
    months=_PROSE_MONTHS,
    listed_months={},
    year_words=r"(?-i:AD|CE)",
    citation_year_words=r"(?!)",  # an English citation has nothing after its year
    reference_headings=("References", "Sources", "Bibliography", "Works cited"),
    # not after a title or a Latin abbreviation that ends in a full stop
    # not after an initialism ("U.S."), an initial ("J.") or an abbreviation
    sentence_end=r"(?<!\.[A-Z]\.)(?<!\s[A-Z]\.)" + "".join(rf"(?<!\b{re.escape(a)})" for a in ABBREVIATIONS)
                 + r"(?<=[.!?…”\")])\s+(?=[“\"(A-Z0-9])",
    descriptors=("newspaper", "agency", "journal", "magazine", "website", "channel", "portal"),
    and_words=r"and|&",
    et_al=r"et\s+al\.?",
    page_words=r"pp?|pages?",
    numbers=NUMBERS,
    day_after_month=True,
)
