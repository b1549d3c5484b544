"""Guards on the committed, executed notebooks that nbval compares.

nbval skips a reference cell without an execution count, so a notebook committed without outputs
would "pass" while comparing nothing: these tests make that impossible, and hold the house rules
(one literal parameters cell, no logic, no machine paths or run times, a verdict for every claim).
"""

from __future__ import annotations

import ast
import json

import nbformat
import pytest

from khar_analysis.build import notebooks, pipeline
from khar_analysis.claims import register as claims
from khar_analysis.core import notebook_params
from khar_analysis.core.paths import layout

NOTEBOOKS = pipeline.discover(layout())


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def nb(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks/NN_*.ipynb found"


def test_every_code_cell_was_executed_in_order_without_errors(nb):
    path, book = nb
    counts = [c.execution_count for c in _code(book)]
    assert None not in counts, f"{path.name}: cells without execution_count are not compared by nbval"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: executed out of order or partially"
    assert not notebooks.error_cells(book), f"{path.name}: error outputs or papermill error cells"


def test_every_verdict_cell_has_its_stored_verdict(nb, lay):
    path, book = nb
    register = claims.load_register(lay)
    mine = {cid for cid, c in register.items() if c.notebook == path.stem}
    shown = {payload["claim_id"] for _, payload in claims.verdicts_from_notebook(book)}
    assert shown == mine, f"{path.name}: stored verdicts {sorted(shown)} vs registered {sorted(mine)}"
    for cell in _code(book):
        if "claims.verdict(" in cell.source:
            assert any(claims.MIMETYPE in o.get("data", {}) for o in cell.outputs), cell.source


def test_one_parameters_cell_of_literals_and_no_logic(nb):
    path, book = nb
    declared = notebooks.declared_parameters(path)
    assert declared, f"{path.name}: the parameters cell is empty"
    for cell in _code(book):
        tree = ast.parse("\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith("%")))
        assert not any(isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda) for n in ast.walk(tree)), \
            f"{path.name}: logic belongs in the package:\n{cell.source}"
        if "parameters" not in cell.metadata.get("tags", []):  # the parameters cell holds only literals
            assert len(cell.source.splitlines()) <= 15, f"{path.name}: cell over 15 lines:\n{cell.source}"


def test_no_machine_paths_run_times_or_addresses(nb):
    path, book = nb
    text = path.read_text(encoding="utf-8")
    assert not notebooks.machine_paths(text), f"{path.name}: {notebooks.machine_paths(text)}"
    assert " at 0x" not in text, f"{path.name}: a memory address in the outputs"
    meta = json.dumps(book.metadata)
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        assert key not in meta, f"{path.name}: papermill metadata {key} was committed"
    for cell in book.cells:
        assert "execution" not in cell.metadata and "papermill" not in cell.metadata
    assert book.metadata["kernelspec"]["name"] == notebooks.KERNEL


def test_no_warnings_or_stderr_in_outputs(nb):
    path, book = nb
    for cell in _code(book):
        for out in cell.outputs:
            assert out.get("name") != "stderr", f"{path.name}: stderr output:\n{out.get('text', '')[:300]}"


def test_every_parameter_is_typed_and_documented_as_papermill_reads_it(nb):
    """``papermill --help-notebook`` shows a type and a help line for each parameter (its own parser agrees)."""
    from papermill.translators import PythonTranslator

    path, book = nb
    ours = notebook_params.declared(path)
    assert all(p.help for p in ours.values()), f"{path.name}: a parameter without its '# help' comment"
    theirs = PythonTranslator.inspect(book.cells[notebooks.parameters_cell(book)])
    assert [(p.name, p.inferred_type_name, p.help) for p in theirs] == \
        [(p.name, p.annotation, p.help) for p in ours.values()], path.name


def test_the_first_cell_after_the_parameters_checks_them(nb):
    path, book = nb
    after = book.cells[notebooks.parameters_cell(book) + 1]
    assert after.cell_type == "code" and after.outputs == [], path.name
    calls = [ln for ln in after.source.splitlines() if ln and not ln.startswith(("#", "from "))]
    assert calls == [f'params.check(globals(), "{path.stem}")'], \
        f"{path.name}: the cell after the parameters should be 'from khar_analysis.build import params' and " \
        f"'params.check(globals(), \"{path.stem}\")', found:\n{after.source}"
