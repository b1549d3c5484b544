"""``khar deposit``: a deposit-ready data package of the raw inputs, for an archive such as Zenodo.

``build/deposit/`` holds the files whose records say ``redistributable: true`` (under their base names: an
archive record has no folders), a Frictionless ``datapackage.json`` describing every included file (path,
sha256, bytes, licence, source) and a ``README.md`` that lists the files left out with how to obtain each.
Once the deposit has a DOI, ``data/raw/manifest/archive.yaml`` names it and ``khar fetch`` gets the files
from there (see :mod:`khar_analysis.provenance.obtain`). The package format is
https://specs.frictionlessdata.io/data-package/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from khar_analysis.core.paths import Layout
from khar_analysis.provenance import manifest
from khar_analysis.provenance.obtain import archive_name, recipe_lines

#: Licence texts of the manifest -> (SPDX id, URL); checked in this order (BY-SA before BY). Anything else
#: is Open Definition's ``other-at`` (other, attribution) with the manifest's own wording as its title.
LICENCES = (
    ("CC BY-SA 4.0", "CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    ("CC BY 3.0 IGO", "CC-BY-3.0-IGO", "https://creativecommons.org/licenses/by/3.0/igo/"),
    ("CC BY 4.0", "CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
)

PACKAGE_NAME = "khar-analysis-raw-data"


def licence_entry(text: str) -> dict[str, str]:
    """A Frictionless licence object for a manifest licence text (``name`` is required by the spec)."""
    for needle, name, url in LICENCES:
        if needle in text:
            return {"name": name, "path": url, "title": text}
    return {"name": "other-at", "title": text}


def resource(src: manifest.Source) -> dict:
    """The ``datapackage.json`` resource of one included file."""
    return {
        "name": src.id,
        "path": archive_name(src.path),
        "title": src.title,
        "format": src.format["type"],
        "bytes": src.size_bytes,
        "hash": f"sha256:{src.sha256}",
        "licenses": [licence_entry(src.licence)],
        "sources": [{"title": src.publisher, "path": src.landing_url}],
        "khar": {"manifest_path": src.path, "release": src.release, "redistribution": src.redistribution,
                 "claims": src.claims},
    }


def descriptor(included: list[manifest.Source], left_out: list[manifest.Source]) -> dict:
    """The whole ``datapackage.json``: the included files as resources; the rest named under ``khar``."""
    return {
        "profile": "data-package",
        "name": PACKAGE_NAME,
        "title": "khar-analysis: raw inputs whose licences allow redistribution",
        "description": ("Pinned raw files of the khar-analysis replication package. Files whose terms do not allow "
                        "redistribution are listed in README.md with how to obtain each."),
        "resources": [resource(s) for s in included],
        "khar": {"not_included": [{"name": s.id, "manifest_path": s.path, "hash": f"sha256:{s.sha256}",
                                   "bytes": s.size_bytes, "why": s.redistribution,
                                   "obtain": s.obtain.get("download_url") or f"khar manifest --show {s.id}"}
                                  for s in left_out]},
    }


def readme(included: list[manifest.Source], left_out: list[manifest.Source]) -> str:
    """``README.md`` of the deposit: what is in it, how to use it, and how to get each file left out."""
    lines = ["# khar-analysis: raw data deposit", "",
             "The raw inputs of the khar-analysis replication package whose licences allow redistribution, "
             "byte for byte as pinned by sha256 in the project's `data/raw/manifest/`. `datapackage.json` "
             "describes each file (sha256, bytes, licence, source).", "",
             "To use it: put the deposit's DOI in `data/raw/manifest/archive.yaml` (`doi:`), or run "
             "`khar fetch --from <this folder or its base URL>`; `khar fetch` checks every file against its pin.", "",
             f"## Included ({len(included)} files)", "",
             "| file | source id | publisher | release | licence | sha256 |", "|---|---|---|---|---|---|"]
    lines += [f"| `{archive_name(s.path)}` | `{s.id}` | {s.publisher} | {s.release} | {s.licence} | "
              f"`{s.sha256[:12]}…` |" for s in included]
    lines += ["", f"## Not included ({len(left_out)} files): how to obtain each", "",
              "Their terms do not allow (or were not checked to allow) redistribution. Each is pinned by sha256; "
              "put it at the `data/raw/` path given and `khar fetch` checks it.", ""]
    for s in left_out:
        lines += [f"### `{s.id}`", "", f"Why not included: {s.redistribution}.", "", "```",
                  *recipe_lines(s), "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_deposit(lay: Layout, out: Path | None = None, mirror: Path | None = None) -> Path:
    """Write the deposit into ``out`` (default ``build/deposit/``), replacing an earlier one; return ``out``.

    The included files are verified against their pins first (fetched like ``khar fetch`` when missing).
    """
    out = Path(out) if out is not None else lay.build / "deposit"
    records = list(manifest.load_manifest(lay).values())
    included = [s for s in records if s.redistributable]
    left_out = [s for s in records if not s.redistributable]
    names: dict[str, str] = {}
    for s in included:
        clash = names.setdefault(archive_name(s.path), s.id)
        if clash != s.id:
            raise manifest.ManifestError(f"{s.id} and {clash} share the file name {archive_name(s.path)}; "
                                         "an archive has no folders, so rename one of them")
    fetched = manifest.verify([s.id for s in included], lay=lay, mirror=mirror) if included else {}
    stage = out.with_name(out.name + ".partial")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    for s in included:
        shutil.copyfile(fetched[s.id].path, stage / archive_name(s.path))
    (stage / "datapackage.json").write_text(json.dumps(descriptor(included, left_out), indent=2,
                                                       ensure_ascii=False) + "\n", encoding="utf-8")
    (stage / "README.md").write_text(readme(included, left_out), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    stage.rename(out)
    return out
