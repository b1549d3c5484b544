"""``ro-crate-metadata.json``: the build as a Process Run Crate, written and read back with ``rocrate``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from rocrate.rocrate import ROCrate

from khar_analysis.build import crate
from khar_analysis.provenance.manifest import Source

SHA = "cd" * 32


def _source(sid: str, **kw) -> Source:
    base = {"id": sid, "group": "g", "publisher": "A Bureau", "title": f"Table {sid}",
            "landing_url": "https://example.org/t", "obtain": {"steps": ["open https://example.org/t"]},
            "release": "2024", "licence": "CC BY 4.0", "redistribution": "free", "sha256": SHA, "size_bytes": 12,
            "path": f"g/{sid}.csv", "format": {"type": "csv"}, "claims": []}
    return Source(**(base | kw))


@pytest.fixture
def stage(tmp_path):
    """A staged report of two notebooks (one ran, one carried over) and the committed notebooks' folder."""
    books = tmp_path / "notebooks"
    books.mkdir()
    for name in ("01_a", "02_b"):
        cell = new_code_cell('window: list = [2010, 2020]  # years\nsource_id: str = "a"  # the table')
        cell.metadata["tags"] = ["parameters"]
        nbformat.write(new_notebook(cells=[cell]), books / f"{name}.ipynb")
    out = tmp_path / "stage"
    for rel in ("notebooks/01_a.ipynb", "notebooks/01_a.html", "notebooks/02_b.ipynb", "notebooks/02_b.html",
                "figures/01_a/fig1.png", "a_table.csv", "evidence/X-1.csv", "index.html", "ledger.csv"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("x", encoding="utf-8")
    return out, books


def _plans(books):
    return [SimpleNamespace(name="01_a", path=books / "01_a.ipynb", key={"raw": {"a": "x", "c": "y"}}, runs=True,
                            ran_with={"window": [2012, 2020]}),
            SimpleNamespace(name="02_b", path=books / "02_b.ipynb", key={"raw": {"b": "x"}}, runs=False, ran_with={})]


def test_the_crate_holds_inputs_runs_and_outputs_and_reads_back(stage):
    out, books = stage
    records = {"a": _source("a", obtain={"download_url": "https://example.org/a.csv"}),
               "b": _source("b", licence="the publisher's terms (not checked)"), "c": _source("c")}
    runs = {"01_a": {"start": "2026-12-02T05:00:00+00:00", "end": "2026-12-02T05:00:14+00:00"}}
    start = datetime(2026, 12, 2, 4, 59, tzinfo=UTC)
    made = crate.build_crate(out, records, _plans(books), runs, {"01_a": ["a_table.csv"]},
                             {"01_a": ["evidence/X-1.csv"]}, {"versions": {"pandas": "3.1.1"}}, start,
                             datetime(2026, 12, 2, 5, 1, tzinfo=UTC))
    made.metadata.write(out)
    text = (out / crate.FILE).read_text(encoding="utf-8")
    assert str(out.parent) not in text and "/".join(["", "tmp", ""]) not in text, "no machine path"
    back = ROCrate(out)
    assert back.root_dataset["conformsTo"].id == crate.PROFILE
    a = back.get("../data/raw/g/a.csv")
    assert a["sha256"] == SHA and a["contentUrl"] == "https://example.org/a.csv"
    assert a["license"].id == "https://creativecommons.org/licenses/by/4.0/"
    assert back.get("../data/raw/g/b.csv")["license"]["description"] == "the publisher's terms (not checked)"
    run = back.get("#run-01_a")
    assert run.type == "CreateAction" and run["actionStatus"] == crate.COMPLETED  # an @id outside the graph
    assert (run["startTime"], run["endTime"]) == (runs["01_a"]["start"], runs["01_a"]["end"])
    assert run["instrument"]["identifier"] == "notebooks/01_a.ipynb" and len(run["instrument"]["sha256"]) == 64
    objects = {o.id: o for o in run["object"]}
    assert {"../data/raw/g/a.csv", "../data/raw/g/c.csv"} <= set(objects)
    params = {o["name"]: o["value"] for o in objects.values() if o.type == "PropertyValue"}
    assert params == {"window": "[2012, 2020]", "source_id": "a"}, "defaults with the overrides it ran with"
    assert {r.id for r in run["result"]} == {"notebooks/01_a.ipynb", "notebooks/01_a.html", "figures/01_a/fig1.png",
                                            "a_table.csv", "evidence/X-1.csv"}
    skipped = back.get("#run-02_b")
    assert "startTime" not in skipped.properties() and "carried over" in skipped["description"]
    build = back.get("#build")
    assert {r.id for r in build["result"]} == {"index.html", "ledger.csv"}
    assert build["startTime"] == "2026-12-02T04:59:00+00:00"
    assert [s["name"] for s in build["instrument"]["softwareRequirements"]] == ["pandas"]


@pytest.mark.integration
def test_write_uses_the_manifest_and_the_ledger_rows(stage, lay):
    out, books = stage
    rows = [{"claim_id": "X-1", "notebook": "01_a", "evidence": "evidence/X-1.csv"}, {"claim_id": "X-2",
                                                                                     "notebook": "02_b"}]
    path = crate.write(out, lay, _plans(books), {}, {}, rows, {}, crate.started_at(3.0))
    doc = json.loads(path.read_text(encoding="utf-8"))
    ids = {e["@id"] for e in doc["@graph"]}
    assert "../data/raw/article/000_63a142e99ca5425b.txt" in ids and "evidence/X-1.csv" in ids
    assert ROCrate(out).get("#run-01_a") is not None
