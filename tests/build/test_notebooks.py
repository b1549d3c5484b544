"""Running one notebook: parameter checks before a kernel starts, and the Jupyter tools used directly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from khar_analysis.build import notebooks


@pytest.fixture
def notebook(tmp_path):
    cell = new_code_cell('end_year: int = 2020  # last year\nsplit: str = "equal"  # how TIV is split',
                         metadata={"tags": ["parameters"]})
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(new_notebook(cells=[cell]), path)
    return path


def test_the_declared_parameters_are_their_defaults(notebook):
    assert notebooks.declared_parameters(notebook) == {"end_year": 2020, "split": "equal"}


@pytest.mark.parametrize(("given", "message"), [
    ({"end_yr": 2019}, r"^01_demo: unknown parameter 'end_yr' \(did you mean 'end_year'\?\); "
                       r"declared: end_year, split$"),
    ({"end_year": "2019"}, r"^01_demo: parameter end_year: expected int, found str '2019'$"),
])
def test_a_build_refuses_unknown_or_mistyped_parameters_before_any_kernel(notebook, given, message):
    with pytest.raises(notebooks.NotebookError, match=message):
        notebooks.check_parameters(notebook, given)
    notebooks.check_parameters(notebook, {"end_year": 2019})


def test_a_parameters_cell_of_anything_but_literals_is_a_notebook_error(tmp_path):
    path = tmp_path / "02_old.ipynb"
    cell = new_code_cell("end_year = 2020\nstart_year = end_year - 9", metadata={"tags": ["parameters"]})
    nbformat.write(new_notebook(cells=[cell]), path)
    with pytest.raises(notebooks.NotebookError,
                       match=r"^02_old.ipynb: the parameters cell, line 2: start_year = `end_year - 9` is not a lit"):
        notebooks.declared_parameters(path)


@pytest.mark.slow
@pytest.mark.integration
def test_nbval_compares_a_notebook_from_any_working_directory(lay, tmp_path):
    """The sanitiser file comes from conftest.py by absolute path; the kernel finds the root from its folder."""
    env = {k: v for k, v in os.environ.items() if k != "KHAR_ROOT" and not k.startswith("PYTEST_")}
    pytest_bin = Path(sys.executable).parent / "pytest"
    run = subprocess.run([str(pytest_bin), "--nbval", str(lay.notebooks / "03_trade.ipynb"), "-q"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout and "error" not in run.stdout.lower(), run.stdout[-3000:]


def _judged_notebook() -> nbformat.NotebookNode:
    """A tiny executed notebook: a figure with alt text and a verdict cell for ARMS-1."""
    import json

    from nbformat.v4 import new_output

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    figure = new_code_cell("plots.show(fig, 'arms1_ranking')", id="fig1", execution_count=1, outputs=[
        new_output("display_data", data={"image/png": png, "text/plain": "<IPython.core.display.Image object>"},
                   metadata={"image/png": {"alt": "Figure arms1_ranking: Suppliers, 2011-2020"}})])
    payload = {"claim_id": "ARMS-1", "verdict": "reproduced"}
    verdict = new_code_cell("claims.verdict('ARMS-1', ...)", id="v1", execution_count=2, outputs=[
        new_output("display_data", data={"application/vnd.khar.verdict+json": json.dumps(payload),
                                         "text/plain": "ARMS-1: reproduced"})])
    nb = new_notebook(cells=[figure, verdict])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_a_rendered_notebook_keeps_alt_text_inputs_and_links_back_to_the_cards():
    html = notebooks.to_html(_judged_notebook(), "01_demo")
    assert 'alt="Figure arms1_ranking: Suppliers, 2011-2020"' in html
    assert "No description has been provided" not in html
    assert html.count("jp-InputArea jp-Cell-inputArea") == 2, "the code stays visible"
    assert html.count('href="../index.html#claim-ARMS-1"') == 2  # under the title and under the verdict cell
    assert "↩ back to the card of ARMS-1" in html
    assert "IPython.core.display.Image object" not in html
    assert notebooks.machine_paths(html) == []
