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


def load_records(files: list[Path], schema: dict[str, Any], error: type[Exception], shown: Callable[[Path], str],
                 what: str, unique: tuple[str, ...] = ()) -> list[tuple[Path, dict]]:
    """Every record of the YAML ``files`` (each a list of mappings), validated against ``schema``.

    Raises ``error`` naming the file (as ``shown(file)``), the record id and each schema violation, a
    duplicate id, or a duplicate value of a field named in ``unique`` (e.g. two manifest records pinning
    one path); ``what`` names the records in messages ("source", "claim").
    """
    check = validator(schema)
    out: list[tuple[Path, dict]] = []
    seen: set[str] = set()
    owners: dict[tuple[str, Any], str] = {}
    for file in files:
        try:
            data = read_yaml(file)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise error(f"{shown(file)}: not valid UTF-8 YAML: {exc}") from exc
        if not isinstance(data, list):
            raise error(f"{shown(file)}: expected a list of {what} records, found {type(data).__name__}")
        for i, record in enumerate(data):
            errors = sorted(check.iter_errors(record), key=lambda e: list(e.path))
            if errors:
                rid = record.get("id", f"record #{i + 1}") if isinstance(record, dict) else f"record #{i + 1}"
                detail = "; ".join(f"{'/'.join(map(str, e.path)) or '(record)'}: {e.message}" for e in errors)
                raise error(f"{shown(file)}: {rid}: {detail}")
            if record["id"] in seen:
                raise error(f"{shown(file)}: duplicate {what} id {record['id']!r}")
            seen.add(record["id"])
            for key in unique:
                if (key, record.get(key)) in owners:
                    raise error(f"{shown(file)}: {record['id']}: {key} {record.get(key)!r} is already that of "
                                f"{what} {owners[key, record.get(key)]}; expected one {what} per {key}")
                owners[key, record.get(key)] = record["id"]
            out.append((file, record))
    return out
