"""The in-kernel check of injected parameter names and types (the declarations: tests/core/test_notebook_params.py)."""

from __future__ import annotations

import subprocess
import sys
import types

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from khar_analysis.build import params

CELL = '''\
# Parameters (a comment line on its own is not a parameter)
source: str = "wits_trade_summary_aze"  # manifest id of the summary
years: list[int] = [2006,
                    2015]  # first and last year
tolerance: float = 5  # percentage points
nested: dict[str, dict[str, object]] = {"a": {"x": True, "y": "W"}}  # variants
'''


def test_in_a_kernel_the_error_renders_as_its_one_line():
    assert params.ParameterError("x: unknown parameter 'y'")._render_traceback_() == [
        "ParameterError: x: unknown parameter 'y'"]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A tiny project whose notebook 01_demo declares CELL's parameters and binds ``table`` later."""
    (tmp_path / "pyproject.toml").write_text('[tool.khar]\narticle = "essay"\n', encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    cell = new_code_cell(CELL, metadata={"tags": ["parameters"]})
    nb = new_notebook(cells=[cell, new_code_cell('params.check(globals(), "01_demo")'),
                             new_code_cell("import pandas as pd\ntable = pd.DataFrame()\nfor row in []: pass")])
    nbformat.write(nb, tmp_path / "notebooks" / "01_demo.ipynb")
    monkeypatch.setenv("KHAR_ROOT", str(tmp_path))
    return tmp_path


def _kernel_namespace(**names):
    """A namespace as a kernel holds it: IPython's own names (hidden), ``_`` names, a module, the user's."""
    shell = types.SimpleNamespace(user_ns_hidden={"In": [], "Out": {}, "exit": None, "get_ipython": None})
    return {"__name__": "__main__", "_i1": "", "In": [], "Out": {}, "exit": None,
            "get_ipython": lambda: shell, "params": params, **names}


def test_the_check_cell_stops_a_misspelt_injected_name(project):
    ns = _kernel_namespace(source="x", years=[1, 2], tolerance=1.0, nested={}, yeras=[2000, 2001])
    with pytest.raises(params.ParameterError,
                       match=r"^01_demo: unknown parameter 'yeras' \(did you mean 'years'\?\); declared: source, "):
        params.check(ns, "01_demo")


def test_the_check_cell_passes_defaults_injections_and_an_interactive_rerun(project):
    params.check(_kernel_namespace(source="x", years=[1, 2], tolerance=1.0, nested={}), "01_demo")
    params.check(_kernel_namespace(source="x", years=[1, 2], tolerance=1.0, nested={}, table=None, row=1), "01_demo")
    with pytest.raises(params.ParameterError, match=r"^01_demo: parameter tolerance: expected float, found str '5'$"):
        params.check(_kernel_namespace(source="x", years=[1, 2], tolerance="5", nested={}), "01_demo")
    params.check(_kernel_namespace(source="x", years=[1, 2], tolerance=2, nested={}), "01_demo")  # an int is a float


def test_the_check_cell_says_how_to_pass_lists_to_papermill(project):
    with pytest.raises(params.ParameterError, match=r"^01_demo: parameter years: expected list\[int\], found str "
                                                    r"'2006' \(papermill -p passes text and numbers only"):
        params.check(_kernel_namespace(source="x", years="2006", tolerance=1.0, nested={}), "01_demo")


def test_the_check_cell_names_a_notebook_whose_parameters_cell_is_unreadable(project):
    book = project / "notebooks" / "02_bad.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = f()", metadata={"tags": ["parameters"]})]), book)
    with pytest.raises(params.ParameterError, match=r"^02_bad: the parameters cell, line 1: x = `f\(\)` is not a lit"):
        params.check(_kernel_namespace(x=1), "02_bad")


def test_the_check_imports_no_jupyter_package():
    code = "import sys, khar_analysis.build.params, khar_analysis.claims.templates; print('nbformat' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def _papermill(lay, tmp_path, *args):
    exe = [sys.executable, "-m", "papermill", "notebooks/01_arms_imports.ipynb", str(tmp_path / "out.ipynb"), *args]
    return subprocess.run(exe, cwd=lay.root, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
@pytest.mark.integration
def test_plain_papermill_stops_on_a_misspelt_parameter_and_runs_a_correct_one(lay, tmp_path):
    bad = _papermill(lay, tmp_path, "-p", "end_yr", "2016")
    assert bad.returncode != 0
    assert ("ParameterError: 01_arms_imports: unknown parameter 'end_yr' (did you mean 'end_year'?); "
            "declared: reference_source, "
            in bad.stderr), bad.stderr[-2000:]
    good = _papermill(lay, tmp_path, "-p", "end_year", "2019")
    assert good.returncode == 0, good.stderr[-2000:]
