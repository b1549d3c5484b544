"""Wiring for the remittance and migration family (claims REM-1, MIG-1): source ids in, tidy tables out.

Each raw file is read by the loader its manifest record names (:mod:`registry`; World Bank/KNOMAD files
by :mod:`knomad`, WDI by :mod:`wdi`, UN DESA by :mod:`undesa`), and the parse is cached under
``data/processed/cache/`` keyed on the file's sha256 and the loaders' code. The notebook passes the ids.
"""

from __future__ import annotations

import pandas as pd

from khar_analysis.core import countries, workbooks
from khar_analysis.core.paths import Layout
from khar_analysis.provenance import manifest, processed
from khar_analysis.sources import identity, knomad, od_tables, registry, undesa, wdi


def load_table(source_id: str, lay: Layout | None = None) -> pd.DataFrame:
    """The tidy table of one remittance or migration source (its manifest record's loader), cached."""
    code = processed.code_hash(knomad, wdi, undesa, od_tables, identity, workbooks, countries)
    return processed.cached_object(f"remittances__{source_id}", [source_id],
                                   lambda: registry.load(source_id, lay), code=code, lay=lay)


def publishers(source_ids: list[str], lay: Layout | None = None) -> dict[str, str]:
    """Source id -> publisher, from the manifest (labels the migrant-stock series by publisher)."""
    return {sid: manifest.get(sid, lay).publisher for sid in source_ids}


def matrix_notes(source_ids: list[str], lay: Layout | None = None) -> pd.DataFrame:
    """For each remittance matrix: the migrant-stock year its notes state (None where the copy has no notes)."""
    rows = []
    for sid in source_ids:
        file = manifest.path(sid, lay)
        stated = None
        if file.suffix == ".xlsx":  # reading the notes opens the whole workbook: cached like the parse
            stated = processed.cached_object(f"remittances__notes_{sid}", [sid],
                                             lambda file=file: knomad.stated_stock_year(file),
                                             code=processed.code_hash(knomad), lay=lay)
        rows.append({"source": sid, "stated_stock_year": stated if stated is not None else "not stated in this copy"})
    return pd.DataFrame(rows)
