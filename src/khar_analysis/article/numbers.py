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

Deliberately out of scope, because in this register of Russian they state no count: forms of
``один`` (``одним из``, ``с одной стороны``: "one of", "on the one hand") and of ``оба`` ("both",
pointing back to two named actors), and compounds (``двусторонний``, ``двухуровневый``). A token is
the number expression with the next word (the counted noun), lower-cased, so it is short and unique
enough to annotate by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pandas as pd
import yaml

from khar_analysis.article import citations
from khar_analysis.article import text as article
from khar_analysis.core.paths import Layout
from khar_analysis.core.paths import layout as default_layout

COVERAGE_FILE = Path("data") / "claims" / "coverage" / "numbers.yaml"
KINDS = ("date", "month", "year", "year_range", "percent", "count", "word_count", "ordinal", "duration")

_QUALIFIER = r"(?:(?P<q>около|более|менее|почти|свыше|примерно|порядка|до|не\s+менее|не\s+более)\s+)?"
_PERCENT = re.compile(rf"(?<![\w-]){_QUALIFIER}(?P<n>\d+(?:[.,]\d+)?)\s*(?:%|процент\w*)", re.IGNORECASE)
_MULT = {"тысяч": 1e3, "тыс": 1e3, "млн": 1e6, "миллион": 1e6, "млрд": 1e9, "миллиард": 1e9}
_COUNT = re.compile(
    rf"(?<![\w-]){_QUALIFIER}(?P<n>\d+(?:[  ]\d{{3}})*(?:[.,]\d+)?)"
    r"(?:\s+(?P<mult>тысяч\w*|тыс\.|млн\.?|миллион\w*|млрд\.?|миллиард\w*))?(?![\w-])",
    re.IGNORECASE,
)
_CARDINALS = {
    2: r"два|две|двух|двум|двумя|двое", 3: r"три|тр[её]х|тр[её]м|тремя|трое",
    4: r"четыре|четыр[её]х|четыр[её]м|четырьмя|четверо", 5: r"пять|пяти|пятью|пятеро",
    6: r"шесть|шести|шестью", 7: r"семь|семи|семью", 8: r"восемь|восьми|восемью", 9: r"девять|девяти|девятью",
    10: r"десять|десяти|десятью", 100: r"сто|ста", 1000: r"тысяча|тысячи|тысячу|тысячей",
}
_COLLECTIVES = {2: r"двойк\w*", 3: r"тройк\w*", 4: r"четв[её]рк\w*", 5: r"пят[её]рк\w*", 10: r"десятк\w*"}
_ORD_STEMS = {1: "перв", 2: "втор", 3: "трет", 4: "четв[её]рт", 5: "пят", 6: "шест", 7: "седьм", 8: "восьм",
              9: "девят", 10: "десят"}
_ORD_END = r"(?:ый|ая|ое|ого|ой|ом|ому|ым|ую|ые|ых|ыми|ий|ья|ье|ьего|ьей|ьем|ьему|ьим|ью|ьи|ьих|ьими)"
_ADVERBIAL = {1: r"во-первых|впервые", 2: r"во-вторых|дважды", 3: r"в-третьих|трижды", 4: r"в-четв[её]ртых"}
_FEW = r"несколько|нескольких|нескольким|несколькими"
_DURATION = re.compile(r"(?<![\w-])(?:(?:некоторое|долгое|длительное|короткое)\s+время|долги[ех]\s+год\w*"
                       r"|много\s+лет)(?![\w-])", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s*(?:\([^()]*\)\s*)?([^\W\d_][\w-]*)")


def _word_patterns() -> list[tuple[re.Pattern, str, float | None]]:
    pats = []
    for n, forms in _CARDINALS.items():
        pats.append((re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])", re.IGNORECASE), "word_count", float(n)))
    for n, forms in _COLLECTIVES.items():
        pats.append((re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])", re.IGNORECASE), "word_count", float(n)))
    pats.append((re.compile(rf"(?<![\w-])(?:{_FEW})(?![\w-])", re.IGNORECASE), "word_count", None))
    for n, stem in _ORD_STEMS.items():
        pats.append((re.compile(rf"(?<![\w-]){stem}{_ORD_END}(?![\w-])", re.IGNORECASE), "ordinal", float(n)))
    for n, forms in _ADVERBIAL.items():
        pats.append((re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])", re.IGNORECASE), "ordinal", float(n)))
    return pats


_WORDS = _word_patterns()


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


def mentions_in(text: str, line: int) -> list[NumberMention]:
    """Every number in one paragraph (in-text citations blanked out first), in order."""
    masked = text
    for c in citations.citations_in(text, line):
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

    for d in article.dates(masked):
        kind = {"day": "date", "month": "month", "year": "year", "range": "year_range"}[d.precision]
        add(d.start, d.end, kind, d.iso())
    for m in _PERCENT.finditer(masked):
        add(m.start(), m.end(), "percent", _number(m["n"]))
    for m in _COUNT.finditer(masked):
        value = _number(m["n"])
        mult = next((v for k, v in _MULT.items() if m["mult"] and m["mult"].casefold().startswith(k)), 1.0)
        end = m.end()
        if not m["mult"] and (nxt := _NEXT_WORD.match(masked, end)):
            end = nxt.end()
        add(m.start(), m.end(), "count", value * mult, end)
    for m in _DURATION.finditer(masked):
        add(m.start(), m.end(), "duration", None)
    for pat, kind, value in _WORDS:
        for m in pat.finditer(masked):
            end = m.end()
            if not m.group(0).casefold().startswith(("во-", "в-")) and (nxt := _NEXT_WORD.match(masked, end)):
                end = nxt.end()
            add(m.start(), m.end(), kind, value, end)
    return sorted(out, key=lambda n: n.start)


def extract(all_lines, name: str = "article") -> list[NumberMention]:
    """Every number the article's body states, in reading order."""
    return article.over_paragraphs(all_lines, mentions_in, name)


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
