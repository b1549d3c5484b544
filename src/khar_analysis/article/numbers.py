"""Number coverage: every number the article's prose states, and what accounts for it.

:func:`extract` finds the numbers in the body paragraphs (not the dateline, not the source list, and
not inside in-text citations, whose dates the citation audit checks). The annotation file
``data/claims/coverage/numbers.yaml`` says, for each ``(line, token)``, which registered claim covers
it (``claim``) or why it is not an empirical claim (``not_empirical``). :func:`coverage` joins the
two; a number the file does not account for, or an annotation that matches no number, is reported
(and fails ``tests/article/test_numbers.py``).

What counts as a number (kinds)
-------------------------------
``date``, ``month``, ``year``, ``year_range``  dates and years (:func:`khar_analysis.article.text.dates`);
``percent``      ``около 46 процентов``, ``12%`` (with a qualifier such as около/более when present);
``count``        other digits, with a multiplier (``более 300 тысяч``) or the counted noun (``38 человек``);
``word_count``   cardinal words from two up (``два дня``, ``двух различных``), collectives
                 (``пятёрка``) and ``несколько`` with its noun (``несколько дней``);
``ordinal``      ordinals (``четвёртое место``, ``второй уровень``) and ``во-первых`` ...;
``duration``     vague durations (``некоторое время``, ``долгие годы``).

The words are the language's (:class:`khar_analysis.article.lang.NumberWords`; what each language
leaves out, and why, is in its module). A token is the number expression with the next word (the
counted noun), lower-cased, so it is short and unique enough to annotate by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import jsonschema
import pandas as pd
import yaml

from khar_analysis.article import intext
from khar_analysis.article import lang as languages
from khar_analysis.article import text as article
from khar_analysis.article.lang import Language
from khar_analysis.core.paths import Layout
from khar_analysis.core.paths import layout as default_layout

COVERAGE_FILE = Path("data") / "claims" / "coverage" / "numbers.yaml"
KINDS = ("date", "month", "year", "year_range", "percent", "count", "word_count", "ordinal", "duration")



@dataclass(frozen=True)
class _Patterns:
    percent: re.Pattern
    count: re.Pattern
    duration: re.Pattern
    words: tuple[tuple[re.Pattern, str, float | None], ...]


def _word(forms: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])", re.IGNORECASE)


@cache
def _patterns(lg: Language) -> _Patterns:
    """The language's number words compiled: percent, count (digits with a multiplier), duration, words."""
    nw = lg.numbers
    qualifier = rf"(?:(?P<q>{nw.qualifiers})\s+)?"
    words = [(_word(forms), "word_count", float(n)) for n, forms in nw.cardinals.items()]
    words += [(_word(forms), "word_count", float(n)) for n, forms in nw.collectives.items()]
    words.append((_word(nw.few), "word_count", None))
    words += [(_word(stem + nw.ordinal_endings), "ordinal", float(n)) for n, stem in nw.ordinal_stems.items()]
    words += [(_word(forms), "ordinal", float(n)) for n, forms in nw.adverbials.items()]
    return _Patterns(
        percent=re.compile(rf"(?<![\w-]){qualifier}(?P<n>\d+(?:[.,]\d+)?)\s*(?:%|{nw.percent})", re.IGNORECASE),
        count=re.compile(rf"(?<![\w-]){qualifier}(?P<n>\d+(?:[  ]\d{{3}})*(?:[.,]\d+)?)"
                         rf"(?:\s+(?P<mult>{nw.multiplier_words}))?(?![\w-])", re.IGNORECASE),
        duration=_word(nw.durations),
        words=tuple(words),
    )


_NEXT_WORD = re.compile(r"\s*(?:\([^()]*\)\s*)?([^\W\d_][\w-]*)")


@dataclass(frozen=True)
class NumberMention:
    """A number the prose states: its line, offset, token (lower case), kind and value."""

    line: int
    start: int
    token: str
    kind: str
    value: float | str | None


def _token(text: str) -> str:
    return " ".join(text.split()).casefold()


def _number(text: str) -> float:
    return float(re.sub(r"[  ]", "", text).replace(",", "."))


def mentions_in(text: str, line: int, lang: article.LangArg = None) -> list[NumberMention]:
    """Every number in one paragraph (in-text citations blanked out first), in order."""
    lg = languages.resolve(lang)
    pats = _patterns(lg)
    masked = text
    for c in intext.citations_in(text, line, lg):
        if c.parsed:
            close = text.find(")", c.start)
            open_ = text.rfind("(", 0, c.start)
            masked = masked[:open_] + " " * (close + 1 - open_) + masked[close + 1:]
    taken = [False] * len(masked)
    out: list[NumberMention] = []

    def add(start: int, end: int, kind: str, value, token_end: int | None = None) -> None:
        if any(taken[start:end]):
            return
        for i in range(start, end):
            taken[i] = True
        out.append(NumberMention(line, start, _token(masked[start:token_end or end]), kind, value))

    for d in article.dates(masked, lg):
        kind = {"day": "date", "month": "month", "year": "year", "range": "year_range"}[d.precision]
        add(d.start, d.end, kind, d.iso())
    for m in pats.percent.finditer(masked):
        add(m.start(), m.end(), "percent", _number(m["n"]))
    for m in pats.count.finditer(masked):
        value = _number(m["n"])
        mult = next((v for k, v in lg.numbers.multipliers.items()
                     if m["mult"] and m["mult"].casefold().startswith(k)), 1.0)
        end = m.end()
        if not m["mult"] and (nxt := _NEXT_WORD.match(masked, end)):
            end = nxt.end()
        add(m.start(), m.end(), "count", value * mult, end)
    for m in pats.duration.finditer(masked):
        add(m.start(), m.end(), "duration", None)
    for pat, kind, value in pats.words:
        for m in pat.finditer(masked):
            end = m.end()
            is_adverbial = m.group(0).casefold().startswith(lg.numbers.adverbial_prefixes)
            if not is_adverbial and (nxt := _NEXT_WORD.match(masked, end)):
                end = nxt.end()
            add(m.start(), m.end(), kind, value, end)
    return sorted(out, key=lambda n: n.start)


def extract(all_lines, name: str = "article", lang: article.LangArg = None) -> list[NumberMention]:
    """Every number the article's body states, in reading order."""
    lg = languages.resolve(lang)
    return article.over_paragraphs(all_lines, partial(mentions_in, lang=lg), name, lg)


# --- the annotation file --------------------------------------------------------------------------

COVERAGE_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["line", "token"],
        "properties": {
            "line": {"type": "integer", "minimum": 1},
            "token": {"type": "string", "minLength": 1},
            "claim": {"oneOf": [{"type": "string", "pattern": "^[A-Z]+-[0-9A-Z]+$"},
                                {"type": "array", "minItems": 1,
                                 "items": {"type": "string", "pattern": "^[A-Z]+-[0-9A-Z]+$"}}]},
            "not_empirical": {"type": "string", "minLength": 10},
        },
        "oneOf": [{"required": ["claim"]}, {"required": ["not_empirical"]}],
    },
}


class CoverageError(ValueError):
    """The number-coverage file is malformed."""


def load_coverage(path: Path | None = None, lay: Layout | None = None) -> list[dict]:
    """Read and validate the annotation file; ``claim`` is always returned as a list of ids."""
    path = path or (lay or default_layout()).root / COVERAGE_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    errors = list(jsonschema.Draft202012Validator(COVERAGE_SCHEMA).iter_errors(data))
    if errors:
        raise CoverageError(f"{path.name}: " + "; ".join(
            f"{'/'.join(map(str, e.path)) or '(file)'}: {e.message}" for e in errors[:5]))
    seen = set()
    out = []
    for rec in data:
        key = (rec["line"], _token(rec["token"]))
        if key in seen:
            raise CoverageError(f"{path.name}: line {key[0]} token {key[1]!r} is annotated twice")
        seen.add(key)
        claim = rec.get("claim", [])
        out.append({"line": rec["line"], "token": key[1], "claim": [claim] if isinstance(claim, str) else claim,
                    "not_empirical": rec.get("not_empirical", "")})
    return out


def coverage(mentions: list[NumberMention], annotations: list[dict]) -> pd.DataFrame:
    """One row per number: ``status`` is ``covered`` (by ``claim``), ``not_empirical`` or ``unaccounted``;
    then one row (``status`` ``stale``) per annotation that matches no number."""
    notes = {(a["line"], a["token"]): a for a in annotations}
    used = set()
    rows = []
    for m in mentions:
        a = notes.get((m.line, m.token))
        if a:
            used.add((m.line, m.token))
        status = "unaccounted" if not a else "covered" if a["claim"] else "not_empirical"
        rows.append({"line": m.line, "token": m.token, "kind": m.kind, "value": m.value,
                     "claim": ", ".join(a["claim"]) if a else "", "not_empirical": a["not_empirical"] if a else "",
                     "status": status})
    for key, a in notes.items():
        if key not in used:
            rows.append({"line": a["line"], "token": a["token"], "kind": "", "value": None,
                         "claim": ", ".join(a["claim"]), "not_empirical": a["not_empirical"], "status": "stale"})
    return pd.DataFrame(rows, columns=["line", "token", "kind", "value", "claim", "not_empirical", "status"])


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Counts by status and, for covered numbers, by claim family (the id's prefix)."""
    rows = [{"group": "numbers found", "n": int((table["status"] != "stale").sum())}]
    rows += [{"group": f"status: {s}", "n": int((table["status"] == s).sum())}
             for s in ("covered", "not_empirical", "unaccounted", "stale")]
    covered = table[table["status"] == "covered"]
    fams = covered["claim"].str.split(", ").explode().str.split("-").str[0]
    rows += [{"group": f"covered by {f}-*", "n": int(n)} for f, n in sorted(fams.value_counts().items())]
    return pd.DataFrame(rows)
