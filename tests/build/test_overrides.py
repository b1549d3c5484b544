"""Parameter overrides checked before any notebook runs: names, types, windows, domains (no data needed)."""

from __future__ import annotations

import math

import nbformat
import pandas as pd
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_notebook

from khar_analysis.build import overrides as door
from khar_analysis.build.errors import BuildError
from khar_analysis.sources import registry

CELL = ('source = "s1"\nrecipient = "AZE"\nstart_year = 2011\nend_year = 2020\nshare = 0.5\n'
        'panels = [["2003-04", "2005-01"]]\n')


def _book(tmp_path, cell: str = CELL, tags=("parameters",), **khar) -> object:
    path = tmp_path / "09_demo.ipynb"
    nb = new_notebook(cells=[new_code_cell(cell, metadata={"tags": list(tags)})])
    nb.metadata["khar"] = {"windows": [["start_year", "end_year"], "panels"], **khar}
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize(("overrides", "message"), [
    ({"end_yaer": 2016}, r"^09_demo: unknown parameter 'end_yaer' \(did you mean 'end_year'\?\); declared: source, "),
    ({"end_year": "2016"}, r"^09_demo: parameter end_year: expected int, found str '2016'$"),
    ({"recipient": yaml.safe_load("NO")}, r"^09_demo: parameter recipient: expected str, found bool False \(YAML 1\.1"),
    ({"share": math.nan}, r"^09_demo: parameter share: expected a finite float, found nan$"),
    ({"end_year": 2000}, r"^09_demo: window start_year\.\.end_year is reversed: start 2011 is after end 2000$"),
    ({"panels": [["2005-01", "2003-04"]]}, r"^09_demo: window panels is reversed: start '2005-01' is after end"),
    ({"panels": [["2005-01"]]}, r"^09_demo: parameter panels: expected a window \[start, end\], found \['2005-01'\]"),
])
def test_bad_overrides_stop_with_one_line_naming_notebook_and_parameter(tmp_path, lay, overrides, message):
    with pytest.raises(BuildError, match=message) as err:
        door.validate(_book(tmp_path), overrides, lay)
    assert "\n" not in str(err.value)


def test_overrides_equal_to_the_defaults_are_no_overrides(tmp_path, lay):
    book = _book(tmp_path)
    assert door.validate(book, {"end_year": 2020, "share": 0.5}, lay) == {}
    assert door.validate(book, {"end_year": 2016, "share": 1}, lay) == {"end_year": 2016, "share": 1}
    assert door.describe({"share": 1, "end_year": 2016, "recipient": "GEO", "w": [1, 2]}) == (
        "end_year=2016; recipient=GEO; share=1; w=[1, 2]")


@pytest.mark.parametrize(("cell", "tags", "message"), [
    (CELL, (), r"^09_demo: no cell is tagged 'parameters'"),
    ("x = int('3')\n", ("parameters",), r"^09_demo: the parameters cell, line 1: x = `int\('3'\)` is not a literal"),
])
def test_a_notebook_without_a_literal_parameters_cell_is_named(tmp_path, lay, cell, tags, message):
    with pytest.raises(BuildError, match=message):
        door.validate(_book(tmp_path, cell, tags), {}, lay)


def test_domains_name_the_values_the_data_hold(tmp_path, lay, monkeypatch):
    table = pd.DataFrame({"recipient": ["AZE", "ARM", "AZE"], "delivery_year": [1995, 2010, 2024]})
    loads = []
    monkeypatch.setattr(registry, "load", lambda sid, lay=None: loads.append(sid) or table)
    monkeypatch.setattr("khar_analysis.provenance.manifest.load_manifest", lambda lay=None: {"s1": None, "s2": None})
    book = _book(tmp_path, domains={"recipient": {"source": "source", "column": "recipient"},
                                    "start_year": {"source": "source", "column": "delivery_year", "range": True}})
    assert door.validate(book, {}, lay) == {} and not loads, "a default run loads nothing"
    with pytest.raises(BuildError, match=r"^09_demo: parameter recipient='GEO': \['GEO'\] not in the data \(s1, "
                                         r"column recipient\); available: \['ARM', 'AZE'\]$"):
        door.validate(book, {"recipient": "GEO"}, lay)
    with pytest.raises(BuildError, match=r"^09_demo: parameter start_year=1990 is outside the data: s2 covers "
                                         r"delivery_year 1995-2024$"):
        door.validate(book, {"start_year": 1990, "source": "s2"}, lay)
    with pytest.raises(BuildError, match=r"^09_demo: unknown source id 's9'"):
        door.validate(book, {"source": "s9"}, lay)
    assert door.validate(book, {"recipient": "ARM", "start_year": 2010}, lay) == {"recipient": "ARM",
                                                                                     "start_year": 2010}


def test_every_window_of_the_committed_notebooks_refuses_a_reversal(lay):
    """Each notebook with a window declares it, and a reversed one stops the build naming notebook and window."""
    checked = []
    for path in sorted(lay.notebooks.glob("[0-9][0-9]_*.ipynb")):
        declared, meta = door.declared(path)
        for entry in meta.get("windows", []):
            names = [entry] if isinstance(entry, str) else entry
            values = {k: p.default for k, p in declared.items()}
            if len(names) == 2:
                reversal = {names[0]: values[names[1]] + 1}
            else:
                pairs = values[names[0]]
                reversal = {names[0]: [list(reversed(p)) for p in pairs] if isinstance(pairs[0], list)
                            else [pairs[1] + 1, pairs[0]]}
            with pytest.raises(BuildError, match=rf"^{path.stem}: window {names[0]}.* is reversed"):
                door.check_windows(path.stem, meta["windows"], values | reversal)
            checked.append(path.stem)
    assert {"01_arms_imports", "03_trade", "04_energy", "05_events", "07_regime"} <= set(checked)
