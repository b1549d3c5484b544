"""Parameter overrides checked at the door, before any notebook runs.

``khar build -p NB:name=value`` and ``--params-file`` give overrides; each is checked against the
notebook's parameters cell (:mod:`khar_analysis.core.notebook_params`: the annotation's type, else
the literal default's): an unknown name, a wrong type (with the YAML 1.1 traps named), NaN or
infinity stop the build with one line naming the notebook, the parameter, what was expected and
what was found. Two further checks come from the notebook's metadata (``khar``):

``windows``  entries that must not be reversed: a parameter holding ``[start, end]`` (or a list of
             such pairs), or a pair of parameter names ``[start_name, end_name]``;
``domains``  ``{parameter: {source: <parameter naming a source id, or a source id>, column: <column of
             the source's tidy table>, range: <true: the value must lie within the column's min..max>,
             table: <attribute of the loaded object holding the tidy table, when it is not a table>}}``:
             an overridden value the data do not contain fails naming the values available. A
             list-valued parameter has each element checked. The source parameter may hold a list of
             source ids (the value must be in one of them: the union is the domain) or be written
             ``param.key`` for the entry ``key`` of a dict-valued parameter. The sources are loaded
             (through their registered loaders) only when the notebook has overrides.

Overrides equal to the declared default are dropped: they are not overrides, and the notebook's key
and the ledger's ``parameters`` column stay those of a default run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from khar_analysis.build.errors import BuildError
from khar_analysis.core import notebook_params as np_
from khar_analysis.core.paths import Layout


def declared(path: Path) -> tuple[dict[str, np_.Parameter], dict]:
    """The notebook's declared parameters and its ``khar`` metadata; one-line errors name the notebook."""
    try:
        nb = np_.read_notebook(path)
        cell = nb["cells"][np_.parameters_cell(nb, path.stem)]
        return np_.parse_cell(cell["source"], path.stem), dict(nb["metadata"].get("khar", {}))
    except np_.ParametersCellError as exc:
        raise BuildError(str(exc)) from None


def check_types(name: str, params: dict[str, np_.Parameter], overrides: dict[str, Any]) -> None:
    """Each override names a declared parameter and fits its type."""
    if (problem := np_.check_values(params, overrides, name)) is not None:
        raise BuildError(problem)


def _pairs(value: Any) -> list[tuple[Any, Any]]:
    """``[start, end]`` or a list of such pairs, as pairs."""
    if isinstance(value, list | tuple) and value and all(isinstance(v, list | tuple) for v in value):
        return [tuple(v) for v in value]
    return [tuple(value)]


def check_windows(name: str, entries: list, values: dict[str, Any]) -> None:
    """No window the metadata ``khar.windows`` lists is reversed (start after end)."""
    for entry in entries:
        names = [entry] if isinstance(entry, str) else list(entry)
        unknown = [n for n in names if n not in values]
        if unknown or len(names) not in (1, 2):
            raise BuildError(f"{name}: metadata khar.windows entry {entry!r} should name one parameter holding "
                             f"[start, end] or two parameters (start, end); unknown: {unknown}")
        pairs = _pairs(values[names[0]]) if len(names) == 1 else [(values[names[0]], values[names[1]])]
        label = names[0] if len(names) == 1 else f"{names[0]}..{names[1]}"
        for pair in pairs:
            if len(pair) != 2:
                raise BuildError(f"{name}: parameter {label}: expected a window [start, end], found {list(pair)!r}")
            start, end = pair
            try:
                reversed_ = start > end
            except TypeError:
                raise BuildError(f"{name}: window {label}: start {start!r} and end {end!r} "
                                 "cannot be compared") from None
            if reversed_:
                raise BuildError(f"{name}: window {label} is reversed: start {start!r} is after end {end!r}")


def _source_ids(ref: str, values: dict[str, Any]) -> tuple[str, list[str]]:
    """The parameter a domain's ``source`` names (``""`` for a literal source id) and the source ids it holds."""
    head, _, key = ref.partition(".")
    if key and isinstance(values.get(head), dict):
        return head, [str(values[head].get(key, ref))]
    held = values.get(ref, ref)
    return (ref if ref in values else ""), [str(s) for s in (held if isinstance(held, list | tuple) else [held])]


def _domain_values(lay: Layout, source_id: str, spec: dict, where: str, cache: dict) -> Any:
    """The column of the source's tidy table (loaded through its registered loader, once per check)."""
    import pandas as pd

    from khar_analysis.provenance import manifest
    from khar_analysis.sources import registry

    if source_id not in cache:
        if source_id not in manifest.load_manifest(lay):
            raise BuildError(f"{where.split(':')[0]}: unknown source id {source_id!r} (see data/raw/manifest)")
        cache[source_id] = registry.load(source_id, lay)
    table = cache[source_id]
    if spec.get("table"):
        table = getattr(table, spec["table"], None)
    column = spec["column"]
    if not isinstance(table, pd.DataFrame) or column not in table.columns:
        raise BuildError(f"{where}: source {source_id} has no table column {column!r}")
    return table[column].dropna()


def check_domains(name: str, domains: dict, values: dict[str, Any], overridden: set[str], lay: Layout) -> None:
    """Overridden values (or values read from an overridden source) are ones the data contain."""
    import pandas as pd

    cache: dict[str, Any] = {}
    for param, spec in domains.items():
        where = f"{name}: metadata khar.domains.{param}"
        if param not in values or not isinstance(spec, dict) or not {"source", "column"} <= set(spec):
            raise BuildError(f"{where}: expected a declared parameter with {{source, column[, range, table]}}")
        holder, source_ids = _source_ids(str(spec["source"]), values)
        if param not in overridden and holder not in overridden:
            continue
        column = pd.concat([_domain_values(lay, s, spec, where, cache) for s in source_ids], ignore_index=True)
        named = ", ".join(source_ids)
        wanted = values[param] if isinstance(values[param], list | tuple) else [values[param]]
        if spec.get("range"):
            low, high = (v.item() if hasattr(v, "item") else v for v in (column.min(), column.max()))
            bad = [v for v in wanted if not low <= v <= high]
            if bad:
                raise BuildError(f"{name}: parameter {param}={values[param]!r} is outside the data: "
                                 f"{named} covers {spec['column']} {low}-{high}")
        else:
            available = sorted(set(column.tolist()), key=str)
            bad = [v for v in wanted if v not in available]
            if bad:
                raise BuildError(f"{name}: parameter {param}={values[param]!r}: {bad} not in the data "
                                 f"({named}, column {spec['column']}); available: {available}")


def validate(path: Path, overrides: dict[str, Any], lay: Layout) -> dict[str, Any]:
    """Check ``overrides`` of the notebook at ``path``; return those that differ from the defaults."""
    name = path.stem
    params, meta = declared(path)
    check_types(name, params, overrides)
    values = {k: p.default for k, p in params.items()} | overrides
    check_windows(name, meta.get("windows", []), values)
    effective = {k: v for k, v in overrides.items() if v != params[k].default}
    if effective:
        check_domains(name, meta.get("domains", {}), values, set(effective), lay)
    return effective


def describe(overrides: dict[str, Any]) -> str:
    """Overrides as one line, ``name=value; ...`` sorted by name (empty for none)."""
    import json

    return "; ".join(f"{k}={v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
                     for k, v in sorted(overrides.items()))
