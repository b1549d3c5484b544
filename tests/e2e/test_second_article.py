"""A second, unrelated article builds with the same library: its own project file, manifest, register and
notebook in a temporary folder, and nothing in the library specific to it.

The project is written from scratch here: a few English lines of article text and one small CSV, both
pinned by sha256 in its manifest and served from a private mirror folder; two claims; one notebook that
reads the CSV and displays two verdicts. ``khar build`` runs with the project as working directory and
``KHAR_ROOT``; the project's own ``reports/ledger.csv`` must hold the two verdicts.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = pytest.mark.slow

ARTICLE = """12 March 2026
Harbour trade in a small town
Harbour trade in a small town
Ships
The harbour handled 120 ships in 2024. It was busier than any year before.
Fish
Fish landings rose to 45 tonnes in 2024, the article says.
References
1. Harbour office, annual table 2024.
"""
TABLE = "year,ships,fish_t\n2023,98,40\n2024,121,44.5\n"
PROJECT = """[project]
name = "harbour-check"
version = "0.0.1"

[tool.khar]
article = "{article}"
register = "register"
notebooks = "books"
reports = "out"
"""
REGISTER = """
- id: HBR-1
  family: harbour
  line: 5
  anchor: ["120 ships"]
  gloss: the harbour handled about 120 ships in 2024
  claim_type: count
  claimed: {value: 120, unit: ships, text: "120 ships in 2024"}
  rule: {kind: approx, tolerance: {abs: 2}}
  notebook: 01_harbour
  sources: [harbour_table]
- id: HBR-2
  family: harbour
  line: 7
  anchor: ["45 tonnes"]
  gloss: fish landings reached at least 45 tonnes in 2024
  claim_type: count
  claimed: {value: 45, unit: tonnes, text: "45 tonnes in 2024"}
  rule: {kind: at_least}
  notebook: 01_harbour
  sources: [harbour_table]
"""


def _record(sid: str, path: str, data: bytes, kind: str, extra: str = "") -> str:
    return textwrap.dedent(f"""\
        - id: {sid}
          group: harbour
          publisher: Harbour office (test fixture)
          title: "{sid} written by the second-article test"
          landing_url: https://example.org/harbour
          obtain: {{query: "written by tests/e2e/test_second_article.py"}}
          release: "2026"
          licence: CC0 (test fixture)
          redistribution: test fixture
          sha256: {hashlib.sha256(data).hexdigest()}
          size_bytes: {len(data)}
          path: {path}
          format: {{type: {kind}}}
          claims: [HBR-1, HBR-2]
        """) + extra


def _notebook() -> nbformat.NotebookNode:
    nb = new_notebook(cells=[
        new_markdown_cell("# Harbour: HBR-1, HBR-2"),
        new_code_cell('table_source = "harbour_table"\nyear = 2024', metadata={"tags": ["parameters"]}),
        new_code_cell("import pandas as pd\nfrom khar_analysis.claims import register as claims\n"
                      "from khar_analysis.provenance import manifest\n"
                      "row = pd.read_csv(manifest.path(table_source)).set_index('year').loc[year]"),
        new_code_cell('claims.verdict("HBR-1", int(row["ships"]))'),
        new_code_cell('claims.verdict("HBR-2", float(row["fish_t"]))'),
    ])
    nb.metadata["kernelspec"] = {"name": "khar-analysis", "language": "python", "display_name": "k"}
    return nb


def write_project(root: Path, mirror: Path, language: str | None, article_id: str) -> None:
    """The whole second project below ``root``, its raw files in ``mirror`` only."""
    article, table = ARTICLE.encode(), TABLE.encode()
    for rel, data in (("harbour/article_en.txt", article), ("harbour/harbour_2024.csv", table)):
        (mirror / rel).parent.mkdir(parents=True, exist_ok=True)
        (mirror / rel).write_bytes(data)
    (root / "data" / "raw" / "manifest").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PROJECT.format(article=article_id), encoding="utf-8")
    lang = f"  language: {language}\n" if language else ""
    (root / "data" / "raw" / "manifest" / "harbour.yaml").write_text(
        _record(article_id, "harbour/article_en.txt", article, "txt", lang)
        + _record("harbour_table", "harbour/harbour_2024.csv", table, "csv"), encoding="utf-8")
    (root / "register").mkdir()
    (root / "register" / "harbour.yaml").write_text(REGISTER.lstrip(), encoding="utf-8")
    (root / "books").mkdir()
    nbformat.write(_notebook(), root / "books" / "01_harbour.ipynb")


def _build(root: Path, mirror: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KHAR_ROOT": str(root), "KHAR_DATA_MIRROR": str(mirror), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "khar_analysis.build.cli", "build", "-j", "1"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def _ledger(root: Path) -> dict[str, str]:
    with (root / "out" / "ledger.csv").open(encoding="utf-8") as fh:
        return {r["claim_id"]: r["verdict"] for r in csv.DictReader(fh)}


def test_an_article_without_a_declared_language_stops_the_build_in_one_line(tmp_path):
    """The language module is chosen by the article's manifest record: no ``language``, no guessing."""
    root, mirror = tmp_path / "harbour", tmp_path / "mirror"
    write_project(root, mirror, language=None, article_id="article")
    proc = _build(root, mirror)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if "error" in ln]
    assert len(errors) == 1 and "article: the manifest record of the article declares no language" in errors[0]
    assert not (root / "out").exists()


def test_a_second_article_declared_english_under_its_own_id_builds_its_own_ledger(tmp_path):
    """The article declared English, under the source id the project file names (not ``article``).

    The article layer reads the language from the manifest record and the article's id from
    ``Layout.article_id``; nothing in the library names this article.
    """
    root, mirror = tmp_path / "harbour", tmp_path / "mirror"
    write_project(root, mirror, language="en", article_id="harbour_article")
    proc = _build(root, mirror)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert _ledger(root) == {"HBR-1": "reproduced", "HBR-2": "not_reproduced"}
