"""WITS trade-summary loader: a tiny inline file for the identity check, excerpts of the real file for the
layout checks."""

from __future__ import annotations

import pytest

from khar_analysis.core.countries import UnknownCountryError
from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.provenance import manifest
from khar_analysis.sources import registry, wits

AZE = "wits_trade_summary_aze"

TINY = """Reporter,Partner,Product categories,Indicator Type,Indicator,2015,2014
Azerbaijan,...,All Products,Import,Imports (in US$ Mil),   100.0,   90.0
Azerbaijan,...,All Products,Export,Exports (in US$ Mil),   200.0,
Azerbaijan,Russian Federation,All Products,Import,Trade (US$ Mil)-Top 5 Import Partner,   20.0,   30.0
Azerbaijan,Russian Federation,All Products,Import,Partner share(%)-Top 5 Import Partner,   20.0,   33.3
Azerbaijan,Italy,All Products,Export,Trade (US$ Mil)-Top 5 Export Partner,   80.0,
Azerbaijan,Italy,All Products,Export,Partner share(%)-Top 5 Export Partner,   40.0,
Azerbaijan,World,Fuels,Export,Export(US$ Mil),   150.0,
Azerbaijan,World,Raw materials,Import,Import(US$ Mil),   10.0,
Azerbaijan,...,All Products,Import,MFN Tariff,   5.0,
"""


def test_tiny_file_loads_tidy(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text(TINY, encoding="ascii")
    s = wits.load_trade_summary(path, manifest.get(AZE))
    assert list(s.columns) == wits.TIDY_COLUMNS
    ru = s[(s["partner"] == "RUS")].set_index("year")
    assert ru.loc[2014, "usd_mn"] == 30.0 and ru.loc[2014, "share_pct"] == 33.3
    assert len(s[(s["flow"] == "export") & (s["year"] == 2014)]) == 0  # blank = not reported, no row
    assert set(s.loc[s["measure"] == "product", "partner"]) == {"_WLD"}


def test_another_reporter_than_the_record_says_fails(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text(TINY, encoding="ascii")
    with pytest.raises(UnknownLayoutError, match=r"reporter \['AZE'\], but the manifest record "
                                                 r"wits_trade_summary_tur says TUR"):
        wits.load_trade_summary(path, manifest.get("wits_trade_summary_tur"))


@pytest.fixture
def aze_excerpt(wits_aze_excerpt):
    return wits_aze_excerpt


def _rewrite(path, old: str, new: str, count: int = 1):
    data = path.read_bytes()
    assert old.encode() in data, f"{old!r} not in the excerpt"
    path.write_bytes(data.replace(old.encode(), new.encode(), count))
    return path


@pytest.mark.integration
def test_load_excerpt_tidy(aze_excerpt):
    s = wits.load_trade_summary(aze_excerpt, manifest.get(AZE))
    assert list(s.columns) == wits.TIDY_COLUMNS
    assert set(s["reporter"]) == {"AZE"}
    ru = s[(s["flow"] == "import") & (s["measure"] == "partner") & (s["partner"] == "RUS") & (s["year"] == 2015)]
    assert ru["usd_mn"].tolist() == [1437.14] and ru["share_pct"].tolist() == [15.6]
    total = s[(s["flow"] == "import") & (s["measure"] == "total")].set_index("year")["usd_mn"]
    assert total[2015] == pytest.approx(9211.13)
    assert set(s.loc[s["measure"] == "product", "partner"]) == {"_WLD"}


@pytest.mark.integration
@pytest.mark.parametrize(("old", "new", "message"), [
    ("Reporter,Partner", "Country,Partner", "leading columns"),
    (",2015,2014,", ",2014,2015,", "latest year down"),
    ("Vegetable", "Vegetables", "unknown product group"),
])
def test_changed_layout_fails_clearly(aze_excerpt, old, new, message):
    _rewrite(aze_excerpt, old, new)
    with pytest.raises(UnknownLayoutError, match=message) as err:
        wits.load_trade_summary(aze_excerpt, manifest.get(AZE))
    assert aze_excerpt.name in str(err.value)


@pytest.mark.integration
def test_missing_indicator_fails(wits_aze_excerpt):
    path = wits_aze_excerpt
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(ln for i, ln in enumerate(lines) if i == 0 or b"Imports (in US$ Mil)" not in ln))
    with pytest.raises(UnknownLayoutError, match="indicators missing"):
        wits.load_trade_summary(path, manifest.get(AZE))


@pytest.mark.integration
def test_unknown_partner_spelling_fails(aze_excerpt):
    _rewrite(aze_excerpt, "Germany,", "Deutschland,")
    with pytest.raises(UnknownCountryError, match="Deutschland"):
        wits.load_trade_summary(aze_excerpt, manifest.get(AZE))


@pytest.mark.integration
def test_every_wits_record_loads_through_the_registry(raw):
    for source_id in ("wits_trade_summary_aze", "wits_trade_summary_rus", "wits_trade_summary_tur"):
        assert registry.loader_of(manifest.get(source_id)) is wits.load_trade_summary
        assert set(registry.load(source_id)["reporter"]) == {manifest.get(source_id).format["reporter"]}
