"""Russian: the article's own language, with the Azerbaijani and Turkish month names of its source list.

Prose dates: ``22 февраля 2022 года``, ``в декабре 2024 года``, ``январь 2026 года``,
``2011–2020 годов``, ``в 2024 году``. The source list writes months in Azerbaijani (``yanvar 2026``);
:data:`MONTHS` knows Russian, Azerbaijani, Turkish and English names.

Number words: deliberately out of scope, because in this register of Russian they state no count:
forms of ``один`` (``одним из``, ``с одной стороны``: "one of", "on the one hand") and of ``оба``
("both", pointing back to two named actors), and compounds (``двусторонний``, ``двухуровневый``).
"""

from __future__ import annotations

from khar_analysis.article.lang import Language, NumberWords

#: Month names by number: (Russian stem, Azerbaijani, Turkish, English, English abbreviation).
MONTHS: dict[int, tuple[str, ...]] = {
    1: ("январ", "yanvar", "ocak", "january", "jan"),
    2: ("феврал", "fevral", "şubat", "february", "feb"),
    3: ("март", "mart", "mart", "march", "mar"),
    4: ("апрел", "aprel", "nisan", "april", "apr"),
    5: ("ма", "may", "mayıs", "may", "may"),
    6: ("июн", "iyun", "haziran", "june", "jun"),
    7: ("июл", "iyul", "temmuz", "july", "jul"),
    8: ("август", "avqust", "ağustos", "august", "aug"),
    9: ("сентябр", "sentyabr", "eylül", "september", "sep"),
    10: ("октябр", "oktyabr", "ekim", "october", "oct"),
    11: ("ноябр", "noyabr", "kasım", "november", "nov"),
    12: ("декабр", "dekabr", "aralık", "december", "dec"),
}
# Russian month words: stem + case ending (январь/января/январе, май/мая/мае, март/марта/марте).
_ENDINGS = {3: "[ае]?", 5: "[йяе]", 8: "[ае]?"}
_PROSE_MONTHS = {n: names[0] + _ENDINGS.get(n, "[ьяе]") for n, names in MONTHS.items()}

NUMBERS = NumberWords(
    qualifiers=r"около|более|менее|почти|свыше|примерно|порядка|до|не\s+менее|не\s+более",
    percent=r"процент\w*",
    multipliers={"тысяч": 1e3, "тыс": 1e3, "млн": 1e6, "миллион": 1e6, "млрд": 1e9, "миллиард": 1e9},
    multiplier_words=r"тысяч\w*|тыс\.|млн\.?|миллион\w*|млрд\.?|миллиард\w*",
    cardinals={
        2: r"два|две|двух|двум|двумя|двое", 3: r"три|тр[её]х|тр[её]м|тремя|трое",
        4: r"четыре|четыр[её]х|четыр[её]м|четырьмя|четверо", 5: r"пять|пяти|пятью|пятеро",
        6: r"шесть|шести|шестью", 7: r"семь|семи|семью", 8: r"восемь|восьми|восемью", 9: r"девять|девяти|девятью",
        10: r"десять|десяти|десятью", 100: r"сто|ста", 1000: r"тысяча|тысячи|тысячу|тысячей",
    },
    collectives={2: r"двойк\w*", 3: r"тройк\w*", 4: r"четв[её]рк\w*", 5: r"пят[её]рк\w*", 10: r"десятк\w*"},
    ordinal_stems={1: "перв", 2: "втор", 3: "трет", 4: "четв[её]рт", 5: "пят", 6: "шест", 7: "седьм", 8: "восьм",
                   9: "девят", 10: "десят"},
    ordinal_endings=r"(?:ый|ая|ое|ого|ой|ом|ому|ым|ую|ые|ых|ыми|ий|ья|ье|ьего|ьей|ьем|ьему|ьим|ью|ьи|ьих|ьими)",
    adverbials={1: r"во-первых|впервые", 2: r"во-вторых|дважды", 3: r"в-третьих|трижды", 4: r"в-четв[её]ртых"},
    adverbial_prefixes=("во-", "в-"),
    few=r"несколько|нескольких|нескольким|несколькими",
    durations=r"(?:некоторое|долгое|длительное|короткое)\s+время|долги[ех]\s+год\w*|много\s+лет",
)

LANGUAGE = Language(
    code="ru",
    months=_PROSE_MONTHS,
    listed_months={n: names[1:] for n, names in MONTHS.items()},
    year_words=r"год(?:а|у|ом|ов|ах|ы)?|гг?\.",
    citation_year_words=r"год[аух]?|г\.",
    reference_headings=("Источники", "Литература", "Список литературы"),
    sentence_end=r"(?<=[.!?…»)])\s+(?=[«(A-ZА-ЯЁ0-9])",
    descriptors=("газета", "агентство", "журнал", "издание", "сайт", "телеканал", "портал"),
    # the list joins persons with the Azerbaijani "və" and the Turkish "ve" as well
    and_words=r"и|and|&|və|ve",
    et_al=r"и\s+др\.?|et\s+al\.?",
    # "səh. 54-58" (Azerbaijani), "s 233–256", "pp. 1-2", "стр. 5"
    page_words=r"səh|s|pp?|стр|с",
    numbers=NUMBERS,
)
