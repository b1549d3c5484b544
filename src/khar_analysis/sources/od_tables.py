"""The one tidy layout of origin x destination tables (World Bank matrices in :mod:`knomad`, UN DESA in
:mod:`undesa`), and the check every such loader makes.

Tidy form, one row per cell: ``source, edition, year, origin, destination, origin_name,
destination_name, <value>, is_not_available``. ``<value>`` names its unit (``usd_mn`` for remittances,
``persons`` for migrant stocks). Codes come from :mod:`~khar_analysis.core.countries`; the World Bank
matrices' total row and column map to ``_WLD`` and the migration matrices' residual groups to ``_ONO`` /
``_OSO``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from khar_analysis.core.layout_checks import expect_true

#: Columns of every tidy origin-destination table, before the value column.
KEY_COLUMNS = ["source", "edition", "year", "origin", "destination", "origin_name", "destination_name"]
WORLD = "_WLD"
#: Countries whose own cell (origin = destination) is not zero in the World Bank matrices: 3 persons
#: born in Vanuatu are recorded as migrants in Vanuatu (2013 and 2017 stocks), and the remittance
#: matrices built on those stocks carry a tiny Vanuatu-to-Vanuatu amount.
KNOWN_SELF_CELLS = {"VUT"}


def check_diagonal(table: pd.DataFrame, file: Path | str, value: str) -> None:
    """No country is its own partner: every own cell is zero (or not available) except
    :data:`KNOWN_SELF_CELLS`. Row labels shifted against their values put numbers there."""
    own = table[(table["origin"] == table["destination"]) & ~table["origin"].str.startswith("_")]
    bad = sorted(set(own.loc[(own[value].fillna(0) != 0), "origin"]) - KNOWN_SELF_CELLS)
    expect_true(file, not bad, f"countries with a non-zero cell for themselves {bad[:5]}: labels and values "
                               "do not line up")
