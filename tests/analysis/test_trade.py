"""The TRADE-1 to TRADE-3 computations on tiny inline tables, and on the real files (integration)."""

from __future__ import annotations

import pandas as pd
import pytest

from khar_analysis.analysis import trade
from khar_analysis.claims import compound, families
from khar_analysis.claims import register as claims
from khar_analysis.provenance import manifest
from khar_analysis.sources import registry, wits

AZE = "wits_trade_summary_aze"


def _summary(partners: dict[int, dict[str, float]], totals: dict[int, float]) -> pd.DataFrame:
    """A tidy import summary: partner shares (percent) and totals (US$ mn) by year."""
    rows = [{"reporter": "AZE", "flow": "import", "measure": "total", "partner": "_WLD", "product": "All Products",
             "year": y, "usd_mn": t, "share_pct": float("nan")} for y, t in totals.items()]
    rows += [{"reporter": "AZE", "flow": "import", "measure": "partner", "partner": p, "product": "All Products",
              "year": y, "usd_mn": totals[y] * sh / 100, "share_pct": sh}
             for y, shares in partners.items() for p, sh in shares.items()]
    return pd.DataFrame(rows)


def test_ranks_and_premise_inline():
    s = _summary({2014: {"RUS": 20.0, "TUR": 30.0, "DEU": 10.0}, 2015: {"TUR": 25.0, "DEU": 15.0}},
                 {2014: 100.0, 2015: 200.0})
    by_year = trade.partner_by_year(s, "import", "RUS")
    row = by_year.set_index("year")
    assert row.loc[2014, "rank"] == 2 and row.loc[2014, "leader"] == "TUR"
    assert pd.isna(row.loc[2015, "rank"]) and row.loc[2015, "fifth_share_pct"] == 15.0
    assert trade.check_partner_shares(s, "import") == pytest.approx(0.0)
    holds, text = trade.rank_premise(by_year, 3, 2014, 2015)
    assert holds is False and text.startswith("not in the top five in 2015")
    assert trade.rank_premise(by_year, 2, 2014, 2014)[0] is True
    assert trade.last_years(by_year, 2) == (2014, 2015)


def test_rank_margin_window_rows_and_filter_inline():
    s = _summary({2014: {"RUS": 20.0, "TUR": 30.0, "DEU": 10.0, "ITA": 8.0, "CHN": 5.0},
                  2015: {"TUR": 25.0, "RUS": 24.0, "DEU": 15.0, "ITA": 12.0, "CHN": 11.0}},
                 {2014: 100.0, 2015: 200.0})
    value, unit, against, precision = trade.rank_margin(s, "import", "RUS", 2, 2014, 2015)
    assert (value, unit, precision) == (pytest.approx(9.0), "pp", trade.SHARE_PRECISION_PP)
    assert against == "RUS over DEU (place 3) in 2015, its closest year of 2014-2015"
    value, _, against, _ = trade.rank_margin(s, "import", "RUS", 1, 2014, 2015)
    assert value == pytest.approx(-10.0) and against.startswith("RUS behind TUR (place 1) in 2014")
    unlisted = _summary({2015: {"TUR": 25.0, "DEU": 15.0, "ITA": 12.0, "CHN": 11.0, "USA": 9.0}}, {2015: 100.0})
    value, _, against, _ = trade.rank_margin(unlisted, "import", "RUS", 3, 2015, 2015)
    assert value == pytest.approx(-3.0) and "behind ITA (place 3)" in against  # RUS at most 9% (the fifth)
    with pytest.raises(ValueError, match="among the five listed"):
        trade.rank_margin(s, "import", "RUS", 5, 2014, 2015)
    rows = trade.window_partners(s, "import", 2015, 2015)
    assert rows["partner"].tolist() == ["TUR", "RUS", "DEU", "ITA", "CHN"] and set(rows["total_usd_mn"]) == {200.0}
    words, code = trade.window_filter(s, "import", 2014, 2015)
    assert code == 'reporter == "AZE" and flow == "import" and measure in ("partner", "total") and 2014 <= year <= 2015'
    assert "five largest import partners" in words


@pytest.fixture
def aze_excerpt(wits_aze_excerpt):
    return wits.load_trade_summary(wits_aze_excerpt, manifest.get(AZE))


@pytest.mark.integration
def test_blank_cells_are_absent_not_zero(aze_excerpt):
    exports = trade.partner_by_year(aze_excerpt, "export", "RUS")
    row = exports.set_index("year").loc[2015]
    assert pd.isna(row["rank"]) and pd.isna(row["usd_mn"])
    assert row["fifth_share_pct"] > 0  # the bound a missing partner stays under
    total = trade.totals(aze_excerpt, "import").set_index("year")["usd_mn"]
    assert total[2015] == pytest.approx(9211.13)


@pytest.mark.integration
def test_shares_mean_share_of_total(raw):
    s = registry.load(AZE)
    assert trade.check_partner_shares(s, "import") < 0.01
    assert trade.check_partner_shares(s, "export") < 0.01


@pytest.mark.integration
def test_ranks_among_listed_partners(raw):
    s = registry.load(AZE)
    by_year = trade.partner_by_year(s, "import", "RUS").set_index("year")
    assert by_year.loc[2015, "rank"] == 1 and by_year.loc[2012, "rank"] == 2
    assert by_year.loc[2012, "leader"] == "TUR"


@pytest.mark.integration
def test_agrifood_adds_the_three_hs_groups(aze_excerpt):
    s = aze_excerpt
    agri = trade.agrifood(s, "export").set_index("year")
    assert agri.loc[2015, "agrifood_usd_mn"] == pytest.approx(2.34 + 489.19 + 274.12)
    assert agri.loc[2015, "share_of_nonfuel_pct"] == pytest.approx(100 * 765.65 / (11326.84 - 9879.28), abs=0.01)
    with pytest.raises(KeyError, match="agri-food imports"):
        trade.agrifood(s, "import")  # the file has no HS-sector rows for imports


@pytest.mark.integration
def test_rank_premise_can_fail(raw):
    s = registry.load(AZE)
    by_year = trade.partner_by_year(s, "import", "RUS")
    register = claims.load_register()
    holds, text = trade.rank_premise(by_year, 3, 2006, 2015)
    assert holds and "rank 1 in 2015" in text

    def verdict(premise):
        return compound.assess_compound(register["TRADE-1"], {"product_supply": None,
                                                              "all_goods_rank": compound.observation(premise)})

    assert verdict(holds).verdict == "not_testable"
    value, unit, against, _ = trade.rank_margin(s, "import", "RUS", 3, 2006, 2015)
    assert value > 0 and unit == "pp" and against.startswith("RUS over ")
    worse = by_year.assign(rank=by_year["rank"].where(by_year["year"] != 2010, 4))
    held, _ = trade.rank_premise(worse, 3, 2006, 2015)
    assert held is False
    assert verdict(held).verdict == "not_reproduced"
    absent = by_year.assign(rank=by_year["rank"].where(by_year["year"] != 2015, pd.NA))
    assert trade.rank_premise(absent, 3, 2006, 2015)[0] is False
    with pytest.raises(ValueError, match="top five"):
        trade.rank_premise(by_year, 6, 2006, 2015)


@pytest.mark.integration
def test_trade3_premise_on_turkey_and_its_verdicts(raw):
    s = registry.load("wits_trade_summary_tur")
    by_year = trade.partner_by_year(s, "import", "RUS")
    claim = claims.load_register()["TRADE-3"]
    window = trade.last_years(by_year, 10)
    assert window == (2006, 2015)
    threshold = families.part_value("TRADE-3", "trade_tie")
    holds, text = trade.rank_premise(by_year, threshold, *window)
    assert holds and "rank 3 in 2015" in text and "rank 1 in 9 of 10 years" in text

    def verdict(premise, observed_text=None):
        return compound.assess_compound(claim, {"constraint": None, "tourism_tie": None, "trade_tie":
                                                compound.observation(premise, observed_text=observed_text)})

    held = verdict(holds, text)
    assert held.verdict == "not_testable" and "tested part trade_tie holds" in held.reason and "TÜİK" in held.reason
    # a stricter reading (top two) fails in 2015, and so does the verdict
    stricter, _ = trade.rank_premise(by_year, 2, *window)
    assert stricter is False
    assert verdict(stricter).verdict == "not_reproduced"
    # a wider window reaches years Russia was not among the five
    assert trade.rank_premise(by_year, threshold, *trade.last_years(by_year, 20))[0] is False


@pytest.mark.integration
def test_last_years_refuses_a_short_table(raw):
    by_year = trade.partner_by_year(registry.load("wits_trade_summary_tur"), "import", "RUS")
    with pytest.raises(ValueError, match="lacks years"):
        trade.last_years(by_year[by_year["year"] != 2010], 10)
    with pytest.raises(ValueError, match="at least one year"):
        trade.last_years(by_year, 0)


def test_trade2_has_no_premise():
    verdict = claims.assess(claims.load_register()["TRADE-2"], None, observed_text="x")
    assert verdict.verdict == "not_testable" and "UN Comtrade" in verdict.reason


@pytest.mark.integration
def test_mirror_files_never_list_azerbaijan(raw):
    mirrors = [registry.load(s) for s in ("wits_trade_summary_rus", "wits_trade_summary_tur")]
    presence = trade.partner_presence(mirrors, "AZE")
    assert list(presence["reporter"].unique()) == ["RUS", "TUR"]
    assert set(presence["years_listed"]) == {"none"}
    assert trade.partner_presence(mirrors, "DEU")["years_listed"].ne("none").all()
