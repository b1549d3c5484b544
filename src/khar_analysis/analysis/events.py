"""Dated events (claims EVT-*): look-ups and views of the typed event catalogue.

Pure functions on the table :func:`khar_analysis.sources.catalogue.load_catalogue` returns (one row per
event, dates as intervals). The register's condition language that tests claims on these rows is
:mod:`khar_analysis.claims.conditions`; tension series and waves are :mod:`khar_analysis.analysis.tension`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from khar_analysis.core.dates import When, parse_when
from khar_analysis.sources.catalogue import DYADS, PRIMARY_GRADES, CatalogueError

_CASUALTIES = re.compile(r"(?P<deaths>\d+) of (?P<aboard>\d+) on board die and (?P<survivors>\d+) survive")


def primary_rows(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The rows primary tests and the primary tension series use: grades ``confirmed`` and ``single``
    (``unconfirmed`` rows enter labelled variants only; METHOD.md, "Grades")."""
    return catalogue[catalogue["grade"].isin(PRIMARY_GRADES)]


def row_of(catalogue: pd.DataFrame, event_id: str) -> pd.Series:
    """The one catalogue row of ``event_id``; raises :class:`CatalogueError` if it is not there."""
    hit = catalogue[catalogue["event_id"] == event_id]
    if len(hit) != 1:
        raise CatalogueError(f"event {event_id!r} is not in the catalogue")
    return hit.iloc[0]


def when_of(catalogue: pd.DataFrame, event_id: str) -> When:
    """The date interval of one catalogue event."""
    row = row_of(catalogue, event_id)
    return parse_when(row["date"], row["precision"], row["date_end"])


def period(catalogue: pd.DataFrame, spec: str | Sequence[str]) -> When:
    """A period from a register spec: a date (yyyy, yyyy-mm, yyyy-mm-dd), an event id, or a pair of
    either (from the first one's start to the second one's end)."""
    if isinstance(spec, str):
        return when_of(catalogue, spec) if spec.startswith("E") else parse_when(spec)
    first, last = (period(catalogue, s) for s in spec)
    return When(first.start, last.end, "period")


def casualties(catalogue: pd.DataFrame, event_id: str) -> dict[str, int]:
    """Deaths, people aboard and survivors (persons) as the event's description states them
    ('<d> of <n> on board die and <s> survive'); raises if it does not."""
    text = row_of(catalogue, event_id)["description"]
    match = _CASUALTIES.search(text)
    if not match:
        raise CatalogueError(f"{event_id}: the description states no '<d> of <n> on board die and <s> survive'")
    return {k: int(v) for k, v in match.groupdict().items()}


def catalogue_view(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The catalogue as shown beside the timeline: one row per marker, keyed by event_id."""
    cols = ["event_id", "date", "date_end", "precision", "dyad", "actors", "cameo_root", "goldstein",
            "source_outlet", "grade", "claim_ids"]
    return catalogue[cols].set_index("event_id")


def summary(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Rows by dyad and precision, with the count of each grade (a first look at the catalogue)."""
    table = catalogue.pivot_table(index="dyad", columns="precision", values="event_id", aggfunc="count",
                                  fill_value=0)
    for grade in ("confirmed", "single", "unconfirmed"):
        table[grade] = catalogue.groupby("dyad")["grade"].apply(lambda g, x=grade: int((g == x).sum()))
    table["total"] = catalogue.groupby("dyad").size()
    return table.sort_values("total", ascending=False, kind="mergesort")


def timeline_rows(catalogue: pd.DataFrame, order: Sequence[str] = DYADS) -> pd.DataFrame:
    """Catalogue rows ordered for a timeline: by dyad (``order``), then date."""
    rank = {d: i for i, d in enumerate(order)}
    out = catalogue.assign(_rank=catalogue["dyad"].map(rank))
    return out.sort_values(["_rank", "start", "event_id"], kind="mergesort").drop(columns="_rank")


def rows_for(catalogue: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    """The catalogue rows tagged with a claim id in ``claim_ids`` (the claim's evidence and context)."""
    tagged = catalogue["claim_ids"].str.split(";").apply(lambda ids: claim_id in ids)
    cols = ["event_id", "precision", "dyad", "cameo_root", "goldstein", "grade", "description"]
    return catalogue.loc[tagged, cols].set_index("event_id")
