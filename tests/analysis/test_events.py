"""The event catalogue's schema, the precision-aware interval logic, the register's checks, the waves rule.

Every test on catalogue rows uses the committed catalogue (project-authored, so it is its own excerpt);
mutations are made on an in-memory copy.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from khar_analysis.analysis import events
from khar_analysis.analysis.events import When, parse_when
from khar_analysis.article import text as article
from khar_analysis.claims import register as claims
from khar_analysis.core import plots
from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.provenance import manifest


@pytest.fixture(scope="module")
def lines():
    return article.lines()


@pytest.fixture(scope="module")
def raw_catalogue():
    return events.read_catalogue(manifest.path(events.SOURCE_ID))


@pytest.fixture(scope="module")
def catalogue():
    return events.load()


@pytest.fixture(scope="module")
def register():
    return claims.load_register()


def day(text: str) -> When:
    return parse_when(text, "day")


# --- the schema of the committed catalogue ------------------------------------------------------

def test_committed_catalogue_has_no_schema_problem(raw_catalogue, lines):
    assert events.catalogue_problems(raw_catalogue, lines) == []


def test_dates_parse_and_precision_matches_the_date(raw_catalogue):
    forms = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}", "range": r"\d{4}-\d{2}-\d{2}"}
    for rec in raw_catalogue.itertuples():
        assert re.fullmatch(forms[rec.precision], rec.date), rec.event_id
        when = parse_when(rec.date, rec.precision, rec.date_end)
        assert (rec.date_end != "") == (rec.precision == "range"), rec.event_id
        assert when.days == {"day": 1}.get(rec.precision, when.days)
        assert rec.event_id.startswith(f"E{rec.date}-"), rec.event_id


def test_weights_are_on_the_scale_and_match_the_cameo_root(raw_catalogue):
    weights = raw_catalogue["goldstein"].astype(float)
    assert weights.between(*events.SCALE).all()
    assert (weights == raw_catalogue["cameo_root"].map(events.GOLDSTEIN_ROOT)).all()


def test_every_row_has_a_source_and_ids_are_unique(raw_catalogue):
    assert raw_catalogue["source_outlet"].str.strip().ne("").all()
    assert raw_catalogue["source_url"].str.match(r"https?://\S+$").all()
    assert raw_catalogue["event_id"].is_unique


def test_root_table_in_code_is_the_one_method_md_documents(lay):
    text = (lay.raw / "events" / "METHOD.md").read_text(encoding="utf-8")
    documented = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\| (\d{2}) \| [^|]+ \| (-?\d+\.\d) \|$",
                                                                       text, re.MULTILINE)}
    assert documented == events.GOLDSTEIN_ROOT


MUTATIONS = [
    ("date", "E2025-06-27-yekaterinburg-raid", "2025-06-31", "date: day is out of range"),
    ("precision", "E2025-06-27-yekaterinburg-raid", "month", "does not have the form of precision 'month'"),
    ("date_end", "E2025-06-27-yekaterinburg-raid", "2025-06-28", "takes no end date"),
    ("date_end", "E2024-07-31-azerbaycan-reply", "2024-07-30", "is not after its start"),
    ("goldstein", "E2025-06-27-yekaterinburg-raid", "-11.0", "off the scale"),
    ("goldstein", "E2025-06-27-yekaterinburg-raid", "-8.0", "differs from the weight of root 18"),
    ("cameo_root", "E2025-06-27-yekaterinburg-raid", "21", "not a two-digit CAMEO root"),
    ("source_url", "E2025-06-27-yekaterinburg-raid", "", "is not an http(s) address"),
    ("source_outlet", "E2025-06-27-yekaterinburg-raid", " ", "no source_outlet"),
    ("source_published", "E2025-06-27-yekaterinburg-raid", "2025-06-26", "is before the event"),
    ("event_id", "E2025-06-27-yekaterinburg-raid", "E2025-06-28-yekaterinburg-raid", "carries date '2025-06-28'"),
    ("event_id", "E2025-06-27-yekaterinburg-raid", "E2025-06-27-aze-mfa-concern", "duplicate event_id"),
    ("actors", "E2025-06-27-yekaterinburg-raid", "RUS;XYZ", "are not ISO3 codes"),
    ("dyad", "E2025-06-27-yekaterinburg-raid", "AZE-TUR", "missing from actors"),
    ("article_citation", "E2025-06-27-yekaterinburg-raid", "Reuters, 2030", "does not occur on article line"),
    ("claim_ids", "E2025-06-27-yekaterinburg-raid", "EVT9", "are not EVT-n"),
]


@pytest.mark.parametrize(("column", "event_id", "value", "message"), MUTATIONS)
def test_schema_check_catches_each_kind_of_problem(raw_catalogue, lines, column, event_id, value, message):
    bad = raw_catalogue.copy()
    bad.loc[bad["event_id"] == event_id, column] = value
    problems = events.catalogue_problems(bad, lines)
    assert any(message in p for p in problems), problems


def test_a_changed_header_fails_naming_the_file(tmp_path, raw_catalogue):
    bad = raw_catalogue.rename(columns={"goldstein": "weight"})
    file = tmp_path / "catalogue.csv"
    bad.to_csv(file, index=False)
    with pytest.raises(UnknownLayoutError, match=r"catalogue.csv: unexpected catalogue header .*'goldstein'"):
        events.load_catalogue(file)


def test_loading_a_broken_catalogue_lists_every_problem(tmp_path, raw_catalogue):
    bad = raw_catalogue.copy()
    bad.loc[0, "goldstein"] = "42"
    bad.loc[1, "source_url"] = "n/a"
    file = tmp_path / "catalogue.csv"
    bad.to_csv(file, index=False)
    with pytest.raises(events.CatalogueError, match=r"2 schema problem\(s\)") as exc:
        events.load_catalogue(file)
    assert bad.loc[0, "event_id"] in str(exc.value) and bad.loc[1, "event_id"] in str(exc.value)


# --- interval logic -----------------------------------------------------------------------------

def test_parse_when_covers_each_precision():
    assert parse_when("2024-12-25") == When(date(2024, 12, 25), date(2024, 12, 25), "day")
    assert parse_when("2024-02", "month") == When(date(2024, 2, 1), date(2024, 2, 29), "month")
    assert parse_when("2025") == When(date(2025, 1, 1), date(2025, 12, 31), "year")
    assert parse_when("2024-07-31", "range", "2024-08-01").days == 2
    for text, precision, end in [("2024-13", "month", ""), ("2024-12", "day", ""), ("2024-12-01", "range", ""),
                                 ("25.12.2024", None, "")]:
        with pytest.raises(ValueError):
            parse_when(text, precision, end)


def test_month_against_a_day_inside_it_is_indeterminate_not_true():
    june = parse_when("2025-06")
    assert events.within(day("2025-06-27"), june) is True
    assert events.within(june, day("2025-06-27")) is None
    assert events.before(june, day("2025-06-27")) is None
    assert events.before(june, day("2025-07-01")) is True
    assert events.after(june, day("2025-07-01")) is False


def test_same_day_order_is_indeterminate():
    assert events.before(day("2025-06-27"), day("2025-06-27")) is None
    assert events.before(day("2025-06-27"), day("2025-06-28")) is True
    assert events.before(day("2025-06-28"), day("2025-06-27")) is False


def test_gaps_respect_precision_and_the_reading():
    few = events.Reading("несколько дней", 2, 7, "days", "test")
    exact = events.Reading("за два дня", 2, 2, "days", "test")
    assert events.day_gap(day("2024-12-25"), day("2024-12-29")) == (4, 4)
    assert events.gap_holds(day("2024-12-25"), day("2024-12-29"), few) == (True, "4 days")
    assert events.gap_holds(day("2024-12-25"), day("2025-01-06"), few)[0] is False
    assert events.gap_holds(day("2024-12-25"), parse_when("2025-01"), few)[0] is None
    assert events.gap_holds(day("2022-02-22"), day("2022-02-24"), exact)[0] is True
    assert events.gap_holds(day("2022-02-22"), day("2022-02-25"), exact)[0] is False
    months = events.Reading("несколько месяцев", 2, 7, "months", "test")
    assert events.gap_holds(day("2024-12-29"), parse_when("2025-06"), months) == (True, "5.1..6.0 months")


def test_kleene_logic():
    assert events.and3([True, None]) is None and events.and3([None, False]) is False
    assert events.or3([False, None]) is None and events.or3([None, True]) is True
    assert events.not3(None) is None and events.not3(False) is True


def test_cited_url_dates(lines):
    assert events.url_date("https://www.reuters.com/x/aliyev-2025-07-19/") == day("2025-07-19")
    assert events.url_date(events.url_on_line(lines, 183)) == day("2025-07-19")
    # 1722458765 = 2024-07-31 20:46 UTC, i.e. 31 July west of UTC+3:14 and 1 August east of it
    stamped = events.url_date("https://www.azerbaijan-news.az/az/posts/detail/slug-1722458765")
    assert stamped == When(date(2024, 7, 31), date(2024, 8, 1), "range")
    assert events.url_date("https://apnews.com/article/russia-azerbaijan-f60ed4e9ca5e78c071b77a2fa57cd765") is None


# --- each rule gives different verdicts on different catalogue rows -----------------------------

@pytest.mark.parametrize(("event_id", "expected"), [
    ("E2025-06-27-yekaterinburg-raid", True),
    ("E2025-07-19-aliyev-admit-guilt", False),
    ("E2025-rossotrudnichestvo-checks", None),
])
def test_within_june_2025_on_catalogue_rows(catalogue, event_id, expected):
    assert events.within(events.when_of(catalogue, event_id), parse_when("2025-06")) is expected


@pytest.mark.parametrize(("event_id", "expected"), [
    ("E2025-06-29-cultural-events-cancelled", True),
    ("E2025-06-28-overchuk-visit-cancelled", True),
    ("E2025-02-03-russian-house-note", False),
    ("E2025-rossotrudnichestvo-checks", None),
    ("E2025-06-27-aze-mfa-concern", None),
])
def test_after_the_raid_on_catalogue_rows(catalogue, event_id, expected):
    raid = events.when_of(catalogue, "E2025-06-27-yekaterinburg-raid")
    assert events.after(events.when_of(catalogue, event_id), raid) is expected


def test_month_dated_invitation_cannot_be_ordered_against_a_day_of_its_month(catalogue):
    invitation = events.when_of(catalogue, "E2003-08-caci-invitation-turkey")
    assert events.after(invitation, events.when_of(catalogue, "E2003-08-04-ilham-prime-minister")) is None
    assert events.before(invitation, events.when_of(catalogue, "E2003-10-15-presidential-election")) is True


@pytest.mark.parametrize(("spec", "expected"), [
    ({"test": "any", "where": {"dyad": "AZE-RUS", "initiator": "AZE", "cameo": "10"}, "period": "2025-06"}, False),
    ({"test": "any", "where": {"dyad": "AZE-RUS", "initiator": "AZE", "cameo": "10"}, "period": "2024-12"}, True),
    ({"test": "none", "where": {"dyad": "AZE-RUS", "sign": "negative"}, "period": ["2025-10-10", "2026"]}, None),
    ({"test": "none", "where": {"dyad": "AZE-RUS", "sign": "negative", "min_precision": "month"},
      "period": ["2025-10-10", "2026"]}, True),
    ({"test": "none", "where": {"dyad": "AZE-TUR", "sign": "negative"}, "period": ["2003", "2024"],
      "except": "2009"}, False),
    ({"test": "quiet_months", "dyad": "AZE-TUR", "period": ["2003", "2024"], "except": "2009",
      "below_root": "11"}, True),
    ({"test": "quiet_months", "dyad": "AZE-TUR", "period": ["2003", "2024"], "except": "2009-10",
      "below_root": "11"}, False),
    ({"test": "coded", "event": "E2024-02-08-odihr-presidential", "cameo": "11"}, True),
    ({"test": "coded", "event": "E2024-02-07-erdogan-congratulates", "cameo": "11"}, False),
    ({"test": "count", "event": "E2024-12-25-azal-crash", "field": "deaths", "equals": 38}, True),
    ({"test": "count", "event": "E2024-12-25-azal-crash", "field": "survivors", "equals": 32}, False),
    ({"test": "cited_date", "line": 183, "against": "2025-06"}, False),
    ({"test": "cited_date", "line": 181, "against": "E2024-12-29-aliyev-shot-from-russia"}, True),
    ({"test": "cited_date", "line": 175, "against": "2024"}, None),
])
def test_each_test_kind_on_catalogue_rows(catalogue, lines, spec, expected):
    assert events.evaluate(catalogue, "c", spec, {}, lines).result is expected


def test_crash_to_demand_intervals(catalogue):
    crash = events.when_of(catalogue, "E2024-12-25-azal-crash")
    assert events.day_gap(crash, events.when_of(catalogue, "E2024-12-27-aze-demands-conveyed")) == (2, 2)
    assert events.day_gap(crash, events.when_of(catalogue, "E2024-12-29-aliyev-shot-from-russia")) == (4, 4)
    assert events.casualties(catalogue, "E2024-12-25-azal-crash") == {"deaths": 38, "aboard": 67, "survivors": 29}
    with pytest.raises(events.CatalogueError, match="states no"):
        events.casualties(catalogue, "E2025-06-27-yekaterinburg-raid")


def test_unknown_test_or_event_fails_clearly(catalogue):
    with pytest.raises(events.CatalogueError, match="unknown test 'sometime'"):
        events.evaluate(catalogue, "c", {"test": "sometime"}, {})
    with pytest.raises(events.CatalogueError, match="'E2099-01-01-nothing' is not in the catalogue"):
        events.evaluate(catalogue, "c", {"test": "within", "event": "E2099-01-01-nothing", "period": "2099"}, {})


# --- the register's checks ----------------------------------------------------------------------

def _claim(value: dict) -> claims.Claim:
    return claims.Claim(id="EVT-99", family="events", line=None, anchor=[], gloss="a test claim row",
                        claim_type="order", claimed={"text": "a test claim", "value": value}, rule={"kind": "boolean"},
                        notebook="05_events")


def test_check_combines_conditions_refs_and_variants(catalogue):
    value = {
        "refs": {"raid": "E2025-06-27-yekaterinburg-raid"},
        "conditions": {
            "note_after": {"test": "after", "event": "E2025-07-01-protest-note-verbale", "other": "$raid"},
            "house_after": {"test": "after", "event": "E2025-02-03-russian-house-note", "other": "$raid"},
        },
        "variants": [{"label": "whole episode", "refs": {"raid": "E2024-12-25-azal-crash"}},
                     {"label": "without the house", "drop": ["house_after"]}],
    }
    out = events.check(catalogue, _claim(value))
    assert out["observed"] is False
    assert list(out["variants"].values()) == [True, True]
    assert out["observed_text"].startswith("1/2 conditions hold")
    assert out["reason"] == "house_after fails"
    verdict = claims.assess(_claim(value), **out)
    assert verdict.verdict == "reproduced_with_caveat"


def test_register_names_only_catalogue_events_and_every_evt_row_is_checkable(catalogue, register, lines):
    known = set(catalogue["event_id"])
    evt = {cid: c for cid, c in register.items() if c.family == "events"}
    for cid, c in evt.items():
        assert events.referenced_events(c.claimed["value"]) <= known, cid
        if "conditions" in c.claimed["value"]:
            assert events.check(catalogue, c, lines)["observed"] in (True, False, None)
    tagged = set(catalogue["claim_ids"].str.split(";").explode()) - {""}
    assert tagged <= set(evt)


def test_colleague_findings_hold_by_code(catalogue, register, lines):
    assert events.check(catalogue, register["EVT-8"], lines)["observed"] is False
    table = events.outcomes(catalogue, register["EVT-16"], lines)
    failing = table[(table["reading"] == "primary") & (table["holds"] != "yes")]
    assert list(failing["condition"]) == ["russian_house_closed_after"]
    assert events.check(catalogue, register["EVT-2"], lines)["observed"] is False


def _redate(catalogue, event_id, date_text, precision, cameo=None):
    """A copy of the catalogue with one row's date (and optionally its CAMEO root) changed."""
    out = catalogue.copy()
    hit = out["event_id"] == event_id
    out.loc[hit, ["date", "precision", "date_end"]] = [date_text, precision, ""]
    if cameo:
        out.loc[hit, "cameo_root"] = cameo
    return out


def test_diaspora_pressure_in_two_cities_gives_each_verdict(catalogue, register, lines):
    claim = register["EVT-17"]
    voronezh, krasnodar = "E2025-07-01-khalilov-voronezh-search", "E2025-09-01-novruzov-custody-krasnodar"
    assert set(events.rows_for(catalogue, "EVT-17").index) == {"E2025-07-01-shikhlinski-detained", voronezh, krasnodar}
    out = events.check(catalogue, claim, lines)
    assert out["observed"] is True and list(out["variants"].values()) == [True]
    assert claims.assess(claim, **out).verdict == "reproduced"
    # the Voronezh act after the window: only the Krasnodar reading holds
    late = _redate(catalogue, voronezh, "2025-08-20", "day")
    out = events.check(late, claim, lines)
    assert out["observed"] is False and "second_city_act_in_window fails" in out["reason"]
    assert claims.assess(claim, **out).verdict == "reproduced_with_caveat"
    # ... and the Krasnodar row not a coercive act: no reading holds
    neither = _redate(late, krasnodar, "2025-09-01", "day", cameo="16")
    assert claims.assess(claim, **events.check(neither, claim, lines)).verdict == "not_reproduced"
    # dated too coarsely to be placed after the raid: the catalogue cannot decide
    coarse = _redate(_redate(catalogue, voronezh, "2025-06", "month"), krasnodar, "2025", "year")
    out = events.check(coarse, claim, lines)
    assert out["observed"] is None and list(out["variants"].values()) == [None]
    assert claims.assess(claim, **out).verdict == "not_testable"


def test_phrase_readings_live_in_the_register(register):
    table = events.readings_table(register)
    few_days = table[table["phrase"] == "через несколько дней"].iloc[0]
    assert (few_days["min"], few_days["max"], few_days["unit"]) == (2, 7, "days") and few_days["why"]
    assert set(table["phrase"]) >= {"за два дня", "через несколько дней"}


# --- tension series and waves -------------------------------------------------------------------

def test_spread_placement_keeps_each_event_weight(catalogue):
    inside = events.tension_events(catalogue)
    inside = inside[(inside["start"] >= "2024-01-01") & (inside["end"] <= "2025-12-31")]
    for frequency in ("W", "M"):
        series = events.tension_series(catalogue, frequency, "goldstein", "2024-01", "2025-12")
        assert series["weight"].sum() == pytest.approx(inside["goldstein"].sum())
    start = events.tension_series(catalogue, "M", "unit", "2025-01", "2025-01", ["AZE-RUS"], placement="start")
    spread = events.tension_series(catalogue, "M", "unit", "2025-01", "2025-01", ["AZE-RUS"])
    assert start["weight"].iloc[0] == -2.0  # the year-dated row lands wholly on 1 January
    assert spread["weight"].iloc[0] == pytest.approx(-1 - 31 / 365)


def test_domestic_placeholder_rows_stay_out_of_the_series(catalogue):
    assert not (events.tension_events(catalogue)["cameo_root"] == events.PLACEHOLDER_ROOT).any()


def test_waves_merge_across_short_gaps_and_break_on_the_other_kind():
    series = pd.DataFrame({"period": [f"p{i}" for i in range(9)],
                           "weight": [-5, 0, -6, 0, 0, -4, 4, -9, 1]})
    waves = events.find_waves(series, events.WaveRule(-4, 3.5, 1))
    assert waves[["kind", "start", "end", "peak"]].values.tolist() == [
        ["escalation", "p0", "p2", "p2"], ["escalation", "p5", "p5", "p5"], ["softening", "p6", "p6", "p6"],
        ["escalation", "p7", "p7", "p7"]]
    assert events.escalation_then_softening(waves, 2) and not events.escalation_then_softening(waves, 4)
    turns = events.turning_points(waves)
    assert ("p6", "de-escalation onset") in list(turns.itertuples(index=False, name=None))


def test_thresholds_mean_one_act_of_a_root_under_each_scheme():
    assert events.WaveRule.from_roots("goldstein", "16", "05", 1) == events.WaveRule(-4.0, 3.5, 1)
    assert events.WaveRule.from_roots("unit", "16", "05", 1) == events.WaveRule(-1.0, 1.0, 1)
    with pytest.raises(ValueError, match="scheme 'other'"):
        events.scheme_weights(pd.Series([1.0]), "other")


def test_waves_claim_and_its_sensitivity(catalogue, register):
    spec = events.TensionSpec()
    out = events.check_tension(catalogue, register["EVT-11"], spec, {"unit": {"scheme": "unit"}})
    assert out["observed"] is True and list(out["variants"].values()) == [True]
    table = events.sensitivity_table(catalogue, register["EVT-11"], spec, {"unit": {"scheme": "unit"}})
    assert list(table.index) == ["primary", "unit"]


# --- the manifest record -----------------------------------------------------------------------

def test_catalogue_manifest_record_is_authored_and_pinned(lay):
    src = manifest.load_manifest(lay)[events.SOURCE_ID]
    assert not src.mirrored and set(src.authored) >= {"by", "method", "date"}
    assert src.path == "events/catalogue.csv"
    assert manifest.sha256_file(lay.raw / src.path) == src.sha256
    assert (lay.raw / src.path).stat().st_size == src.size_bytes
    assert manifest.verify([events.SOURCE_ID], lay=lay, allow_download=False)[events.SOURCE_ID].how == "local"


def test_a_dyad_without_events_gives_a_zero_series(catalogue):
    series = events.tension_series(catalogue, "M", "goldstein", "2024-01", "2024-03", ["AZE-GEO"])
    assert list(series["weight"]) == [0.0, 0.0, 0.0] and list(series["period"]) == ["2024-01", "2024-02", "2024-03"]


def test_timeline_refuses_rows_outside_every_panel(catalogue):
    with pytest.raises(ValueError, match="E2003-04-21-haliyev-collapse"):
        plots.event_timeline(events.timeline_rows(catalogue), "event_id", "dyad", "goldstein",
                             [["2008-08", "2010-01"], ["2020-09", "2026-02"]])
