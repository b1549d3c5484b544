"""The build's bookkeeping: dependency tracking, verdict collection and its failures."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from khar_analysis.build import pipeline
from khar_analysis.claims import register as claims


def _nb_with_verdicts(*payloads):
    cells = [new_code_cell("x", outputs=[new_output("display_data", data={claims.MIMETYPE: p, "text/plain": "v"})])
             for p in payloads]
    return new_notebook(cells=cells)


def _verdict(cid):
    return {"claim_id": cid, "verdict": "reproduced", "observed": "o", "claimed": "c", "reason": "r", "caveat": ""}


def test_collect_verdicts_fills_the_ledger_and_counts_pending(lay):
    register = claims.load_register(lay)
    book = _nb_with_verdicts(*(_verdict(c) for c in ("ARMS-1", "ARMS-2", "ARMS-R")))
    rows, pending = pipeline.collect_verdicts({"01_arms_imports": book}, register, {"01_arms_imports"})
    assert [r["claim_id"] for r in rows] == list(register)
    assert {r["verdict"] for r in rows if r["notebook"] == "01_arms_imports"} == {"reproduced"}
    assert set(pending) == {c for c, v in register.items() if v.notebook != "01_arms_imports"}


def test_a_verdict_for_an_unregistered_claim_fails_the_build(lay):
    register = claims.load_register(lay)
    book = _nb_with_verdicts(*(_verdict(c) for c in ("ARMS-1", "ARMS-2", "ARMS-R", "ARMS-9")))
    with pytest.raises(pipeline.BuildError, match="unregistered claim 'ARMS-9'"):
        pipeline.collect_verdicts({"01_arms_imports": book}, register, {"01_arms_imports"})


def test_a_registered_claim_without_a_verdict_from_its_existing_notebook_fails(lay):
    register = claims.load_register(lay)
    book = _nb_with_verdicts(_verdict("ARMS-1"), _verdict("ARMS-2"))
    with pytest.raises(pipeline.BuildError, match="claim ARMS-R has no verdict from its notebook 01_arms_imports"):
        pipeline.collect_verdicts({"01_arms_imports": book}, register, {"01_arms_imports"})


def test_a_claim_judged_twice_fails(lay):
    register = claims.load_register(lay)
    book = _nb_with_verdicts(*(_verdict(c) for c in ("ARMS-1", "ARMS-1", "ARMS-2", "ARMS-R")))
    with pytest.raises(pipeline.BuildError, match="reports ARMS-1 more than once"):
        pipeline.collect_verdicts({"01_arms_imports": book}, register, {"01_arms_imports"})


def test_notebook_dependencies_follow_imports_transitively(lay):
    book = nbformat.read(lay.notebooks / "01_arms_imports.ipynb", as_version=4)
    mods = pipeline.notebook_imports(book)
    assert {"analysis.arms", "claims.register", "core.plots", "provenance.manifest"} <= mods
    pkg = lay.root / "src" / "khar_analysis"
    closure = {p.relative_to(pkg).as_posix() for p in pipeline.library_closure(mods, pkg)}
    assert {"core/countries.py", "core/layout_checks.py", "core/paths.py", "core/atomic.py", "__init__.py",
            "analysis/__init__.py"} <= closure
    assert "build/report.py" not in closure and "build/pipeline.py" not in closure


def test_reasons_name_what_changed():
    old = {"notebook": "a", "params": {}, "claims": "c", "library": {"arms.py": "1"}, "raw": {"s": "1"}}
    assert pipeline._diff_reason(old, dict(old)) == "up to date"
    assert pipeline._diff_reason(None, old) == "never built"
    new = {**old, "library": {"arms.py": "2"}, "raw": {"s": "2"}}
    assert pipeline._diff_reason(old, new) == "library changed: arms.py; raw data changed: s"


def test_the_floor_runs_exactly_the_notebooks_imports():
    from khar_analysis.build import bench

    book = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import pandas as pd\nfrom khar_analysis import arms, claims\nprint(arms)"),
        nbformat.v4.new_markdown_cell("import os")])
    assert bench.import_lines(book) == "import pandas as pd\nfrom khar_analysis import arms, claims"
