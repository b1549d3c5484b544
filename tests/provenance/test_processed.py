"""Processed tables are rebuilt exactly when their inputs, parameters, code or data resources change, and a
table whose bytes do not match the sha256 its sidecar records is never trusted."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from khar_analysis.core.paths import Layout
from khar_analysis.provenance import processed


@pytest.fixture
def project(tmp_path, lay):
    root = tmp_path / "p"
    shutil.copytree(lay.manifest_dir, root / "data" / "raw" / "manifest")
    shutil.copy(lay.root / "pyproject.toml", root)
    return Layout(root)


@pytest.fixture
def builder():
    calls = []

    def build():
        calls.append(1)
        return pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})

    build.calls = calls
    return build


def test_cached_table_rebuilds_only_on_change(project, builder):
    args = ("t__demo", ["article"], builder)
    first = processed.cached_table(*args, params={"k": 1}, code="c1", lay=project)
    second = processed.cached_table(*args, params={"k": 1}, code="c1", lay=project)
    assert len(builder.calls) == 1 and first.equals(second)
    meta = json.loads((project.processed / "t__demo.meta.json").read_text(encoding="utf-8"))
    assert meta["inputs"] == {"article": processed.manifest.get("article", project).sha256}
    assert meta["resources"] == processed.resources_hash()
    assert meta["sha256"] == processed.hashlib.sha256((project.processed / "t__demo.csv").read_bytes()).hexdigest()
    processed.cached_table(*args, params={"k": 2}, code="c1", lay=project)
    processed.cached_table(*args, params={"k": 2}, code="c2", lay=project)
    assert len(builder.calls) == 3


def test_an_edited_resource_changes_the_key(project, builder, monkeypatch, tmp_path):
    processed.cached_table("t__demo", ["article"], builder, lay=project)
    mapping = tmp_path / "country_names.csv"
    mapping.write_text("spelling,code,kind,note\nTurkey,TUR,country,\n", encoding="utf-8")
    original = processed.resources_hash
    monkeypatch.setattr(processed, "resources_hash", lambda: original([mapping]))
    processed.cached_table("t__demo", ["article"], builder, lay=project)
    assert len(builder.calls) == 2


def test_a_table_altered_by_hand_is_rebuilt_with_one_line(project, builder, capsys):
    processed.cached_table("t__demo", ["article"], builder, lay=project)
    table = project.processed / "t__demo.csv"
    good = table.read_bytes()
    table.write_bytes(good.replace(b"1,x", b"7,x"))
    again = processed.cached_table("t__demo", ["article"], builder, lay=project)
    assert len(builder.calls) == 2 and table.read_bytes() == good and again["a"].tolist() == [1, 2]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "data/processed/t__demo.csv does not match the sha256 its sidecar records" in err[0]


def test_a_cached_object_altered_by_hand_is_not_unpickled(project, capsys):
    made = []

    def build():
        made.append(1)
        return {"rows": [1, 2]}

    assert processed.cached_object("o__demo", ["article"], build, lay=project) == {"rows": [1, 2]}
    pkl = project.processed / "cache" / "o__demo.pkl"
    pkl.write_bytes(pkl.read_bytes() + b"tampered")
    assert processed.cached_object("o__demo", ["article"], build, lay=project) == {"rows": [1, 2]}
    assert len(made) == 2 and "o__demo.pkl does not match" in capsys.readouterr().err
