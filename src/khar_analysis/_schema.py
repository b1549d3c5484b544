"""One place that builds JSON-schema validators (manifest, register, catalogues)."""

from __future__ import annotations

from typing import Any


def validator(schema: dict[str, Any]):
    """A Draft 2020-12 validator for ``schema`` (jsonschema imported on first use)."""
    import jsonschema

    return jsonschema.Draft202012Validator(schema)
