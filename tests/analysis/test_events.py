"""Look-ups and views of the typed event catalogue (tiny inline rows; the real catalogue under ``integration``)."""

from __future__ import annotations

import pandas as pd
import pytest

from khar_analysis.analysis import events
from khar_analysis.core.dates import after, before, parse_when, within
from khar_analysis.sources import catalogue as cat
from khar_analysis.sources.catalogue import COLUMNS, CatalogueError


@pytest.fixture(scope="module")
def tiny(catalogue_row):
    row = catalogue_row(claim_ids="EVT-1")
    return cat.tidy(pd.DataFrame([
        row("E2024-12-25-crash", "2024-12-25", cameo_root="19", goldstein="-10.0",
            description="38 of 67 on board die and 29 survive", claim_ids="EVT-1;EVT-2"),
        row("E2025-06-checks", "2025-06", "month", cameo_root="16", goldstein="-4.0",
            notes="unconfirmed: none", grade="unconfirmed"),
        row("E2025-06-27-raid", "2025-06-27", claim_ids="EVT-2"),
        row("E2003-succession", "2003", "year", actors="TUR;AZE", dyad="AZE-TUR", cameo_root="05", goldstein="3.5"),
    ], columns=COLUMNS))


def test_when_of_and_period_specs(tiny):
    assert str(events.when_of(tiny, "E2025-06-checks")) == "2025-06"
    assert str(events.period(tiny, "2025-06-27")) == "2025-06-27"
    span = events.period(tiny, ["E2024-12-25-crash", "E2025-06-checks"])
    assert (str(span.start), str(span.end)) == ("2024-12-25", "2025-06-30")
    with pytest.raises(CatalogueError, match="'E2099-x' is not in the catalogue"):
        events.when_of(tiny, "E2099-x")


def test_casualties_from_the_description(tiny):
    assert events.casualties(tiny, "E2024-12-25-crash") == {"deaths": 38, "aboard": 67, "survivors": 29}
    with pytest.raises(CatalogueError, match="states no"):
        events.casualties(tiny, "E2025-06-27-raid")


def test_views(tiny):
    assert list(events.rows_for(tiny, "EVT-2").index) == ["E2024-12-25-crash", "E2025-06-27-raid"]
    assert list(events.timeline_rows(tiny, ["AZE-TUR", "AZE-RUS"])["event_id"]) == [
        "E2003-succession", "E2024-12-25-crash", "E2025-06-checks", "E2025-06-27-raid"]
    table = events.summary(tiny)
    assert table.loc["AZE-RUS", "total"] == 3 and table.loc["AZE-RUS", "unconfirmed"] == 1
    assert events.catalogue_view(tiny).index.name == "event_id"


# --- the committed catalogue ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalogue():
    from khar_analysis.article import text as article
    from khar_analysis.sources import registry

    return registry.load("event_catalogue", lines=article.lines())


@pytest.mark.integration
@pytest.mark.parametrize(("event_id", "expected"), [
    ("E2025-06-27-yekaterinburg-raid", True),
    ("E2025-07-19-aliyev-admit-guilt", False),
    ("E2025-rossotrudnichestvo-checks", None),
])
def test_within_june_2025_on_catalogue_rows(catalogue, event_id, expected):
    assert within(events.when_of(catalogue, event_id), parse_when("2025-06")) is expected


@pytest.mark.integration
@pytest.mark.parametrize(("event_id", "expected"), [
    ("E2025-06-29-cultural-events-cancelled", True),
    ("E2025-06-28-overchuk-visit-cancelled", True),
    ("E2025-02-03-russian-house-note", False),
    ("E2025-rossotrudnichestvo-checks", None),
    ("E2025-06-27-aze-mfa-concern", None),
])
def test_after_the_raid_on_catalogue_rows(catalogue, event_id, expected):
    raid = events.when_of(catalogue, "E2025-06-27-yekaterinburg-raid")
    assert after(events.when_of(catalogue, event_id), raid) is expected


@pytest.mark.integration
def test_month_dated_invitation_cannot_be_ordered_against_a_day_of_its_month(catalogue):
    invitation = events.when_of(catalogue, "E2003-08-caci-invitation-turkey")
    assert after(invitation, events.when_of(catalogue, "E2003-08-04-ilham-prime-minister")) is None
    assert before(invitation, events.when_of(catalogue, "E2003-10-15-presidential-election")) is True


@pytest.mark.integration
def test_dates_parse_and_precision_matches_the_date(catalogue):
    for rec in catalogue.itertuples():
        when = parse_when(rec.date, rec.precision, rec.date_end)
        assert (rec.date_end != "") == (rec.precision == "range"), rec.event_id
        assert when.days == {"day": 1}.get(rec.precision, when.days)
        assert rec.event_id.startswith(f"E{rec.date}-"), rec.event_id


@pytest.mark.integration
def test_crash_to_demand_intervals(catalogue):
    from khar_analysis.core.dates import day_gap

    crash = events.when_of(catalogue, "E2024-12-25-azal-crash")
    assert day_gap(crash, events.when_of(catalogue, "E2024-12-27-aze-demands-conveyed")) == (2, 2)
    assert day_gap(crash, events.when_of(catalogue, "E2024-12-29-aliyev-shot-from-russia")) == (4, 4)
    assert events.casualties(catalogue, "E2024-12-25-azal-crash") == {"deaths": 38, "aboard": 67, "survivors": 29}


@pytest.mark.integration
def test_timeline_refuses_rows_outside_every_panel(catalogue):
    from khar_analysis.core import plots

    with pytest.raises(ValueError, match="E2003-04-21-haliyev-collapse"):
        plots.event_timeline(events.timeline_rows(catalogue), "event_id", "dyad", "goldstein",
                             [["2008-08", "2010-01"], ["2020-09", "2026-02"]])
