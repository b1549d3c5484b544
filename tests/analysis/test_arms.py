"""The ranking arithmetic on tiny inline tables, and on the reference release (integration)."""

from __future__ import annotations

import pandas as pd
import pytest

from khar_analysis.analysis import arms
from khar_analysis.sources import registry

PERYEAR = "sipri_register_peryear_2026-02-12"


def _transfers(rows: list[tuple]) -> pd.DataFrame:
    """(supplier, year, tiv_mn, description, designation, units) rows delivered to AZE."""
    return pd.DataFrame([{"recipient": "AZE", "supplier": s, "delivery_year": y, "tiv_delivered_mn": t,
                          "description": d, "designation": n, "units_delivered": u, "category": "Aircraft"}
                         for s, y, t, d, n, u in rows])


SMALL = _transfers([("RUS", 2011, 60.0, "tank", "T-90", 10), ("ISR", 2012, 30.0, "UAV", "Heron", 2),
                    ("TUR", 2012, 10.0, "MRL", "T-122", 3), ("TUR", 2020, 40.0, "armed UAV", "TB-2", 12),
                    ("ISR", 2020, 5.0, "SAM", "Barak", 1), ("BLR", 2010, 99.0, "gun", "2A36", 26)])


def test_supplier_ranking_window_shares_and_ties():
    ranking = arms.supplier_ranking(SMALL, "AZE", 2011, 2019)
    assert arms.top_order(ranking, 3) == ["RUS", "ISR", "TUR"]
    assert ranking["share_pct"].tolist() == pytest.approx([60.0, 30.0, 10.0])
    assert arms.rank_of(ranking, "BLR") is None  # delivered only before the window
    assert arms.margin_after(ranking, 1) == {"tiv_mn": 30.0, "share_pp": pytest.approx(30.0), "next_supplier": "ISR"}
    tied = arms.supplier_ranking(_transfers([("UKR", 2011, 5.0, "", "", 1), ("BLR", 2011, 5.0, "", "", 1)]),
                                 "AZE", 2011, 2011)
    assert arms.top_order(tied, 2) == ["BLR", "UKR"]
    with pytest.raises(ValueError, match="before its start"):
        arms.supplier_ranking(SMALL, "AZE", 2020, 2011)
    assert arms.describe_top(ranking, 2) == "RUS 60.0% > ISR 30.0%"


def test_window_ranks():
    windows = arms.window_ranks(SMALL, "AZE", "TUR", 2, 2011, 2013)
    assert windows["window"].tolist() == ["2011-2012", "2012-2013"] and windows["rank"].tolist() == [3, 2]


def test_robustness_rankings_cover_every_release_split_and_window():
    by_source = {"a": {"reported": SMALL}, "b": {"equal": SMALL, "last_year": SMALL[SMALL["supplier"] != "ISR"]}}
    table = arms.robustness_rankings(by_source, {"a": "A", "b": "B"}, "a", "AZE", 2011, 2019, 1)
    variants = list(dict.fromkeys(table["variant"]))
    assert variants == ["A, 2010-2018", "A, 2011-2019", "A, 2012-2020", "B, split equal, 2010-2018",
                        "B, split equal, 2011-2019", "B, split equal, 2012-2020", "B, split last_year, 2010-2018",
                        "B, split last_year, 2011-2019", "B, split last_year, 2012-2020"]
    primary = table[table["is_primary"]]
    assert set(primary["variant"]) == {"A, 2011-2019"} and primary["supplier"].tolist() == ["RUS", "ISR", "TUR"]
    amounts = arms.variant_amounts(table, places=1, keep=("TUR",))
    assert "A, 2011-2019" not in amounts and len(amounts) == 8
    assert amounts["B, split last_year, 2011-2019"] == ({"RUS": 60.0, "TUR": 10.0}, 70.0)
    failing = arms.failing_variants(table, ["RUS", "ISR"])
    assert failing["variant"].tolist() == ["A, 2010-2018", "A, 2012-2020", "B, split equal, 2010-2018",
                                           "B, split equal, 2012-2020", "B, split last_year, 2010-2018",
                                           "B, split last_year, 2011-2019", "B, split last_year, 2012-2020"]
    assert failing["order"].iloc[0] == "BLR 49.7% > RUS 30.2% > ISR 15.1%"
    evidence = arms.variant_evidence(table, 2)
    assert evidence["variant"].iloc[0] == "A, 2011-2019" and evidence["rank"].max() == 2
    assert list(evidence.columns[:2]) == ["source_id", "variant"]
    with pytest.raises(ValueError, match="one unsplit release"):
        arms.robustness_rankings(by_source, {"a": "A", "b": "B"}, "b", "AZE", 2011, 2019, 1)


def test_amounts_window_rows_and_filters():
    ranking = arms.supplier_ranking(SMALL, "AZE", 2011, 2020)
    assert arms.amounts(ranking) == ({"RUS": 60.0, "TUR": 50.0, "ISR": 35.0}, 145.0)
    assert arms.amounts(ranking, places=1, keep=("ISR",)) == ({"RUS": 60.0, "ISR": 35.0}, 145.0)
    rows = arms.window_rows(SMALL.assign(deal_id=range(6), is_delivery_year_estimate=False), "AZE", 2011, 2020)
    assert rows["supplier"].tolist() == ["ISR", "ISR", "RUS", "TUR", "TUR"]
    assert "BLR" not in set(rows["supplier"])  # delivered in 2010, outside the window
    words, code = arms.window_filter("AZE", 2011, 2020, "TUR")
    assert code == 'recipient == "AZE" and 2011 <= delivery_year <= 2020 and supplier == "TUR"' and "TUR" in words
    words, code = arms.variant_filter("AZE", 2011, 2020, 1, 6)
    assert "[(2010, 2019), (2011, 2020), (2012, 2021)]" in code and "aggregated" in words


def test_vintage_note_and_war_margin():
    ranking = arms.supplier_ranking(SMALL, "AZE", 2011, 2020)
    note = arms.vintage_note(ranking, {"TUR": 30.0, "UKR": 1.0}, "old release", "a page")
    assert note == ("TUR 34.5% here, 30% in the old release (+4.5 pp); UKR 0.0% here, 1% in the old release "
                    "(-1.0 pp) (the old release as reported by a page)")
    value, unit, against = arms.war_margin(SMALL, "AZE", "TUR", (2011, 2019), 2020)
    assert (round(value, 1), unit) == (78.9, "pp") and against == "TUR's 2020 share over its 2011-2019 share"
    no_uav = SMALL.assign(description=SMALL["description"].str.replace("UAV", "aircraft"))
    assert arms.war_margin(no_uav, "AZE", "TUR", (2011, 2019), 2020)[:2] == (-1.0, "UAVs")


def test_war_premise_inline():
    holds, text = arms.war_premise(SMALL, "AZE", "TUR", (2011, 2019), 2020)
    assert holds and text.startswith("12 UAVs (TB-2) delivered in 2020; TUR share 88.9% in 2020 vs 10.0%")
    no_uav = SMALL.assign(description=SMALL["description"].str.replace("UAV", "aircraft"))
    assert arms.war_premise(no_uav, "AZE", "TUR", (2011, 2019), 2020)[0] is False


def test_check_against_tiv_table_inline():
    tiv = pd.DataFrame({"recipient": "AZE", "delivery_year": [2011, 2012], "tiv_mn": [60.0, 41.0]})
    check = arms.check_against_tiv_table(SMALL, tiv, "AZE", 2011, 2012)
    assert check["difference_mn"].tolist() == [0.0, -1.0]


@pytest.mark.integration
def test_ranking_window_and_margin_on_the_reference_release(raw):
    df = registry.load(PERYEAR)
    ranking = arms.supplier_ranking(df, "AZE", 2011, 2020)
    assert arms.top_order(ranking, 4) == ["RUS", "ISR", "BLR", "TUR"]
    assert ranking["share_pct"].sum() == pytest.approx(100)
    assert arms.rank_of(ranking, "TUR") == 4 and arms.rank_of(ranking, "ATL") is None
    margin = arms.margin_after(ranking, 4)
    assert margin["next_supplier"] == "UKR" and margin["tiv_mn"] > 0
    windows = arms.window_ranks(df, "AZE", "TUR", 10, 2011, 2020)
    assert windows["window"].tolist() == ["2011-2020"] and windows["rank"].tolist() == [4]


@pytest.mark.integration
def test_war_premise_changes_with_the_data(raw):
    df = registry.load(PERYEAR)
    holds, text = arms.war_premise(df, "AZE", "TUR", (2011, 2019), 2020)
    assert holds and "Bayraktar TB-2" in text
    no_uav, _ = arms.war_premise(df[~df["description"].str.contains("UAV")], "AZE", "TUR", (2011, 2019), 2020)
    assert not no_uav


def test_split_sensitivity_inline():
    by_split = {"equal": SMALL, "last_year": SMALL[SMALL["supplier"] != "TUR"]}
    table = arms.split_sensitivity({"r": by_split}, "AZE", "TUR", 2011, 2020)
    assert table["split"].tolist() == ["equal", "last_year"]
    assert table["rank"].iloc[0] == 2 and pd.isna(table["rank"].iloc[1])
    assert table["share_pct"].tolist() == [pytest.approx(34.48, abs=0.01), 0.0]
