"""A notebook's parameters cell read without executing it, and the type checks of override values."""

from __future__ import annotations

import ast
import datetime
import math

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from khar_analysis.core import notebook_params as np_

CELL = '''# Parameters
recipient = "AZE"
start_year: int = 2011  # first year of the window
shares: list[float] = [0.5, 1]
window = [2006, 2015]
groups = {"M": 1, "W": 4}
split: Literal["equal", "first_year"] = "equal"
odd: Path = "x"  # an annotation this module does not know: the default's type
'''


def test_types_come_from_annotations_or_literal_defaults():
    params = np_.parse_cell(CELL, "01_demo")
    assert list(params) == ["recipient", "start_year", "shares", "window", "groups", "split", "odd"]
    assert {k: p.type_name for k, p in params.items()} == {
        "recipient": "str", "start_year": "int", "shares": "list[float]", "window": "list[int]",
        "groups": "dict[str, int]", "split": "one of 'equal', 'first_year'", "odd": "str"}
    assert params["start_year"].default == 2011


@pytest.mark.parametrize(("source", "message"), [
    ("x = compute()\n", r"01_demo: the parameters cell, line 1: x = `compute\(\)` is not a literal"),
    ("import os\n", r"01_demo: the parameters cell, line 1: `import os` is not `name = literal`"),
    ("a = b = 1\n", r"is not `name = literal`"),
    ("x = [1,\n", r"01_demo: the parameters cell is not valid Python"),
])
def test_a_cell_that_is_not_literal_assignments_fails_naming_the_notebook(source, message):
    with pytest.raises(np_.ParametersCellError, match=message):
        np_.parse_cell(source, "01_demo")


def test_a_missing_or_doubled_parameters_tag_names_the_notebook(tmp_path):
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    with pytest.raises(np_.ParametersCellError, match=r"^03_demo: no cell is tagged 'parameters'"):
        np_.parameters_cell(nb, "03_demo")
    tagged = [new_code_cell("x = 1", metadata={"tags": ["parameters"]}) for _ in range(2)]
    with pytest.raises(np_.ParametersCellError, match=r"^03_demo: 2 cells are tagged 'parameters' \(cells \[0, 1\]\)"):
        np_.parameters_cell(new_notebook(cells=tagged), "03_demo")


@pytest.mark.parametrize(("value", "spec", "found"), [
    (yaml.safe_load("NO"), ("str",), "found bool False (YAML 1.1 reads yes/no/on/off"),
    (yaml.safe_load("2024-01-05"), ("str",), "found date 2024-01-05 (YAML reads 2024-01-05 as a date"),
    (math.nan, ("float",), "expected a finite float, found nan"),
    (yaml.safe_load(".inf"), ("float",), "expected a finite float, found inf"),
    ([2006, math.nan], ("list", ("float",)), "expected a finite float, found nan"),
    (True, ("int",), "expected int, found bool True"),
    (2016.0, ("int",), "expected int, found float 2016.0"),
    ("2016", ("int",), "expected int, found str '2016'"),
    ([2006, "2015"], ("list", ("int",)), "expected list[int], found list [2006, '2015']: expected int, found str"),
    ({"M": "1"}, ("dict", ("str",), ("int",)), "expected dict[str, int]"),
    ("even", ("literal", ("equal", "first_year")), "expected one of 'equal', 'first_year', found str 'even'"),
])
def test_values_that_do_not_fit_say_what_was_expected_and_found(value, spec, found):
    assert found in np_.check_value(value, spec)


@pytest.mark.parametrize(("value", "spec"), [
    (1, ("float",)), ([2006, 2015], ("list", ("int",))), ((2006, 2015), ("tuple", ("int",))),
    (None, ("union", (("str",), ("none",)))), ("NO", ("str",)), ({"M": 1}, ("dict", ("str",), ("int",))),
    ([["2003-04", "2005-01"]], np_.infer([["a", "b"]])), (datetime.date(2020, 1, 1), np_.ANY),
])
def test_values_that_fit(value, spec):
    assert np_.check_value(value, spec) is None


def test_infer_joins_element_types():
    assert np_.infer([1, 2.5]) == ("list", ("float",))
    assert np_.infer({"a": {"scheme": "unit"}, "b": {"flag": False}}) == (
        "dict", ("str",), ("union", (("dict", ("str",), ("str",)), ("dict", ("str",), ("bool",)))))
    assert np_.infer([]) == ("list", np_.ANY)


DOCUMENTED = '''\
# Parameters (a comment line on its own is not a parameter)
source: str = "wits_trade_summary_aze"  # manifest id of the summary
years: list[int] = [2006,
                    2015]  # first and last year
tolerance: float = 5  # percentage points
nested: dict[str, dict[str, object]] = {"a": {"x": True, "y": "W"}}  # variants
'''


def test_a_documented_cell_keeps_annotations_and_the_help_of_the_line_where_each_ends():
    params = np_.parse_cell(DOCUMENTED, "demo")
    assert list(params) == ["source", "years", "tolerance", "nested"]
    assert params["years"] == np_.Parameter("years", [2006, 2015], ("list", ("int",)), "list[int]",
                                            "first and last year")
    assert [(p.annotation, p.help) for p in params.values()] == [
        ("str", "manifest id of the summary"), ("list[int]", "first and last year"), ("float", "percentage points"),
        ("dict[str, dict[str, object]]", "variants")]
    assert params["tolerance"].default == 5 and params["tolerance"].type_name == "float"


def test_an_untyped_or_undocumented_cell_has_no_annotation_or_help():
    params = np_.parse_cell('year = 2020\nsources = ["a"]  # ids\nnothing = None\nlimit: float = 1\n', "demo")
    assert [(p.annotation, p.help, p.type_name) for p in params.values()] == [
        ("", "", "int"), ("", "ids", "list[str]"), ("", "", "any value"), ("float", "", "float")]


@pytest.mark.parametrize("source", ['year: int = "2020"  # text\n', "share: float = True\n",
                                    'years: list[int] = [2006, "2015"]\n'])
def test_a_default_that_does_not_fit_its_annotation_is_refused(source):
    with pytest.raises(np_.ParametersCellError, match=r"^demo: the parameters cell, line 1: the default of \w+ does "
                                                      r"not fit its annotation: expected "):
        np_.parse_cell(source, "demo")


@pytest.mark.parametrize(("value", "annotation", "ok"), [
    (3, "float", True), (3.0, "int", False), (True, "int", False), (True, "bool", True),
    ([1, 2], "list[int]", True), ([1, "2"], "list[int]", False), ("[1, 2]", "list[int]", False),
    ({"M": 1}, "dict[str, int]", True), ({1: 1}, "dict[str, int]", False),
    ([["a", "b"]], "list[list[str]]", True), ({"k": {"x": False}}, "dict[str, dict[str, object]]", True),
    (None, "int | None", True), ("x", "int | None", False),
])
def test_values_are_matched_against_the_annotation(value, annotation, ok):
    spec = np_._from_annotation(ast.parse(annotation, mode="eval").body)
    assert (np_.check_value(value, spec) is None) is ok


DECLARED = np_.parse_cell(DOCUMENTED, "demo")


def test_unknown_names_are_one_line_naming_the_notebook_the_closest_and_the_declared_ones():
    assert np_.check_values(DECLARED, {"yeras": [2000, 2001]}, "03_demo") == (
        "03_demo: unknown parameter 'yeras' (did you mean 'years'?); declared: source, years, tolerance, nested")
    assert np_.check_values(DECLARED, {"zz": 1, "sourse": "x"}, "03_demo").startswith(
        "03_demo: unknown parameters 'sourse' (did you mean 'source'?), 'zz'; declared: ")


def test_a_mistyped_value_names_the_parameter_and_says_how_to_pass_lists():
    assert np_.check_values(DECLARED, {"years": "2006"}, "03_demo") == (
        "03_demo: parameter years: expected list[int], found str '2006' (papermill -p passes text and numbers "
        "only: give lists and dicts with -y)")
    assert np_.check_values(DECLARED, {"tolerance": 2, "years": [1, 2]}, "03_demo") is None  # an int is a float


def test_a_notebook_file_is_read_with_json_sources_joined(tmp_path):
    path = tmp_path / "01_demo.ipynb"
    cell = new_code_cell(DOCUMENTED, metadata={"tags": ["parameters"]})
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Demo"), cell], metadata={"khar": {"windows": []}}), path)
    nb = np_.read_notebook(path)
    assert [c["cell_type"] for c in nb["cells"]] == ["markdown", "code"]
    assert nb["cells"][1]["source"] == DOCUMENTED
    assert nb["metadata"]["khar"] == {"windows": []}
    assert np_.parameters_cell(nb, "01_demo") == 1
    assert np_.declared(path) == np_.parse_cell(DOCUMENTED, "01_demo.ipynb")
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(np_.ParametersCellError, match=r"^01_demo\.ipynb: not a notebook file"):
        np_.read_notebook(path)
