"""Tables a notebook publishes beside the report (e.g. ``citation_audit.csv``).

During a build the pipeline sets ``KHAR_OUTPUT_DIR`` to a staging folder and moves its files into
``reports/`` only when the whole build succeeded. Outside a build (a reviewer's run, nbval) nothing
is written.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from khar_analysis.core.atomic import write_text


def save_csv(table: pd.DataFrame, name: str) -> Path | None:
    """Write ``table`` as ``name`` (CSV, UTF-8, no index) into the build's output folder, if any."""
    if not name.endswith(".csv") or "/" in name:
        raise ValueError(f"output name {name!r} must be a plain file name ending in .csv")
    target = os.environ.get("KHAR_OUTPUT_DIR")
    if not target:
        return None
    return write_text(Path(target) / name, table.to_csv(index=False, lineterminator="\n"))
