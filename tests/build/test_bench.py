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
