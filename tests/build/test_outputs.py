"""Published tables: one owning notebook per file, and names that cannot clash with the report's own."""

from __future__ import annotations

import pandas as pd
import pytest

from khar_analysis.build import outputs
from khar_analysis.build.errors import BuildError


def _stage(tmp_path, staged: dict[str, list[str]]):
    for nb, names in staged.items():
        (tmp_path / "outputs" / nb).mkdir(parents=True)
        for name in names:
            (tmp_path / "outputs" / nb / name).write_text(nb)
    return tmp_path


def test_staged_tables_move_to_the_top_and_every_notebook_keeps_its_own(tmp_path):
    stage = _stage(tmp_path, {"02_b": ["b.csv"], "03_c": []})
    files = outputs.claim(stage, ["02_b", "03_c"], {"01_a": ["a.csv"]})
    assert files == {"01_a": ["a.csv"], "02_b": ["b.csv"], "03_c": []}
    assert (stage / "b.csv").read_text() == "02_b" and not (stage / "outputs").exists()


@pytest.mark.parametrize(("staged", "kept", "message"), [
    ({"02_b": ["x.csv"], "03_c": ["x.csv"]}, {}, "x.csv is published by both 02_b and 03_c"),
    ({"02_b": ["a.csv"]}, {"01_a": ["a.csv"]}, "a.csv is published by both 01_a and 02_b"),
    ({}, {"01_a": ["ledger.csv"]}, "ledger.csv is published by 01_a but belongs to the report itself"),
])
def test_a_name_with_two_owners_stops_the_build_naming_both(tmp_path, staged, kept, message):
    stage = _stage(tmp_path, staged)
    with pytest.raises(BuildError, match=message):
        outputs.claim(stage, list(staged), kept)
    assert all((stage / "outputs" / nb / n).exists() for nb, names in staged.items() for n in names)


@pytest.mark.parametrize("name", ["ledger.csv", "index.html", "a.txt", "../a.csv", "sub/a.csv", ".hidden.csv", 3])
def test_an_output_name_must_be_a_plain_visible_csv_name(name):
    with pytest.raises(ValueError, match=r"must be a plain file name ending in \.csv"):
        outputs.check_name(name)


def test_save_csv_writes_into_the_build_folder_only_and_returns_nothing(tmp_path, monkeypatch):
    table = pd.DataFrame({"x": [1, 2]})
    monkeypatch.delenv("KHAR_OUTPUT_DIR", raising=False)
    assert outputs.save_csv(table, "t.csv") is None and not list(tmp_path.iterdir())
    monkeypatch.setenv("KHAR_OUTPUT_DIR", str(tmp_path / "02_b"))
    assert outputs.save_csv(table, "t.csv") is None
    assert (tmp_path / "02_b" / "t.csv").read_text() == "x\n1\n2\n"
