"""The conventions of a replication package on a code host: citation metadata, changelog, CI workflow, Binder,
licence note. Checked for shape and for agreement with pyproject.toml, the Makefile and .ci/run.

``cff_schema_1.2.0.json`` beside this file is the Citation File Format 1.2.0 JSON schema
(https://citation-file-format.github.io/1.2.0/schema.json, CC BY 4.0), as shipped in cffconvert 2.0.0;
cffconvert itself is not installed because it needs jsonschema < 4.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import tomllib
from pathlib import Path

import jsonschema
import yaml

HERE = Path(__file__).parent
DATASETS = ["SIPRI", "KNOMAD", "DESA", "WITS", "Statistical Review", "Eurostat", "V-Dem", "Freedom House",
            "Press Freedom", "EIU"]


def _as_json(value):
    """YAML dates become ISO strings, as the CFF schema expects strings."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _cff(root: Path) -> dict:
    return _as_json(yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8")))


def _pyproject(root: Path) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_citation_cff_is_valid_cff_1_2_0(lay):
    schema = json.loads((HERE / "cff_schema_1.2.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_cff(lay.root))]
    assert not errors


def test_the_cff_schema_check_catches_a_broken_file():
    schema = json.loads((HERE / "cff_schema_1.2.0.json").read_text(encoding="utf-8"))
    broken = {"cff-version": "1.2.0", "title": "x", "authors": [{"name": "y"}], "license": "not-spdx"}
    messages = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(broken)]
    assert any("message" in m for m in messages)
    assert any("not-spdx" in m for m in messages)


def test_citation_cff_agrees_with_the_project_and_cites_article_and_data(lay):
    cff = _cff(lay.root)
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == _pyproject(lay.root)["version"]
    assert cff["license"] == "MIT"
    dt.date.fromisoformat(cff["date-released"])
    article = cff["references"][0]
    assert article["type"] == "article" and article["date-published"] == "2026-01-28"
    assert article["authors"] == [{"name": "KHAR Center"}]
    cited = " ".join(f"{r['title']} {r['authors']}" for r in cff["references"][1:])
    assert [name for name in DATASETS if name.lower() not in cited.lower()] == []


def test_changelog_has_unreleased_and_the_current_version(lay):
    text = (lay.root / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, re.MULTILINE)
    assert headings[0] == "Unreleased"
    assert _pyproject(lay.root)["version"] in headings
    assert re.search(r"^## \[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}$", text, re.MULTILINE)


def test_ci_workflow_runs_what_ci_run_runs(lay):
    workflow = yaml.safe_load((lay.root / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    assert True in workflow or "on" in workflow  # YAML 1.1 reads the key `on` as true
    (job,) = workflow["jobs"].values()
    assert job["runs-on"].startswith("ubuntu")
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert str(python["with"]["python-version"]) == "3.11"
    runs = [s["run"].strip() for s in steps if "run" in s]
    ci_run = [line for line in (lay.root / ".ci/run").read_text(encoding="utf-8").splitlines()
              if line.startswith("make ")]
    assert [r for r in runs if r.startswith("make ")] == ci_run == ["make test-fast", "make test"]
    data_step = next(s for s in steps if "mirror" in s.get("name", "").lower())
    assert steps.index(data_step) < next(i for i, s in enumerate(steps) if s.get("run") == "make test")


def test_binder_installs_the_lock_and_registers_the_kernel(lay):
    binder = lay.root / "binder"
    lines = [ln.strip() for ln in (binder / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    assert [ln for ln in lines if ln and not ln.startswith("#")] == ["-r ../requirements.lock"]
    assert (binder / "../requirements.lock").resolve() == (lay.root / "requirements.lock").resolve()
    minor = _pyproject(lay.root)["requires-python"].removeprefix(">=")
    assert (binder / "runtime.txt").read_text(encoding="utf-8").strip() == f"python-{minor}"
    post = (binder / "postBuild").read_text(encoding="utf-8")
    assert os.access(binder / "postBuild", os.X_OK)
    kernel = re.search(r"^KERNEL := (\S+)$", (lay.root / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)[1]
    assert f"ipykernel install --sys-prefix --name {kernel}" in post
    assert "--no-deps" in post and "khar fetch" in post


def test_binder_post_build_without_data_prints_how_to_get_it_and_succeeds(lay, tmp_path):
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name, body in {"python": "exit 0", "khar": "echo 'no data mirror found'; exit 1"}.items():
        (stubs / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (stubs / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{stubs}:{os.environ['PATH']}", "KHAR_DATA_MIRROR": str(tmp_path / "none")}
    done = subprocess.run(["bash", str(lay.root / "binder/postBuild")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert "no data mirror found" in done.stdout
    assert "Data availability" in done.stdout


def test_licence_separates_code_and_data_terms(lay):
    text = (lay.root / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "covers the code only" in text
    assert "data/raw/manifest/" in text


def test_readme_badges_point_at_binder_and_ci(lay):
    head = (lay.root / "README.md").read_text(encoding="utf-8").split("\n## ")[0]
    assert re.search(r"https://mybinder\.org/v2/gh/OWNER/REPO/HEAD", head)
    assert "actions/workflows/ci.yml/badge.svg" in head
