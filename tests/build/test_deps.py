"""Dependency keys of a notebook: imports followed across subpackages, resources, content hashes."""

from __future__ import annotations

import shutil

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from khar_analysis.build import deps


def test_notebook_dependencies_follow_imports_transitively(lay):
    book = nbformat.read(lay.notebooks / "01_arms_imports.ipynb", as_version=4)
    mods = deps.notebook_imports(book)
    assert {"analysis.arms", "claims.register", "core.plots", "provenance.manifest"} <= mods
    pkg = lay.root / "src" / "khar_analysis"
    closure = {p.relative_to(pkg).as_posix() for p in deps.library_closure(mods, pkg)}
    assert {"core/countries.py", "core/layout_checks.py", "core/paths.py", "core/atomic.py", "__init__.py",
            "analysis/__init__.py"} <= closure
    assert "build/report.py" not in closure and "build/pipeline.py" not in closure


def test_relative_and_absolute_imports_resolve_to_dotted_names():
    src = "from khar_analysis.core import paths\nimport khar_analysis.claims.register\nfrom ..core import atomic\n"
    assert deps.module_imports(src, here="build") == {"core", "core.paths", "claims.register", "core.atomic"}


def _tiny_package(root):
    pkg = root / "khar_analysis"
    (pkg / "core").mkdir(parents=True)
    (pkg / "resources").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "__init__.py").write_text("")
    (pkg / "core" / "a.py").write_text("from khar_analysis.core import b\n")
    (pkg / "core" / "b.py").write_text("X = 1\n")
    (pkg / "resources" / "country_names.csv").write_text("spelling,iso3\nTurkiye,TUR\n")
    return pkg


def test_the_library_key_hashes_content_and_resources(tmp_path):
    pkg = _tiny_package(tmp_path / "one")
    book = new_notebook(cells=[new_code_cell("from khar_analysis.core import a")])
    key = deps.library_key(book, pkg)
    assert set(key) == {"__init__.py", "core/__init__.py", "core/a.py", "core/b.py", "resources/country_names.csv"}
    # the same content elsewhere gives the same key: it hashes bytes, not paths or times
    other = tmp_path / "two" / "khar_analysis"
    shutil.copytree(pkg, other)
    assert deps.library_key(book, other) == key
    (other / "resources" / "country_names.csv").write_text("spelling,iso3\nTurkey,TUR\n")
    changed = deps.library_key(book, other)
    assert [k for k in key if key[k] != changed[k]] == ["resources/country_names.csv"]


def test_a_notebook_depends_on_the_resources_its_modules_name_not_on_the_report_s_templates(tmp_path):
    pkg = _tiny_package(tmp_path)
    (pkg / "build").mkdir()
    (pkg / "build" / "__init__.py").write_text("")
    (pkg / "build" / "report.py").write_text('TEMPLATE = "report.html.j2"\n')
    (pkg / "resources" / "report.html.j2").write_text('<style>{% include "report.css" %}</style>\n')
    (pkg / "resources" / "report.css").write_text("body { margin: 0 }\n")
    (pkg / "core" / "b.py").write_text('TABLE = "resources/topic_terms.csv"\n')
    (pkg / "resources" / "topic_terms.csv").write_text("concept,stems\n")
    book = new_notebook(cells=[new_code_cell("from khar_analysis.core import a")])
    resources = {k for k in deps.library_key(book, pkg) if k.startswith("resources/")}
    # named by an imported module: topic_terms.csv; named nowhere (reader unknown): country_names.csv
    assert resources == {"resources/topic_terms.csv", "resources/country_names.csv"}
    report = new_notebook(cells=[new_code_cell("from khar_analysis.build import report")])
    assert "resources/report.html.j2" in deps.library_key(report, pkg)
