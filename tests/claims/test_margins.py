"""Margins to flipping: numeric rules, rankings and a notebook's own margins (tiny inline values)."""

from __future__ import annotations

import pytest

from khar_analysis.claims import margins
from khar_analysis.claims.margins import Margin


def test_rank_margin_is_the_smallest_gap_and_names_the_places():
    tiv = margins.ranking({"RUS": 2000.0, "ISR": 870.0, "BLR": 235.0, "TUR": 127.0, "UKR": 33.2, "SRB": 1.0},
                          unit="TIV mn", total=3349.0)
    m = margins.rank(tiv, ["RUS", "ISR", "BLR", "TUR"])
    assert m.value == pytest.approx(93.8)
    assert m.text() == "+93.8 TIV mn / +2.8 pp between TUR (4th) and UKR (5th)"
    assert not m.edge


def test_rank_margin_is_negative_when_the_order_breaks():
    tiv = margins.ranking({"RUS": 50.0, "TUR": 10.0, "UKR": 12.0}, unit="TIV mn")
    m = margins.rank(tiv, ["RUS", "TUR"])
    assert m.value == pytest.approx(-2.0)
    assert "TUR against UKR for the claimed 2nd place" in m.text()


def test_rank_tie_after_rounding_is_a_knife_edge():
    tiv = margins.ranking({"RUS": 50.0, "TUR": 10.04, "UKR": 10.0}, unit="TIV mn")
    assert margins.rank(tiv, ["RUS", "TUR"], precision=0.05).edge
    assert not margins.rank(tiv, ["RUS", "TUR"], precision=0.0).edge


@pytest.mark.parametrize(("kind", "observed", "claimed", "tol", "value", "edge"), [
    ("approx", 46.4, 46.0, 3.0, 2.6, False),
    ("approx", 49.0, 46.0, 3.0, 0.0, True),
    ("approx", 50.0, 46.0, 3.0, -1.0, False),
    ("at_least", 300_000, 300_000, 0.0, 0.0, True),
    ("at_least", 310_500, 300_000, 0.0, 10_500, False),
    ("at_most", 2.0, 3.0, 0.0, 1.0, False),
    ("at_most", 3.0, 3.0, 0.0, 0.0, True),
])
def test_numeric_margins(kind, observed, claimed, tol, value, edge):
    m = margins.numeric(kind, observed, claimed, tol, "pp")
    assert m.value == pytest.approx(value)
    assert m.edge is edge


def test_exact_match_rule_is_not_an_edge():
    assert not margins.numeric("approx", 38, 38, 0.0, "deaths").edge
    assert margins.numeric("approx", 37, 38, 0.0, "deaths").value == -1


def test_notebook_margin_checks_its_value():
    assert margins.margin(2, "days", "before the invasion").text() == "+2 days before the invasion"
    assert margins.margin(None, "days", "x").text() == ""
    with pytest.raises(ValueError, match="finite"):
        margins.margin(float("nan"), "days", "x")
    with pytest.raises(ValueError, match="finite"):
        margins.margin(True, "days", "x")


def test_edge_text_names_the_precision():
    assert "within the data's precision of 0.05 pp" in Margin(0.01, "pp", "share over 45%", 0.05).edge_text()
    assert "exactly at the boundary" in Margin(0.0, "days", "crash before demand").edge_text()
