"""Dated events (claims EVT-*): the project's event catalogue, precision-aware date logic, the checks.

No public event data set covers the article's events (2003 to January 2026), so the project authored
one: ``data/raw/events/catalogue.csv`` (manifest id ``event_catalogue``; method and coding rules in
``data/raw/events/METHOD.md``, the query and confirming address of every row in ``SOURCES_CHECKED.md``).
Each row is one event, CAMEO-coded at the two-digit root with that root's Goldstein weight
(-10 most conflictual .. +10 most cooperative), from the CAMEO/GDELT table
``CAMEO.goldsteinscale.txt`` (https://www.gdeltproject.org/data/lookups/CAMEO.goldsteinscale.txt).

Dates are intervals
-------------------
A catalogue date is the set of days on which the event may have happened: ``day`` one day, ``month``
the month, ``year`` the year, ``range`` ``date``..``date_end`` (a multi-day event *or* a one-day
uncertainty such as a time-zone ambiguity: either way the event lies somewhere inside). Comparisons
return ``True`` (certain), ``False`` (certainly not) or ``None`` (indeterminate at the data's
precision): a month-precision event against a day inside that month is ``None``, and so is the order
of two events on the same day (the hour is unknown).

Checks live in the register
---------------------------
A claim's register row (``data/claims/events.yaml``) holds, in ``claimed.value``, named
``conditions`` (tests below), ``refs`` (event ids bound into conditions as ``$name``), ``variants``
(other readings or source disagreements, each replacing or dropping named conditions or rebinding
``refs``) and ``phrases`` (the registered reading of vague words such as "несколько дней": a range
of days or months and why). :func:`check` evaluates them on the catalogue
and returns the keyword arguments of :func:`khar_analysis.claims.register.verdict`. A claim holds when all
its conditions hold (Kleene "and": one ``False`` makes it ``False``; otherwise one ``None`` makes it
``None``).

Tests: ``within`` (event inside a period), ``before`` / ``after`` (order of two events), ``gap``
(days or months from one event to another inside a phrase's reading), ``count`` (a number the
event's description states), ``coded`` (the CAMEO root), ``any`` / ``none`` (an event matching a
filter inside a period, optionally outside an ``except`` period), ``cited_date`` (the date written
in the URL the article's source list gives on a line, against an event's date), ``quiet_months``
(no month whose weight sum falls below the weight of one act of a CAMEO root, outside an episode).

Known oddities of the catalogue (handled explicitly; :func:`catalogue_problems` rejects anything else)
------------------------------------------------------------------------------------------------------
* ``actors`` are ISO3 codes, initiator first, except the organisation code ``OSCE`` (ODIHR and the
  OSCE PA); ``USA`` stands for the US Helsinki Commission.
* Domestic Azerbaijani events carry ``dyad=other`` and CAMEO ``01`` (weight 0) as a placeholder; they
  are left out of tension series (METHOD.md).
* One utterance can be coded twice for two dyads (Erdoğan's 2024 remark: TUR->ISR threat, and a
  public claim on the AZE-TUR dyad).
* ``source_published`` is empty where the stored copy shows no date.
* ``notes`` starting ``unconfirmed:`` mark rows no retrieved page confirmed (``is_unconfirmed``).
* ``article_citation`` is the in-text citation on one of the ``article_line`` lines (checked against
  the pinned article); ``article_line`` may list several lines joined by ``;``.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from khar_analysis.core.layout_checks import expect_equal, read_text_strict

SOURCE_ID = "event_catalogue"
COLUMNS = [
    "event_id", "date", "date_end", "precision", "actors", "dyad", "cameo_root", "goldstein",
    "description", "source_outlet", "source_url", "source_published", "article_line",
    "article_citation", "claim_ids", "notes",
]
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
DYADS = ("AZE-RUS", "AZE-TUR", "AZE-ARM", "TUR-ARM", "RUS-UKR", "other")
TENSION_DYADS = ("AZE-RUS", "AZE-TUR")
#: Actor codes that are organisations, not countries (METHOD.md).
ORGANISATIONS = frozenset({"OSCE"})
PLACEHOLDER_ROOT = "01"
UNCONFIRMED_PREFIX = "unconfirmed:"
SCHEMES = ("goldstein", "unit")
#: Average Gregorian month, for "several months" (365.2425 / 12).
DAYS_PER_MONTH = 30.436875
#: UTC offsets bounding every local calendar date (UTC-12 .. UTC+14), for a URL's Unix timestamp.
_TZ_BOUNDS = (timedelta(hours=-12), timedelta(hours=14))
_FORMS = {
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "year": re.compile(r"^\d{4}$"),
    "range": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}
_ID = re.compile(r"^E(\d{4}(?:-\d{2}(?:-\d{2})?)?)-[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://\S+$")
_CLAIM = re.compile(r"^EVT-\d+$")
_CASUALTIES = re.compile(r"(?P<deaths>\d+) of (?P<aboard>\d+) on board die and (?P<survivors>\d+) survive")

Truth = bool | None


class CatalogueError(ValueError):
    """The catalogue breaks its schema, or a check names an event or test that does not exist."""


# --- dates as intervals -------------------------------------------------------------------------

@dataclass(frozen=True)
class When:
    """The days on which an event may have happened: ``start`` .. ``end``, both inclusive."""

    start: date
    end: date
    precision: str = "day"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"interval ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return self.start.strftime("%Y-%m")
        if self.precision == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def parse_when(text: str, precision: str | None = None, end_text: str = "") -> When:
    """An interval from a catalogue date. ``precision`` None infers it from the form (yyyy, yyyy-mm,
    yyyy-mm-dd); ``range`` needs ``end_text`` (yyyy-mm-dd). Raises ValueError on any inconsistency."""
    text = str(text).strip()
    if precision is None:
        precision = next((p for p in ("day", "month", "year") if _FORMS[p].match(text)), None)
        if precision is None:
            raise ValueError(f"{text!r} is not yyyy, yyyy-mm or yyyy-mm-dd")
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r} is not one of {PRECISIONS}")
    if not _FORMS[precision].match(text):
        raise ValueError(f"date {text!r} does not have the form of precision {precision!r}")
    if precision != "range" and end_text:
        raise ValueError(f"precision {precision!r} takes no end date (found {end_text!r})")
    if precision == "day":
        d = date.fromisoformat(text)
        return When(d, d, "day")
    if precision == "month":
        y, m = (int(x) for x in text.split("-"))
        if not 1 <= m <= 12:
            raise ValueError(f"month {text!r} does not exist")
        return When(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), "month")
    if precision == "year":
        return When(date(int(text), 1, 1), date(int(text), 12, 31), "year")
    if not _FORMS["day"].match(end_text or ""):
        raise ValueError(f"a range needs an end date yyyy-mm-dd, found {end_text!r}")
    start, end = date.fromisoformat(text), date.fromisoformat(end_text)
    if end <= start:
        raise ValueError(f"range end {end_text} is not after its start {text}")
    return When(start, end, "range")


def and3(values: Iterable[Truth]) -> Truth:
    """Kleene conjunction: False if any is False, else None if any is None, else True."""
    values = list(values)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def or3(values: Iterable[Truth]) -> Truth:
    """Kleene disjunction: True if any is True, else None if any is None, else False."""
    values = list(values)
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def not3(value: Truth) -> Truth:
    return None if value is None else not value


def before(a: When, b: When) -> Truth:
    """Did ``a`` happen before ``b``? True if every day of ``a`` precedes every day of ``b``; False if
    every day of ``a`` follows every day of ``b``; None otherwise (overlap, or the same day)."""
    if a.end < b.start:
        return True
    if a.start > b.end:
        return False
    return None


def after(a: When, b: When) -> Truth:
    """Did ``a`` happen after ``b``? (:func:`before` with the roles swapped.)"""
    return before(b, a)


def within(a: When, period: When) -> Truth:
    """Did ``a`` happen inside ``period``? True if ``a`` lies wholly inside, False if wholly outside,
    None if it straddles an edge (e.g. a month-precision event against one day of that month)."""
    if period.start <= a.start and a.end <= period.end:
        return True
    if a.end < period.start or a.start > period.end:
        return False
    return None


def day_gap(a: When, b: When) -> tuple[int, int]:
    """The smallest and largest number of calendar days from ``a`` to ``b`` their precision allows."""
    return (b.start - a.end).days, (b.end - a.start).days


@dataclass(frozen=True)
class Reading:
    """A registered reading of a vague phrase: from ``min`` to ``max`` ``unit`` (days or months)."""

    phrase: str
    min: float
    max: float
    unit: str
    why: str

    def __post_init__(self) -> None:
        if self.unit not in ("days", "months"):
            raise CatalogueError(f"reading of {self.phrase!r}: unit {self.unit!r} is not days or months")
        if self.max < self.min:
            raise CatalogueError(f"reading of {self.phrase!r}: max {self.max} is below min {self.min}")

    def bounds(self) -> str:
        span = f"{self.min:g}" if self.min == self.max else f"{self.min:g}-{self.max:g}"
        return f"{span} {self.unit}"


def gap_holds(a: When, b: When, reading: Reading) -> tuple[Truth, str]:
    """Is the time from ``a`` to ``b`` inside ``reading``? True if every possible gap is, False if
    none is, None otherwise; with the gap as text."""
    lo, hi = day_gap(a, b)
    scale = 1.0 if reading.unit == "days" else DAYS_PER_MONTH
    lo_u, hi_u = lo / scale, hi / scale
    if reading.min <= lo_u and hi_u <= reading.max:
        result: Truth = True
    elif hi_u < reading.min or lo_u > reading.max:
        result = False
    else:
        result = None
    fmt = (lambda v: f"{v:.0f}") if reading.unit == "days" else (lambda v: f"{v:.1f}")
    shown = fmt(lo_u) if lo == hi else f"{fmt(lo_u)}..{fmt(hi_u)}"
    return result, f"{shown} {reading.unit}"


# --- the catalogue ------------------------------------------------------------------------------

def _is_actor(code: str) -> bool:
    return code in ORGANISATIONS or (len(code) == 3 and pycountry.countries.get(alpha_3=code) is not None)


def _row_problems(row: dict[str, str], lines: Sequence[str] | None) -> list[str]:
    out = []
    eid = row["event_id"]
    try:
        when = parse_when(row["date"], row["precision"], row["date_end"])
    except ValueError as exc:
        out.append(f"date: {exc}")
        when = None
    match = _ID.match(eid)
    if not match:
        out.append("event_id does not read E<date>-<slug> (lower-case slug)")
    elif match.group(1) != row["date"]:
        out.append(f"event_id carries date {match.group(1)!r} but the date is {row['date']!r}")
    root = row["cameo_root"]
    if root not in GOLDSTEIN_ROOT:
        out.append(f"cameo_root {root!r} is not a two-digit CAMEO root 01..20")
    try:
        weight = float(row["goldstein"])
    except ValueError:
        out.append(f"goldstein {row['goldstein']!r} is not a number")
    else:
        if not SCALE[0] <= weight <= SCALE[1]:
            out.append(f"goldstein {weight} is off the scale {SCALE}")
        elif root in GOLDSTEIN_ROOT and weight != GOLDSTEIN_ROOT[root]:
            out.append(f"goldstein {weight} differs from the weight of root {root} ({GOLDSTEIN_ROOT[root]})")
    if not row["source_outlet"].strip():
        out.append("no source_outlet")
    if not _URL.match(row["source_url"]):
        out.append(f"source_url {row['source_url']!r} is not an http(s) address")
    if row["source_published"]:
        try:
            published = date.fromisoformat(row["source_published"])
        except ValueError:
            out.append(f"source_published {row['source_published']!r} is not yyyy-mm-dd")
        else:
            if when is not None and published < when.start:
                out.append(f"source_published {published} is before the event ({when})")
    actors = row["actors"].split(";")
    bad = [a for a in actors if not _is_actor(a)]
    if bad or not row["actors"]:
        out.append(f"actors {bad or row['actors']!r} are not ISO3 codes (or {sorted(ORGANISATIONS)})")
    if len(set(actors)) != len(actors):
        out.append("an actor is listed twice")
    if row["dyad"] not in DYADS:
        out.append(f"dyad {row['dyad']!r} is not one of {DYADS}")
    elif row["dyad"] != "other" and not set(row["dyad"].split("-")) <= set(actors):
        out.append(f"dyad {row['dyad']} names a country missing from actors {row['actors']}")
    if not row["description"].strip() or "\n" in row["description"]:
        out.append("description must be one non-empty line")
    numbers = [x for x in row["article_line"].split(";") if x] if row["article_line"] else []
    if any(not x.isdigit() for x in numbers):
        out.append(f"article_line {row['article_line']!r} is not line numbers joined by ';'")
        numbers = []
    if lines is not None:
        for n in numbers:
            if not 1 <= int(n) <= len(lines) or not lines[int(n) - 1].strip():
                out.append(f"article_line {n} is not a text line of the article")
        cite = row["article_citation"]
        if cite and not any(1 <= int(n) <= len(lines) and cite in lines[int(n) - 1] for n in numbers):
            out.append(f"article_citation {cite!r} does not occur on article line(s) {row['article_line']!r}")
    if row["article_citation"] and not numbers:
        out.append("article_citation given without article_line")
    ids = [x for x in row["claim_ids"].split(";") if x]
    if any(not _CLAIM.match(x) for x in ids):
        out.append(f"claim_ids {row['claim_ids']!r} are not EVT-n joined by ';'")
    return [f"{eid or '(no id)'}: {p}" for p in out]


def catalogue_problems(raw: pd.DataFrame, lines: Sequence[str] | None = None) -> list[str]:
    """Every schema problem of the catalogue as read (strings), one message per problem.

    Dates parse and match their precision; ids are unique and carry the date; CAMEO roots and Goldstein
    weights are on the scale and agree with the root table; every row has an outlet and an http(s)
    address; publication dates parse and do not precede the event; actors are ISO3 (or an
    organisation code) and include the dyad's countries. With ``lines`` (the article), article lines
    exist and each ``article_citation`` occurs on one of them.
    """
    problems = []
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        return [f"missing columns {missing}"]
    dup = raw["event_id"][raw["event_id"].duplicated()].tolist()
    if dup:
        problems.append(f"duplicate event_id(s): {sorted(set(dup))}")
    for rec in raw[COLUMNS].astype(str).to_dict("records"):
        problems.extend(_row_problems(rec, lines))
    return problems


def read_catalogue(file: Path) -> pd.DataFrame:
    """The catalogue's cells as strings (empty cells as ""), after checking the header."""
    text = read_text_strict(file, "utf-8")
    header = next(csv.reader([text.split("\n", 1)[0]]))
    expect_equal(file, "catalogue header", COLUMNS, header)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def tidy(raw: pd.DataFrame) -> pd.DataFrame:
    """Typed catalogue: ``start``/``end`` (first/last possible day), ``goldstein`` (float),
    ``initiator``, ``is_unconfirmed``, ``is_tension`` (a focal dyad and not the 01 placeholder);
    sorted by start then id."""
    out = raw.copy()
    whens = [parse_when(d, p, e) for d, p, e in zip(raw["date"], raw["precision"], raw["date_end"], strict=True)]
    out["start"] = pd.to_datetime([w.start for w in whens])
    out["end"] = pd.to_datetime([w.end for w in whens])
    out["goldstein"] = raw["goldstein"].astype(float)
    out["initiator"] = raw["actors"].str.split(";").str[0]
    out["is_unconfirmed"] = raw["notes"].str.startswith(UNCONFIRMED_PREFIX)
    out["is_tension"] = raw["dyad"].isin(TENSION_DYADS) & raw["cameo_root"].ne(PLACEHOLDER_ROOT)
    return out.sort_values(["start", "event_id"], kind="mergesort").reset_index(drop=True)


def load_catalogue(file: Path, lines: Sequence[str] | None = None) -> pd.DataFrame:
    """Read, check (:func:`catalogue_problems`) and type the catalogue; raise listing every problem."""
    raw = read_catalogue(file)
    problems = catalogue_problems(raw, lines)
    if problems:
        raise CatalogueError(f"{Path(file).name}: {len(problems)} schema problem(s):\n  " + "\n  ".join(problems))
    return tidy(raw)


def load() -> pd.DataFrame:
    """The pinned catalogue, checked against the pinned article."""
    from khar_analysis.article import text as article
    from khar_analysis.provenance import manifest

    return load_catalogue(manifest.path(SOURCE_ID), article.lines())


def when_of(catalogue: pd.DataFrame, event_id: str) -> When:
    """The date interval of one catalogue event."""
    row = row_of(catalogue, event_id)
    return parse_when(row["date"], row["precision"], row["date_end"])


def row_of(catalogue: pd.DataFrame, event_id: str) -> pd.Series:
    hit = catalogue[catalogue["event_id"] == event_id]
    if len(hit) != 1:
        raise CatalogueError(f"event {event_id!r} is not in the catalogue")
    return hit.iloc[0]


def period(catalogue: pd.DataFrame, spec: str | Sequence[str]) -> When:
    """A period from a register spec: a date (yyyy, yyyy-mm, yyyy-mm-dd), an event id, or a pair of
    either (from the first one's start to the second one's end)."""
    if isinstance(spec, str):
        return when_of(catalogue, spec) if spec.startswith("E") else parse_when(spec)
    first, last = (period(catalogue, s) for s in spec)
    return When(first.start, last.end, "period")


def casualties(catalogue: pd.DataFrame, event_id: str) -> dict[str, int]:
    """Deaths, people aboard and survivors as the event's description states them
    ('<d> of <n> on board die and <s> survive'); raises if it does not."""
    text = row_of(catalogue, event_id)["description"]
    match = _CASUALTIES.search(text)
    if not match:
        raise CatalogueError(f"{event_id}: the description states no '<d> of <n> on board die and <s> survive'")
    return {k: int(v) for k, v in match.groupdict().items()}


# --- URLs cited by the article ------------------------------------------------------------------

def url_on_line(lines: Sequence[str], line: int) -> str:
    """The (first) URL on an article line, e.g. a source-list entry."""
    hit = re.search(r"https?://\S+", lines[line - 1]) if 1 <= line <= len(lines) else None
    if not hit:
        raise CatalogueError(f"article line {line} holds no URL")
    return hit.group(0)


def url_date(url: str) -> When | None:
    """The date a URL's path carries: ``yyyy-mm-dd`` (a day), or a trailing 10-digit Unix timestamp
    (the local dates it can denote anywhere, UTC-12..UTC+14). None if it carries neither."""
    iso = re.search(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", url)
    if iso:
        return parse_when("-".join(iso.groups()), "day")
    unix = re.search(r"-(\d{10})/?$", url)
    if unix:
        moment = datetime.fromtimestamp(int(unix.group(1)), tz=UTC)
        first, last = (moment + _TZ_BOUNDS[0]).date(), (moment + _TZ_BOUNDS[1]).date()
        return When(first, last, "day" if first == last else "range")
    return None


# --- the checks ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """One condition's result and a short account of what the catalogue shows."""

    name: str
    test: str
    result: Truth
    detail: str


def _mark(result: Truth) -> str:
    return {True: "yes", False: "no", None: "indeterminate"}[result]


def _matches(catalogue: pd.DataFrame, where: dict[str, Any]) -> pd.DataFrame:
    """Rows passing a filter: dyad, initiator, cameo (root), sign (negative/positive), min_precision."""
    known = {"dyad", "initiator", "cameo", "sign", "min_precision"}
    unknown = set(where) - known
    if unknown:
        raise CatalogueError(f"unknown filter key(s) {sorted(unknown)}; known: {sorted(known)}")
    sel = catalogue
    if "dyad" in where:
        sel = sel[sel["dyad"] == where["dyad"]]
    if "initiator" in where:
        sel = sel[sel["initiator"] == where["initiator"]]
    if "cameo" in where:
        sel = sel[sel["cameo_root"] == where["cameo"]]
    if "sign" in where:
        sel = sel[sel["goldstein"] < 0] if where["sign"] == "negative" else sel[sel["goldstein"] > 0]
    if "min_precision" in where:
        sel = sel[sel["precision"].map(COARSENESS) <= COARSENESS[where["min_precision"]]]
    return sel


def _scan(catalogue: pd.DataFrame, spec: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Ids of filtered rows certainly / possibly inside ``period`` (and outside ``except``)."""
    window = period(catalogue, spec["period"])
    outside = period(catalogue, spec["except"]) if "except" in spec else None
    certain, possible = [], []
    for rec in _matches(catalogue, spec.get("where", {})).itertuples():
        when = parse_when(rec.date, rec.precision, rec.date_end)
        hit = and3([within(when, window), not3(within(when, outside)) if outside else True])
        if hit:
            certain.append(rec.event_id)
        elif hit is None:
            possible.append(rec.event_id)
    return certain, possible


def _order(catalogue, spec, relation) -> tuple[Truth, str]:
    a, b = when_of(catalogue, spec["event"]), when_of(catalogue, spec["other"])
    result = before(a, b) if relation == "before" else after(a, b)
    return result, f"{a} {relation} {b}"


def evaluate(catalogue: pd.DataFrame, name: str, spec: dict[str, Any], readings: dict[str, Reading],
             lines: Sequence[str] | None = None) -> Outcome:
    """Evaluate one named condition of a register row on the catalogue."""
    test = spec.get("test")
    if test == "within":
        a, p = when_of(catalogue, spec["event"]), period(catalogue, spec["period"])
        result, detail = within(a, p), f"{a} in {p}"
    elif test in ("before", "after"):
        result, detail = _order(catalogue, spec, test)
    elif test == "gap":
        a = when_of(catalogue, spec["event"])
        b = period(catalogue, spec["other"])
        if spec["phrase"] not in readings:
            raise CatalogueError(f"condition {name}: phrase {spec['phrase']!r} has no registered reading")
        reading = readings[spec["phrase"]]
        result, shown = gap_holds(a, b, reading)
        detail = f"{a} to {b}: {shown} (reading {reading.bounds()})"
    elif test == "count":
        found = casualties(catalogue, spec["event"])
        result = found[spec["field"]] == spec["equals"]
        detail = f"{spec['field']} {found[spec['field']]} (of {found['aboard']} aboard, {found['survivors']} survived)"
    elif test == "coded":
        root = row_of(catalogue, spec["event"])["cameo_root"]
        result, detail = root == spec["cameo"], f"CAMEO root {root}"
    elif test in ("any", "none"):
        certain, possible = _scan(catalogue, spec)
        found = True if certain else (None if possible else False)
        result = found if test == "any" else not3(found)
        detail = ("found " + ", ".join(certain) if certain else "none found") + (
            f"; undecidable: {', '.join(possible)}" if possible and not certain else "")
    elif test == "cited_date":
        if lines is None:
            raise CatalogueError(f"condition {name}: a cited_date test needs the article's lines")
        url = url_on_line(lines, spec["line"])
        carried = url_date(url)
        target = period(catalogue, spec["against"])
        result = None if carried is None else within(carried, target)
        detail = f"URL on line {spec['line']} carries {carried or 'no date'}; against {target}"
    elif test == "quiet_months":
        result, detail = quiet_months(catalogue, spec)
    else:
        raise CatalogueError(f"condition {name}: unknown test {test!r}")
    return Outcome(name, test, result, detail)


def readings_of(value: dict[str, Any]) -> dict[str, Reading]:
    """The registered phrase readings of one register row's ``claimed.value``."""
    return {p: Reading(p, float(r["min"]), float(r["max"]), r["unit"], r["why"])
            for p, r in (value.get("phrases") or {}).items()}


def _claim(claim) -> Any:
    if isinstance(claim, str):
        from khar_analysis.claims import register as claims

        return claims.load_register()[claim]
    return claim


def _value(claim) -> dict[str, Any]:
    value = claim.claimed.get("value")
    if not isinstance(value, dict) or "conditions" not in value:
        raise CatalogueError(f"{claim.id}: claimed.value holds no conditions")
    return value


def _bind(spec: Any, refs: dict[str, str]) -> Any:
    """Replace ``$name`` strings in a condition by the register row's ``refs``."""
    if isinstance(spec, dict):
        return {k: _bind(v, refs) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_bind(v, refs) for v in spec]
    if isinstance(spec, str) and spec.startswith("$"):
        if spec[1:] not in refs:
            raise CatalogueError(f"reference {spec!r} is not among refs {sorted(refs)}")
        return refs[spec[1:]]
    return spec


def primary_conditions(value: dict[str, Any]) -> dict[str, dict]:
    """The primary conditions of a register row, with its ``refs`` bound."""
    return {n: _bind(s, value.get("refs", {})) for n, s in value["conditions"].items()}


def variant_conditions(value: dict[str, Any], variant: dict[str, Any]) -> dict[str, dict]:
    """The conditions of a variant: the primary ones with ``replace`` applied, ``drop`` removed and
    the variant's ``refs`` bound over the row's."""
    conds = dict(value["conditions"])
    unknown = (set(variant.get("replace", {})) | set(variant.get("drop", []))) - set(conds)
    if unknown:
        raise CatalogueError(f"variant {variant.get('label')!r} names unknown condition(s) {sorted(unknown)}")
    conds.update(variant.get("replace", {}))
    for name in variant.get("drop", []):
        conds.pop(name)
    refs = {**value.get("refs", {}), **variant.get("refs", {})}
    return {n: _bind(s, refs) for n, s in conds.items()}


def outcomes(catalogue: pd.DataFrame, claim, lines: Sequence[str] | None = None) -> pd.DataFrame:
    """Every condition of a claim under the primary reading and each variant, as a table."""
    claim = _claim(claim)
    value = _value(claim)
    readings = readings_of(value)
    rows = []
    specs = [("primary", primary_conditions(value))] + [
        (v["label"], variant_conditions(value, v)) for v in value.get("variants", [])]
    for label, conds in specs:
        for name, spec in conds.items():
            o = evaluate(catalogue, name, spec, readings, lines)
            rows.append({"reading": label, "condition": name, "test": o.test, "holds": _mark(o.result),
                         "detail": o.detail})
    return pd.DataFrame(rows)


def check(catalogue: pd.DataFrame, claim, lines: Sequence[str] | None = None) -> dict[str, Any]:
    """Keyword arguments for :func:`khar_analysis.claims.register.verdict` from a register row's conditions.

    ``observed`` is the Kleene conjunction of the primary conditions; each variant is evaluated the
    same way; ``observed_text`` lists every primary condition; ``reason`` names those that fail or
    cannot be decided.
    """
    claim = _claim(claim)
    value = _value(claim)
    readings = readings_of(value)
    primary = [evaluate(catalogue, n, s, readings, lines) for n, s in primary_conditions(value).items()]
    observed = and3(o.result for o in primary)
    variants = {}
    for v in value.get("variants", []):
        conds = variant_conditions(value, v)
        results = [evaluate(catalogue, n, s, readings, lines) for n, s in conds.items()]
        changed = [f"{o.name}: {o.detail}" for o in results if o.name in v.get("replace", {})]
        changed += [f"{k} = {r}" for k, r in v.get("refs", {}).items()]
        shown = "; ".join(changed)
        variants[v["label"] + (f" [{shown}]" if shown else "")] = and3(o.result for o in results)
    held = sum(o.result is True for o in primary)
    text = f"{held}/{len(primary)} conditions hold: " + "; ".join(
        f"{o.name}: {o.detail} -> {_mark(o.result)}" for o in primary)
    open_ = [f"{o.name} {'fails' if o.result is False else 'is indeterminate'}" for o in primary
             if o.result is not True]
    return {"observed": observed, "variants": variants, "observed_text": text, "reason": "; ".join(open_)}


def readings_table(register: dict) -> pd.DataFrame:
    """Every registered phrase reading across the events register (claim, phrase, bounds, why)."""
    rows = []
    for cid, claim in register.items():
        value = claim.claimed.get("value")
        if claim.family != "events" or not isinstance(value, dict):
            continue
        for r in readings_of(value).values():
            rows.append({"claim": cid, "phrase": r.phrase, "min": r.min, "max": r.max, "unit": r.unit,
                         "why": r.why})
    return pd.DataFrame(rows, columns=["claim", "phrase", "min", "max", "unit", "why"])


def referenced_events(value: Any) -> set[str]:
    """Every catalogue event id a register value mentions (for the register-consistency test)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for v in value.values():
            found |= referenced_events(v)
    elif isinstance(value, list):
        for v in value:
            found |= referenced_events(v)
    elif isinstance(value, str) and _ID.match(value):
        found.add(value)
    return found


# --- tension series and waves -------------------------------------------------------------------

def scheme_weights(weights: pd.Series, scheme: str) -> pd.Series:
    """Weights under a scheme: ``goldstein`` as coded; ``unit`` -1 / 0 / +1 by the Goldstein sign
    (every conflictual act counts the same, whatever its severity)."""
    if scheme == "goldstein":
        return weights.astype(float)
    if scheme == "unit":
        return weights.astype(float).apply(lambda w: (w > 0) - (w < 0)).astype(float)
    raise ValueError(f"scheme {scheme!r} is not one of {SCHEMES}")


def root_weight(root: str, scheme: str) -> float:
    """The weight of one act of a CAMEO root under a scheme (used to state thresholds)."""
    return float(scheme_weights(pd.Series([GOLDSTEIN_ROOT[root]]), scheme).iloc[0])


def tension_events(catalogue: pd.DataFrame, dyads: Sequence[str] = TENSION_DYADS,
                   include_unconfirmed: bool = True) -> pd.DataFrame:
    """Interstate events of the focal dyads (the 01 placeholder rows left out)."""
    sel = catalogue[catalogue["dyad"].isin(list(dyads)) & catalogue["cameo_root"].ne(PLACEHOLDER_ROOT)]
    if not include_unconfirmed:
        sel = sel[~sel["is_unconfirmed"]]
    return sel


def _freq(frequency: str) -> str:
    if frequency not in ("W", "M"):
        raise ValueError(f"frequency {frequency!r} is not 'W' (weeks, Monday-Sunday) or 'M' (months)")
    return "W-SUN" if frequency == "W" else "M"


def tension_series(catalogue: pd.DataFrame, frequency: str, scheme: str, start: str, end: str,
                   dyads: Sequence[str] = TENSION_DYADS, placement: str = "spread",
                   include_unconfirmed: bool = True) -> pd.DataFrame:
    """Sum of weights per dyad and period (weeks or months) from ``start`` to ``end`` (yyyy-mm).

    ``placement``: ``spread`` divides an event's weight evenly over the days of its date interval (a
    month-precision event counts 1/30 a day; a year-precision one 1/365), so no event is placed more
    precisely than its source dates it; ``start`` puts it all on the first possible day. Periods with
    no event are 0. Returns ``dyad, period, period_start, weight, n_events``.
    """
    if placement not in ("spread", "start"):
        raise ValueError(f"placement {placement!r} is not 'spread' or 'start'")
    freq = _freq(frequency)
    events = tension_events(catalogue, dyads, include_unconfirmed)
    weights = scheme_weights(events["goldstein"], scheme)
    days = []
    for rec, w in zip(events.itertuples(), weights, strict=True):
        span = pd.date_range(rec.start, rec.end if placement == "spread" else rec.start, freq="D")
        days.append(pd.DataFrame({"day": span, "dyad": rec.dyad, "weight": w / len(span), "event_id": rec.event_id}))
    empty = pd.DataFrame({"day": pd.to_datetime([]), "dyad": [], "weight": [], "event_id": []})
    daily = pd.concat(days, ignore_index=True) if days else empty
    daily["period"] = daily["day"].dt.to_period(freq)
    first = pd.Period(start, "M").start_time.to_period(freq)
    last = pd.Period(end, "M").end_time.to_period(freq)
    periods = pd.period_range(first, last, freq=freq)
    grouped = daily.groupby(["dyad", "period"])
    sums = grouped["weight"].sum()
    counts = grouped["event_id"].nunique()
    rows = []
    for dyad in dyads:
        for p in periods:
            rows.append({"dyad": dyad, "period": str(p.start_time.date()) if frequency == "W" else str(p),
                         "period_start": p.start_time, "weight": round(float(sums.get((dyad, p), 0.0)), 6),
                         "n_events": int(counts.get((dyad, p), 0))})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class WaveRule:
    """A period is an *escalation* period when its sum is at or below ``escalation_at``, a *softening*
    period when at or above ``softening_at``. Periods of one kind separated by at most ``gap`` neutral
    periods form one wave; a period of the other kind ends a wave."""

    escalation_at: float
    softening_at: float
    gap: int

    @classmethod
    def from_roots(cls, scheme: str, escalation_root: str, softening_root: str, gap: int) -> WaveRule:
        """Thresholds as the weight of one act of a CAMEO root under the scheme (so the rule means the
        same under every scheme: 'a month at least as hostile as one act of root 16')."""
        return cls(root_weight(escalation_root, scheme), root_weight(softening_root, scheme), gap)

    def __str__(self) -> str:
        return (f"escalation <= {self.escalation_at:g}, softening >= {self.softening_at:g}, "
                f"gap <= {self.gap} neutral period(s)")


def find_waves(series: pd.DataFrame, rule: WaveRule) -> pd.DataFrame:
    """Waves in one dyad's series (rows in period order): ``kind, start, end, periods, peak, peak_weight,
    total``; ``peak`` is the most extreme period of the wave."""
    kinds = ["escalation" if w <= rule.escalation_at else "softening" if w >= rule.softening_at else ""
             for w in series["weight"]]
    labels, weights = list(series["period"]), list(series["weight"])
    waves, current, last_kind_at = [], None, None
    for i, kind in enumerate(kinds):
        if not kind:
            continue
        same = current is not None and current["kind"] == kind and i - last_kind_at - 1 <= rule.gap
        if not same:
            current = {"kind": kind, "idx": []}
            waves.append(current)
        current["idx"].append(i)
        last_kind_at = i
    rows = []
    for w in waves:
        idx = w["idx"]
        pick = min if w["kind"] == "escalation" else max
        peak = pick(idx, key=lambda j: (weights[j], j))
        rows.append({"kind": w["kind"], "start": labels[idx[0]], "end": labels[idx[-1]],
                     "periods": idx[-1] - idx[0] + 1, "peak": labels[peak], "peak_weight": weights[peak],
                     "total": round(sum(weights[idx[0]:idx[-1] + 1]), 6)})
    return pd.DataFrame(rows, columns=["kind", "start", "end", "periods", "peak", "peak_weight", "total"])


def turning_points(waves: pd.DataFrame) -> pd.DataFrame:
    """Escalation onsets and peaks, and de-escalation onsets (the first softening period after an
    escalation wave), in order: ``period, turn``."""
    rows = []
    after_escalation = False
    for w in waves.itertuples():
        if w.kind == "escalation":
            rows.append({"period": w.start, "turn": "escalation onset"})
            rows.append({"period": w.peak, "turn": "escalation peak"})
            after_escalation = True
        elif after_escalation:
            rows.append({"period": w.start, "turn": "de-escalation onset"})
            after_escalation = False
    return pd.DataFrame(rows, columns=["period", "turn"]).sort_values("period", kind="mergesort",
                                                                     ignore_index=True)


def escalation_then_softening(waves: pd.DataFrame, min_escalation_waves: int) -> bool:
    """At least ``min_escalation_waves`` escalation waves, and a softening wave after one of them."""
    esc = waves[waves["kind"] == "escalation"]
    soft = waves[waves["kind"] == "softening"]
    followed = any((soft["start"] > e.end).any() for e in esc.itertuples())
    return len(esc) >= min_escalation_waves and bool(followed)


def _span(waves: pd.DataFrame, kind: str) -> str:
    sel = waves[waves["kind"] == kind]
    return ", ".join(w.start if w.start == w.end else f"{w.start}..{w.end}" for w in sel.itertuples()) or "none"


@dataclass(frozen=True)
class TensionSpec:
    """How a tension series is built and read (the notebook's parameters)."""

    scheme: str = "goldstein"
    frequency: str = "M"
    placement: str = "spread"
    include_unconfirmed: bool = True
    escalation_root: str = "16"
    softening_root: str = "05"
    gaps: tuple[tuple[str, int], ...] = (("M", 1), ("W", 4))

    def rule(self) -> WaveRule:
        return WaveRule.from_roots(self.scheme, self.escalation_root, self.softening_root,
                                   dict(self.gaps)[self.frequency])

    def with_(self, **changes) -> TensionSpec:
        from dataclasses import replace

        return replace(self, **changes)


def tension_reading(catalogue: pd.DataFrame, dyad: str, window: Sequence[str], spec: TensionSpec,
                    min_escalation_waves: int) -> tuple[bool, str, pd.DataFrame]:
    """Whether one dyad's series shows escalation followed by softening in ``window``, a one-line
    account, and the waves table."""
    series = tension_series(catalogue, spec.frequency, spec.scheme, window[0], window[1], [dyad],
                            spec.placement, spec.include_unconfirmed)
    waves = find_waves(series, spec.rule())
    holds = escalation_then_softening(waves, min_escalation_waves)
    n_esc = int((waves["kind"] == "escalation").sum())
    text = (f"{n_esc} escalation wave(s) ({_span(waves, 'escalation')}); softening {_span(waves, 'softening')}"
            f" -> escalation then softening: {_mark(holds)}")
    return holds, text, waves


def check_tension(catalogue: pd.DataFrame, claim, spec: TensionSpec,
                  sensitivity: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Verdict keyword arguments for the waves claim: the register row's ``dyad``, ``window`` and
    ``min_escalation_waves``; ``spec`` the primary method, ``sensitivity`` label -> changed fields."""
    claim = _claim(claim)
    value = claim.claimed["value"]
    dyad, window, n = value["dyad"], value["window"], int(value["min_escalation_waves"])
    holds, text, _ = tension_reading(catalogue, dyad, window, spec, n)
    variants = {}
    for label, changes in sensitivity.items():
        v_holds, v_text, _ = tension_reading(catalogue, dyad, window, spec.with_(**changes), n)
        variants[f"{label}: {v_text}"] = v_holds
    head = f"{dyad} {window[0]}..{window[1]}, {spec.frequency} sums, {spec.scheme} weights ({spec.rule()}): "
    return {"observed": holds, "variants": variants, "observed_text": head + text}


def tension_table(catalogue: pd.DataFrame, window: Sequence[str], spec: TensionSpec,
                  dyads: Sequence[str] = TENSION_DYADS) -> pd.DataFrame:
    """Waves of every dyad under a spec, with the dyad as the first column."""
    parts = []
    for dyad in dyads:
        series = tension_series(catalogue, spec.frequency, spec.scheme, window[0], window[1], [dyad],
                                spec.placement, spec.include_unconfirmed)
        parts.append(find_waves(series, spec.rule()).assign(dyad=dyad))
    out = pd.concat(parts, ignore_index=True)
    return out[["dyad", *[c for c in out.columns if c != "dyad"]]]


def quiet_months(catalogue: pd.DataFrame, spec: dict[str, Any]) -> tuple[Truth, str]:
    """No month of a dyad's series (Goldstein, spread placement) below the weight of one act of
    ``below_root`` inside ``period`` and outside ``except`` (a register test)."""
    window = period(catalogue, spec["period"])
    series = tension_series(catalogue, "M", "goldstein", window.start.strftime("%Y-%m"),
                            window.end.strftime("%Y-%m"), [spec["dyad"]])
    threshold = root_weight(spec["below_root"], "goldstein")
    low = series[series["weight"] < threshold]
    outside = period(catalogue, spec["except"]) if "except" in spec else None
    flagged = [r for r in low.itertuples() if not outside or within(parse_when(r.period, "month"), outside) is False]
    shown = ", ".join(f"{r.period} ({r.weight:g})" for r in flagged) or "none"
    return not flagged, f"months below {threshold:g} outside {outside or '-'}: {shown}"


# --- tables and figure inputs for the notebook --------------------------------------------------

def catalogue_view(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The catalogue as shown beside the timeline: one row per marker, keyed by event_id."""
    cols = ["event_id", "date", "date_end", "precision", "dyad", "actors", "cameo_root", "goldstein",
            "source_outlet", "claim_ids", "is_unconfirmed"]
    return catalogue[cols].set_index("event_id")


def summary(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Rows by dyad and precision, with the unconfirmed count (a first look at the catalogue)."""
    table = catalogue.pivot_table(index="dyad", columns="precision", values="event_id", aggfunc="count",
                                  fill_value=0)
    table["unconfirmed"] = catalogue.groupby("dyad")["is_unconfirmed"].sum()
    table["total"] = catalogue.groupby("dyad").size()
    return table.sort_values("total", ascending=False, kind="mergesort")


def timeline_rows(catalogue: pd.DataFrame, order: Sequence[str] = DYADS) -> pd.DataFrame:
    """Catalogue rows ordered for a timeline: by dyad (``order``), then date."""
    rank = {d: i for i, d in enumerate(order)}
    out = catalogue.assign(_rank=catalogue["dyad"].map(rank))
    return out.sort_values(["_rank", "start", "event_id"], kind="mergesort").drop(columns="_rank")


def series_panels(catalogue: pd.DataFrame, window: Sequence[str], spec: TensionSpec,
                  dyads: Sequence[str] = TENSION_DYADS) -> list[dict[str, Any]]:
    """One figure panel per dyad: weekly bars, the monthly sums as a step line, the monthly waves as
    shaded spans and the two thresholds (inputs of :func:`khar_analysis.core.plots.bars_with_spans`)."""
    panels = []
    monthly_spec = spec.with_(frequency="M")
    rule = monthly_spec.rule()
    for dyad in dyads:
        weekly = tension_series(catalogue, "W", spec.scheme, window[0], window[1], [dyad], spec.placement,
                                spec.include_unconfirmed)
        monthly = tension_series(catalogue, "M", spec.scheme, window[0], window[1], [dyad], spec.placement,
                                 spec.include_unconfirmed)
        waves = find_waves(monthly, rule)
        spans = [(pd.Period(w.start, "M").start_time, pd.Period(w.end, "M").end_time, w.kind)
                 for w in waves.itertuples()]
        panels.append({"title": f"{dyad}: weekly bars, monthly step line ({spec.scheme} weights)",
                       "x": list(weekly["period_start"]), "y": list(weekly["weight"]), "width": 6,
                       "line_x": [*monthly["period_start"], pd.Period(window[1], "M").end_time],
                       "line_y": [*monthly["weight"], monthly["weight"].iloc[-1]], "spans": spans,
                       "hlines": [(rule.escalation_at, "escalation threshold"),
                                  (rule.softening_at, "softening threshold")]})
    return panels


def claim_value(claim) -> dict[str, Any]:
    """A register row's ``claimed.value`` (e.g. the waves claim's dyad and window)."""
    return _claim(claim).claimed["value"]


def rows_for(catalogue: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    """The catalogue rows tagged with a claim id in ``claim_ids`` (the claim's evidence and context)."""
    tagged = catalogue["claim_ids"].str.split(";").apply(lambda ids: claim_id in ids)
    cols = ["event_id", "precision", "dyad", "cameo_root", "goldstein", "description", "is_unconfirmed"]
    return catalogue.loc[tagged, cols].set_index("event_id")


def quiet_months_panels(catalogue: pd.DataFrame, claim) -> list[dict[str, Any]]:
    """Figure input for a claim's ``quiet_months`` readings: the dyad's monthly Goldstein sums over
    the scanned period, the threshold, and each excepted episode shaded."""
    value = claim_value(claim)
    specs = [s for v in value.get("variants", []) for s in variant_conditions(value, v).values()
             if s.get("test") == "quiet_months"]
    if not specs:
        raise CatalogueError(f"{_claim(claim).id}: no quiet_months reading to plot")
    spec = specs[0]
    window = period(catalogue, spec["period"])
    series = tension_series(catalogue, "M", "goldstein", window.start.strftime("%Y-%m"),
                            window.end.strftime("%Y-%m"), [spec["dyad"]])
    episodes = sorted({str(s["except"]) for s in specs if "except" in s})
    spans = [(pd.Timestamp(period(catalogue, e).start), pd.Timestamp(period(catalogue, e).end), "escalation")
             for e in episodes]
    threshold = root_weight(spec["below_root"], "goldstein")
    return [{"title": f"{spec['dyad']}: monthly sums of Goldstein weights (shaded: episode(s) {', '.join(episodes)})",
             "x": list(series["period_start"]), "y": list(series["weight"]), "width": 27, "spans": spans,
             "hlines": [(threshold, f"one act of CAMEO root {spec['below_root']}")]}]


def turns_table(catalogue: pd.DataFrame, window: Sequence[str], spec: TensionSpec,
                dyads: Sequence[str] = TENSION_DYADS) -> pd.DataFrame:
    """Turning points of every dyad's series under a spec: ``dyad, period, turn``."""
    waves = tension_table(catalogue, window, spec, dyads)
    parts = [turning_points(waves[waves["dyad"] == d].reset_index(drop=True)).assign(dyad=d) for d in dyads]
    out = pd.concat(parts, ignore_index=True)
    return out[["dyad", "period", "turn"]]


def sensitivity_table(catalogue: pd.DataFrame, claim, spec: TensionSpec,
                      sensitivity: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """The waves claim under the primary spec and each sensitivity change: one row each."""
    value = claim_value(claim)
    rows = []
    for label, changes in [("primary", {}), *sensitivity.items()]:
        s = spec.with_(**changes)
        holds, _, waves = tension_reading(catalogue, value["dyad"], value["window"], s,
                                          int(value["min_escalation_waves"]))
        rows.append({"reading": label, "scheme": s.scheme, "frequency": s.frequency, "placement": s.placement,
                     "unconfirmed_rows": s.include_unconfirmed, "thresholds": str(s.rule()),
                     "escalation_waves": _span(waves, "escalation"), "softening_waves": _span(waves, "softening"),
                     "escalation_then_softening": _mark(holds)})
    return pd.DataFrame(rows).set_index("reading")
