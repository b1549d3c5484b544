"""Register texts filled from the run's parameters, and verdicts that carry the run's overrides."""

from __future__ import annotations

import pytest

from khar_analysis.claims import register as claims
from khar_analysis.claims import templates
from khar_analysis.claims.errors import RegisterError
from khar_analysis.core import notebook_params


@pytest.fixture(autouse=True)
def _no_recorded_runs(monkeypatch):
    monkeypatch.setattr(templates, "_RUNS", {})


def test_render_fills_names_and_the_span_filter():
    assert templates.render("plain {text} stays", {}, "X") == "plain {text} stays"
    text = "window {{ start_year }}-{{ end_year }}, {{ [first, 2023] | span }} against {{ base | span }}"
    assert templates.render(text, {"start_year": 2011, "end_year": 2016, "first": 2022, "base": [2021, 2021]},
                            "X") == "window 2011-2016, 2022-2023 against 2021"
    assert templates.variables(text) == {"start_year", "end_year", "first", "base"}


def test_render_errors_name_the_claim_and_the_parameters():
    with pytest.raises(RegisterError, match=r"^ARMS-1: rule\.primary: the template names a value the notebook does "
                                            r"not declare \('end_year' is undefined\); parameters: start_year$"):
        templates.render("{{ start_year }}-{{ end_year }}", {"start_year": 2011}, "ARMS-1: rule.primary")
    with pytest.raises(RegisterError, match=r"template '\{\{ start_year '"):
        templates.variables("{{ start_year ")


def test_every_register_template_names_parameters_its_notebook_declares(lay):
    templated = 0
    for claim in claims.load_register(lay).values():
        primaries = [claim.rule.primary, *(part.rule.primary for part in claim.parts)]  # compound: per part
        names = set().union(*(templates.variables(p) for p in primaries))
        if names:
            templated += 1
            declared = notebook_params.declared(lay.notebooks / f"{claim.notebook}.ipynb")
            assert names <= set(declared), (claim.id, names - set(declared))
    assert templated >= 7


def test_a_default_run_renders_the_register_text_and_carries_no_parameters(lay):
    v = claims.verdict("ARMS-1", observed=["RUS", "ISR", "BLR", "TUR"], lay=lay)
    assert v.reason.endswith("(March-2025 release), window 2011-2020")
    assert "parameters" not in v.to_json() and "parameters" not in v._repr_mimebundle_()["text/plain"]


def test_an_overridden_window_reaches_the_reason_the_card_and_the_verdict_json(lay):
    declared = {k: p.default for k, p in notebook_params.declared(lay.notebooks / "01_arms_imports.ipynb").items()}
    claims.use_parameters("01_arms_imports", {**declared, "end_year": 2016, "unrelated": 1}, lay)
    v = claims.verdict("ARMS-R", observed=["RUS", "ISR", "BLR", "TUR"], lay=lay)
    assert "window 2011-2016" in v.reason and "2011-2020" not in v.reason
    assert v.to_json()["parameters"] == {"end_year": 2016}
    assert "\n  parameters: end_year=2016" in v._repr_mimebundle_()["text/plain"]
    assert "window 2011-2016" in claims.describe("ARMS-1", lay)._repr_markdown_()
    with pytest.raises(RegisterError, match=r"the namespace lacks declared parameter\(s\) \['end_year'"):
        claims.use_parameters("01_arms_imports", {k: v for k, v in declared.items() if k != "end_year"}, lay)


def test_other_templated_claims_follow_their_parameters(lay):
    def run(notebook, **changed):
        declared = {k: p.default for k, p in notebook_params.declared(lay.notebooks / f"{notebook}.ipynb").items()}
        claims.use_parameters(notebook, {**declared, **changed}, lay)

    run("04_energy", primary_edition=2020, baseline_years=[2019, 2021], first_after_year=2023)
    assert claims.describe("ENERGY-2", lay).primary.startswith("Statistical Review 2020 edition (data 2019)")
    assert claims.describe("ENERGY-1", lay).primary.endswith(", 2023 against 2019-2021")
    run("07_regime", break_year=2018, press_editions=[2022, 2024])
    # REGIME-1 and REGIME-2 are compound: their templated primaries sit in a part and show in its reason
    v = claims.verdict("REGIME-1", parts={"dictatorship": claims.observation(False), "label": None}, lay=lay)
    assert "in a year after 2018" in v.parts[0]["reason"]
    v = claims.verdict("REGIME-2", parts={"press_fall": claims.observation(14.0), "named_outlets": None,
                                          "jailing": None}, lay=lay)
    assert "editions 2022 to 2024" in v.parts[0]["reason"]
