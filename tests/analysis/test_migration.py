"""MIG-1 computations on tiny inline tables, the premise's rule, and the register rows' anchors
(loaders: tests/sources/test_undesa.py, test_knomad.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from khar_analysis.analysis import migration
from khar_analysis.article import text as article
from khar_analysis.claims import register as claims

NAMES = {"ARM": "Armenia", "AZE": "Azerbaijan", "RUS": "Russian Federation"}


def od_stocks(cells_by_year):
    return pd.DataFrame([{"source": "un", "edition": "2019 revision", "year": y, "origin": o, "destination": d,
                          "origin_name": NAMES[o], "destination_name": NAMES[d], "persons": v,
                          "is_not_available": False}
                         for y, cells in cells_by_year.items() for (o, d), v in cells.items()])


STOCKS = od_stocks({1990: {("AZE", "RUS"): 300.0, ("AZE", "ARM"): 100.0, ("ARM", "RUS"): 200.0, ("RUS", "AZE"): 50.0},
                    2019: {("AZE", "RUS"): 400.0, ("AZE", "ARM"): 100.0, ("ARM", "RUS"): 100.0, ("RUS", "AZE"): 50.0}})


def test_stock_series_shares_of_diaspora_and_host():
    out = migration.stock_series("AZE", "RUS", [STOCKS])
    assert out["year"].tolist() == [1990, 2019]
    assert out["share_of_diaspora_pct"].tolist() == [75.0, 80.0]
    assert out["share_of_host_migrants_pct"].tolist() == [60.0, 80.0]
    assert set(out["basis"]) == {"sum of cells"}
    assert migration.describe_series(out) == \
        "un: 300 (1990), 400 (2019); share of all born in the origin living abroad: 75.0-80.0%"


def test_host_totals_beside_the_published_total():
    published = pd.DataFrame({"destination": "RUS", "year": [1990, 2019], "persons": [500.0, 520.0]})
    out = migration.host_totals(STOCKS, published, "RUS")
    assert out["sum_of_2019_cells"].tolist() == [500, 500]
    assert out["difference_pct"].tolist() == [0.0, -3.85]


def series(persons):
    return pd.DataFrame([{"source": "s", "edition": "e", "year": 2019, "origin": "AZE", "destination": "RUS",
                          "persons": persons, "share_of_diaspora_pct": 60.0}])


def test_mig1_premise_can_fail(lay):
    from khar_analysis.claims import families
    threshold = float(families.part_value("MIG-1", "national", lay))
    holds, text = migration.city_premise(series(767_159), threshold, "Moscow")
    assert holds and "Moscow alone is not in these data" in text and "39%" in text
    holds, _ = migration.city_premise(series(250_000), threshold, "Moscow")
    assert not holds
    assert migration.premise_variants(series(250_000), threshold) == {"s, 2019 (250,000)": False}


@pytest.mark.integration
def test_register_rows_locate_their_claims(lay):
    register = claims.load_register(lay)
    for cid in ("REM-1", "MIG-1"):
        c = register[cid]
        assert c.notebook == "02_remittances_migration"
        assert article.quote(c.line, c.anchor, lay)


def test_evidence_rows_and_premise_counts_and_mig1_parts(lay):
    import pandas as pd

    from khar_analysis.claims import register as claims
    series = pd.DataFrame({"source": ["un", "wb"], "edition": ["e1", "e2"], "year": [2019, 2017],
                           "origin": "AZE", "destination": "RUS", "persons": [767159, 767881],
                           "diaspora_total": [1, 1], "share_of_diaspora_pct": [66.4, 63.2]})
    assert list(migration.evidence_rows(series).columns[:2]) == ["source_id", "edition"]
    assert migration.premise_counts(series) == {"un, 2019": 767159.0, "wb, 2017": 767881.0}
    mig = claims.load_register(lay)["MIG-1"]
    obs = claims.observation
    assert claims.assess_compound(mig, {"moscow": None, "official": None, "national": obs(767159.0)}).verdict \
        == "not_testable"
    assert claims.assess_compound(mig, {"moscow": None, "official": None, "national": obs(250000.0)}).verdict \
        == "not_reproduced"
