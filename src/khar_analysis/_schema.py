"""Reading the project's YAML tables: a fast YAML loader, JSON-schema validators, and a memo.

The manifest and the register are read by every ``sources.path`` and ``claims.verdict`` call; the
memo keys a parsed result on the files' paths, sizes and modification times, so an edited file is
always re-read and an unchanged one is parsed once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it (same semantics)
_MEMO: dict[tuple, Any] = {}


def read_yaml(path: Path) -> Any:
    """Parse a UTF-8 YAML file with the safe loader."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)


def validator(schema: dict[str, Any]):
    """A Draft 2020-12 validator for ``schema`` (jsonschema imported on first use)."""
    import jsonschema

    return jsonschema.Draft202012Validator(schema)


def memo_by_files(kind: str, files: list[Path], parse: Callable[[], T]) -> T:
    """``parse()`` once per state of ``files`` (path, size, mtime); later calls return the same result."""
    key = (kind, *((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files))
    if key not in _MEMO:
        _MEMO[key] = parse()
    return _MEMO[key]
