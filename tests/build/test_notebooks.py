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
