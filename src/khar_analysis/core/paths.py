"""Repository-relative paths, so that papermill, nbval and pytest resolve files alike.

The root is the folder holding this project's ``pyproject.toml``. ``KHAR_ROOT`` overrides it
(tests build whole reports in a temporary copy of the project). The raw-data mirror defaults to
``../shared/data`` beside the root and is overridden by ``KHAR_DATA_MIRROR`` or ``--mirror``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

PROJECT_NAME = "khar-analysis"


class LayoutError(RuntimeError):
    """The project root or a required folder cannot be found."""


def _is_root(path: Path) -> bool:
    pyproject = path / "pyproject.toml"
    return pyproject.is_file() and f'name = "{PROJECT_NAME}"' in pyproject.read_text(encoding="utf-8")


def find_root() -> Path:
    """Return the project root: ``KHAR_ROOT`` if set, else the folder above ``src/`` holding pyproject.toml."""
    env = os.environ.get("KHAR_ROOT")
    if env:
        root = Path(env).resolve()
        if not _is_root(root):
            raise LayoutError(f"KHAR_ROOT={env} is not a khar-analysis checkout (no pyproject.toml naming it)")
        return root
    for candidate in Path(__file__).resolve().parents:
        if _is_root(candidate):
            return candidate
    raise LayoutError(
        f"cannot find the khar-analysis root above {Path(__file__).resolve()}; "
        "install the package in editable mode (pip install -e .) or set KHAR_ROOT"
    )


@dataclass(frozen=True)
class Layout:
    """Where everything lives, relative to one root."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def manifest_dir(self) -> Path:
        return self.raw / "manifest"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def claims_dir(self) -> Path:
        return self.root / "data" / "claims"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def build(self) -> Path:
        return self.root / "build"

    def default_mirror(self) -> Path | None:
        """``KHAR_DATA_MIRROR`` if set, else ``../shared/data`` beside the root when it exists."""
        env = os.environ.get("KHAR_DATA_MIRROR")
        if env:
            return Path(env)
        candidate = self.root.parent / "shared" / "data"
        return candidate if candidate.is_dir() else None

    def rel(self, path: Path) -> str:
        """``path`` relative to the root, as POSIX text (never a machine path in any output)."""
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).name


def layout(root: Path | None = None) -> Layout:
    """The project layout, at ``root`` or at the discovered root."""
    return Layout(Path(root).resolve() if root else find_root())


#: What a build reads from a checkout besides the package: copied by :func:`copy_inputs`.
PROJECT_INPUTS = ("pyproject.toml", "data/raw/manifest", "data/claims", "data/raw/events")


def copy_inputs(lay: Layout, dest: Path, notebooks: list[str] | None = None) -> Layout:
    """Copy the project's inputs and its notebooks (``notebooks``: names to keep; ``None``: all) to ``dest``.

    The copy builds on its own (``KHAR_ROOT`` or ``Layout(dest)``); benchmarks and whole-build tests use
    one so that nothing they do touches the checkout's report.
    """
    for rel in PROJECT_INPUTS:
        src = lay.root / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel)
        elif src.exists():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest / rel)
    (dest / "notebooks").mkdir(parents=True, exist_ok=True)
    for nb in sorted(lay.notebooks.glob("[0-9][0-9]_*.ipynb")):
        if notebooks is None or nb.stem in notebooks:
            shutil.copy(nb, dest / "notebooks")
    return Layout(Path(dest).resolve())
