"""Tables a notebook publishes beside the report (e.g. ``citation_audit.csv``), and who owns each file.

During a build the pipeline sets ``KHAR_OUTPUT_DIR`` to the notebook's own staging folder
(``<stage>/outputs/<notebook>/``); outside a build (a reviewer's run, nbval) nothing is written. Every
published file belongs to exactly one notebook: :func:`claim` lifts the staged tables to the top of
the report and stops the build when two notebooks (or a notebook and the report itself) publish the
same name, naming both. The build records each notebook's files, so a notebook that is skipped keeps
exactly its own files and a notebook that runs again loses the ones it no longer writes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from khar_analysis.build.errors import BuildError
from khar_analysis.core.atomic import write_text

if TYPE_CHECKING:  # pandas is the notebooks' import; the build process (khar) need not load it
    import pandas as pd

#: Top-level names of the report that belong to the build itself, never to a notebook.
RESERVED = ("index.html", "ledger.csv", "notebooks", "figures", "outputs", "evidence", "data.html",
            "claimreview.jsonld", "ro-crate-metadata.json", "claims", "report.pdf")
#: The staging subfolder the notebooks' tables are written to, one folder per notebook.
STAGED = "outputs"


def check_name(name: str) -> str:
    """``name`` if it is a plain, visible file name ending in ``.csv`` that the report does not reserve."""
    if (not isinstance(name, str) or not name.endswith(".csv") or name.startswith(".")
            or "/" in name or "\\" in name or name in RESERVED):
        raise ValueError(f"output name {name!r} must be a plain file name ending in .csv, not starting with '.', "
                         f"and none of {list(RESERVED)}")
    return name


def save_csv(table: pd.DataFrame, name: str) -> None:
    """Write ``table`` as ``name`` (CSV, UTF-8, no index) into the build's output folder, if any.

    Returns nothing, so a notebook cell ending with this call displays nothing (no path in the report).
    """
    check_name(name)
    target = os.environ.get("KHAR_OUTPUT_DIR")
    if target:
        write_text(Path(target) / name, table.to_csv(index=False, lineterminator="\n"))


def claim(stage: Path, ran: list[str], kept: dict[str, list[str]]) -> dict[str, list[str]]:
    """Move the tables the notebooks in ``ran`` staged to the top of ``stage``; return every notebook's files.

    ``kept`` are the recorded files of the notebooks that did not run (carried over from the previous
    report). Raises :class:`BuildError` naming both owners when a name is published twice.
    """
    owner: dict[str, str] = {}
    staged = {nb: sorted(p.name for p in (stage / STAGED / nb).iterdir()) if (stage / STAGED / nb).is_dir()
              else [] for nb in ran}
    files = {**{nb: sorted(names) for nb, names in kept.items()}, **staged}
    clashes = []
    for nb in sorted(files):
        for name in files[nb]:
            if name in RESERVED:
                clashes.append(f"{name} is published by {nb} but belongs to the report itself")
            elif name in owner:
                clashes.append(f"{name} is published by both {owner[name]} and {nb}")
            owner.setdefault(name, nb)
    if clashes:
        raise BuildError("two owners for one published file; give one of them another output name "
                         "(the name passed to outputs.save_csv, often a notebook parameter): " + "; ".join(clashes))
    for nb, names in staged.items():
        for name in names:
            os.replace(stage / STAGED / nb / name, stage / name)
    if (stage / STAGED).is_dir():
        for folder in (stage / STAGED).iterdir():
            folder.rmdir()
        (stage / STAGED).rmdir()
    return files
