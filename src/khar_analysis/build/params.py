"""Notebook parameters: declared once, typed and documented, in each notebook's ``parameters`` cell.

A declaration is one annotated literal with a one-line help comment::

    end_year: int = 2020  # last delivery year of the ARMS-1 window

which is the form papermill's Python translator parses (``PythonTranslator.inspect``: ``name: type =
value  # help``), so ``papermill --help-notebook`` shows each parameter's type and help. The same cell is
read here with :mod:`ast` (names, annotations, literal defaults) and :mod:`tokenize` (the comment on the
line where each assignment ends, which is the line papermill takes the help from). Annotations are the
builtin types and their generic forms (``list[str]``, ``dict[str, int]``, ``object``); papermill's
pattern admits no ``|``, so a parameter that takes several types is ``object``. (A plain ``name = value``
is read too, typed by its default; the committed notebooks' tests require the documented form.)

Two checks use the declarations: :func:`check_values` (the build's ``-p``/``--params-file`` overrides,
before any kernel starts) and :func:`check` (inside the kernel, so a plain ``papermill`` run with a
misspelt ``-p`` name stops too).
"""

from __future__ import annotations

import ast
import io
import tokenize
import types
from dataclasses import dataclass
from pathlib import Path

import nbformat

_SIMPLE = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict}


class ParameterError(ValueError):
    """A parameters cell that is not a list of typed literals, or a parameter that is unknown or mistyped.

    Rendered as its one-line message in a kernel (IPython calls ``_render_traceback_``), so a failed
    papermill run ends with that line rather than a traceback through the library.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: ``name: type = default  # help``."""

    name: str
    type: str
    default: object
    help: str


def parameters_source(nb: nbformat.NotebookNode, where: str) -> str:
    """The source of the one cell tagged ``parameters``; raise when there is not exactly one."""
    hits = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(hits) != 1:
        raise ParameterError(f"{where}: expected exactly one cell tagged 'parameters', found {len(hits)}")
    return hits[0].source


def _comments(source: str) -> dict[int, str]:
    """Line number (1-based) -> the text of the comment on that line, without ``#``."""
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string.lstrip("#").strip()
    return out


def read_cell(source: str, where: str) -> dict[str, Parameter]:
    """The declarations of a parameters cell, in order; raise naming ``where`` on anything else.

    The house form is ``name: type = literal  # help`` (help on the line where the value ends; the
    committed notebooks' tests require it). A plain ``name = literal`` is read too, its type taken from
    the default and its help left empty, so that a project's first notebooks build before they are
    documented.
    """
    comments = _comments(source)
    out: dict[str, Parameter] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value, annotation = node.target.id, node.value, ast.unparse(node.annotation)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, annotation = node.targets[0].id, node.value, None
        else:
            raise ParameterError(f"{where}: line {node.lineno} of the parameters cell is not "
                                 "'name: type = literal  # help'")
        try:
            default = ast.literal_eval(value)
        except ValueError:
            raise ParameterError(f"{where}: parameter {name} must be a literal") from None
        annotation = annotation or _infer(default)
        if not matches(default, annotation):
            raise ParameterError(f"{where}: parameter {name}'s default {default!r} is not a {annotation}")
        out[name] = Parameter(name, annotation, default, comments.get(node.end_lineno or node.lineno, ""))
    return out


def _infer(default: object) -> str:
    """The type of an unannotated default (``object`` when it is none of the plain types)."""
    name = type(default).__name__
    return name if name in _SIMPLE else "object"


def declared(path: Path) -> dict[str, Parameter]:
    """The parameters a notebook file declares (read, never executed)."""
    nb = nbformat.read(path, as_version=4)
    return read_cell(parameters_source(nb, path.name), path.stem)


def matches(value: object, annotation: str) -> bool:
    """Whether ``value`` is of the declared type; an ``int`` passes as ``float``, a ``bool`` never as a number.

    Raises :class:`ParameterError` for an annotation outside the supported forms.
    """
    return _matches(value, ast.parse(annotation, mode="eval").body, annotation)


def _matches(value: object, node: ast.expr, text: str) -> bool:
    if isinstance(node, ast.Name) and node.id == "object":
        return True
    if isinstance(node, ast.Name) and node.id in _SIMPLE:
        want = _SIMPLE[node.id]
        if isinstance(value, bool) and want is not bool:
            return False
        return isinstance(value, want) or (want is float and isinstance(value, int))
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if node.value.id == "list" and len(args) == 1:
            return isinstance(value, list) and all(_matches(v, args[0], text) for v in value)
        if node.value.id == "dict" and len(args) == 2:
            return isinstance(value, dict) and all(
                _matches(k, args[0], text) and _matches(v, args[1], text) for k, v in value.items())
    raise ParameterError(f"unsupported parameter type {text!r}: use str, int, float, bool, object, "
                         "list[...] or dict[..., ...]")


def check_values(declarations: dict[str, Parameter], given: dict[str, object], notebook: str) -> None:
    """Reject names not declared and values not of the declared type (one line naming the notebook)."""
    unknown = sorted(set(given) - set(declarations))
    if unknown:
        noun = "parameter" if len(unknown) == 1 else "parameters"
        shown = ", ".join(repr(u) for u in unknown)
        raise ParameterError(f"{notebook}: unknown {noun} {shown}; declared: {', '.join(declarations)}")
    for name, value in given.items():
        want = declarations[name].type
        if not matches(value, want):
            hint = " (papermill -p passes text and numbers only: give lists and dicts with -y)" \
                if want.startswith(("list", "dict")) and isinstance(value, str) else ""
            raise ParameterError(f"{notebook}: parameter {name}={value!r} should be {want}, "
                                 f"found {type(value).__name__}{hint}")


def _bound_names(nb: nbformat.NotebookNode) -> set[str]:
    """Every top-level name the notebook's code cells bind (assignments, loop targets, imports)."""
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _user_names(namespace: dict) -> dict[str, object]:
    """The user's names in a kernel namespace: IPython's own (``user_ns_hidden``), ``_``-names and
    modules left out, as ``%who`` does."""
    hidden: set[str] = set()
    shell = namespace.get("get_ipython")
    if callable(shell):
        hidden = set(getattr(shell(), "user_ns_hidden", {}))
    return {k: v for k, v in namespace.items()
            if not k.startswith("_") and k not in hidden and not isinstance(v, types.ModuleType)}


def check(namespace: dict, notebook: str) -> None:
    """Stop a notebook whose kernel holds a parameter its ``parameters`` cell does not declare, or a
    declared one of the wrong type; called as ``params.check(globals(), "NN_name")`` in the cell right
    after the parameters cell.

    Why the namespace: papermill injects its cell (tagged ``injected-parameters``) between the parameters
    cell and this one, and a kernel cannot see cell tags. So at this point the kernel's user names are
    the declared parameters plus whatever was injected, however it was injected (papermill ``-p``/``-y``/
    ``-f``, its Python API, ``khar build``); nothing has to record what the parameters cell defined, and
    the notebook holds one call, no logic. The declarations are read from the project's copy of the
    notebook (``<notebooks>/<notebook>.ipynb`` under the root, found from ``KHAR_ROOT`` or the working
    directory, as every other file is). Names that a later cell of the notebook binds are not reported:
    they are there only when the kernel has already run the notebook (an interactive re-run), never
    after a parameter injection into a fresh kernel.
    """
    from khar_analysis.core.paths import layout

    path = layout().notebooks / f"{notebook}.ipynb"
    nb = nbformat.read(path, as_version=4)
    declarations = read_cell(parameters_source(nb, path.name), notebook)
    later = _bound_names(nb) - set(declarations)
    present = {k: v for k, v in _user_names(namespace).items() if k not in later}
    check_values(declarations, present, notebook)
