"""EIU loader on a tiny excerpt of the real file; every index loader fails naming its source and file
on a changed header."""

from __future__ import annotations

import pytest

from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.sources import eiu, freedomhouse, rsf, vdem

pytestmark = pytest.mark.integration

VDEM_CSV = "vdem_v15_vdem3_csv"
FIW = "fiw_2013-2025_extract"
RSF_SERIES = "rsf_2002-2025_extract"
RSF_2025 = "rsf_2025_raw_extract"
EIU = "eiu_owid_extract"


def _fiw_lines(i: int, line: str) -> bool:
    return i <= 2 or line.startswith(("Azerbaijan;", "Nagorno-Karabakh;Eurasia;t;2024"))


def _rsf_lines(i: int, line: str) -> bool:
    return i == 1 or ",AZE," in line


# --- EIU -----------------------------------------------------------------------------------------

def test_eiu_excerpt_and_classes(excerpt, record, value):
    tidy = eiu.load_index(excerpt(EIU, lambda i, line: i == 1 or line.startswith("Azerbaijan,")), record(EIU))
    assert value(tidy, "eiu:score", "AZE", 2024) == pytest.approx(2.8)
    assert value(tidy, "eiu:regime_class", "AZE", 2024) == 0.0
    assert [eiu.regime_class(x) for x in (4.0, 4.01, 6.0, 8.0, 8.01)] == [0, 1, 1, 2, 3]


@pytest.mark.parametrize(("load", "source", "keep", "old", "new"), [
    (lambda p, s: vdem.load_csv(p, s, wanted=["AZE"]), VDEM_CSV, lambda i, ln: i <= 3, b'"v2x_libdem"', b'"v2x_lib"'),
    (freedomhouse.load_fiw, FIW, _fiw_lines, b";Add Q;", b";AddQ;"),
    (rsf.load_series, RSF_SERIES, _rsf_lines, b"score_as_stored", b"score_stored"),
    (rsf.load_2025, RSF_2025, lambda i, ln: i <= 2, b"Score N-1", b"Score 2024"),
    (eiu.load_index, EIU, lambda i, ln: i <= 3, b"Democracy score", b"Democracy index"),
])
def test_changed_header_fails_naming_the_source_and_file(excerpt, load, source, keep, old, new, record):
    path = excerpt(source, keep)
    path.write_bytes(path.read_bytes().replace(old, new, 1))
    with pytest.raises(UnknownLayoutError, match=rf"^{source}: {path.name[:20]}.*header"):
        load(path, record(source))
