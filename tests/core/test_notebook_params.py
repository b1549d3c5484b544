"""A notebook's parameters cell read without executing it, and the type checks of override values."""

from __future__ import annotations

import datetime
import math

import pytest
import yaml
from nbformat.v4 import new_code_cell, new_notebook

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
