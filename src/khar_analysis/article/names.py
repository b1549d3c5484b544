"""Cited and listed names: folding, readings, matching (:func:`match_name`) and title languages.

Names are compared after folding (Cyrillic transliterated; Turkish and Azerbaijani letters read two
ways: as plain Latin and phonetically, so ``Интерфакс`` = ``Interfax`` and ``Азербайджан`` =
``Azərbaycan``; dotted ``İ`` = ``I``). A cited name matches a listed one exactly, as one part of
``OSCE/ODIHR``, as an acronym of its capitalised words (``HRW``, ``AP``, ``CSCE``), by leading words
(``BBC`` for ``BBC News Azərbaycanca``, ``President Az`` for ``President of the Republic of
Azerbaijan``), or through the alias table (``resources/citation_aliases.csv``, each row with its
reason). Weaker matches: the cited name is the entry's publisher or web host (``KHAR Center`` for
an entry listed under its author), or a spelling within two edits (``Landwall`` / ``Lindvall``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from khar_analysis.article.entries import Entry

_CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                 "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))
# Turkish/Azerbaijani letters read phonetically (c = dzh as in Azərbaycan, x = kh as in Azerbaijani).
_TURKIC = {"c": "dzh", "ç": "ch", "ş": "sh", "x": "kh", "q": "g", "j": "zh", "ğ": "g", "ə": "e", "ı": "i",
           "ö": "o", "ü": "u"}
_PLAIN = {"ə": "e", "ı": "i", "x": "ks"}

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


def plain(text: str) -> str:
    """A name's plain Latin reading: lower case, Cyrillic transliterated, diacritics dropped, words by spaces."""
    return _fold(text, False)


def compact(text: str) -> str:
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
    if cited.isupper() and len(cited) >= 2 and compact(cited) == _acronym(listed):
        return "acronym"
    if _leading_words(cited, listed):
        return "leading_words"
    alias = aliases().get(_fold(cited, False))
    if alias and (readings(alias) & readings(listed) or _leading_words(alias, listed)):
        return "alias"
    if entry is not None:
        key = compact(cited)
        segments = {compact(s) for s in re.split(r"\.\s+", entry.title)}
        if len(key) >= 4 and (key in compact(entry.host) or key in segments):
            return "publisher"
    a, b = compact(cited), compact(listed)
    if min(len(a), len(b)) >= 5 and _edits(a, b) <= 2:
        return "spelling"
    return None


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
