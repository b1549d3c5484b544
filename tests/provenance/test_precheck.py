"""The stdlib-only data check of ``make data-check``: one headline and one line per missing file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from khar_analysis.provenance import manifest, precheck

from .conftest import tiny_record, write_project


def test_the_regex_reader_agrees_with_the_yaml_reader_on_the_real_manifest(lay):
    for file in manifest.manifest_files(lay):
        text = file.read_text(encoding="utf-8")
        want = [(r["id"], r["path"], r["obtain"].get("download_url", ""), "authored" in r)
                for r in yaml.safe_load(text)]
        got = [(r["id"], r["path"], r["download_url"], r["authored"]) for r in precheck.scan_manifest(text)]
        assert got == want, file.name


def test_no_mirror_and_a_file_without_url_prints_the_headline_and_one_line_per_missing_file(tiny):
    project, _ = tiny
    lines = precheck.check(project.root)
    assert lines[0] == precheck.headline("../shared/data")
    assert lines[1:] == ["  a: data/raw/g/a.csv <- http://127.0.0.1:9/a.csv",
                         "  b: data/raw/g/b.csv <- recipe: khar manifest --show b"]


def test_a_mirror_folder_an_archive_or_download_urls_for_all_missing_files_let_it_pass(tiny, tmp_path, monkeypatch):
    project, data = tiny
    monkeypatch.setenv("KHAR_DATA_MIRROR", str(tmp_path))
    assert precheck.check(project.root) == []
    monkeypatch.setenv("KHAR_DATA_MIRROR", str(tmp_path / "missing"))
    assert precheck.check(project.root)[0] == precheck.headline(str(tmp_path / "missing"))
    (project.raw / "g").mkdir()
    (project.raw / "g" / "b.csv").write_bytes(data["b"])  # only `a` is missing, and it has a URL
    assert precheck.check(project.root) == []
    (project.raw / "g" / "b.csv").unlink()
    (project.manifest_dir / "archive.yaml").write_text("archive:\n  doi: 10.5281/zenodo.1\n", encoding="utf-8")
    assert precheck.check(project.root) == []


def test_the_headline_of_the_check_is_the_headline_of_khar_fetch(tmp_path, monkeypatch):
    monkeypatch.delenv("KHAR_DATA_MIRROR", raising=False)
    project = write_project(tmp_path / "w" / "p", [tiny_record("b", b"x\n")])
    try:
        manifest.verify(lay=project)
    except manifest.DataVerificationError as exc:
        assert str(exc).splitlines() == [line.strip() for line in precheck.check(project.root)]


def test_the_script_runs_on_the_system_python_and_exits_non_zero_without_a_traceback(tiny):
    project, _ = tiny
    script = Path(precheck.__file__)
    python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable  # the system one when there is one
    run = subprocess.run([python, "-I", str(script)], cwd=project.root, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.splitlines()[0].startswith("no data mirror found at ../shared/data; set KHAR_DATA_MIRROR")
    assert len(run.stderr.splitlines()) == 3
