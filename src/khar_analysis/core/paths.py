"""Project-relative paths, so that papermill, nbval and pytest resolve files alike.

A *project* is a folder whose ``pyproject.toml`` holds a ``[tool.khar]`` table (:class:`ProjectConfig`:
the article's source id and the register, notebooks and reports folders). The root is ``KHAR_ROOT`` when
set, else the nearest such folder at or above the working directory: never the folder the package was
installed from, so one installed library builds any project. The raw-data mirror defaults to
``../shared/data`` beside the root and is overridden by ``KHAR_DATA_MIRROR`` or ``--mirror``.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

#: The package folder (its ``resources/`` hold committed tables that code reads, e.g. ``country_names.csv``).
PACKAGE_DIR = Path(__file__).resolve().parent.parent


class LayoutError(RuntimeError):
    """The project root or a required folder cannot be found, or the project file is malformed."""


@dataclass(frozen=True)
class ProjectConfig:
    """The ``[tool.khar]`` table of a project's ``pyproject.toml``; the defaults are this project's layout.

    Folders are relative to the root, written with ``/``.
    """

    article: str = "article"
    register: str = "data/claims"
    notebooks: str = "notebooks"
    reports: str = "reports"

    @classmethod
    def from_table(cls, table: dict, where: str = "pyproject.toml") -> ProjectConfig:
        """Validate a ``[tool.khar]`` table: known keys only, each a non-empty string (folders relative)."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(table) - known)
        if unknown:
            raise LayoutError(f"{where}: [tool.khar] has unknown key(s) {unknown}; known: {sorted(known)}")
        for key, value in table.items():
            if not isinstance(value, str) or not value.strip():
                raise LayoutError(f"{where}: [tool.khar] {key} must be a non-empty string, found {value!r}")
            if key != "article" and (Path(value).is_absolute() or ".." in Path(value).parts):
                raise LayoutError(f"{where}: [tool.khar] {key} = {value!r} must be a folder inside the project")
        return cls(**table)


def _khar_table(folder: Path) -> dict | None:
    """The ``[tool.khar]`` table of ``folder/pyproject.toml``, or ``None`` when there is none."""
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return None
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{pyproject}: not valid TOML ({exc})") from None
    table = data.get("tool", {}).get("khar")
    return table if isinstance(table, dict) else None


def read_config(root: Path) -> ProjectConfig:
    """The project file of ``root``; the defaults when it has no ``[tool.khar]`` table."""
    table = _khar_table(root)
    return ProjectConfig() if table is None else ProjectConfig.from_table(table, f"{root.name}/pyproject.toml")


def find_root(start: Path | None = None) -> Path:
    """The project root: ``KHAR_ROOT`` if set, else the nearest folder at or above ``start`` (default: the
    working directory) whose ``pyproject.toml`` has a ``[tool.khar]`` table."""
    env = os.environ.get("KHAR_ROOT")
    if env:
        root = Path(env).resolve()
        if _khar_table(root) is None:
            raise LayoutError(f"KHAR_ROOT={env} is not a khar project (no pyproject.toml with a [tool.khar] table)")
        return root
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _khar_table(candidate) is not None:
            return candidate
    raise LayoutError(f"no khar project at or above {here} (no pyproject.toml with a [tool.khar] table); "
                      "run from inside the project or set KHAR_ROOT")


@dataclass(frozen=True)
class Layout:
    """Where everything lives, relative to one root; folders named in the project file come from ``config``."""

    root: Path
    config: ProjectConfig = field(default=None)  # type: ignore[assignment]  # read from the root when omitted

    def __post_init__(self) -> None:
        if self.config is None:
            object.__setattr__(self, "config", read_config(Path(self.root)))

    @property
    def article_id(self) -> str:
        """The manifest source id of the article the claims are taken from."""
        return self.config.article

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
        return self.root / self.config.register

    @property
    def notebooks(self) -> Path:
        return self.root / self.config.notebooks

    @property
    def reports(self) -> Path:
        return self.root / self.config.reports

    @property
    def build(self) -> Path:
        return self.root / "build"

    def check_folders(self) -> None:
        """Refuse a ``data/raw`` (or a group folder in it) that is a symbolic link.

        Verified copies of the raw files are written there; through a link they would land in another
        folder (often the mirror itself) without anyone noticing. Raises :class:`LayoutError` saying what
        to do instead.
        """
        links = [self.raw] if self.raw.is_symlink() else []
        if not links and self.raw.is_dir():
            links = sorted(p for p in self.raw.iterdir() if p.is_symlink() and p.is_dir())
        if links:
            shown = ", ".join(f"{self.rel_link(p)} -> {os.readlink(p)}" for p in links)
            raise LayoutError(f"{shown}: a raw-data folder is a symbolic link; khar writes verified copies of the "
                              "raw files there and will not write through a link. Make it a real folder and "
                              "point KHAR_DATA_MIRROR (or --mirror) at the linked folder to reuse its files")

    def rel_link(self, path: Path) -> str:
        """``path`` relative to the root without following a link at its end."""
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).name

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


def package_resources() -> list[Path]:
    """The package's resource files (``khar_analysis/resources/*``), sorted by name."""
    folder = PACKAGE_DIR / "resources"
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


#: What a build reads from a checkout besides the package and the folders the project file names.
PROJECT_INPUTS = ("pyproject.toml", "data/raw/manifest", "data/raw/events")


def copy_inputs(lay: Layout, dest: Path, notebooks: list[str] | None = None) -> Layout:
    """Copy the project's inputs, its register and its notebooks (``notebooks``: names to keep; ``None``: all).

    The copy builds on its own (``KHAR_ROOT`` or ``Layout(dest)``); benchmarks and whole-build tests use
    one so that nothing they do touches the checkout's report.
    """
    dest = Path(dest)
    for rel in (*PROJECT_INPUTS, lay.config.register):
        src = lay.root / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel)
        elif src.exists():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest / rel)
    copy = Layout(dest.resolve())
    copy.notebooks.mkdir(parents=True, exist_ok=True)
    for nb in sorted(lay.notebooks.glob("[0-9][0-9]_*.ipynb")):
        if notebooks is None or nb.stem in notebooks:
            shutil.copy(nb, copy.notebooks)
    return copy
