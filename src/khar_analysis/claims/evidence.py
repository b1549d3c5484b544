"""Evidence rows: the rows that decided a verdict, with the filter that chose them and the files they came from.

A notebook builds an :class:`Evidence` from the table its verdict rests on (raw-file rows, processed-table
rows or catalogue rows) with :func:`evidence`; the verdict carries it in its JSON, and the build writes it
as ``reports/evidence/<CLAIM>.csv`` (:func:`csv_text`): comment lines naming the claim, the filter in
words and in code, and each source file's sha256, then the rows, each opening with its ``source_id`` and
``sha256``. A reader can re-select the same rows from the pinned file with the code line.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from khar_analysis.core.paths import Layout
from khar_analysis.provenance import manifest

#: More rows than this is not evidence a reader can check; aggregate first (and say so in ``words``).
MAX_ROWS = 500


@dataclass(frozen=True)
class Evidence:
    """Rows behind a verdict: ``columns`` open with ``source_id`` and ``sha256``."""

    words: str
    code: str
    sources: tuple[tuple[str, str], ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def to_json(self, claim_id: str) -> dict[str, Any]:
        """The evidence as the verdict's JSON holds it."""
        return {"claim_id": claim_id, "words": self.words, "code": self.code,
                "sources": [{"id": i, "sha256": h} for i, h in self.sources],
                "columns": list(self.columns), "rows": [list(r) for r in self.rows]}


def _plain(value: Any) -> Any:
    """A JSON- and CSV-safe cell: numpy scalars to Python, NaN/NaT/None to an empty string, dates to ISO text."""
    if value is None:
        return ""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if str(value) != "NaT" else ""
    if isinstance(value, list | tuple | set):
        return "; ".join(map(str, value))
    return value if isinstance(value, bool | int | float | str) else str(value)


def evidence(table: Any, words: str, code: str, sources: Sequence[str], lay: Layout | None = None) -> Evidence:
    """The evidence for a verdict from ``table`` (a pandas DataFrame, or a list of dicts).

    ``words``: the filter that selected the rows, in words; ``code``: the same filter as code (e.g.
    ``recipient == "AZE" and 2011 <= year <= 2020``); ``sources``: the manifest ids of the files the rows
    come from. The table needs a ``source_id`` column unless exactly one source is given; each row gets
    its file's sha256 from the manifest. Raises ``ValueError`` naming what is wrong.
    """
    records = table.to_dict("records") if hasattr(table, "to_dict") else [dict(r) for r in table]
    if not words.strip() or not code.strip():
        raise ValueError("evidence needs the filter in words and in code")
    if not sources:
        raise ValueError("evidence needs the manifest ids of its source files")
    if len(records) > MAX_ROWS:
        raise ValueError(f"evidence has {len(records)} rows, more than {MAX_ROWS}: aggregate them and say how")
    pins = {sid: manifest.get(sid, lay).sha256 for sid in sources}
    columns = [c for c in (records[0] if records else {}) if c not in ("source_id", "sha256")]
    if not records and hasattr(table, "columns"):
        columns = [str(c) for c in table.columns if c not in ("source_id", "sha256")]
    rows = []
    for rec in records:
        sid = rec.get("source_id", sources[0] if len(sources) == 1 else None)
        if sid not in pins:
            raise ValueError(f"evidence row names source {sid!r}, not one of {list(pins)}")
        rows.append((sid, pins[sid], *(_plain(rec.get(c)) for c in columns)))
    return Evidence(words.strip(), code.strip(), tuple(pins.items()), ("source_id", "sha256", *map(str, columns)),
                    tuple(rows))


def csv_text(payload: dict[str, Any]) -> str:
    """An evidence file from the verdict JSON's ``evidence``: four comment lines, then the rows as CSV."""
    buf = io.StringIO()
    head = [f"# claim: {payload['claim_id']}", f"# filter (words): {payload['words']}",
            f"# filter (code): {payload['code']}",
            "# sources: " + "; ".join(f"{s['id']} sha256={s['sha256']}" for s in payload["sources"])]
    buf.write("\n".join(" ".join(h.split()) for h in head) + "\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(payload["columns"])
    writer.writerows(payload["rows"])
    return buf.getvalue()
