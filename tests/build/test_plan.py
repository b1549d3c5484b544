"""The incremental plan: the reasons it gives for running a notebook."""

from __future__ import annotations

from khar_analysis.build import plan


def test_reasons_name_what_changed():
    old = {"notebook": "a", "params": {}, "claims": "c", "library": {"arms.py": "1"}, "raw": {"s": "1"}}
    assert plan.diff_reason(old, dict(old)) == "up to date"
    assert plan.diff_reason(None, old) == "never built"
    new = {**old, "library": {"arms.py": "2"}, "raw": {"s": "2"}}
    assert plan.diff_reason(old, new) == "library changed: arms.py; raw data changed: s"
    resources = {**old, "library": {**old["library"], "resources/country_names.csv": "9"}}
    assert plan.diff_reason(old, resources) == "library changed: resources/country_names.csv"


def test_the_article_of_the_project_file_is_a_dependency_of_every_notebook(lay):
    assert lay.article_id == "article"
    book = lay.notebooks / "01_arms_imports.ipynb"
    from khar_analysis.claims import register as claims
    from khar_analysis.provenance import manifest

    key = plan.notebook_key(book, {}, claims.load_register(lay), manifest.load_manifest(lay), lay)
    assert "article" in key["raw"] and "resources/country_names.csv" in key["library"]
