from __future__ import annotations

import pytest

from khar_analysis.core import countries


def test_source_spellings_map_to_one_code():
    assert countries.harmonise(["Turkiye", "Türkiye", "Turkey", "TUR"]) == ["TUR"] * 4
    assert countries.to_iso3("Russian Federation") == "RUS"
    assert countries.to_iso3("unknown supplier(s)") == "_UNK"


def test_unknown_spellings_fail_loudly_and_all_at_once():
    with pytest.raises(countries.UnknownCountryError) as err:
        countries.harmonise(["Atlantis", "Turkiye", "Lemuria"], source="x.csv")
    assert "['Atlantis', 'Lemuria']" in str(err.value) and "x.csv" in str(err.value)


def test_display_names():
    assert countries.display_name("TUR") == "Turkey"
    assert countries.display_name("AZE") == "Azerbaijan"
