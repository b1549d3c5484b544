"""Parameter overrides checked before any notebook runs: names, types, windows, domains (the committed
notebooks' domains against the real data are marked integration)."""

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


def test_domains_read_lists_of_sources_dict_entries_and_table_attributes(tmp_path, lay, monkeypatch):
    """A list of source ids is one domain (their union); ``param.key`` reads a dict entry; ``table`` an attribute."""
    tables = {"s1": pd.DataFrame({"recipient": ["AZE"], "delivery_year": [2001]}),
              "s2": pd.DataFrame({"recipient": ["ARM"], "delivery_year": [2010]}),
              "s3": type("Review", (), {"matrices": pd.DataFrame({"recipient": ["GEO"], "delivery_year": [1999]})})}
    loads = []
    monkeypatch.setattr(registry, "load", lambda sid, lay=None: loads.append(sid) or tables[sid])
    monkeypatch.setattr("khar_analysis.provenance.manifest.load_manifest", lambda lay=None: dict.fromkeys(tables))
    cell = CELL + 'both = ["s1", "s2"]\nroles = {"main": "s3"}\nallies = ["AZE"]\n'
    book = _book(tmp_path, cell, domains={
        "allies": {"source": "both", "column": "recipient"},
        "start_year": {"source": "both", "column": "delivery_year", "range": True},
        "recipient": {"source": "roles.main", "table": "matrices", "column": "recipient"}})
    assert door.validate(book, {"allies": ["ARM", "AZE"], "start_year": 2005}, lay)
    assert loads == ["s1", "s2"], "each source is loaded once per check"
    with pytest.raises(BuildError, match=r"^09_demo: parameter allies=\['AZE', 'GEO'\]: \['GEO'\] not in the data "
                                         r"\(s1, s2, column recipient\); available: \['ARM', 'AZE'\]$"):
        door.validate(book, {"allies": ["AZE", "GEO"]}, lay)
    with pytest.raises(BuildError, match=r"^09_demo: parameter start_year=2012 is outside the data: s1, s2 covers "
                                         r"delivery_year 2001-2010$"):
        door.validate(book, {"start_year": 2012}, lay)
    assert door.validate(book, {"recipient": "GEO", "start_year": 2001}, lay)
    with pytest.raises(BuildError, match=r"^09_demo: parameter recipient='AZE': \['AZE'\] not in the data \(s3, "):
        door.validate(book, {"roles": {"main": "s3", "other": "s1"}, "start_year": 2001}, lay)
    with pytest.raises(BuildError, match=r"^09_demo: metadata khar.domains.recipient: source s1 has no table column"):
        door.validate(book, {"roles": {"main": "s1"}, "start_year": 2001}, lay)


@pytest.fixture(scope="module")
def shared_loads():
    """Sources loaded once for this module's data tests (each check would otherwise load them afresh)."""
    import functools

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(registry, "load", functools.cache(registry.load))
        yield


@pytest.mark.integration
def test_the_committed_notebooks_declare_domains_their_defaults_satisfy(lay, shared_loads):
    """Every declared domain holds for the defaults, checked as if each parameter were overridden."""
    declaring = []
    for path in sorted(lay.notebooks.glob("[0-9][0-9]_*.ipynb")):
        params, meta = door.declared(path)
        if domains := meta.get("domains"):
            door.check_domains(path.stem, domains, {k: p.default for k, p in params.items()}, set(domains), lay)
            declaring.append(path.stem[:2])
    assert declaring == ["01", "02", "03", "04", "05", "07"]


@pytest.mark.integration
@pytest.mark.parametrize(("notebook", "overrides", "message"), [
    ("02_remittances_migration", {"receiver": "ZZZ"},
     "02_remittances_migration: parameter receiver='ZZZ': ['ZZZ'] not in the data (wb_remittance_matrix_2016, "
     "wb_remittance_matrix_2017, wb_remittance_matrix_2018, column destination); available: ['ABW', "),
    ("02_remittances_migration", {"first_year_shown": 1950},
     "02_remittances_migration: parameter first_year_shown=1950 is outside the data: wdi_remittances_usd_2023-05-10 "
     "covers year 1960-"),
    ("03_trade", {"partner": "ZZZ"}, "03_trade: parameter partner='ZZZ': ['ZZZ'] not in the data "
                                     "(wits_trade_summary_aze, column partner); available: ['ARE', "),
    ("03_trade", {"premise_window": [1990, 2015]}, "03_trade: parameter premise_window=[1990, 2015] is outside the "
                                                   "data: wits_trade_summary_aze covers year 1996-"),
    ("04_energy", {"exporter": "GEO"}, "04_energy: parameter exporter='GEO': ['GEO'] not in the data "
                                       "(ei_statistical_review_2019, "),
    ("04_energy", {"primary_edition": 2018}, "04_energy: parameter primary_edition=2018: [2018] not in the data "
                                             "(ei_statistical_review_2019, "),
    ("05_events", {"tension_dyads": ["AZE-RUS", "AZE-GEO"]},
     "05_events: parameter tension_dyads=['AZE-RUS', 'AZE-GEO']: ['AZE-GEO'] not in the data (event_catalogue, "
     "column dyad); available: ['AZE-ARM', "),
    ("07_regime", {"comparators": ["ARM", "UKR"]}, "07_regime: parameter comparators=['ARM', 'UKR']: ['UKR'] not in "
                                                   "the data (vdem_extract_v14_v15_v16, column country); available: "
                                                   "['ARM', 'AZE', 'GEO', 'RUS', 'TUR']"),
    ("07_regime", {"press_editions": [2001, 2025]}, "07_regime: parameter press_editions=[2001, 2025]: [2001] not in "
                                                    "the data (rsf_2002-2025_extract, column edition); available: "
                                                    "[2002, "),
])
def test_a_value_the_data_do_not_hold_stops_each_notebook_in_one_line(lay, shared_loads, notebook, overrides, message):
    with pytest.raises(BuildError) as err:
        door.validate(lay.notebooks / f"{notebook}.ipynb", overrides, lay)
    assert str(err.value).startswith(message) and "\n" not in str(err.value), str(err.value)
