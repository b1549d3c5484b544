"""``khar claim ID`` in a project copy holding one cheap notebook (07_regime): the certificate and its PDF, an
unknown id, and a failed replay that leaves ``reports/`` as it was."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from khar_analysis.build import printing
from khar_analysis.core.paths import copy_inputs
from khar_analysis.provenance import manifest

NOTEBOOK, CLAIM = "07_regime", "REGIME-1"


@pytest.fixture
def regime_copy(tmp_path, lay):
    """A project copy with notebook 07 only, its raw files from the checkout's verified ones."""
    manifest.verify(lay=lay, allow_download=False)
    return copy_inputs(lay, tmp_path / "project", [NOTEBOOK])


def _khar(copy, lay, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KHAR_ROOT": str(copy.root), "KHAR_DATA_MIRROR": str(lay.raw), "KHAR_PDF": "1"}
    return subprocess.run([sys.executable, "-m", "khar_analysis.build.cli", *args], cwd=copy.root, env=env,
                          capture_output=True, text=True, timeout=600)


def test_khar_claim_writes_the_certificate_and_its_pdf(regime_copy, lay):
    proc = _khar(regime_copy, lay, "claim", CLAIM)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    folder = regime_copy.reports / "claims"
    page = (folder / f"{CLAIM}.html").read_text(encoding="utf-8")
    article_sha = manifest.load_manifest(lay)[lay.article_id].sha256
    for shown in (f"Certificate for claim {CLAIM}", "Verdict", article_sha, "Software", "papermill",
                  "replaying this claim", "whole replay"):
        assert shown in page, shown
    assert sorted(p.name for p in regime_copy.reports.iterdir()) == ["claims"], "a replay writes only its certificate"
    assert not list(regime_copy.root.glob(".reports.stage-*")), "the staging folder is removed"
    if printing.find_browser() is None:
        assert f"{CLAIM}.pdf skipped" in proc.stdout and not (folder / f"{CLAIM}.pdf").exists()
        return
    from pypdf import PdfReader

    pdf = folder / f"{CLAIM}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert CLAIM in text and article_sha in text.replace("\n", "")
    assert b"file:" not in pdf.read_bytes() and str(regime_copy.root).encode() not in pdf.read_bytes()


def test_an_unknown_id_is_one_line_with_close_ids(regime_copy, lay):
    proc = _khar(regime_copy, lay, "claim", "REGIME-9")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr
    assert "no registered claim 'REGIME-9'; close ids: REGIME-1, REGIME-2" in proc.stderr
    assert not regime_copy.reports.exists() or not any(regime_copy.reports.iterdir())


def test_a_failed_replay_leaves_the_reports_folder_as_it_was(regime_copy, lay, snapshot):
    path = regime_copy.notebooks / f"{NOTEBOOK}.ipynb"
    book = nbformat.read(path, as_version=4)
    book.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('a broken analysis')"))
    nbformat.write(book, path)
    old = regime_copy.reports / "claims" / f"{CLAIM}.html"
    old.parent.mkdir(parents=True)
    old.write_text("the previous certificate", encoding="utf-8")
    before = snapshot(regime_copy.reports)
    proc = _khar(regime_copy, lay, "claim", CLAIM)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "RuntimeError: a broken analysis" in proc.stderr
    assert snapshot(regime_copy.reports) == before
    assert not list(regime_copy.root.glob(".reports.stage-*"))
