"""Register text filled from the parameters a notebook ran with.

A register text that names a run's window or edition (``rule.primary``, the specification a verdict
says it holds under) is written as a template over the parameters of the claim's notebook, e.g.
``window {{ start_year }}-{{ end_year }}``, so a run with ``end_year=2016`` says 2011-2016 and never
the default. Templates are Jinja2 expressions in a sandbox (no attribute access beyond the values,
undefined names fail); text without ``{{`` is used as written. The filter ``span`` writes a
``[start, end]`` pair as ``start-end``, or one year when both are equal.

Which parameters a notebook ran with: :func:`use_parameters`, called once in the notebook after its
parameters cell with the notebook's namespace, records the values of its declared parameters and the
overrides (values that differ from the declared defaults). A claim of a notebook that did not call it
(a unit test, an interactive session) is rendered from the notebook's declared defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from khar_analysis.claims.errors import RegisterError
from khar_analysis.core import notebook_params
from khar_analysis.core.paths import Layout
from khar_analysis.core.paths import layout as default_layout
from khar_analysis.core.records import memo_by_files

#: notebook name -> (values of its declared parameters, overrides) for this process (one kernel = one run)
_RUNS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}


def _span(pair: Any) -> str:
    start, end = pair
    return str(start) if start == end else f"{start}-{end}"


@cache
def _environment():
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["span"] = _span
    return env


def is_template(text: str) -> bool:
    return "{{" in text


def variables(text: str) -> set[str]:
    """The parameter names a template uses (raises :class:`RegisterError` on a syntax error)."""
    import jinja2
    from jinja2 import meta

    try:
        return set(meta.find_undeclared_variables(_environment().parse(text))) if is_template(text) else set()
    except jinja2.TemplateSyntaxError as exc:
        raise RegisterError(f"template {text!r}: {exc.message}") from None


def render(text: str, values: Mapping[str, Any], where: str) -> str:
    """``text`` with its ``{{ ... }}`` filled from ``values`` (``where`` names claim and field in errors)."""
    if not is_template(text):
        return text
    import jinja2

    try:
        return _environment().from_string(text).render(**values)
    except jinja2.UndefinedError as exc:
        raise RegisterError(f"{where}: the template names a value the notebook does not declare ({exc.message}); "
                            f"parameters: {', '.join(values) or 'none'}") from None
    except Exception as exc:  # a filter or expression failing on the run's values
        raise RegisterError(f"{where}: cannot fill the template from the run's parameters: "
                            f"{type(exc).__name__}: {exc}") from None


def use_parameters(notebook: str, namespace: Mapping[str, Any], lay: Layout | None = None) -> None:
    """Record the parameters ``notebook`` runs with: the values of its declared names in ``namespace``,
    and the overrides (those that differ from the declared defaults) that its verdicts will carry."""
    declared = _declared(notebook, lay or default_layout())
    missing = sorted(set(declared) - set(namespace))
    if missing:
        raise RegisterError(f"{notebook}: use_parameters: the namespace lacks declared parameter(s) {missing}")
    values = {k: namespace[k] for k in declared}
    overrides = {k: v for k, v in values.items() if v != declared[k]}
    _RUNS[notebook] = (values, overrides)


def run_parameters(notebook: str, lay: Layout | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values, overrides) of ``notebook``'s run in this process; its declared defaults and no overrides
    when it did not call :func:`use_parameters`."""
    if notebook in _RUNS:
        return _RUNS[notebook]
    return _declared(notebook, lay or default_layout()), {}


def _declared(notebook: str, lay: Layout) -> dict[str, Any]:
    """The declared defaults of ``<notebooks>/<notebook>.ipynb`` (none when there is no such notebook)."""
    path = lay.notebooks / f"{notebook}.ipynb"
    if not path.exists():
        return {}
    try:
        return dict(memo_by_files("parameters", [path],
                                  lambda: {k: p.default for k, p in notebook_params.declared(path).items()}))
    except notebook_params.ParametersCellError as exc:
        raise RegisterError(str(exc)) from None
