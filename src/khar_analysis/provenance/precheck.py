"""The data check that runs before the environment exists: is there a mirror, and which raw files are missing?

Standard library only, so ``make data-check`` runs it with the system ``python3`` before the heavy
environment steps (``python3 src/khar_analysis/provenance/precheck.py``). It reads the manifest's
``id``/``path``/``download_url`` lines with a regular expression, which relies on the manifest's style
(each record starts with ``- id:``, its keys indented by two spaces; a test keeps it in step with the YAML
reader). :func:`headline` and :func:`missing_line` are also the first lines of ``khar fetch``'s message,
so both checks speak alike.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
from pathlib import Path

DEFAULT_MIRROR = "../shared/data"

_RECORD = re.compile(r"^- id: *['\"]?([^'\"\s]+)", re.M)
_FIELD = {k: re.compile(rf"^ +{k}: *['\"]?([^'\"\n]+?)['\"]? *$", re.M) for k in ("path", "download_url")}
_ARCHIVE = re.compile(r"^ +(doi|base_url): *['\"]?(?!null\b|~)([^'\"\s#]+)", re.M)


def headline(where: str) -> str:
    """The one line a user without the data sees first."""
    return (f"no data mirror found at {where}; set KHAR_DATA_MIRROR or run "
            "`khar fetch --from DIR_OR_URL` (a mirror folder or an archive's base URL)")


def missing_line(source_id: str, path: str, where: str) -> str:
    """One short line per missing file: source id, file, where to get it."""
    return f"  {source_id}: data/raw/{path} <- {where}"


def mirror_where(root: Path) -> tuple[Path, str]:
    """The mirror folder to use and how to show it (``KHAR_DATA_MIRROR`` as given, else ``../shared/data``)."""
    env = os.environ.get("KHAR_DATA_MIRROR")
    if env:
        return Path(env), env
    return root.parent / "shared" / "data", DEFAULT_MIRROR


def scan_manifest(text: str) -> list[dict[str, str]]:
    """The ``id``, ``path``, ``download_url`` and ``authored`` of each record of one manifest file's text."""
    starts = [m.start() for m in _RECORD.finditer(text)] + [len(text)]
    out = []
    for a, b in itertools.pairwise(starts):
        chunk = text[a:b]
        rec = {"id": _RECORD.match(chunk).group(1), "authored": "\n  authored:" in chunk}
        for key, rx in _FIELD.items():
            hit = rx.search(chunk)
            rec[key] = hit.group(1) if hit else ""
        out.append(rec)
    return out


def check(root: Path) -> list[str]:
    """The lines to print when the data cannot be had without the mirror; ``[]`` when the build may proceed.

    It may proceed when the mirror is a folder, when an archive is named, or when every missing file has
    a download URL (``khar fetch`` downloads it and checks its sha256).
    """
    mirror, shown = mirror_where(root)
    if mirror.is_dir():
        return []
    manifest = root / "data" / "raw" / "manifest"
    archive = manifest / "archive.yaml"
    if archive.exists() and _ARCHIVE.search(archive.read_text(encoding="utf-8")):
        return []
    missing = [rec for file in sorted(manifest.glob("*.yaml")) if file.name != "archive.yaml"
               for rec in scan_manifest(file.read_text(encoding="utf-8"))
               if not rec["authored"] and rec["path"] and not (root / "data" / "raw" / rec["path"]).exists()]
    if all(rec["download_url"] for rec in missing):
        return []
    return [headline(shown)] + [
        missing_line(r["id"], r["path"], r["download_url"] or f"recipe: khar manifest --show {r['id']}")
        for r in missing]


def main(root: str | None = None) -> int:
    lines = check(Path(root or os.environ.get("KHAR_ROOT") or Path.cwd()).resolve())
    if lines:
        print("\n".join(lines), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
