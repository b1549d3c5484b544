"""WITS trade-summary loader and the TRADE-1 to TRADE-3 computations, on excerpts of the real files."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from khar_analysis.analysis import trade
from khar_analysis.claims import register as claims
from khar_analysis.core.countries import UnknownCountryError
from khar_analysis.core.layout_checks import UnknownLayoutError

AZE = "wits_trade_summary_aze"
PARTNERS = {"...", "World", "Russian Federation", "Turkey", "Germany", "Italy"}


def _keep(i: int, line: str) -> bool:
    """Header, the totals, a few partners' top-5 rows and every product row."""
    if i == 1:
        return True
    fields = next(csv.reader([line]))
    return fields[4] in trade.INDICATORS and fields[1] in PARTNERS


@pytest.fixture
def aze_excerpt(excerpt):
    return excerpt(AZE, _keep)


def _rewrite(path, old: str, new: str, count: int = 1):
    data = path.read_bytes()
    assert old.encode() in data, f"{old!r} not in the excerpt"
    path.write_bytes(data.replace(old.encode(), new.encode(), count))
    return path


def test_load_excerpt_tidy(aze_excerpt):
    s = trade.load_trade_summary(aze_excerpt)
    assert list(s.columns) == trade.TIDY_COLUMNS
    assert set(s["reporter"]) == {"AZE"}
    ru = s[(s["flow"] == "import") & (s["measure"] == "partner") & (s["partner"] == "RUS") & (s["year"] == 2015)]
    assert ru["usd_mn"].tolist() == [1437.14] and ru["share_pct"].tolist() == [15.6]
    total = trade.totals(s, "import").set_index("year")["usd_mn"]
    assert total[2015] == pytest.approx(9211.13)
    assert set(s.loc[s["measure"] == "product", "partner"]) == {"_WLD"}


def test_blank_cells_are_absent_not_zero(aze_excerpt):
    s = trade.load_trade_summary(aze_excerpt)
    exports = trade.partner_by_year(s, "export", "RUS")
    row = exports.set_index("year").loc[2015]
    assert pd.isna(row["rank"]) and pd.isna(row["usd_mn"])
    assert row["fifth_share_pct"] > 0  # the bound a missing partner stays under


def test_shares_mean_share_of_total(raw):
    s = trade.load_trade_summary(raw(AZE))
    assert trade.check_partner_shares(s, "import") < 0.01
    assert trade.check_partner_shares(s, "export") < 0.01


def test_ranks_among_listed_partners(raw):
    s = trade.load_trade_summary(raw(AZE))
    by_year = trade.partner_by_year(s, "import", "RUS").set_index("year")
    assert by_year.loc[2015, "rank"] == 1 and by_year.loc[2012, "rank"] == 2
    assert by_year.loc[2012, "leader"] == "TUR"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("Reporter,Partner", "Country,Partner", "leading columns"),
    (",2015,2014,", ",2014,2015,", "latest year down"),
    ("Vegetable", "Vegetables", "unknown product group"),
])
def test_changed_layout_fails_clearly(aze_excerpt, old, new, message):
    _rewrite(aze_excerpt, old, new)
    with pytest.raises(UnknownLayoutError, match=message) as err:
        trade.load_trade_summary(aze_excerpt)
    assert aze_excerpt.name in str(err.value)


def test_missing_indicator_fails(excerpt):
    path = excerpt(AZE, lambda i, line: i == 1 or ("Imports (in US$ Mil)" not in line and _keep(i, line)))
    with pytest.raises(UnknownLayoutError, match="indicators missing"):
        trade.load_trade_summary(path)


def test_unknown_partner_spelling_fails(aze_excerpt):
    _rewrite(aze_excerpt, "Germany,", "Deutschland,")
    with pytest.raises(UnknownCountryError, match="Deutschland"):
        trade.load_trade_summary(aze_excerpt)


def test_agrifood_adds_the_three_hs_groups(aze_excerpt):
    s = trade.load_trade_summary(aze_excerpt)
    agri = trade.agrifood(s, "export").set_index("year")
    assert agri.loc[2015, "agrifood_usd_mn"] == pytest.approx(2.34 + 489.19 + 274.12)
    assert agri.loc[2015, "share_of_nonfuel_pct"] == pytest.approx(100 * 765.65 / (11326.84 - 9879.28), abs=0.01)
    with pytest.raises(KeyError, match="agri-food imports"):
        trade.agrifood(s, "import")  # the file has no HS-sector rows for imports


def test_rank_premise_can_fail(raw):
    s = trade.load_trade_summary(raw(AZE))
    by_year = trade.partner_by_year(s, "import", "RUS")
    register = claims.load_register()
    holds, text = trade.rank_premise(by_year, 3, 2006, 2015)
    assert holds and "rank 1 in 2015" in text
    assert claims.assess(register["TRADE-1"], holds).verdict == "not_testable"
    worse = by_year.assign(rank=by_year["rank"].where(by_year["year"] != 2010, 4))
    held, _ = trade.rank_premise(worse, 3, 2006, 2015)
    assert held is False
    assert claims.assess(register["TRADE-1"], held).verdict == "not_reproduced"
    absent = by_year.assign(rank=by_year["rank"].where(by_year["year"] != 2015, pd.NA))
    assert trade.rank_premise(absent, 3, 2006, 2015)[0] is False
    with pytest.raises(ValueError, match="top five"):
        trade.rank_premise(by_year, 6, 2006, 2015)


def test_trade3_premise_on_turkey_and_its_verdicts(raw):
    s = trade.load_trade_summary(raw("wits_trade_summary_tur"))
    by_year = trade.partner_by_year(s, "import", "RUS")
    claim = claims.load_register()["TRADE-3"]
    window = trade.last_years(by_year, 10)
    assert window == (2006, 2015)
    holds, text = trade.rank_premise(by_year, claim.claimed["value"], *window)
    assert holds and "rank 3 in 2015" in text and "rank 1 in 9 of 10 years" in text
    verdict = claims.assess(claim, holds, observed_text=text)
    assert verdict.verdict == "not_testable" and "premise holds" in verdict.reason and "TÜİK" in verdict.reason
    # a stricter reading (top two) fails in 2015, and so does the verdict
    stricter, _ = trade.rank_premise(by_year, 2, *window)
    assert stricter is False
    assert claims.assess(claim, stricter).verdict == "not_reproduced"
    # a wider window reaches years Russia was not among the five
    assert trade.rank_premise(by_year, claim.claimed["value"], *trade.last_years(by_year, 20))[0] is False


def test_last_years_refuses_a_short_table(raw):
    by_year = trade.partner_by_year(trade.load_trade_summary(raw("wits_trade_summary_tur")), "import", "RUS")
    with pytest.raises(ValueError, match="lacks years"):
        trade.last_years(by_year[by_year["year"] != 2010], 10)
    with pytest.raises(ValueError, match="at least one year"):
        trade.last_years(by_year, 0)


def test_trade2_has_no_premise():
    verdict = claims.assess(claims.load_register()["TRADE-2"], None, observed_text="x")
    assert verdict.verdict == "not_testable" and "UN Comtrade" in verdict.reason


def test_mirror_files_never_list_azerbaijan(raw):
    mirrors = [trade.load_trade_summary(raw(s)) for s in ("wits_trade_summary_rus", "wits_trade_summary_tur")]
    presence = trade.partner_presence(mirrors, "AZE")
    assert list(presence["reporter"].unique()) == ["RUS", "TUR"]
    assert set(presence["years_listed"]) == {"none"}
    assert trade.partner_presence(mirrors, "DEU")["years_listed"].ne("none").all()
