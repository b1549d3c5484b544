"""The benchmark's floor: exactly a notebook's import lines."""

from __future__ import annotations

import nbformat


def test_the_floor_runs_exactly_the_notebooks_imports():
    from khar_analysis.build import bench

    book = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import pandas as pd\nfrom khar_analysis import arms, claims\nprint(arms)"),
        nbformat.v4.new_markdown_cell("import os")])
    assert bench.import_lines(book) == "import pandas as pd\nfrom khar_analysis import arms, claims"


def test_the_replayed_claim_is_the_first_of_the_notebook_with_the_least_work(lay, monkeypatch):
    from pathlib import Path

    from khar_analysis.build import bench

    calls = []

    def timed(cmd, env, cwd):
        calls.append((cmd[-1], "KHAR_BROWSER" in env))
        return 6.0 if "KHAR_BROWSER" in env else 9.0

    monkeypatch.setattr(bench, "_timed", timed)
    naive = {"01_arms_imports": 20.0, "07_regime": 9.0, "gone": 1.0}
    floor = {"01_arms_imports": 5.0, "07_regime": 5.0}
    out = bench.claim_replay(lay, naive, floor, {}, Path("bin"))
    assert calls == [("REGIME-1", False), ("REGIME-1", True)]
    assert out == {"claim_id": "REGIME-1", "claim_s": 9.0, "claim_nopdf_s": 6.0, "claim_floor_s": 5.0,
                   "claim_over_floor": 1.8, "claim_nopdf_over_floor": 1.2}
