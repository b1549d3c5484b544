"""The project root and the project file: found from the working directory, never from the installed package."""

from __future__ import annotations

import pytest

from khar_analysis.core import paths

PROJECT_FILE = '[project]\nname = "demo"\n\n[tool.khar]\narticle = "essay"\nregister = "claims"\n'


def _project(folder, text=PROJECT_FILE):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    return folder


def test_the_root_is_found_upwards_from_the_working_directory(tmp_path, monkeypatch):
    root = _project(tmp_path / "demo")
    (root / "notebooks" / "deep").mkdir(parents=True)
    monkeypatch.delenv("KHAR_ROOT", raising=False)
    monkeypatch.chdir(root / "notebooks" / "deep")
    assert paths.find_root() == root.resolve()
    lay = paths.layout()
    assert lay.article_id == "essay" and lay.claims_dir == root.resolve() / "claims"
    assert lay.notebooks == root.resolve() / "notebooks" and lay.reports == root.resolve() / "reports"


def test_khar_root_wins_and_must_be_a_project(tmp_path, monkeypatch):
    root = _project(tmp_path / "demo")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KHAR_ROOT", str(root))
    assert paths.find_root() == root.resolve()
    monkeypatch.setenv("KHAR_ROOT", str(tmp_path))
    with pytest.raises(paths.LayoutError, match=r"^KHAR_ROOT=.* is not a khar project"):
        paths.find_root()


def test_no_project_is_one_clear_line(tmp_path, monkeypatch):
    _project(tmp_path / "other", '[project]\nname = "x"\n')  # a pyproject without [tool.khar] is not a root
    monkeypatch.delenv("KHAR_ROOT", raising=False)
    monkeypatch.chdir(tmp_path / "other")
    with pytest.raises(paths.LayoutError) as err:
        paths.find_root()
    assert "\n" not in str(err.value) and "no khar project at or above" in str(err.value)


def test_the_project_file_rejects_unknown_keys_and_escaping_folders(tmp_path):
    with pytest.raises(paths.LayoutError, match=r"unknown key\(s\) \['regsiter'\]"):
        paths.read_config(_project(tmp_path / "a", '[tool.khar]\nregsiter = "x"\n'))
    with pytest.raises(paths.LayoutError, match="must be a folder inside the project"):
        paths.read_config(_project(tmp_path / "b", '[tool.khar]\nreports = "../elsewhere"\n'))


def test_defaults_are_this_projects_layout(lay, tmp_path):
    assert paths.ProjectConfig() == lay.config
    bare = paths.Layout(tmp_path)  # no project file: the defaults
    assert bare.claims_dir == tmp_path / "data" / "claims" and bare.article_id == "article"


def test_a_copy_takes_the_folders_the_project_file_names(lay, tmp_path):
    copy = paths.copy_inputs(lay, tmp_path / "copy", notebooks=["01_arms_imports"])
    assert copy.config == lay.config
    assert sorted(p.name for p in copy.notebooks.iterdir()) == ["01_arms_imports.ipynb"]
    names = [sorted(p.name for p in x.claims_dir.glob("*.yaml")) for x in (copy, lay)]
    assert names[0] == names[1]


def test_an_installed_copy_of_the_package_finds_the_root_from_the_working_directory(tmp_path):
    """As after a non-editable ``pip install .``: the package lives elsewhere, and its location is never used."""
    import os
    import shutil
    import subprocess
    import sys

    site = tmp_path / "site"
    shutil.copytree(paths.PACKAGE_DIR, site / "khar_analysis", ignore=shutil.ignore_patterns("__pycache__"))
    root = _project(tmp_path / "demo")
    (root / "notebooks").mkdir()
    probe = ("import khar_analysis.core.paths as p\nprint(p.PACKAGE_DIR)\n"
             "try:\n    print(p.find_root())\nexcept p.LayoutError as e:\n    print('LayoutError')")
    env = {k: v for k, v in os.environ.items() if k != "KHAR_ROOT"} | {"PYTHONPATH": str(site)}
    for cwd, want in ((root / "notebooks", str(root.resolve())), (site, "LayoutError")):
        out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True,
                             check=True).stdout.splitlines()
        assert out == [str((site / "khar_analysis").resolve()), want]


def test_a_linked_raw_data_folder_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "manifest").mkdir(parents=True)
    lay = paths.Layout(tmp_path / "p")
    lay.raw.parent.mkdir(parents=True)
    lay.raw.symlink_to(elsewhere)
    with pytest.raises(paths.LayoutError, match=r"data/raw -> .*elsewhere: a raw-data folder is a symbolic link; .*"
                                          r"point KHAR_DATA_MIRROR"):
        lay.check_folders()


def test_a_linked_group_folder_is_refused_and_a_real_one_is_fine(tmp_path):
    lay = paths.Layout(tmp_path / "p")
    (lay.raw / "sipri").mkdir(parents=True)
    lay.check_folders()
    (tmp_path / "big").mkdir()
    (lay.raw / "wits").symlink_to(tmp_path / "big")
    with pytest.raises(paths.LayoutError, match=r"data/raw/wits -> "):
        lay.check_folders()
