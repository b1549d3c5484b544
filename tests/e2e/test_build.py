"""Whole builds in a project copy: the report, the no-op rebuild, and every way a build must stop cleanly.

Killed builds, published files and their owners, machine paths and operating-system errors are in
``test_robust.py``.
"""

from __future__ import annotations

import csv
import json
import re

import filelock
import nbformat
import pytest
from nbformat.v4 import new_code_cell

from khar_analysis.build import pipeline, publish
from khar_analysis.provenance import manifest


def _build(lay, mirror, **kw):
    return pipeline.build(lay, mirror=mirror, jobs=1, **kw)


def test_build_writes_the_report_and_the_ledger(built):
    lay, _ = built
    rows = list(csv.DictReader((lay.reports / "ledger.csv").open(encoding="utf-8")))
    assert {"claim_id", "verdict", "observed", "claimed", "notebook"} <= set(rows[0])
    arms = {r["claim_id"]: r["verdict"] for r in rows if r["notebook"] == "01_arms_imports"}
    assert arms == {"ARMS-1": "reproduced", "ARMS-2": "not_testable", "ARMS-R": "reproduced_with_caveat"}
    assert {r["parameters"] for r in rows} == {""}, "a default build overrides nothing"
    html = (lay.reports / "index.html").read_text(encoding="utf-8")
    assert 'id="overrides"' not in html, "no override banner on a default build"
    assert 'id="claim-ARMS-1"' in html and "четвёртое место" in html, "the quote is cut from the article"
    assert (lay.reports / "notebooks" / "01_arms_imports.html").exists()
    assert (lay.reports / "figures" / "01_arms_imports" / "arms1_ranking.png").exists()
    assert not publish.leftovers(lay), "the staging folder is removed"


def test_a_rebuild_with_nothing_changed_runs_no_notebook(built, capsys, snapshot):
    lay, mirror = built
    before = snapshot(lay.reports / "notebooks")
    capsys.readouterr()
    _build(lay, mirror)
    out = capsys.readouterr().out
    assert "01_arms_imports: skip (up to date)" in out and "executing" not in out
    assert "the published report is up to date" in out
    assert snapshot(lay.reports / "notebooks") == before


def test_the_machine_readable_files_and_the_data_page_are_published_and_kept_by_a_no_op_rebuild(built, capsys):
    from rocrate.rocrate import ROCrate

    lay, mirror = built
    names = ("claimreview.jsonld", "ro-crate-metadata.json", "data.html")
    before = {n: (lay.reports / n).read_bytes() for n in names}
    reviews = json.loads(before["claimreview.jsonld"])["@graph"]
    ledger = list(csv.DictReader((lay.reports / "ledger.csv").open(encoding="utf-8")))
    assert [r["identifier"] for r in reviews] == [r["claim_id"] for r in ledger]
    index = (lay.reports / "index.html").read_text(encoding="utf-8")
    embedded = index.split('<script type="application/ld+json" id="claimreview-jsonld">')[1].split("</script>")[0]
    assert json.loads(embedded) == json.loads(before["claimreview.jsonld"]), "the index embeds the same JSON-LD"
    run = ROCrate(lay.reports).get("#run-01_arms_imports")
    assert run["startTime"] <= run["endTime"] and "figures/01_arms_imports/arms1_ranking.png" in {
        r.id for r in run["result"]}
    assert 'id="source-sipri_register_peryear_2026-02-12"' in before["data.html"].decode()
    capsys.readouterr()
    _build(lay, mirror)
    assert "the published report is up to date" in capsys.readouterr().out
    assert {n: (lay.reports / n).read_bytes() for n in names} == before


def test_a_manifest_change_no_notebook_reads_re_renders_the_report_only(built, capsys):
    """No notebook depends on a licence text, but the report shows it (on the data page, when the build writes
    one): the report is rendered again."""
    lay, mirror = built
    record = lay.manifest_dir / "sipri.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("non-commercial research use",
                                                                 "non-commercial research use (edited)", 1),
                      encoding="utf-8")
    capsys.readouterr()
    _build(lay, mirror)
    out = capsys.readouterr().out
    assert "executing" not in out and "the published report is up to date" not in out
    if (data_page := lay.reports / "data.html").is_file():
        assert "non-commercial research use (edited)" in data_page.read_text(encoding="utf-8")


def test_a_register_change_reruns_its_notebook(built, capsys):
    lay, mirror = built
    reg = lay.claims_dir / "arms.yaml"
    reg.write_text(reg.read_text(encoding="utf-8").replace("(March-2025 release)", "(March 2025 release)", 1),
                   encoding="utf-8")
    capsys.readouterr()
    _build(lay, mirror)
    assert "01_arms_imports: run (its register rows changed)" in capsys.readouterr().out


def test_one_changed_byte_in_the_mirror_stops_the_build_and_keeps_the_report(built, snapshot):
    lay, mirror = built
    before = snapshot(lay.reports)
    target = mirror / "sipri" / "sipri_trade_register_peryear_gen2026-02-12_AZE_ARM.csv"
    data = bytearray(target.read_bytes())
    data[2000] ^= 0x20
    target.write_bytes(bytes(data))
    with pytest.raises(manifest.DataVerificationError) as err:
        _build(lay, mirror)
    msg = str(err.value)
    assert "sipri_register_peryear_2026-02-12" in msg and "expected 8d35cad0" in msg
    assert snapshot(lay.reports) == before


def test_a_failing_notebook_is_named_with_its_cell_and_the_report_survives(built, snapshot):
    lay, mirror = built
    before = snapshot(lay.reports)
    nb = nbformat.read(lay.notebooks / "01_arms_imports.ipynb", as_version=4)
    nb.cells.insert(5, new_code_cell("raise RuntimeError('deliberate failure')"))
    nbformat.write(nb, lay.notebooks / "01_arms_imports.ipynb")
    with pytest.raises(pipeline.BuildError, match=r"01_arms_imports.ipynb failed at cell 5 .*deliberate failure"):
        _build(lay, mirror)
    assert snapshot(lay.reports) == before
    assert not publish.leftovers(lay)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"01_arms_imports": {"end_year": 2000}}, "window start_year..end_year is reversed: start 2011 is "
                                                  "after end 2000"),
        ({"01_arms_imports": {"end_yr": 2020}}, "unknown parameter 'end_yr'"),
        ({"01_arms_imports": {"end_year": "2020"}}, "parameter end_year: expected int, found str '2020'"),
        ({"01_arms_imports": {"reference_source": "sipri_1999"}}, "unknown source id 'sipri_1999'"),
        ({"01_arms_imports": {"split": "even"}}, "split='even' is not one of"),
        ({"99_nothing": {"x": 1}}, r"unknown notebook\(s\) \['99_nothing'\]"),
    ],
)
def test_invalid_parameters_fail_clearly_and_keep_the_report(built, snapshot, params, message):
    lay, mirror = built
    before = snapshot(lay.reports)
    with pytest.raises(pipeline.BuildError, match=message):
        _build(lay, mirror, params=params)
    assert snapshot(lay.reports) == before


def test_a_second_build_refuses_while_one_holds_the_lock(project):
    lay, mirror = project
    lay.build.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(lay.build / ".lock"), pytest.raises(pipeline.BuildError, match="another build is running"):
        _build(lay, mirror, wait=False)


def _repin(lay, mirror, source_id, edit):
    """Simulate a new publisher file: edit the mirror copy and pin the manifest to its new sha256."""
    src = manifest.get(source_id, lay)
    target = mirror / src.path
    target.write_bytes(edit(target.read_bytes()))
    new = manifest.sha256_file(target)
    for file in lay.manifest_dir.glob("*.yaml"):
        text = file.read_text(encoding="utf-8")
        if src.sha256 in text:
            text = text.replace(src.sha256, new).replace(f"size_bytes: {src.size_bytes}\n",
                                                         f"size_bytes: {target.stat().st_size}\n")
            file.write_text(text, encoding="utf-8")
    src.local_path(lay).unlink(missing_ok=True)


def test_a_changed_raw_file_reruns_only_the_notebooks_that_read_it(project, capsys):
    lay, mirror = project
    probe = nbformat.v4.new_notebook(cells=[
        new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        new_code_cell("from khar_analysis.article import text\nprint(len(text.lines()))")])
    probe.metadata["kernelspec"] = {"name": "khar-analysis", "language": "python", "display_name": "k"}
    nbformat.write(probe, lay.notebooks / "02_probe.ipynb")
    _build(lay, mirror)
    _repin(lay, mirror, "sipri_tiv_imports_2024-10-13", lambda b: b.replace(b",568,", b",569,"))
    capsys.readouterr()
    _build(lay, mirror)
    out = capsys.readouterr().out
    assert "01_arms_imports: run (raw data changed: sipri_tiv_imports_2024-10-13)" in out
    assert "02_probe: skip (up to date)" in out


def test_a_new_release_with_renamed_columns_fails_naming_file_and_column(built, snapshot):
    lay, mirror = built
    before = snapshot(lay.reports)
    _repin(lay, mirror, "sipri_register_peryear_2026-02-12",
           lambda b: b.replace(b"TIV delivery values", b"TIV delivered value"))
    with pytest.raises(pipeline.BuildError) as err:
        _build(lay, mirror)
    msg = str(err.value)
    assert "01_arms_imports.ipynb failed" in msg and "UnknownLayoutError" in msg
    assert "sipri_trade_register_peryear_gen2026-02-12_AZE_ARM.csv: unexpected header on line 12" in msg
    assert snapshot(lay.reports) == before


#: Absolute machine paths (as in ``build.notebooks.machine_paths``) and Python object representations, raw or
#: HTML-escaped, with or without an address (``<matplotlib.lines.Line2D at 0x…>``, ``<Foo object>``).
LEAKS = re.compile(r"(?<![\w.:/~-])/(?:home|root|work|tmp|Users|private|var/folders)/[\w.-]+"
                   r"|\b(?:Posix|Windows)Path\("
                   r"|(?:<|&lt;)[\w.]+ (?:object(?: at 0x[0-9a-fA-F]+)?|at 0x[0-9a-fA-F]+)(?:>|&gt;)")


def test_no_machine_path_or_object_repr_in_any_published_file(built):
    lay, _ = built
    files = [p for p in sorted(lay.reports.rglob("*")) if p.is_file() and p.suffix != ".png"]
    assert {p.suffix for p in files} >= {".ipynb", ".html", ".csv", ".json"}
    leaks = {lay.rel(p): sorted(set(LEAKS.findall(p.read_text(encoding="utf-8", errors="replace")))) for p in files}
    assert {k: v for k, v in leaks.items() if v} == {}


def test_the_leak_pattern_finds_paths_and_reprs():
    home = "/".join(["", "home", "u"])  # a made-up home folder, assembled so that no committed file holds one
    found = LEAKS.findall(f"{home}/x &lt;matplotlib.lines.Line2D at 0x7f&gt; <a.B object> PosixPath('a') ok")
    assert found == [home, "&lt;matplotlib.lines.Line2D at 0x7f&gt;", "<a.B object>", "PosixPath("]
