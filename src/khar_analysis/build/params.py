"""The in-kernel check of a notebook's parameters: ``params.check(globals(), "NN_name")``.

Every notebook's second code cell calls :func:`check`, so a plain ``papermill`` run with a misspelt
``-p`` name or a mistyped value stops there with one line naming the notebook and the parameter. The
declarations (``name: type = literal  # help``) and the type checks are
:mod:`khar_analysis.core.notebook_params`'s, the one reader of parameters cells; this module only
finds which names a kernel holds. It imports no Jupyter package (the notebook file is read with
:mod:`json`), so the check adds little to a kernel's start.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Mapping
from typing import Any

from khar_analysis.core import notebook_params


class ParameterError(ValueError):
    """A parameter that is unknown or mistyped, or a notebook whose parameters cell cannot be read.

    Rendered as its one-line message in a kernel (IPython calls ``_render_traceback_``), so a failed
    papermill run ends with that line rather than a traceback through the library.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


def _bound_names(nb: Mapping[str, Any]) -> set[str]:
    """Every top-level name the notebook's code cells bind (assignments, loop targets, imports);
    ``nb`` as :func:`notebook_params.read_notebook` gives it."""
    names: set[str] = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "\n".join(ln for ln in cell["source"].splitlines() if not ln.lstrip().startswith(("%", "!")))
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
    try:
        nb = notebook_params.read_notebook(path)
        cell = nb["cells"][notebook_params.parameters_cell(nb, notebook)]
        declarations = notebook_params.parse_cell(cell["source"], notebook)
    except notebook_params.ParametersCellError as exc:
        raise ParameterError(str(exc)) from None
    later = _bound_names(nb) - set(declarations)
    present = {k: v for k, v in _user_names(namespace).items() if k not in later}
    if (problem := notebook_params.check_values(declarations, present, notebook)) is not None:
        raise ParameterError(problem)
