"""Tension series, waves and turning points (tiny inline rows; the real catalogue under ``integration``)."""

from __future__ import annotations

import pandas as pd
import pytest

from khar_analysis.analysis import tension
from khar_analysis.core.dates import parse_when
from khar_analysis.sources import catalogue as cat
from khar_analysis.sources.catalogue import COLUMNS

SPEC = tension.TensionSpec("goldstein", "M", "spread", True, "16", "05", (("M", 1), ("W", 4)))
DYADS = ("AZE-RUS", "AZE-TUR")


@pytest.fixture(scope="module")
def tiny(catalogue_row):
    row = catalogue_row()
    return cat.tidy(pd.DataFrame([
        row("E2025-01-10-a", "2025-01-10"),
        row("E2025-year", "2025", "year", cameo_root="16", goldstein="-4.0",
            notes="unconfirmed: none", grade="unconfirmed"),
        row("E2025-03-01-b", "2025-03-01", actors="AZE;RUS", cameo_root="05", goldstein="3.5"),
        row("E2025-01-20-home", "2025-01-20", actors="AZE", dyad="other", cameo_root="01", goldstein="0.0"),
    ], columns=COLUMNS))


def test_spread_placement_keeps_each_event_weight(tiny):
    series = tension.tension_series(tiny, "M", "goldstein", "2025-01", "2025-12", DYADS)
    assert series["weight"].sum() == pytest.approx(-9.0 - 4.0 + 3.5)
    jan = series[(series["dyad"] == "AZE-RUS") & (series["period"] == "2025-01")]["weight"].iloc[0]
    assert jan == pytest.approx(-9.0 - 4.0 * 31 / 365, abs=1e-6)
    start = tension.tension_series(tiny, "M", "unit", "2025-01", "2025-01", ["AZE-RUS"], placement="start")
    assert start["weight"].iloc[0] == -2.0  # the year-dated row lands wholly on 1 January
    confirmed = tension.tension_series(tiny, "M", "unit", "2025-01", "2025-01", ["AZE-RUS"], "start", False)
    assert confirmed["weight"].iloc[0] == -1.0
    weekly = tension.tension_series(tiny, "W", "goldstein", "2025-01", "2025-01", ["AZE-RUS"])
    assert weekly["period"].iloc[0] == "2024-12-30"  # weeks run Monday to Sunday


def test_placeholder_rows_and_empty_dyads(tiny):
    assert not (tension.tension_events(tiny, ["other"])["cameo_root"] == cat.PLACEHOLDER_ROOT).any()
    series = tension.tension_series(tiny, "M", "goldstein", "2024-01", "2024-03", ["AZE-GEO"])
    assert list(series["weight"]) == [0.0, 0.0, 0.0] and list(series["period"]) == ["2024-01", "2024-02", "2024-03"]
    with pytest.raises(ValueError, match="placement 'middle'"):
        tension.tension_series(tiny, "M", "goldstein", "2024-01", "2024-03", DYADS, placement="middle")
    with pytest.raises(ValueError, match="frequency 'Q'"):
        tension.tension_series(tiny, "Q", "goldstein", "2024-01", "2024-03", DYADS)


def test_waves_merge_across_short_gaps_and_break_on_the_other_kind():
    series = pd.DataFrame({"period": [f"p{i}" for i in range(9)],
                           "weight": [-5, 0, -6, 0, 0, -4, 4, -9, 1]})
    waves = tension.find_waves(series, tension.WaveRule(-4, 3.5, 1))
    assert waves[["kind", "start", "end", "peak"]].values.tolist() == [
        ["escalation", "p0", "p2", "p2"], ["escalation", "p5", "p5", "p5"], ["softening", "p6", "p6", "p6"],
        ["escalation", "p7", "p7", "p7"]]
    assert tension.escalation_then_softening(waves, 2) and not tension.escalation_then_softening(waves, 4)
    turns = tension.turning_points(waves)
    assert ("p6", "de-escalation onset") in list(turns.itertuples(index=False, name=None))


def test_thresholds_mean_one_act_of_a_root_under_each_scheme():
    assert tension.WaveRule.from_roots("goldstein", "16", "05", 1) == tension.WaveRule(-4.0, 3.5, 1)
    assert tension.WaveRule.from_roots("unit", "16", "05", 1) == tension.WaveRule(-1.0, 1.0, 1)
    assert SPEC.rule() == tension.WaveRule(-4.0, 3.5, 1) and SPEC.with_(frequency="W").rule().gap == 4
    with pytest.raises(ValueError, match="scheme 'other'"):
        tension.scheme_weights(pd.Series([1.0]), "other")


def test_waves_claim_tables_and_panels(tiny):
    value = {"dyad": "AZE-RUS", "window": ["2025-01", "2025-04"], "min_escalation_waves": 1}
    spec = SPEC.with_(include_unconfirmed=False)  # without the year-dated row spread over every month
    out = tension.check_tension(tiny, spec, {"unit": {"scheme": "unit"}}, **value)
    assert out["observed"] is True and list(out["variants"]) == [
        "unit: 1 escalation wave(s) (2025-01); softening 2025-03 -> escalation then softening: yes"]
    table = tension.sensitivity_table(tiny, spec, {"unit": {"scheme": "unit"}}, **value)
    assert list(table.index) == ["primary", "unit"]
    weaker = tension.check_tension(tiny, spec, {"with unconfirmed": {"include_unconfirmed": True}}, **value)
    assert weaker["variants"] == {} and [k.split(":")[0] for k in weaker["checks"]] == ["with unconfirmed"]
    assert list(tension.turns_table(tiny, value["window"], spec, DYADS)["turn"]) == [
        "escalation onset", "escalation peak", "de-escalation onset"]
    panels = tension.series_panels(tiny, value["window"], spec, DYADS)
    assert [p["title"][:7] for p in panels] == ["AZE-RUS", "AZE-TUR"] and len(panels[0]["spans"]) == 2


def test_quiet_months(tiny):
    window = parse_when("2025")
    assert tension.quiet_months(tiny, "AZE-RUS", window, None, "11")[0] is False
    holds, detail = tension.quiet_months(tiny, "AZE-RUS", window, parse_when("2025-01"), "11")
    assert holds is True and detail == "months below -2 outside 2025-01: none"
    (panel,) = tension.quiet_months_panels(tiny, "AZE-RUS", window, {"2025-01": parse_when("2025-01")}, "11")
    assert len(panel["x"]) == 12 and panel["hlines"] == [(-2.0, "one act of CAMEO root 11")]


# --- the committed catalogue ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalogue():
    from khar_analysis.article import text as article
    from khar_analysis.sources import registry

    return registry.load("event_catalogue", lines=article.lines())


@pytest.mark.integration
def test_spread_placement_keeps_each_event_weight_on_the_real_catalogue(catalogue):
    inside = tension.tension_events(catalogue, DYADS)
    inside = inside[(inside["start"] >= "2024-01-01") & (inside["end"] <= "2025-12-31")]
    for frequency in ("W", "M"):
        series = tension.tension_series(catalogue, frequency, "goldstein", "2024-01", "2025-12", DYADS)
        assert series["weight"].sum() == pytest.approx(inside["goldstein"].sum())
    start = tension.tension_series(catalogue, "M", "unit", "2025-01", "2025-01", ["AZE-RUS"], placement="start")
    spread = tension.tension_series(catalogue, "M", "unit", "2025-01", "2025-01", ["AZE-RUS"])
    # January 2025: three day-dated conflict acts (6, 27 and 28 January) and the year-dated checks row
    assert start["weight"].iloc[0] == -4.0
    assert spread["weight"].iloc[0] == pytest.approx(-3 - 31 / 365)


@pytest.mark.integration
def test_waves_claim_and_its_sensitivity_on_the_register(catalogue):
    from khar_analysis.claims import register

    value = register.claimed_value("EVT-11")
    out = tension.check_tension(catalogue, SPEC, {"unit": {"scheme": "unit"}}, **value)
    assert out["observed"] is True and list(out["variants"].values()) == [True]
    table = tension.sensitivity_table(catalogue, SPEC, {"unit": {"scheme": "unit"}}, **value)
    assert list(table.index) == ["primary", "unit"]


def test_wave_margin_is_the_weakest_needed_peak_beyond_its_threshold():
    rule = tension.WaveRule(-4.0, 3.5, 1)
    waves = pd.DataFrame({"kind": ["escalation", "escalation", "softening"], "start": ["2025-01", "2025-05", "2025-10"],
                          "end": ["2025-02", "2025-07", "2025-10"], "peak_weight": [-16.5, -4.0, 20.0]})
    assert tension.wave_margin(waves, rule, 2) == 0.0  # the second wave's peak sits on the threshold
    assert tension.wave_margin(waves, rule, 1) == 12.5
    assert tension.wave_margin(waves.iloc[:2], rule, 1) is None
