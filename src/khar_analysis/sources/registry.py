"""Which loader reads which raw file: chosen by the manifest record's ``format.loader``, never by its id.

Each entry maps a loader name (the value of ``format.loader`` in ``data/raw/manifest/*.yaml``) to the
``module:function`` below ``khar_analysis.sources`` that turns the file into a tidy table. A loader takes
the file's path and its manifest record (:class:`~khar_analysis.provenance.manifest.Source`), checks that
the file is what the record says, and names the source id when it is not.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from khar_analysis.core.paths import Layout
from khar_analysis.provenance import manifest

#: loader name -> "module:function" (module relative to khar_analysis.sources)
LOADERS: dict[str, str] = {
    # SIPRI, WITS, Statistical Review, Eurostat
    "sipri_register_peryear": "sipri:load_register_peryear",
    "sipri_register_classic": "sipri:load_register_classic",
    "sipri_tiv_imports": "sipri:load_tiv_imports",
    "wits_trade_summary": "wits:load_trade_summary",
    "statreview_workbook": "statreview:load_review",
    "eurostat_gas_imports": "eurostat:load_gas_imports",
    # World Bank/KNOMAD, UN DESA, WDI, V-Dem, Freedom House, RSF, EIU
    "wb_remittance_matrix_xlsx": "knomad:load_remittance_matrix_xlsx",
    "wb_remittance_matrix_csv": "knomad:load_remittance_matrix_csv",
    "wb_migration_matrix_xlsx": "knomad:load_migration_matrix_xlsx",
    "knomad_inflows": "knomad:load_inflows",
    "undesa_origin_destination": "undesa:load_origin_destination",
    "undesa_destination": "undesa:load_destination",
    "wdi_indicator_xls": "wdi:load_indicator",
    "vdem_extract": "vdem:load_extract",
    "vdem3_csv": "vdem:load_csv",
    "vdem_static_json": "vdem:load_json",
    "fiw_extract": "freedomhouse:load_fiw",
    "rsf_series": "rsf:load_series",
    "rsf_2025_csv": "rsf:load_2025",
    "eiu_owid_csv": "eiu:load_index",
    # the project's event catalogue
    "event_catalogue": "catalogue:load_catalogue",
}


class NoLoaderError(LookupError):
    """A manifest record names no loader, or one this package does not have."""


def loader_of(src: manifest.Source) -> Callable[..., Any]:
    """The loader function for ``src`` (by its ``format.loader``)."""
    name = src.format.get("loader")
    if not name:
        raise NoLoaderError(f"{src.id}: its manifest record names no format.loader (known: {sorted(LOADERS)})")
    if name not in LOADERS:
        raise NoLoaderError(f"{src.id}: format.loader {name!r} is not a known loader (known: {sorted(LOADERS)})")
    module, _, func = LOADERS[name].partition(":")
    return getattr(importlib.import_module(f"khar_analysis.sources.{module}"), func)


def load(source_id: str, lay: Layout | None = None, **options: Any) -> Any:
    """Load the verified raw file of ``source_id`` with the loader its manifest record names."""
    src = manifest.get(source_id, lay)
    return loader_of(src)(manifest.path(source_id, lay), src, **options)
