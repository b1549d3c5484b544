"""pytest settings that must hold from any working directory (pytest loads this file for every path below it).

nbval reads its sanitiser file from ``--nbval-sanitize-with``, a path taken relative to the working
directory, so ``addopts`` cannot name it; it is supplied here by absolute path when none is given, and
``pytest --nbval <checkout>/notebooks/03_trade.ipynb`` compares the same outputs from any folder. (The
kernel itself runs in the notebook's folder under nbval, and finds the project root upwards from there.)
"""

from __future__ import annotations

from pathlib import Path

NBVAL_SANITIZE = Path(__file__).resolve().parent / "tests" / "nbval_sanitize.cfg"


def pytest_configure(config):
    option = config.option
    if getattr(option, "nbval_sanitize_with", "") is None and getattr(option, "sanitize_with", None) is None:
        option.nbval_sanitize_with = str(NBVAL_SANITIZE)
