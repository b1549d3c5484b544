"""Bad parameter overrides stop the build before any notebook runs, with one line naming the notebook,
the parameter, what was expected and what was found; a good override is traced into the verdict
texts, the ledger's ``parameters`` column, the report's banner and the executed notebook's verdicts."""

from __future__ import annotations

import csv

import nbformat
import pytest

from khar_analysis.build import cli, pipeline
from khar_analysis.claims import register as claims

pytestmark = pytest.mark.slow

NB = "01_arms_imports"


@pytest.fixture
def khar(project, monkeypatch, capsys):
    """``khar(*args)`` -> (exit status, stderr) of the command line run in the project copy."""
    lay, mirror = project
    monkeypatch.setenv("KHAR_ROOT", str(lay.root))
    monkeypatch.setenv("KHAR_DATA_MIRROR", str(mirror))

    def run(*args: str) -> tuple[int, str]:
        status = cli.main(list(args))
        return status, capsys.readouterr().err
    return run


@pytest.mark.parametrize(("args", "message"), [
    (["-p", f"{NB}:recipient=GEO"], f"{NB}: parameter recipient='GEO': ['GEO'] not in the data "
                                    "(sipri_register_peryear_2026-02-12, column recipient); available: ['ARM', 'AZE']"),
    (["-p", f"{NB}:start_year=1980"], f"{NB}: parameter start_year=1980 is outside the data: "
                                      "sipri_register_peryear_2026-02-12 covers delivery_year"),
    (["-p", f"{NB}:recipient=NO"], f"{NB}: parameter recipient: expected str, found bool False (YAML 1.1 reads"),
    (["-p", f"{NB}:end_year=.nan"], f"{NB}: parameter end_year: expected int, found float nan"),
    (["-p", f"{NB}:end_year=2016", "-p", f"{NB}:start_year=2018"],
     f"{NB}: window start_year..end_year is reversed: start 2018 is after end 2016"),
    (["-p", f"{NB}:end_yr=2016"], f"{NB}: unknown parameter 'end_yr' (did you mean 'end_year'?)"),
])
def test_a_bad_override_fails_in_one_line_before_any_notebook_runs(khar, project, args, message):
    lay, _ = project
    status, err = khar("build", "--no-wait", *args)
    assert status == 2 and message in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert not (lay.reports / "notebooks").exists(), "no notebook ran"


def test_a_params_file_is_checked_the_same_way(khar, project, tmp_path):
    bad = tmp_path / "params.yaml"
    bad.write_text(f"{NB}:\n  classic_sources: [sipri_register_2024-03-18, 2026]\n", encoding="utf-8")
    status, err = khar("build", "--params-file", str(bad))
    assert status == 2 and f"{NB}: parameter classic_sources: expected list[str]" in err and "found int 2026" in err


def test_an_overridden_window_is_traced_into_the_ledger_the_banner_and_the_notebook(project):
    lay, mirror = project
    pipeline.build(lay, mirror=mirror, jobs=1, params={NB: {"end_year": 2016}})
    rows = {r["claim_id"]: r for r in csv.DictReader((lay.reports / "ledger.csv").open(encoding="utf-8"))}
    for cid in ("ARMS-1", "ARMS-R"):
        assert "window 2011-2016" in rows[cid]["reason"] and "2011-2020" not in rows[cid]["reason"], rows[cid]
    assert {rows[c]["parameters"] for c in ("ARMS-1", "ARMS-2", "ARMS-R")} == {"end_year=2016"}
    html = (lay.reports / "index.html").read_text(encoding="utf-8")
    assert 'id="overrides"' in html and f"{NB}: end_year=2016" in html
    executed = nbformat.read(lay.reports / "notebooks" / f"{NB}.ipynb", as_version=4)
    assert {p["claim_id"]: p.get("parameters") for _, p in claims.verdicts_from_notebook(executed)} == {
        "ARMS-1": {"end_year": 2016}, "ARMS-2": {"end_year": 2016}, "ARMS-R": {"end_year": 2016}}
