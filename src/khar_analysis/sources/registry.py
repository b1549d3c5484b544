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
