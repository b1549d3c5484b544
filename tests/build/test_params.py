"""Notebook parameters: the typed, documented declarations and the in-kernel check of injected names."""

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


def test_a_cell_is_read_as_names_types_defaults_and_help():
    got = params.read_cell(CELL, "demo")
    assert list(got) == ["source", "years", "tolerance", "nested"]
    assert got["years"] == params.Parameter("years", "list[int]", [2006, 2015], "first and last year")
    assert got["tolerance"].type == "float" and got["tolerance"].default == 5
    assert got["nested"].help == "variants"


def test_an_untyped_or_undocumented_cell_is_read_with_inferred_types_and_no_help():
    got = params.read_cell('year = 2020\nsources = ["a"]  # ids\nnothing = None\nlimit: float = 1\n', "demo")
    assert [(p.type, p.help) for p in got.values()] == [("int", ""), ("list", "ids"), ("object", ""),
                                                        ("float", "")]


@pytest.mark.parametrize(("source", "message"), [
    ("year, month = 2020, 1  # two names\n", r"^demo: line 1 of the parameters cell is not 'name: type = literal"),
    ("year: int = 2000 + 20  # sum\n", r"^demo: parameter year must be a literal$"),
    ("year: int = \"2020\"  # text\n", r"^demo: parameter year's default '2020' is not a int$"),
    ("year: int | None = 2020  # union\n", r"unsupported parameter type 'int \| None'"),
    ("print(1)\n", r"line 1 of the parameters cell is not"),
])
def test_anything_but_literal_assignments_is_refused(source, message):
    with pytest.raises(params.ParameterError, match=message):
        params.read_cell(source, "demo")


@pytest.mark.parametrize(("value", "annotation", "ok"), [
    (3, "float", True), (3.0, "int", False), (True, "int", False), (True, "bool", True),
    ([1, 2], "list[int]", True), ([1, "2"], "list[int]", False), ("[1, 2]", "list[int]", False),
    ({"M": 1}, "dict[str, int]", True), ({1: 1}, "dict[str, int]", False),
    ([["a", "b"]], "list[list[str]]", True), ({"k": {"x": False}}, "dict[str, dict[str, object]]", True),
])
def test_values_are_matched_against_the_declared_type(value, annotation, ok):
    assert params.matches(value, annotation) is ok


DECLARED = params.read_cell(CELL, "demo")


def test_an_unknown_name_is_one_line_naming_the_notebook_and_the_declared_ones():
    with pytest.raises(params.ParameterError) as err:
        params.check_values(DECLARED, {"yeras": [2000, 2001]}, "03_demo")
    assert str(err.value) == "03_demo: unknown parameter 'yeras'; declared: source, years, tolerance, nested"


def test_a_mistyped_value_names_the_parameter_and_says_how_to_pass_lists():
    with pytest.raises(params.ParameterError, match=r"^03_demo: parameter years='2006' should be list\[int\], "
                                                    r"found str \(papermill -p passes text and numbers only"):
        params.check_values(DECLARED, {"years": "2006"}, "03_demo")
    params.check_values(DECLARED, {"tolerance": 2, "years": [1, 2]}, "03_demo")  # an int is a float


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
    with pytest.raises(params.ParameterError, match=r"^01_demo: unknown parameter 'yeras'; declared: source, "):
        params.check(ns, "01_demo")


def test_the_check_cell_passes_defaults_injections_and_an_interactive_rerun(project):
    params.check(_kernel_namespace(source="x", years=[1, 2], tolerance=1.0, nested={}), "01_demo")
    params.check(_kernel_namespace(source="x", years=[1, 2], tolerance=1.0, nested={}, table=None, row=1), "01_demo")
    with pytest.raises(params.ParameterError, match="parameter tolerance='5' should be float"):
        params.check(_kernel_namespace(source="x", years=[1, 2], tolerance="5", nested={}), "01_demo")


def _papermill(lay, tmp_path, *args):
    exe = [sys.executable, "-m", "papermill", "notebooks/01_arms_imports.ipynb", str(tmp_path / "out.ipynb"), *args]
    return subprocess.run(exe, cwd=lay.root, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
@pytest.mark.integration
def test_plain_papermill_stops_on_a_misspelt_parameter_and_runs_a_correct_one(lay, tmp_path):
    bad = _papermill(lay, tmp_path, "-p", "end_yr", "2016")
    assert bad.returncode != 0
    assert ("ParameterError: 01_arms_imports: unknown parameter 'end_yr'; declared: reference_source, "
            in bad.stderr), bad.stderr[-2000:]
    good = _papermill(lay, tmp_path, "-p", "end_year", "2019")
    assert good.returncode == 0, good.stderr[-2000:]
