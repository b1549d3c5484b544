"""The project's event catalogue (``data/raw/events/catalogue.csv``): reading, row schema, checks, tidy table.

No public event data set covers the article's events (2003 to January 2026), so the project authored
one (method and coding rules in ``data/raw/events/METHOD.md``, the query and confirming address of every
row in ``SOURCES_CHECKED.md``). Each row is one event, CAMEO-coded at the two-digit root with that root's
Goldstein weight (-10 most conflictual .. +10 most cooperative), from the CAMEO/GDELT table
``CAMEO.goldsteinscale.txt`` (https://www.gdeltproject.org/data/lookups/CAMEO.goldsteinscale.txt).
A row's date is an interval at its precision (:mod:`khar_analysis.core.dates`).

The column domains are a pandera schema (:data:`SCHEMA`); the checks that tie fields together (date
against precision and ``date_end``, id against date, weight against root, publication against event,
dyad against actors, article lines and citation against the article) are :func:`_row_problems`.

Known oddities of the catalogue (handled explicitly; :func:`catalogue_problems` rejects anything else)
------------------------------------------------------------------------------------------------------
* ``actors`` are ISO3 codes, initiator first, except the organisation code ``OSCE`` (ODIHR and the
  OSCE PA); ``USA`` stands for the US Helsinki Commission.
* Domestic Azerbaijani events carry ``dyad=other`` and CAMEO ``01`` (weight 0) as a placeholder; they
  are left out of tension series (METHOD.md).
* One utterance can be coded twice for two dyads (Erdoğan's 2024 remark: TUR->ISR threat, and a
  public claim on the AZE-TUR dyad).
* ``source_published`` is empty where the stored copy shows no date.
* ``grade`` is the confirmation grade (METHOD.md, "Grades"): ``confirmed`` (a primary document or two
  independent reports), ``single`` (one report that itself states the event and its date) or
  ``unconfirmed`` (the cited page was not retrieved or does not report it, or it reports only an
  invitation, plan or rumour); ``grade_basis`` says why in one line. ``notes`` starting ``unconfirmed:``
  (the older marker) must carry the grade ``unconfirmed``. Primary tests use ``confirmed`` and ``single``
  rows only (``is_unconfirmed`` marks the others).
* Context rows with no interstate act to weigh (domestic steps; private or medical matters that involve
  the other country; withdrawals and closures no source calls a concession) carry the placeholder root
  ``01`` (weight 0) and keep the dyad they bear on (METHOD.md, "Re-codings").
* ``article_citation`` is the in-text citation on one of the ``article_line`` lines (checked against
  the article when its lines are given); ``article_line`` may list several lines joined by ``;``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Protocol

import pandas as pd
import pandera.pandas as pa
import pycountry

from khar_analysis.core.dates import When, parse_when
from khar_analysis.core.layout_checks import UnknownLayoutError, read_text_strict

COLUMNS = [
    "event_id", "date", "date_end", "precision", "actors", "dyad", "cameo_root", "goldstein",
    "description", "source_outlet", "source_url", "source_published", "article_line",
    "article_citation", "claim_ids", "notes", "grade", "grade_basis",
]
#: Confirmation grades, strongest first (METHOD.md, "Grades").
GRADES = ("confirmed", "single", "unconfirmed")
#: Grades the primary tests and the primary tension series use; ``unconfirmed`` rows enter variants only.
PRIMARY_GRADES = ("confirmed", "single")
PRECISIONS = ("day", "month", "year", "range")
#: Coarseness of a precision (a ``range`` spans at most a few days, so it ranks with ``day``).
COARSENESS = {"day": 0, "range": 0, "month": 1, "year": 2}
#: Goldstein weight of each CAMEO root code, as in CAMEO.goldsteinscale.txt (GDELT lookup; the copy
#: read is mpiccirilli/UNDP-BCPR-Project@08d29bb4, see METHOD.md). The scale runs from -10 to +10.
GOLDSTEIN_ROOT = {
    "01": 0.0, "02": 3.0, "03": 4.0, "04": 1.0, "05": 3.5, "06": 6.0, "07": 7.0, "08": 5.0, "09": -2.0,
    "10": -5.0, "11": -2.0, "12": -4.0, "13": -6.0, "14": -6.5, "15": -7.2, "16": -4.0, "17": -7.0,
    "18": -9.0, "19": -10.0, "20": -10.0,
}
SCALE = (-10.0, 10.0)
#: Dyads the catalogue codes (METHOD.md); ``other`` holds domestic and third-party events.
DYADS = ("AZE-RUS", "AZE-TUR", "AZE-ARM", "TUR-ARM", "RUS-UKR", "other")
#: Actor codes that are organisations, not countries (METHOD.md).
ORGANISATIONS = frozenset({"OSCE"})
PLACEHOLDER_ROOT = "01"
UNCONFIRMED_PREFIX = "unconfirmed:"
ID_PATTERN = re.compile(r"^E(\d{4}(?:-\d{2}(?:-\d{2})?)?)-[a-z0-9]+(?:-[a-z0-9]+)*$")


class CatalogueError(ValueError):
    """The catalogue breaks its schema, or a look-up names an event that does not exist."""


class _Record(Protocol):
    id: str


def _is_actor(code: str) -> bool:
    return code in ORGANISATIONS or (len(code) == 3 and pycountry.countries.get(alpha_3=code) is not None)


def _in_scale(text: str) -> bool:
    try:
        return SCALE[0] <= float(text) <= SCALE[1]
    except ValueError:
        return False


def _text(*checks: pa.Check, unique: bool = False) -> pa.Column:
    return pa.Column(str, list(checks), nullable=False, unique=unique)


#: Column domains of the raw catalogue (every cell a string; empty cells are ""). Messages are the checks'
#: ``error`` texts, so a failure reads "<event_id>: <column> <value> <error>".
SCHEMA = pa.DataFrameSchema({
    "event_id": _text(pa.Check.str_matches(ID_PATTERN.pattern, error="does not read E<date>-<slug> (lower-case slug)"),
                      unique=True),
    "date": _text(),
    "date_end": _text(),
    "precision": _text(pa.Check.isin(PRECISIONS, error=f"is not one of {PRECISIONS}")),
    "actors": _text(pa.Check(lambda s: s.str.split(";").map(lambda a: all(map(_is_actor, a))), element_wise=False,
                             error=f"are not ISO3 codes (or {sorted(ORGANISATIONS)})")),
    "dyad": _text(pa.Check.isin(DYADS, error=f"is not one of {DYADS}")),
    "cameo_root": _text(pa.Check.isin(list(GOLDSTEIN_ROOT), error="is not a two-digit CAMEO root 01..20")),
    "goldstein": _text(pa.Check(_in_scale, element_wise=True, error=f"is not a number on the scale {SCALE}")),
    "description": _text(pa.Check.str_matches(r"^[^\n]*\S[^\n]*$", error="must be one non-empty line")),
    "source_outlet": _text(pa.Check.str_matches(r"^.*\S.*$", error="is empty (no source_outlet)")),
    "source_url": _text(pa.Check.str_matches(r"^https?://\S+$", error="is not an http(s) address")),
    "source_published": _text(pa.Check.str_matches(r"^(\d{4}-\d{2}-\d{2})?$", error="is not yyyy-mm-dd")),
    "article_line": _text(pa.Check.str_matches(r"^(\d+(;\d+)*)?$", error="is not line numbers joined by ';'")),
    "article_citation": _text(),
    "claim_ids": _text(pa.Check.str_matches(r"^(EVT-\d+(;EVT-\d+)*)?$", error="are not EVT-n joined by ';'")),
    "notes": _text(),
    "grade": _text(pa.Check.isin(GRADES, error=f"is not one of {GRADES}")),
    "grade_basis": _text(pa.Check.str_matches(r"^.*\S.*$", error="is empty (say why the row has its grade)")),
}, strict=True, ordered=True)


def _schema_problems(raw: pd.DataFrame) -> list[str]:
    """Column-domain problems found by :data:`SCHEMA`, one message each."""
    try:
        SCHEMA.validate(raw, lazy=True)
    except pa.errors.SchemaErrors as exc:
        out = []
        for case in exc.failure_cases.itertuples():
            eid = raw["event_id"].iloc[int(case.index)] if pd.notna(case.index) else "(table)"
            if case.check == "field_uniqueness":
                out.append(f"{eid}: duplicate {case.column}")
            else:
                out.append(f"{eid or '(no id)'}: {case.column} {case.failure_case!r} {case.check}")
        return out
    return []


def _date_problems(row: dict[str, str]) -> tuple[When | None, list[str]]:
    try:
        when = parse_when(row["date"], row["precision"], row["date_end"])
    except ValueError as exc:
        return None, [f"date: {exc}"]
    out = []
    match = ID_PATTERN.match(row["event_id"])
    if match and match.group(1) != row["date"]:
        out.append(f"event_id carries date {match.group(1)!r} but the date is {row['date']!r}")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["source_published"]):
        try:
            published = date.fromisoformat(row["source_published"])
        except ValueError:
            out.append(f"source_published {row['source_published']!r} is not a calendar date")
        else:
            if published < when.start:
                out.append(f"source_published {published} is before the event ({when})")
    return when, out


def _row_problems(row: dict[str, str], lines: Sequence[str] | None) -> list[str]:
    """Cross-field problems of one row (the column domains are :data:`SCHEMA`'s)."""
    _, out = _date_problems(row)
    root, weight = row["cameo_root"], float(row["goldstein"]) if _in_scale(row["goldstein"]) else None
    if root in GOLDSTEIN_ROOT and weight is not None and weight != GOLDSTEIN_ROOT[root]:
        out.append(f"goldstein {weight} differs from the weight of root {root} ({GOLDSTEIN_ROOT[root]})")
    actors = row["actors"].split(";")
    if len(set(actors)) != len(actors):
        out.append("an actor is listed twice")
    if row["dyad"] in DYADS and row["dyad"] != "other" and not set(row["dyad"].split("-")) <= set(actors):
        out.append(f"dyad {row['dyad']} names a country missing from actors {row['actors']}")
    numbers = [int(x) for x in row["article_line"].split(";") if x.isdigit()]
    if lines is not None:
        for n in numbers:
            if not 1 <= n <= len(lines) or not lines[n - 1].strip():
                out.append(f"article_line {n} is not a text line of the article")
        cite = row["article_citation"]
        if cite and not any(1 <= n <= len(lines) and cite in lines[n - 1] for n in numbers):
            out.append(f"article_citation {cite!r} does not occur on article line(s) {row['article_line']!r}")
    if row["notes"].startswith(UNCONFIRMED_PREFIX) and row["grade"] != "unconfirmed":
        out.append(f"notes start {UNCONFIRMED_PREFIX!r} but the grade is {row['grade']!r}")
    if row["article_citation"] and not numbers:
        out.append("article_citation given without article_line")
    return [f"{row['event_id'] or '(no id)'}: {p}" for p in out]


def catalogue_problems(raw: pd.DataFrame, lines: Sequence[str] | None = None) -> list[str]:
    """Every schema problem of the catalogue as read (strings), one message per problem.

    Column domains (:data:`SCHEMA`): ids unique and of the form ``E<date>-<slug>``, precisions, CAMEO
    roots, weights on the Goldstein scale, http(s) addresses, actors ISO3 (or an organisation code),
    grades and a stated basis for each.
    Across fields: dates parse and match their precision, ids carry the date, weights agree with the
    root table, publication dates do not precede the event, the dyad's countries are among the actors.
    With ``lines`` (the article), article lines exist and each ``article_citation`` occurs on one of them.
    """
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        return [f"missing columns {missing}"]
    raw = raw[COLUMNS].astype(str)
    problems = _schema_problems(raw)
    for rec in raw.to_dict("records"):
        problems.extend(_row_problems(rec, lines))
    return list(dict.fromkeys(problems))


def read_catalogue(file: Path, source_id: str) -> pd.DataFrame:
    """The catalogue's cells as strings (empty cells as ""), after checking the header.

    Raises :class:`~khar_analysis.core.layout_checks.UnknownLayoutError` naming ``source_id`` and the
    file when the header differs from :data:`COLUMNS`.
    """
    text = read_text_strict(file, "utf-8")
    header = next(csv.reader([text.split("\n", 1)[0]]))
    if header != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in COLUMNS]
        raise UnknownLayoutError(f"{source_id} ({Path(file).name}): unexpected catalogue header (missing: {missing}; "
                                 f"unexpected: {extra}): expected {COLUMNS!r}, found {header!r}")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def tidy(raw: pd.DataFrame) -> pd.DataFrame:
    """Typed catalogue: ``start``/``end`` (first/last possible day), ``goldstein`` (float, Goldstein
    scale -10..+10), ``initiator`` (first actor), ``is_unconfirmed`` (grade ``unconfirmed``); sorted by
    start then id."""
    out = raw.copy()
    whens = [parse_when(d, p, e) for d, p, e in zip(raw["date"], raw["precision"], raw["date_end"], strict=True)]
    out["start"] = pd.to_datetime([w.start for w in whens])
    out["end"] = pd.to_datetime([w.end for w in whens])
    out["goldstein"] = raw["goldstein"].astype(float)
    out["initiator"] = raw["actors"].str.split(";").str[0]
    out["is_unconfirmed"] = raw["grade"].eq("unconfirmed")
    return out.sort_values(["start", "event_id"], kind="mergesort").reset_index(drop=True)


def load_catalogue(file: Path, src: _Record, lines: Sequence[str] | None = None) -> pd.DataFrame:
    """Read, check (:func:`catalogue_problems`) and type the catalogue (the ``event_catalogue`` loader).

    ``src`` is the manifest record (its ``id`` names the source in errors); ``lines`` the article's
    lines, to check ``article_line`` and ``article_citation``. Raises :class:`CatalogueError` listing
    every problem.
    """
    source_id = src.id
    raw = read_catalogue(file, source_id)
    problems = catalogue_problems(raw, lines)
    if problems:
        raise CatalogueError(f"{source_id} ({Path(file).name}): {len(problems)} schema problem(s):\n  "
                             + "\n  ".join(problems))
    return tidy(raw)
