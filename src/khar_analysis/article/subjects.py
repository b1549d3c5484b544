"""What a source is about: topic terms of titles, URL slugs and sentences, and two checks built on them.

**Topic terms** (:func:`terms`). A text's terms are (1) the concepts of the committed lexicon
``resources/topic_terms.csv`` it names (each row: a concept, its stems in Russian, English,
Azerbaijani and Turkish, and why; a Cyrillic stem is sought in Cyrillic words and a Latin stem in
Latin words only, so the Russian ``газа`` (of gas) is never Gaza), and (2) every other word of four
letters or more, folded to Latin (Cyrillic transliterated, diacritics dropped, then ``c``/``q`` ->
``k``, ``z`` -> ``s``, ``y`` -> ``i``, ``w`` -> ``v``, ``kh`` -> ``h``, ``ph`` -> ``f``, ``th`` ->
``t``) and cut to its first five letters, so ``мониторинговый`` and ``monitoring`` share ``monit``
and ``Казахстане`` and ``Kazakhstan`` share ``kasah``; numbers other than years count as terms
(``38``). Rows of kind ``generic`` (the triangle's countries, capitals and leaders, named in
nearly every sentence) and ``stop`` (function words, reporting verbs) are dropped.

**Subject check** (:func:`subject_mismatch`). The entry's title and URL slug are compared with the
sentence that cites it and the sentence before it (a citation closing a sentence often supports a
statement begun one sentence earlier, and quotes can cut a sentence short). Terms found in more
than :data:`THEME_SHARE` of the body's paragraphs are the article's theme (``авторитар``,
``Карабах``) and are left out (:class:`Topics`). The entry is *about something else* only when (a)
they share no term, and (b) there is positive evidence for another subject: another paragraph
shares at least :data:`ELSEWHERE_TERMS` terms with the entry and more than the citing paragraph
does (the entry fits that paragraph), or the URL's date contradicts the date the text gives for the
event and the citing paragraph shares no term either. No shared term without such evidence is not
reported: a title may state its subject in words no lexicon row links to the sentence.
Limits: only citations whose text dates the event are checked (a theoretical work cited for an
argument has no event to compare); the lexicon covers the subjects of this article's sources, so a
new article's subjects are matched by folded words alone until rows are added; synonyms the
lexicon lacks miss a true match (the check then stays silent rather than raising a false alarm); a
word shared by chance (``operations`` of an agency, ``операция`` of the police) counts as a term.

**Title against slug** (:func:`title_slug_disagreement`). A URL's last path segment made of
hyphenated words is the slug; its content words (the loose word stems above, without lexicon
concepts, numbers, hexadecimal ids, file suffixes and the words of the entry's own author or outlet)
are sought among the title's, after the same folding
(Azerbaijani ``Qələbədən`` = slug ``qelebeden``; Turkish ``sevdası`` = ``sevdasi``). The two
disagree when the slug has at least :data:`SLUG_MIN_WORDS` content words and at most one of them is
in the title. Limits: keyword slugs (``kazakhstan-plane-crash-aktau-...``) share fewer words with
their headline than title slugs do, hence the low bar; a news site that rewrites a headline keeps
the old slug, so a disagreement says the entry's title and address name different reports, not
which one is right.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlparse

from khar_analysis.article.names import plain

#: Terms another sentence must share with an entry for the entry to fit that sentence instead.
ELSEWHERE_TERMS = 2
#: Share of the body's paragraphs above which a term is the article's theme, not a subject.
THEME_SHARE = 0.125
#: Paragraphs a term must at least be found in to be a theme (a short text has none).
THEME_MIN = 3
#: Content words a URL slug needs before it is compared with the entry's title.
SLUG_MIN_WORDS = 4
_STEM = 5
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?")
_LOOSE = (("kh", "h"), ("ph", "f"), ("th", "t"), ("c", "k"), ("q", "k"), ("z", "s"), ("y", "i"), ("w", "v"))


@dataclass(frozen=True)
class _Row:
    concept: str
    kind: str
    cyrillic: re.Pattern | None
    latin: re.Pattern | None


def _pattern(stems: list[str]) -> re.Pattern | None:
    if not stems:
        return None
    parts = [rf"(?<!\w){s[:-1]}(?!\w)" if s.endswith("$") else rf"(?<!\w){s}" for s in stems]
    return re.compile("|".join(parts))


@cache
def lexicon() -> tuple[_Row, ...]:
    """The rows of ``resources/topic_terms.csv``, stems split by script (module docstring)."""
    text = resources.files("khar_analysis").joinpath("resources/topic_terms.csv").read_text(encoding="utf-8")
    rows = []
    for r in csv.DictReader(text.splitlines()):
        stems = [s.strip().lower() for s in r["stems"].split(";") if s.strip()]
        rows.append(_Row(r["concept"], r["kind"], _pattern([s for s in stems if _CYRILLIC.search(s)]),
                         _pattern([_latin(s).replace("\u0307", "") for s in stems
                                                  if not _CYRILLIC.search(s)])))
    return tuple(rows)


def _char(c: str) -> str:
    """One character lower-cased without its diacritics (``ə`` -> ``e``, ``ı`` and ``İ`` -> ``i``), still one."""
    c = {"ə": "e", "Ə": "e", "ı": "i"}.get(c, c)
    base = [d for d in unicodedata.normalize("NFKD", c.lower()) if not unicodedata.combining(d)]
    return base[0] if base else c


def _latin(text: str) -> str:
    """Latin text lower-cased with diacritics dropped, one character for one (offsets are kept)."""
    return "".join(map(_char, text))


def _scripts(text: str) -> tuple[str, str]:
    """The text's Cyrillic words (others blanked) and its Latin words (Cyrillic blanked), lower case."""
    words = list(_WORD.finditer(text))
    cyr, lat = [" "] * len(text), [" "] * len(text)
    for m in words:
        target = cyr if _CYRILLIC.search(m.group()) else lat
        target[m.start():m.end()] = m.group()
    return "".join(cyr).lower(), _latin("".join(lat))


def loose(word: str) -> str:
    """A word folded for comparison across scripts and spellings (module docstring), cut to five letters."""
    w = plain(word).replace(" ", "")
    for a, b in _LOOSE:
        w = w.replace(a, b)
    return w[:_STEM]


def _words(text: str, concepts: bool) -> frozenset[str]:
    cyr, lat = _scripts(text)
    found, blank = set(), []
    for row in lexicon():
        if row.kind == "concept" and not concepts:
            continue
        for pat, txt in ((row.cyrillic, cyr), (row.latin, lat)):
            for m in pat.finditer(txt) if pat else ():
                blank.append((m.start(), m.end()))
                if row.kind == "concept":
                    found.add(f"={row.concept}")
    masked = list(text)
    for a, b in blank:  # a word whose start a lexicon stem matched is that row's, not a loose term
        end = max(b, next((m.end() for m in _WORD.finditer(text, a)), b))
        masked[a:end] = " " * (end - a)
    for m in _WORD.finditer("".join(masked)):
        w = m.group()
        if w.isdigit():
            if not (len(w) == 4 and w[:2] in ("19", "20")):
                found.add(w)
        elif len(plain(w).replace(" ", "")) >= 4:
            found.add(loose(w))
    return frozenset(found)


def terms(text: str) -> frozenset[str]:
    """The topic terms of a text: lexicon concepts (``=plane``) and loose word stems (module docstring)."""
    return _words(text, concepts=True)


_HEX = re.compile(r"^(?=.*\d)[0-9a-f]{8,}$")


def slug(url: str) -> str:
    """The URL's slug: its last path segment of two or more hyphenated words, as words (or ``""``)."""
    for seg in reversed([s for s in urlparse(url).path.split("/") if s]):
        seg = re.sub(r"\.(?:pdf|html?|php|aspx?)$", "", seg, flags=re.IGNORECASE)
        words = [w for w in re.split(r"[-_]+", seg) if w and not _HEX.match(w.casefold())]
        if len([w for w in words if not w.isdigit()]) >= 2:
            return " ".join(words)
    return ""


def entry_terms(title: str, url: str) -> frozenset[str]:
    """The terms of an entry: its title's and its URL slug's."""
    return terms(title) | terms(slug(url))


def title_slug_disagreement(title: str, url: str, author: str = "") -> str:
    """Why a title and its URL's slug name different things, or ``""`` (rule in the module docstring).

    Words of ``author`` (the outlet's own name, as in a digest's ``news-digest-caci-analyst``) are not
    content words of the slug.
    """
    own = _words(author, concepts=False)
    words = sorted(w for w in _words(slug(url), concepts=False) if not w.isdigit() and w not in own)
    if not title or len(words) < SLUG_MIN_WORDS:
        return ""
    in_title = _words(title, concepts=False)
    shared = [w for w in words if w in in_title]
    if len(shared) > 1:
        return ""
    return (f"the URL's slug '{slug(url)}' shares {len(shared)} of its {len(words)} content words "
            f"with the title")


@dataclass(frozen=True)
class Topics:
    """The topic terms of an article's body, by paragraph (``line`` -> its sentences' terms), and its
    theme: terms found in more than :data:`THEME_SHARE` of the paragraphs (and in at least
    :data:`THEME_MIN`), which tell no subject apart."""

    sentences: dict[int, tuple[frozenset[str], ...]]
    theme: frozenset[str]
    texts: dict[int, tuple[str, ...]]

    @classmethod
    def of(cls, sentences: list[tuple[int, str]]) -> Topics:
        """From ``(line, sentence)`` pairs in reading order (:func:`khar_analysis.article.intext.sentences`)."""
        by_line: dict[int, list[frozenset[str]]] = {}
        texts: dict[int, list[str]] = {}
        for line, text in sentences:
            by_line.setdefault(line, []).append(terms(text))
            texts.setdefault(line, []).append(text)
        counts = Counter(t for ts in by_line.values() for t in frozenset().union(*ts))
        floor = max(THEME_SHARE * len(by_line), THEME_MIN - 1)
        theme = frozenset(t for t, n in counts.items() if n > floor)
        return cls({k: tuple(v) for k, v in by_line.items()}, theme, {k: tuple(v) for k, v in texts.items()})

    def paragraph(self, line: int) -> frozenset[str]:
        return frozenset().union(*self.sentences.get(line, ())) - self.theme

    def near(self, line: int, sentence: str) -> frozenset[str]:
        """The terms of a citing sentence and of the sentence before it in its paragraph."""
        inside = [k for k, t in enumerate(self.texts.get(line, ())) if t in sentence]
        before = self.sentences[line][inside[0] - 1] if inside and inside[0] > 0 else frozenset()
        return (terms(sentence) | before) - self.theme


def subject_mismatch(title: str, url: str, line: int, sentence: str, topics: Topics,
                     date_conflict: bool) -> str:
    """Why an entry is about something else than the sentence citing it, or ``""`` (module docstring).

    ``line`` and ``sentence`` locate the citation; ``date_conflict`` says whether the entry's URL date
    contradicts the date the text gives for the event.
    """
    mine = entry_terms(title, url) - topics.theme
    if len(mine) < 2 or mine & topics.near(line, sentence):
        return ""
    own = len(mine & topics.paragraph(line))
    best = max(((len(mine & topics.paragraph(k)), k) for k in topics.sentences if k != line), default=(0, 0))
    evidence = []
    if best[0] >= ELSEWHERE_TERMS and best[0] > own:
        shared = ", ".join(sorted(t.lstrip("=") for t in mine & topics.paragraph(best[1])))
        evidence.append(f"they fit the paragraph on line {best[1]} ({shared})")
    if date_conflict and not own:
        evidence.append("its URL is dated against the text")
    if not evidence:
        return ""
    return "the entry's title and URL share no term with the citing sentence; " + "; ".join(evidence)
