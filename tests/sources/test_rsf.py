"""RSF loaders on tiny excerpts of the real files, the score decoding, and the check against RSF's own CSV."""

from __future__ import annotations

import math

import pytest

from khar_analysis.analysis import regime
from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.sources import rsf
from khar_analysis.sources.index_tables import LOWER_FREER

pytestmark = pytest.mark.integration

RSF_SERIES = "rsf_2002-2025_extract"
RSF_2025 = "rsf_2025_raw_extract"


# --- RSF -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("stored", "kind", "expected"), [
    ("2799", "numeric", 27.99), ("716", "numeric", 71.6), ("27", "numeric", 27.0), ("56,38", "character", 56.38),
    ("18,83333333", "character", 18.83333333), ("26", "character", 26.0),
])
def test_decode_rsf_score(stored, kind, expected):
    assert rsf.decode_score(stored, kind) == pytest.approx(expected)


@pytest.mark.parametrize(("stored", "kind"), [("31125", "numeric"), ("5,5", "character"), ("2,7", "numeric"),
                                              ("27", "logical")])
def test_decode_rsf_score_refuses_ambiguous_values(stored, kind):
    with pytest.raises(ValueError):
        rsf.decode_score(stored, kind)


def _rsf_lines(i: int, line: str) -> bool:
    return i == 1 or ",AZE," in line


def test_rsf_series_decoded_with_scale_breaks_and_offsets(excerpt, record):
    tidy = rsf.load_series(excerpt(RSF_SERIES, _rsf_lines), record(RSF_SERIES))
    score = tidy[tidy["series"] == "rsf:score"].set_index("edition")
    assert score.loc[2025, "value"] == pytest.approx(25.47)  # stored 2547
    assert score.loc[2017, "value"] == pytest.approx(43.6)  # stored 436
    assert score.loc[2012, "data_year"] == 2011  # the 2011-12 edition
    assert score.loc[2012, "direction"] == LOWER_FREER
    assert math.isnan(score.loc[2012, "scale_max"])
    assert {score.loc[e, "scale"] for e in (2013, 2021)} == {rsf.SCALES[1].label}
    assert score.loc[2022, "scale"] == rsf.SCALES[2].label
    with pytest.raises(ValueError, match="crosses a scale break"):
        regime.window_change(tidy[tidy["series"] == "rsf:score"], 2020, 2022)


def test_rsf_series_wrong_decoding_fails(excerpt, record):
    path = excerpt(RSF_SERIES, _rsf_lines)
    path.write_bytes(path.read_bytes().replace(b"25.47,2547", b"25.47,2548"))
    with pytest.raises(UnknownLayoutError, match="decoded scores differ"):
        rsf.load_series(path, record(RSF_SERIES))


def test_rsf_decoding_checked_against_raw_2025(excerpt, record, value):
    series = rsf.load_series(excerpt(RSF_SERIES, _rsf_lines), record(RSF_SERIES))
    raw = rsf.load_2025(excerpt(RSF_2025, lambda i, line: i == 1 or line.startswith("AZE;")), record(RSF_2025))
    assert value(raw, "rsf:score", "AZE", 2024) == pytest.approx(25.47)
    assert value(raw, "rsf:score", "AZE", 2023) == pytest.approx(27.99)  # Score N-1
    assert value(raw, "rsf:safety", "AZE", 2024) == pytest.approx(28.57)
    report = rsf.check_decoding(series, raw)
    assert len(report) == 4 and report["matches"].all()
    bad = series.copy()
    bad.loc[(bad["series"] == "rsf:rank") & (bad["edition"] == 2025), "value"] = 166.0
    with pytest.raises(UnknownLayoutError, match="differs from RSF's 2025 CSV"):
        rsf.check_decoding(bad, raw)
