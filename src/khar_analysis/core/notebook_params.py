"""A notebook's declared parameters: the one cell tagged ``parameters``, read without executing it.

The one reader of parameters cells: the build's override checks, the in-kernel check
(:mod:`khar_analysis.build.params`) and the register's templates all read declarations here.

papermill injects overrides after the cell tagged ``parameters``; that cell holds literal assignments
only. The house form is one annotated literal with a one-line help comment::

    end_year: int = 2020  # last delivery year of the ARMS-1 window

which is the form papermill's ``PythonTranslator.inspect`` parses, so ``papermill --help-notebook``
shows each parameter's type and help; the help is the comment on the line where the assignment ends
(the line papermill takes it from). A plain ``name = literal`` is read too (no annotation, no help).
The type of a parameter is its annotation when it has one this module understands (builtins ``int``,
``float``, ``str``, ``bool``, ``object``, ``list[...]``, ``tuple[...]``, ``dict[..., ...]``,
``X | Y``, ``None``, ``Literal[...]``), else the type of its literal default (a list of ints is
``list[int]``); a default that does not fit its annotation is refused. :func:`check_value` tells, in
one phrase, why a value does not fit a type: a bool where text is expected (YAML 1.1 reads ``NO``,
``yes``, ``off`` as booleans), a date where text is expected (YAML reads ``2024-01-05`` as a date),
NaN or infinity, an int for a bool. :func:`check_values` gives the one-line problem of a set of
given values (an unknown name, a mistyped value), naming the notebook.

Notebook files are read with :mod:`json` (:func:`read_notebook`), not nbformat: kernels import this
module, and nbformat's import (jsonschema and its formats) costs each kernel about 0.2 s.

Spec forms (plain tuples, so they compare and print simply): ``("int",)``, ``("float",)``, ``("str",)``,
``("bool",)``, ``("none",)``, ``("any",)``, ``("list", elem)``, ``("tuple", elem)``, ``("dict", key, value)``,
``("union", (spec, ...))``, ``("literal", (value, ...))``.
"""

from __future__ import annotations

import ast
import datetime
import io
import json
import math
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Spec = tuple
ANY: Spec = ("any",)
_SCALARS = {"int": ("int",), "float": ("float",), "str": ("str",), "bool": ("bool",), "None": ("none",),
            "object": ANY, "Any": ANY}


class ParametersCellError(ValueError):
    """The parameters cell is missing, doubled, or not literal assignments; the message names the notebook."""


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: ``name: annotation = default  # help``, and the type spec it reads as.

    ``annotation`` is the annotation as written (``""`` for a plain assignment), ``help`` the comment
    on the line where the assignment ends (``""`` when there is none).
    """

    name: str
    default: Any
    spec: Spec
    annotation: str = ""
    help: str = ""

    @property
    def type_name(self) -> str:
        return spec_name(self.spec)


def read_notebook(path: Path) -> dict[str, Any]:
    """The notebook file at ``path`` as ``{"cells": [...], "metadata": {...}}``, read with :mod:`json`.

    Each cell is a dict with ``cell_type``, ``metadata`` and ``source`` (its lines joined into one
    string, as nbformat gives it); outputs are left out. Raises :class:`ParametersCellError` naming the
    file when it is not a notebook's JSON.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        cells = [{"cell_type": c["cell_type"], "metadata": c.get("metadata", {}),
                  "source": c["source"] if isinstance(c["source"], str) else "".join(c["source"])}
                 for c in data["cells"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise ParametersCellError(f"{Path(path).name}: not a notebook file ({type(exc).__name__}: {exc})") from None
    return {"cells": cells, "metadata": data.get("metadata", {})}


def parameters_cell(nb: Mapping[str, Any], shown: str) -> int:
    """Index of the one cell tagged ``parameters`` in ``nb`` (a :func:`read_notebook` dict or an nbformat
    node; ``shown``: the notebook's name in messages)."""
    hits = [i for i, c in enumerate(nb["cells"]) if "parameters" in c["metadata"].get("tags", [])]
    if not hits:
        raise ParametersCellError(f"{shown}: no cell is tagged 'parameters' (tag the cell holding the parameters: "
                                  "papermill injects overrides after it)")
    if len(hits) > 1:
        raise ParametersCellError(f"{shown}: {len(hits)} cells are tagged 'parameters' (cells {hits}); "
                                  "expected exactly one")
    return hits[0]


def _comments(source: str) -> dict[int, str]:
    """Line number (1-based) -> the text of the comment on that line, without ``#``."""
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string.lstrip("#").strip()
    return out


def _literal(node: ast.stmt, shown: str) -> tuple[str, Any, ast.expr | None]:
    """(name, literal default, annotation node) of one statement of a parameters cell."""
    target, value, annotation = None, None, None
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    elif isinstance(node, ast.AnnAssign):
        target, value, annotation = node.target, node.value, node.annotation
    if not isinstance(target, ast.Name) or value is None:
        raise ParametersCellError(f"{shown}: the parameters cell, line {node.lineno}: "
                                  f"`{ast.unparse(node)[:60]}` is not `name = literal` (the cell may hold "
                                  "only literal assignments)")
    try:
        return target.id, ast.literal_eval(value), annotation
    except ValueError:
        raise ParametersCellError(f"{shown}: the parameters cell, line {node.lineno}: {target.id} = "
                                  f"`{ast.unparse(value)[:60]}` is not a literal (papermill can override "
                                  "literals only)") from None


def parse_cell(source: str, shown: str) -> dict[str, Parameter]:
    """The literal assignments of a parameters cell's ``source``, by name, in order, with their help."""
    try:
        body = ast.parse(source).body
    except SyntaxError as exc:
        raise ParametersCellError(f"{shown}: the parameters cell is not valid Python (line {exc.lineno}: "
                                  f"{exc.msg})") from None
    comments = _comments(source)
    out: dict[str, Parameter] = {}
    for node in body:
        name, default, annotation = _literal(node, shown)
        annotated = _from_annotation(annotation)
        spec = annotated or infer(default)
        if annotated is not None and (problem := check_value(default, annotated)) is not None:
            raise ParametersCellError(f"{shown}: the parameters cell, line {node.lineno}: the default of "
                                      f"{name} does not fit its annotation: {problem}")
        out[name] = Parameter(name, default, spec, ast.unparse(annotation) if annotation else "",
                              comments.get(node.end_lineno or node.lineno, ""))
    return out


def declared(path: Path, shown: str | None = None) -> dict[str, Parameter]:
    """The declared parameters of the notebook at ``path`` (``shown``: its name in messages, the file name
    by default)."""
    shown = shown or Path(path).name
    nb = read_notebook(path)
    return parse_cell(nb["cells"][parameters_cell(nb, shown)]["source"], shown)


def check_values(declarations: Mapping[str, Parameter], given: Mapping[str, Any], shown: str) -> str | None:
    """The one-line problem of ``given`` values (an unknown name, with the closest declared one, or a value
    that does not fit its declared type), naming the notebook ``shown``; ``None`` when all fit."""
    unknown = sorted(set(given) - set(declarations))
    if unknown:
        import difflib

        named = []
        for key in unknown:
            close = difflib.get_close_matches(key, list(declarations), n=1)
            named.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        noun = "parameter" if len(unknown) == 1 else "parameters"
        return f"{shown}: unknown {noun} {', '.join(named)}; declared: {', '.join(declarations)}"
    for key, value in given.items():
        spec = declarations[key].spec
        if (problem := check_value(value, spec)) is not None:
            hint = " (papermill -p passes text and numbers only: give lists and dicts with -y)" \
                if isinstance(value, str) and spec[0] in ("list", "tuple", "dict") else ""
            return f"{shown}: parameter {key}: {problem}{hint}"
    return None


# --- type specs ----------------------------------------------------------------------------------

def _union(specs: list[Spec]) -> Spec:
    unique = list(dict.fromkeys(specs))
    if set(unique) == {("int",), ("float",)}:
        return ("float",)
    if not unique:
        return ANY
    return unique[0] if len(unique) == 1 else ("union", tuple(unique))


def infer(value: Any) -> Spec:
    """The spec of a literal default (element types joined; int and float join as float)."""
    if value is None:
        return ANY
    if isinstance(value, bool | int | float | str):
        return (type(value).__name__,)
    if isinstance(value, list | tuple):
        return ("list" if isinstance(value, list) else "tuple", _union([infer(v) for v in value]))
    if isinstance(value, dict):
        return ("dict", _union([infer(k) for k in value]), _union([infer(v) for v in value.values()]))
    return ANY


def _from_annotation(node: ast.expr | None) -> Spec | None:
    """The spec an annotation spells, or ``None`` when it is not one this module understands."""
    if node is None:
        return None
    if isinstance(node, ast.Name):
        return _SCALARS.get(node.id)
    if isinstance(node, ast.Constant) and node.value is None:
        return ("none",)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _from_annotation(node.left), _from_annotation(node.right)
        return ("union", (left, right)) if left and right else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if node.value.id == "Literal":
            try:
                return ("literal", tuple(ast.literal_eval(a) for a in args))
            except ValueError:
                return None
        inner = [_from_annotation(a) for a in args if not (isinstance(a, ast.Constant) and a.value is Ellipsis)]
        if any(i is None for i in inner):
            return None
        if node.value.id in ("list", "tuple") and inner:
            return (node.value.id, _union(inner))
        if node.value.id == "dict" and len(inner) == 2:
            return ("dict", *inner)
    return None


def spec_name(spec: Spec) -> str:
    """A spec as Python spells the type (``list[int]``, ``str | None``)."""
    kind = spec[0]
    if kind in ("list", "tuple"):
        return f"{kind}[{spec_name(spec[1])}]"
    if kind == "dict":
        return f"dict[{spec_name(spec[1])}, {spec_name(spec[2])}]"
    if kind == "union":
        return " | ".join(spec_name(s) for s in spec[1])
    if kind == "literal":
        return "one of " + ", ".join(map(repr, spec[1]))
    return {"none": "None", "any": "any value"}.get(kind, kind)


def _found(value: Any) -> str:
    hint = ""
    if isinstance(value, bool):
        hint = " (YAML 1.1 reads yes/no/on/off/true/false as booleans: quote the value, e.g. 'NO')"
    elif isinstance(value, datetime.date):
        hint = " (YAML reads 2024-01-05 as a date: quote the value)"
    shown = value.isoformat() if isinstance(value, datetime.date) else repr(value)
    return f"{type(value).__name__} {shown[:60]}{hint}"


def check_value(value: Any, spec: Spec) -> str | None:
    """Why ``value`` does not fit ``spec`` (``"expected ..., found ..."``), or ``None`` when it fits."""
    kind = spec[0]
    want = spec_name(spec)
    if isinstance(value, float) and not math.isfinite(value) and kind in ("float", "any", "union"):
        return f"expected a finite {'number' if kind != 'float' else want}, found {value!r}"
    if kind == "any":
        return None
    if kind == "union":
        problems = [check_value(value, s) for s in spec[1]]
        return None if any(p is None for p in problems) else f"expected {want}, found {_found(value)}"
    if kind == "literal":
        return None if value in spec[1] and type(value) in {type(v) for v in spec[1]} else (
            f"expected {want}, found {_found(value)}")
    scalar = {"int": int, "float": int | float, "str": str, "bool": bool, "none": type(None)}.get(kind)
    if scalar is not None:
        fits = isinstance(value, scalar) and (kind == "bool" or not isinstance(value, bool))
        return None if fits else f"expected {want}, found {_found(value)}"
    container = {"list": list, "tuple": list | tuple, "dict": dict}[kind]
    if not isinstance(value, container):
        return f"expected {want}, found {_found(value)}"
    items = [(k, spec[1]) for k in value] + [(v, spec[2]) for v in value.values()] if kind == "dict" else [
        (v, spec[1]) for v in value]
    for item, item_spec in items:
        if (problem := check_value(item, item_spec)) is not None:
            return f"expected {want}, found {_found(value)}: {problem}"
    return None
