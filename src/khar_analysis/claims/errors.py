"""Register errors, and one readable line from a pydantic validation error.

A register problem is reported as ``<file>: <claim id>: <field path>: expected <what>, found <what>``
(the first problem, with a count of any others), so a reader can fix the record without reading a
stack trace. YAML 1.1 reads unquoted ``yes``/``no``/``on``/``off`` as booleans and ``2024-01-05``
as a date; where a string was expected the message says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from khar_analysis.claims.schema import RULE_KINDS, keys_at

_EXPECTED = {
    "string_type": "a string", "int_type": "an integer", "float_type": "a number", "bool_type": "a bool",
    "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
    "missing": "a value (the key is required)", "none_required": "no value here (this rule kind takes none)",
}


class RegisterError(ValueError):
    """The claims register is malformed, or a verdict names an unregistered claim."""


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(record)"


def _expected(err: dict[str, Any], kind_tag: str | None) -> str:
    kind, ctx = err["type"], err.get("ctx", {})
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if kind == "extra_forbidden":
        keys = keys_at(kind_tag, tuple(err["loc"])[1:-1] if kind_tag else tuple(err["loc"])[:-1])
        return "one of the keys " + ", ".join(keys) if keys else "no such key"
    if kind == "string_pattern_mismatch":
        return f"a string matching {ctx['pattern']}"
    if kind == "string_too_short":
        return f"a string of at least {ctx['min_length']} characters"
    if kind == "too_short":
        return f"at least {ctx['min_length']} item(s)"
    if kind == "greater_than_equal":
        return f"a number >= {ctx['ge']}"
    if kind == "literal_error":
        return f"one of {ctx['expected']}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"one of {', '.join(RULE_KINDS)}"
    return err["msg"][0].lower() + err["msg"][1:] if err["msg"] else kind


def _found(err: dict[str, Any]) -> str:
    kind, value = err["type"], err.get("input")
    if kind == "missing":
        return "nothing"
    if kind == "union_tag_invalid":
        return repr(err["ctx"]["tag"])
    if kind == "union_tag_not_found":
        return "no rule kind"
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, bool) and kind == "string_type":
        return f"{text} (a bool: YAML 1.1 reads unquoted yes/no/on/off as booleans; quote the value)"
    if isinstance(value, dt.date) and kind == "string_type":
        return f"{text} (a date: YAML reads an unquoted ISO date as a date; quote the value)"
    return f"{text} ({type(value).__name__})"


def describe_error(exc: ValidationError) -> str:
    """``<field path>: expected <what>, found <what>`` for the first error (``+N more`` when there are others)."""
    errors = exc.errors()
    err = errors[0]
    loc = tuple(err["loc"])
    tag = loc[0] if loc and loc[0] in RULE_KINDS else None
    if tag:  # the tag of the union member the record was validated as
        loc = loc[1:]
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc = ("rule", "kind")
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{_path(loc)}: expected {_expected(err, tag)}, found {_found(err)}{more}"
