"""``data.html``: the report's Data Availability and Provenance Statement, generated from the manifest.

Laid out like the Social Science Data Editors' template README
(https://social-science-data-editors.github.io/template_README/): a statement about rights, the licence for
data, a summary of availability, then for each data source its rights and licence, whether the project may
redistribute it, where and how to obtain it (the download URL serving the pinned bytes, or the recipe and the
query to make at the publisher), its release and dates, how the project obtained the pinned copy (and how this
build verified it), its sha256 and a formal data citation. Everything comes from the records of
``data/raw/manifest/*.yaml`` (:mod:`khar_analysis.provenance.manifest`); no path of the machine appears.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from khar_analysis.core.paths import Layout
from khar_analysis.provenance import manifest
from khar_analysis.provenance.obtain import archive_name

FILE = "data.html"
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
#: How this build got each verified file (``Fetched.how``), in words.
HOW = {"local": "already in data/raw/ with the pinned sha256", "mirror": "copied from the data mirror",
       "archive": "downloaded from the project's archive", "download": "downloaded from the download URL"}


def citation_year(src: manifest.Source) -> str:
    """The year of a source's data citation: its ``data_generated`` year, else the latest year its release
    names (the newest version it holds), else ``n.d.``."""
    if src.data_generated:
        return src.data_generated[:4]
    years = [m.group(0) for m in _YEAR.finditer(src.release)]
    return max(years) if years else "n.d."


def citation(src: manifest.Source) -> str:
    """A formal data citation (author-date, as the AEA's data citation guidance): publisher, year, title,
    release, landing page; the ``[dataset]`` label marks it as data."""
    accessed = src.obtain.get("accessed")
    return (f"{src.publisher}. {citation_year(src)}. “{src.title}” [dataset]. {src.release}. {src.landing_url}"
            + (f" (accessed {accessed})." if accessed else "."))


def obtaining(src: manifest.Source) -> dict:
    """Where and how to obtain a source: ``url`` (serves the pinned bytes, or ``""``), ``publisher_url``,
    ``query`` and ``steps`` as the record gives them, and ``via`` (where the pinned copy came from)."""
    ob = src.obtain
    return {"url": ob.get("download_url", ""), "publisher_url": ob.get("publisher_url", ""),
            "query": ob.get("query", ""), "steps": list(ob.get("steps", [])), "via": ob.get("via", ""),
            "authored": dict(src.authored)}


def entry(src: manifest.Source, how: str = "") -> dict:
    """One data source of the statement (``how``: how this build verified the file, a key of :data:`HOW`)."""
    return {"id": src.id, "title": src.title, "publisher": src.publisher, "landing_url": src.landing_url,
            "file": f"data/raw/{src.path}", "name": archive_name(src.path), "sha256": src.sha256,
            "size_bytes": src.size_bytes, "release": src.release, "data_generated": src.data_generated,
            "accessed": src.obtain.get("accessed", ""), "licence": src.licence,
            "redistribution": src.redistribution, "redistributable": src.redistributable,
            "provided": bool(src.authored), "obtain": obtaining(src), "how": HOW.get(how, how),
            "citation": citation(src), "claims": list(src.claims), "notes": src.notes}


def summary(records: list[manifest.Source]) -> dict:
    """Counts for the summary of availability: files, redistributable, committed with the project, and with
    a download URL serving the pinned bytes (the rest have a recipe)."""
    return {"files": len(records), "redistributable": sum(s.redistributable for s in records),
            "provided": sum(bool(s.authored) for s in records),
            "downloadable": sum(bool(s.obtain.get("download_url")) for s in records)}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("khar_analysis", "resources"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(records: list[manifest.Source], obtained: dict[str, str] | None = None, built_at: str = "") -> str:
    """The page's HTML (``obtained``: source id -> how this build verified it; ``built_at``: shown as is)."""
    obtained = obtained or {}
    entries = [entry(s, obtained.get(s.id, "")) for s in records]
    return _environment().get_template("data.html.j2").render(
        entries=entries, summary=summary(records), built_at=built_at,
        own=[e for e, s in zip(entries, records, strict=True) if s.authored])


def write(stage: Path, lay: Layout, facts: dict) -> Path:
    """Write :data:`FILE` into ``stage`` from the manifest and the build's facts (``obtained``, ``built_at``)."""
    records = list(manifest.load_manifest(lay).values())
    out = stage / FILE
    out.write_text(render(records, facts.get("obtained", {}), facts.get("built_at", "")), encoding="utf-8")
    return out
