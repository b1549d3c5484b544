"""ENERGY-2 and ENERGY-3 (importers hidden in residual rows) on tiny inline tables and the real editions."""

from __future__ import annotations

import pandas as pd
import pytest

from khar_analysis.analysis import energy, gas_origins
from khar_analysis.claims import register as claims
from khar_analysis.sources import statreview

EDITIONS = (2019, 2020, 2021, 2022, 2023, 2024)
TURKEY_PIPELINE_SUPPLIERS = ("AZE", "IRN", "RUS")  # the 04_energy notebook's parameter
SCOPE = "volumes cannot show it"


@pytest.fixture(scope="module")
def review(raw):
    for y in EDITIONS:
        raw(f"ei_statistical_review_{y}")
    return statreview.load_editions([f"ei_statistical_review_{y}" for y in EDITIONS], ("TUR",))


# --- ENERGY-2 ------------------------------------------------------------------------------------

def test_aggregate_record_finds_turkey_hidden(review):
    rec = gas_origins.aggregate_record(review.matrices, ["TUR"])
    pipe = rec[rec["matrix"] == "pipeline"].set_index("data_year")
    assert pipe.loc[[2018, 2019, 2020], "listed"].all()
    assert set(pipe.loc[[2021, 2022, 2023], "hidden_in"]) == {"Rest of Europe"}
    assert rec[rec["matrix"] == "lng"]["listed"].all()


@pytest.mark.integration
def test_direct_ranking_and_bounds(review):
    direct = gas_origins.imports_by_origin(review.matrices, "TUR")
    assert sorted(direct["edition"].unique()) == [2019, 2020, 2021]
    y2020 = direct[direct["edition"] == 2021]
    assert gas_origins.top_supplier(y2020) == ["RUS"]
    assert y2020["share_pct"].sum() == pytest.approx(100)
    cal = gas_origins.balance_calibration(review.matrices, review.consumption, "TUR")
    margin = gas_origins.max_balance_error(cal)
    assert 0 < margin < 2
    bounded = gas_origins.bounded_origins(review.matrices, review.consumption, "TUR", TURKEY_PIPELINE_SUPPLIERS,
                                     margin)
    assert (bounded["lower_bcm"] <= bounded["upper_bcm"] + 1e-9).all()
    assert set(bounded.loc[bounded["is_top"], "origin"]) == {"RUS"}
    undecided = gas_origins.bounded_origins(review.matrices, review.consumption, "TUR",
                                       TURKEY_PIPELINE_SUPPLIERS, margin_bcm=20.0)
    variants = gas_origins.energy2_variants(direct, undecided, 2021)
    assert variants["edition 2024 (data 2023), bounded"] == []


def test_energy2_rule_can_fail():
    claim = claims.load_register()["ENERGY-2"]
    assert claims.assess(claim, ["RUS"]).verdict == "reproduced"
    assert claims.assess(claim, ["AZE"]).verdict == "not_reproduced"
    assert claims.assess(claim, ["RUS"], variants={"bounded": []}).verdict == "reproduced_with_caveat"


def test_top_supplier_refuses_an_aggregate_first():
    ranked = pd.DataFrame({"origin": ["_EUR_OTHER", "RUS"], "total_bcm": [9.0, 5.0]})
    assert gas_origins.top_supplier(ranked) == []


# --- ENERGY-3 ------------------------------------------------------------------------------------

def _energy3(review, matrices=None, series=None, margin=None):
    """The ENERGY-3 premise on the real editions, or on altered matrices / an altered export series."""
    matrices = review.matrices if matrices is None else matrices
    cal = gas_origins.balance_calibration(matrices, review.consumption, "TUR")
    margin = gas_origins.max_balance_error(cal) if margin is None else margin
    bounded = gas_origins.bounded_origins(matrices, review.consumption, "TUR", TURKEY_PIPELINE_SUPPLIERS, margin)
    route = gas_origins.flow_into(matrices, "RUS", "AZE")
    transit = gas_origins.flow_into(matrices, "RUS", "TUR", lower=bounded, margin_bcm=margin)
    series = energy.first_published_series(review.matrices, review.interregional, "AZE") if series is None else series
    return gas_origins.energy3_premise(series, route, transit, (2021, 2021), 2022, "AZE", "RUS", "TUR", SCOPE)


@pytest.mark.integration
def test_flow_into_is_exact_when_listed_and_bounded_when_hidden(review):
    aze = gas_origins.flow_into(review.matrices, "RUS", "AZE").set_index("data_year")
    assert not aze["listed"].any() and set(aze["row_label"]) == {"Other CIS"}
    assert (aze["lower_bcm"] == 0).all() and (aze["upper_bcm"] > 0).all()
    assert aze["received"].isna().all() and gas_origins.received_after(aze.reset_index(), 2022) is None
    cal = gas_origins.balance_calibration(review.matrices, review.consumption, "TUR")
    bounded = gas_origins.bounded_origins(review.matrices, review.consumption, "TUR", TURKEY_PIPELINE_SUPPLIERS,
                                     gas_origins.max_balance_error(cal))
    tur = gas_origins.flow_into(review.matrices, "RUS", "TUR", lower=bounded,
                           margin_bcm=gas_origins.max_balance_error(cal)).set_index("data_year")
    assert tur.loc[2020, "listed"] and tur.loc[2020, "lower_bcm"] == tur.loc[2020, "upper_bcm"]
    assert tur.loc[2022, "row_label"] == "Rest of Europe"
    assert 0 < tur.loc[2022, "lower_bcm"] < tur.loc[2022, "upper_bcm"]
    assert tur["received"].eq(True).all()
    loose = gas_origins.flow_into(review.matrices, "RUS", "TUR", lower=bounded, margin_bcm=50.0)
    assert gas_origins.received_after(loose, 2022) is None
    with pytest.raises(ValueError, match="no data year from 2030"):
        gas_origins.received_after(loose, 2030)


@pytest.mark.integration
def test_energy3_premise_gives_each_verdict(review):
    claim = claims.load_register()["ENERGY-3"]
    real = _energy3(review)
    assert real["observed"] is None and "'Other CIS'" in real["reason"]
    assert list(real["variants"].values()) == [True]
    verdict = claims.assess(claim, **real)
    assert verdict.verdict == "not_testable" and "premise holds" not in verdict.reason
    # Russia sends nothing to the row that holds Azerbaijan: the premise is contradicted
    m = review.matrices
    dry = m.assign(bcm=m["bcm"].where(~((m["exporter"] == "RUS") & (m["importer"] == "_CIS_OTHER")), 0.0))
    contradicted = _energy3(review, matrices=dry)
    assert contradicted["observed"] is False
    assert claims.assess(claim, **contradicted).verdict == "not_reproduced"
    # Azerbaijan listed as an importer of its own, receiving Russian gas: the premise holds
    listed = m.assign(importer=m["importer"].replace("_CIS_OTHER", "AZE"))
    held = _energy3(review, matrices=listed)
    assert held["observed"] is True and "cannot be decided" not in held["reason"]
    verdict = claims.assess(claim, **held)
    assert verdict.verdict == "not_testable" and "premise holds" in verdict.reason
    # Azerbaijan's exports to Europe not higher after 2021: contradicted whatever the matrices show
    first = energy.first_published_series(review.matrices, review.interregional, "AZE")
    flat = first.assign(partner_bcm=first["partner_bcm"].where(first["year"] < 2022, 1.0))
    assert _energy3(review, matrices=listed, series=flat)["observed"] is False


