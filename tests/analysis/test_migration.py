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
    mig = claims.load_register(lay)["MIG-1"]
    threshold = float(claims.claimed_value("MIG-1", lay))
    holds, text = migration.city_premise(series(767_159), threshold, "Moscow")
    assert holds and "Moscow alone is not in these data" in text and "39%" in text
    assert claims.assess(mig, holds).verdict == "not_testable"
    holds, _ = migration.city_premise(series(250_000), threshold, "Moscow")
    assert not holds
    assert claims.assess(mig, holds).verdict == "not_reproduced"
    assert migration.premise_variants(series(250_000), threshold) == {"s, 2019 (250,000)": False}


@pytest.mark.integration
def test_register_rows_locate_their_claims(lay):
    register = claims.load_register(lay)
    for cid in ("REM-1", "MIG-1"):
        c = register[cid]
        assert c.notebook == "02_remittances_migration"
        assert article.quote(c.line, c.anchor, lay)
