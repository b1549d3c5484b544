"""What a notebook's outputs depend on in the library: the package modules it imports, followed through
dotted imports across subpackages, and the package's resource files, each keyed by a hash of its content.

Keys hash bytes, never paths, sizes or times: a module moved to another subpackage with the same text
keeps its hash under its new name, and an edited resource table (``resources/country_names.csv``)
changes the key of every notebook whose modules read it even though no ``.py`` file changed.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
from pathlib import Path

import nbformat

PACKAGE = "khar_analysis"


def sha(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=512)
def _file_imports(path: str, mtime_ns: int, here: str) -> frozenset[str]:
    return frozenset(module_imports(Path(path).read_text(encoding="utf-8"), here))


@functools.lru_cache(maxsize=512)
def _names_in(path: str, mtime_ns: int, names: frozenset[str]) -> frozenset[str]:
    return frozenset(n for n in names if n in Path(path).read_text(encoding="utf-8", errors="replace"))


def _mentions(file: Path, names: frozenset[str]) -> frozenset[str]:
    """Which of ``names`` (resource file names) ``file`` mentions; read once per version, as imports are."""
    return _names_in(str(file), file.stat().st_mtime_ns, names)


def _relative_base(here: str, level: int) -> str:
    """The package a relative import of ``level`` dots resolves to from package ``here``."""
    parts = here.split(".") if here else []
    return ".".join(parts[: len(parts) - (level - 1)] if level > 1 else parts)


def module_imports(path: Path | str, here: str = "") -> set[str]:
    """Dotted names (below ``khar_analysis``) of the package modules a source text or file imports.

    ``here`` is the dotted package of the importing module, to resolve relative imports. A name may be a
    module (``analysis.arms``) or a package (``analysis``); :func:`library_closure` resolves both.
    """
    if isinstance(path, Path):
        return set(_file_imports(str(path), path.stat().st_mtime_ns, here))
    found: set[str] = set()
    for node in ast.walk(ast.parse(path)):
        if isinstance(node, ast.ImportFrom):
            if node.level >= 1:
                module = ".".join(p for p in (_relative_base(here, node.level), node.module or "") if p)
            elif node.module and (node.module == PACKAGE or node.module.startswith(PACKAGE + ".")):
                module = node.module[len(PACKAGE):].lstrip(".")
            else:
                continue
            if module:
                found.add(module)
            found.update(f"{module}.{a.name}" if module else a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name[len(PACKAGE) + 1:] for a in node.names if a.name.startswith(PACKAGE + "."))
    return found


def _module_file(name: str, pkg_dir: Path) -> Path | None:
    """The file of dotted module ``name`` below ``pkg_dir`` (a module or a package's ``__init__``), if any."""
    base = pkg_dir.joinpath(*name.split(".")) if name else pkg_dir
    for file in (base.with_suffix(".py"), base / "__init__.py"):
        if file.is_file():
            return file
    return None


def library_closure(modules: set[str], pkg_dir: Path) -> list[Path]:
    """The package modules ``modules`` import, transitively (plus every ``__init__`` on the way), as sorted paths."""
    seen: dict[str, Path] = {}
    todo = [*modules, ""]
    while todo:
        name = todo.pop()
        file = _module_file(name, pkg_dir)
        if name in seen or file is None:
            continue
        seen[name] = file
        here = name if file.name == "__init__.py" else name.rpartition(".")[0]
        parents = [".".join(name.split(".")[:i]) for i in range(len(name.split(".")))]
        todo.extend([*module_imports(file, here), *parents])
    return sorted(set(seen.values()))


def notebook_imports(nb: nbformat.NotebookNode) -> set[str]:
    """``khar_analysis`` modules a notebook's code cells import."""
    found: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            src = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
            with contextlib.suppress(SyntaxError):
                found |= module_imports(src)
    return found


def library_key(nb: nbformat.NotebookNode, pkg_dir: Path) -> dict[str, str]:
    """``{relative file: sha256[:16]}`` of the modules a notebook imports (transitively) and of the resource
    files of the package (``resources/<name>``) it may read.

    A resource counts for a notebook when a module it imports names the file, or when no file of the package
    names it (its reader is unknown, so every notebook depends on it). The report's templates and style
    sheet are named only by the build's modules and by each other, so editing them re-renders the report
    without re-running a notebook; editing ``country_names.csv`` re-runs every notebook whose loaders read it.
    """
    closure = library_closure(notebook_imports(nb), pkg_dir)
    lib = {m.relative_to(pkg_dir).as_posix(): sha(m.read_bytes())[:16] for m in closure}
    resources = sorted(p for p in (pkg_dir / "resources").glob("*") if p.is_file())
    names = frozenset(r.name for r in resources)
    mine = set().union(*(_mentions(m, names) for m in closure))
    named = set().union(*(_mentions(f, names) - {f.name} for f in sorted(pkg_dir.rglob("*"))
                          if f.is_file() and f.suffix in (".py", ".j2", ".css")))
    for r in resources:
        if r.name in mine or r.name not in named:
            lib[f"resources/{r.name}"] = sha(r.read_bytes())[:16]
    return lib

