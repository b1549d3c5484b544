"""How to obtain a raw file without the mirror: the ``obtain`` block of a record, the archive, downloads.

Every manifest record says how to get its bytes from public places: ``download_url`` when one URL serves
exactly the pinned bytes (the publisher's where it does, else a public copy pinned to a commit), else
``steps``, a recipe a person can follow from the landing page (the query, the public file it is cut from,
the cut). ``publisher_url`` names the publisher's own file when its bytes or vintage differ from the pin.

The archive (a data deposit such as Zenodo) is named once for all records in
``data/raw/manifest/archive.yaml``; it holds every redistributable file under its base name
(:func:`archive_name`), so pooch fetches ``doi:<doi>/<name>`` (or ``<base_url>/<name>``) once a DOI exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from khar_analysis.core.atomic import atomic_path
from khar_analysis.core.records import read_yaml, validator

URL_PATTERN = "^https?://"

OBTAIN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        # serves exactly the pinned bytes; fetched by pooch and checked against the sha256
        "download_url": {"type": "string", "pattern": URL_PATTERN},
        # the publisher's own file when its bytes or vintage differ from the pin (for reference)
        "publisher_url": {"type": "string", "pattern": URL_PATTERN},
        "query": {"type": "string", "minLength": 10},  # the selections to make at the publisher
        "steps": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 10}},
        "via": {"type": "string"},  # where the pinned bytes were copied from
        "accessed": {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
    },
    "anyOf": [{"required": ["download_url"]}, {"required": ["steps"]}, {"required": ["query"]}],
}

#: The file of ``data/raw/manifest/`` that names the archive; it is not a list of records.
ARCHIVE_FILE = "archive.yaml"

ARCHIVE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["archive"],
    "properties": {
        "archive": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "doi": {"type": ["string", "null"], "pattern": r"^10\.\d{4,9}/\S+$"},
                "base_url": {"type": ["string", "null"], "pattern": URL_PATTERN},
                "title": {"type": ["string", "null"]},
            },
        }
    },
}


class ArchiveError(ValueError):
    """``archive.yaml`` does not follow :data:`ARCHIVE_SCHEMA`."""


@dataclass(frozen=True)
class Archive:
    """Where a deposit of the raw files lives: a DOI (resolved by pooch) or a plain HTTP base URL."""

    doi: str = ""
    base_url: str = ""

    def __bool__(self) -> bool:
        return bool(self.doi or self.base_url)

    def url_for(self, name: str) -> str:
        """The URL pooch fetches ``name`` from (``base_url`` first: it is the explicit override)."""
        if self.base_url:
            return f"{self.base_url.rstrip('/')}/{name}"
        return f"doi:{self.doi}/{name}"

    def shown(self) -> str:
        return self.base_url or f"doi:{self.doi}"


def read_archive(manifest_dir: Path) -> Archive:
    """The archive named by ``manifest_dir/archive.yaml``; an empty :class:`Archive` when there is none."""
    file = Path(manifest_dir) / ARCHIVE_FILE
    if not file.exists():
        return Archive()
    data = read_yaml(file)
    errors = list(validator(ARCHIVE_SCHEMA).iter_errors(data))
    if errors:
        raise ArchiveError(f"data/raw/manifest/{ARCHIVE_FILE}: {errors[0].message}")
    table = data["archive"]
    return Archive(doi=table.get("doi") or "", base_url=table.get("base_url") or "")


def archive_name(path: str) -> str:
    """A file's name in the archive: its base name (a deposit such as Zenodo has no folders)."""
    return Path(path).name


def hint(source_id: str, obtain: dict[str, Any], authored: bool = False) -> str:
    """Where to get a file, short: its download URL, else the command that prints its recipe."""
    if authored:
        return "committed with the project; restore it with git checkout"
    if obtain.get("download_url"):
        return obtain["download_url"]
    return f"recipe: khar manifest --show {source_id}"


def recipe_lines(src: Any) -> list[str]:
    """The full recipe of a record (``khar manifest --show ID``), as lines: what it is, where, how, terms."""
    ob = src.obtain
    lines = [f"{src.id}: {src.title}", f"  publisher: {src.publisher}; release: {src.release}",
             f"  file: data/raw/{src.path} ({src.size_bytes} B, sha256 {src.sha256})",
             f"  landing page: {src.landing_url}"]
    if src.authored:
        lines.append(f"  authored by {src.authored['by']} ({src.authored['date']}); committed with the project")
    if ob.get("download_url"):
        lines.append(f"  download (exactly the pinned bytes): {ob['download_url']}")
    if ob.get("publisher_url"):
        lines.append(f"  the publisher's file (its bytes or vintage differ from the pin): {ob['publisher_url']}")
    if ob.get("query"):
        lines.append(f"  query: {ob['query']}")
    for i, step in enumerate(ob.get("steps", []), 1):
        lines.append(f"  {i}. {step}")
    if ob.get("via"):
        lines.append(f"  the pinned copy came from: {ob['via']}")
    lines += [f"  licence: {src.licence}", f"  redistribution: {src.redistribution}",
              "  then run `khar fetch`: it checks the file against its sha256 pin"]
    return lines


def download(url: str, target: Path, sha256: str) -> None:
    """Fetch ``url`` (``http(s)://`` or ``doi:<doi>/<name>``) with pooch into ``target``, checking ``sha256``.

    The file is written by rename, so a failed or wrong download leaves nothing behind.
    """
    import pooch  # imported lazily: only needed when a file must come from the network

    pooch.get_logger().setLevel("WARNING")  # our own messages name the source; pooch's would name temp files
    if url.startswith("doi:"):
        downloader = pooch.DOIDownloader(timeout=60, progressbar=False)
    else:
        downloader = pooch.HTTPDownloader(timeout=60, progressbar=False)
    with atomic_path(target) as tmp:
        pooch.retrieve(url, known_hash=f"sha256:{sha256}", fname=tmp.name, path=tmp.parent,
                       progressbar=False, downloader=downloader)
