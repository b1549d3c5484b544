"""Shared fixtures: the real project layout, verified raw files, and tiny excerpts cut from them.

Excerpts are cut at test time from the pinned raw files (never committed: the files are third-party),
so every unit test runs on real bytes in a few milliseconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from khar_analysis.core.paths import layout
from khar_analysis.provenance import manifest


@pytest.fixture(scope="session")
def lay():
    return layout()


@pytest.fixture(scope="session")
def raw(lay):
    """``raw(source_id)`` -> the verified local path of a pinned raw file."""

    def get(source_id: str) -> Path:
        manifest.verify([source_id], lay=lay, allow_download=False)
        return manifest.path(source_id, lay)

    return get


@pytest.fixture
def excerpt(raw, tmp_path):
    """``excerpt(source_id, keep)`` -> a copy of a raw text file keeping the lines ``keep(i, line)`` accepts.

    Line terminators are kept byte for byte; ``i`` is the 1-based line number.
    """

    def cut(source_id: str, keep, name: str | None = None) -> Path:
        data = raw(source_id).read_bytes().splitlines(keepends=True)
        kept = [ln for i, ln in enumerate(data, start=1) if keep(i, ln.decode("latin-1"))]
        out = tmp_path / (name or raw(source_id).name)
        out.write_bytes(b"".join(kept))
        return out

    return cut


@pytest.fixture
def wits_aze_excerpt(excerpt):
    """A cut of Azerbaijan's WITS trade summary (``wits_trade_summary_aze``): the header, the totals, a few
    partners' top-5 rows and every product row."""
    import csv

    from khar_analysis.sources import wits

    partners = {"...", "World", "Russian Federation", "Turkey", "Germany", "Italy"}

    def keep(i: int, line: str) -> bool:
        if i == 1:
            return True
        fields = next(csv.reader([line]))
        return fields[4] in wits.INDICATORS and fields[1] in partners

    return excerpt("wits_trade_summary_aze", keep)


@pytest.fixture(scope="session")
def catalogue_row():
    """``catalogue_row(**defaults)`` -> ``row(event_id, date, precision="day", **cells)``: a made-up event
    catalogue row with every column of the schema (blank unless given): a RUS-AZE event of CAMEO root 18
    with one source (grade ``single``), ``defaults`` and then ``cells`` laid over it."""
    from khar_analysis.sources.catalogue import COLUMNS

    def rows(**defaults: str):
        def row(event_id: str, date: str, precision: str = "day", **cells: str) -> dict[str, str]:
            base = {c: "" for c in COLUMNS}
            base.update(event_id=event_id, date=date, precision=precision, actors="RUS;AZE", dyad="AZE-RUS",
                        cameo_root="18", goldstein="-9.0", description="an event", source_outlet="O",
                        source_url="https://example.org/x", grade="single", grade_basis="one report")
            return {**base, **defaults, **cells}

        return row

    return rows


#: Fixtures that read the real raw files (through the verified local copies or the mirror): a test that uses
#: one belongs to the integration lane, which `make test-fast` leaves out.
MIRROR_FIXTURES = frozenset({"raw", "excerpt", "project", "full_report"})


def pytest_collection_modifyitems(config, items):
    """Mark tests that need the data mirror ``integration``; tests under ``tests/e2e`` are ``slow`` too."""
    for item in items:
        if MIRROR_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.integration)
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.integration)
