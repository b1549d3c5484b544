"""The source manifest and the one verify-or-fetch step.

Every raw input is pinned by sha256 in ``data/raw/manifest/*.yaml`` (one record per file, validated
against :data:`MANIFEST_SCHEMA`). :func:`verify` makes each file present in ``data/raw/`` with the
pinned hash: a local copy with the right hash is used; else a copy from the mirror folder
(``KHAR_DATA_MIRROR``, ``--mirror``, or ``../shared/data``), the archive, or the record's download URL
(pooch; :mod:`~khar_analysis.provenance.obtain`). A missing, corrupted or unreadable file stops the build
before a notebook runs, one line per file: source id, file, expected vs actual sha256, where to get it.
Raw files are never edited: a copy is replaced only by a verified copy.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khar_analysis.core.atomic import atomic_path, write_text
from khar_analysis.core.paths import Layout
from khar_analysis.core.paths import layout as default_layout
from khar_analysis.core.records import load_records, memo_by_files
from khar_analysis.provenance import obtain as obtaining
from khar_analysis.provenance.obtain import ARCHIVE_FILE, OBTAIN_SCHEMA, Archive, read_archive
from khar_analysis.provenance.precheck import DEFAULT_MIRROR, headline, missing_line

SHA256_PATTERN = "^[0-9a-f]{64}$"

MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "khar-analysis source manifest record",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id", "group", "publisher", "title", "landing_url", "obtain", "release",
        "licence", "redistribution", "sha256", "size_bytes", "path", "format", "claims",
    ],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]*$"},
        "group": {"type": "string", "pattern": "^[a-z0-9_]+$"},
        "publisher": {"type": "string", "minLength": 2},
        "title": {"type": "string", "minLength": 5},
        "landing_url": {"type": "string", "pattern": "^https?://"},
        "obtain": OBTAIN_SCHEMA,  # how to get the file without the mirror (provenance/obtain.py)
        "release": {"type": "string", "minLength": 4},
        "data_generated": {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
        "licence": {"type": "string", "minLength": 3},
        "redistribution": {"type": "string", "minLength": 3},
        # may the file go into a public deposit (khar deposit)? decided from `redistribution`; absent = no
        "redistributable": {"type": "boolean"},
        "sha256": {"type": "string", "pattern": SHA256_PATTERN},
        "size_bytes": {"type": "integer", "minimum": 1},
        "path": {"type": "string", "pattern": r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$", "not": {"pattern": r"\.\."}},
        "mirrored": {"type": "boolean"},
        "authored": {
            "type": "object",
            "required": ["by", "method", "date"],
            "properties": {"by": {"type": "string"}, "method": {"type": "string"}, "date": {"type": "string"}},
        },
        "format": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {"enum": ["csv", "xlsx", "xls", "json", "rda", "txt"]},
                # the loader that reads the file, a key of khar_analysis.sources.registry.LOADERS
                "loader": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                "encoding": {"type": "string"},
                "notes": {"type": "string"},
            },
        },
        "claims": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]+-[0-9A-Z]+$"}},
        "language": {"enum": ["ru", "en"]},  # of a text source, for khar_analysis.article.lang
        "notes": {"type": "string"},
    },
}


class ManifestError(ValueError):
    """A manifest record does not follow the schema."""


class UnknownSourceError(KeyError):
    """A source id that the manifest does not hold."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0])


def get(source_id: str, lay: Layout | None = None) -> Source:
    """The manifest record of ``source_id``; raises :class:`UnknownSourceError` naming the known ids."""
    manifest = load_manifest(lay)
    if source_id not in manifest:
        raise UnknownSourceError(f"unknown source id {source_id!r}; known: {', '.join(manifest)}")
    return manifest[source_id]


class DataVerificationError(RuntimeError):
    """One or more raw files are missing, corrupted or unreadable. The message lists each."""

    def __init__(self, problems: list[str], first_line: str | None = None):
        self.problems = problems
        if first_line:  # no mirror: one headline, then one short line per missing file
            super().__init__("\n".join([first_line, *problems]))
        else:
            super().__init__(
                f"raw data verification failed for {len(problems)} file(s); nothing was built:\n"
                + "\n".join(f"  - {p}" for p in problems)
            )


@dataclass(frozen=True)
class Source:
    """One pinned raw file. ``path`` is relative to ``data/raw/`` and to the mirror folder."""

    id: str
    group: str
    publisher: str
    title: str
    landing_url: str
    obtain: dict[str, Any]
    release: str
    licence: str
    redistribution: str
    sha256: str
    size_bytes: int
    path: str
    format: dict[str, str]
    claims: list[str]
    data_generated: str = ""
    mirrored: bool = True
    authored: dict[str, str] = field(default_factory=dict)
    language: str = ""
    notes: str = ""
    redistributable: bool = False

    def local_path(self, lay: Layout) -> Path:
        return lay.raw / self.path

    def where_to_obtain(self) -> str:
        """Where to get this file, short: its download URL or the command that prints its recipe."""
        return obtaining.hint(self.id, self.obtain, bool(self.authored))


def load_manifest(lay: Layout | None = None) -> dict[str, Source]:
    """Read and validate every ``data/raw/manifest/*.yaml``; return the sources by id (sorted)."""
    lay = lay or default_layout()
    files = manifest_files(lay)
    if not files:
        raise ManifestError(f"no manifest files in {lay.rel(lay.manifest_dir)}/ (expected *.yaml)")
    return dict(memo_by_files("manifest", files, lambda: _parse_manifest(lay, files)))


def manifest_files(lay: Layout) -> list[Path]:
    """The manifest's record files (every ``*.yaml`` of ``data/raw/manifest/`` but ``archive.yaml``), sorted."""
    return sorted(f for f in lay.manifest_dir.glob("*.yaml") if f.name != ARCHIVE_FILE)


def _parse_manifest(lay: Layout, files: list[Path]) -> dict[str, Source]:
    records = load_records(files, MANIFEST_SCHEMA, ManifestError, lay.rel, "source", unique=("path",))
    return dict(sorted((rec["id"], Source(**rec)) for _, rec in records))


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _hash_or_problem(path: Path) -> tuple[str | None, str | None]:
    try:
        return sha256_file(path), None
    except OSError as exc:
        return None, f"unreadable ({exc.strerror or exc})"


@dataclass
class Fetched:
    """Where a verified file is and how it got there (``local``, ``mirror``, ``archive`` or ``download``)."""

    source: Source
    path: Path
    how: str


def verify(
    ids: list[str] | None = None,
    lay: Layout | None = None,
    mirror: Path | None = None,
    allow_download: bool = True,
    archive: Archive | None = None,
) -> dict[str, Fetched]:
    """Make every selected source present in ``data/raw/`` with its pinned sha256.

    Tried in order: the local copy, the mirror folder, the archive (``archive``, else the one
    ``data/raw/manifest/archive.yaml`` names) and the record's download URL. A mirror copy is always
    checked when the mirror has the file: a corrupted mirror stops the build even if a good local copy
    exists, because the mirror is shared and its corruption must not go unnoticed. Raises
    :class:`DataVerificationError` listing every problem; without a mirror folder its first line is one
    headline and each missing file gets one short line. Nothing is overwritten except by a copy whose
    hash matches the pin.
    """
    lay = lay or default_layout()
    manifest = load_manifest(lay)
    mirror = mirror if mirror is not None else lay.default_mirror()
    archive = archive if archive is not None else read_archive(lay.manifest_dir)
    wanted = ids if ids is not None else list(manifest)
    unknown = [i for i in wanted if i not in manifest]
    if unknown:
        raise DataVerificationError([f"unknown source id(s) {unknown}; known: {', '.join(manifest)}"])
    has_mirror = mirror is not None and mirror.is_dir()
    done: dict[str, Fetched] = {}
    problems: list[str] = []
    for sid in wanted:
        outcome = _verify_one(manifest[sid], lay, mirror if has_mirror else None, allow_download, archive)
        if isinstance(outcome, Fetched):
            done[sid] = outcome
        else:
            problems.append(outcome)
    if problems and not has_mirror:
        raise DataVerificationError(problems, headline(str(mirror) if mirror is not None else DEFAULT_MIRROR))
    if problems:
        raise DataVerificationError(problems)
    return done


def _mirror_file(src: Source, mirror: Path | None) -> Path | None:
    """The mirror's copy: at the record's path, or under its archive name (a downloaded deposit is flat)."""
    if mirror is None or not src.mirrored:
        return None
    for candidate in (mirror / src.path, mirror / obtaining.archive_name(src.path)):
        if candidate.exists():
            return candidate
    return mirror / src.path


def _remote(src: Source, local: Path, archive: Archive, allow_download: bool) -> tuple[str | None, list[tuple]]:
    """Fetch from the archive, then the download URL: how it came (or ``None``); each failure (short, long)."""
    tries = []
    if archive:
        tries.append(("archive", archive.url_for(obtaining.archive_name(src.path))))
    if allow_download and src.obtain.get("download_url"):
        tries.append(("download", src.obtain["download_url"]))
    failures = []
    for how, url in tries:
        try:
            obtaining.download(url, local, src.sha256)
            return how, []
        except Exception as exc:  # any failure of one route moves on to the next
            name, text = type(exc).__name__, str(exc)
            short = f"{how} gave the wrong sha256" if "hash" in text.lower() else f"{how} failed: {name}"
            failures.append((short, f"{how} from {url} failed ({name}: {text[:200]})"))
    return None, failures


def _verify_one(src: Source, lay: Layout, mirror: Path | None, allow_download: bool,
                archive: Archive) -> Fetched | str:
    """One source of :func:`verify`: the local copy, the mirror's, the archive's or a download as
    :class:`Fetched`, or the problem as one line (``mirror`` is ``None`` when there is no mirror folder;
    the local file is replaced only by a copy whose hash matches the pin)."""
    sid, local, shown = src.id, src.local_path(lay), f"data/raw/{src.path}"
    local_hash, local_problem = _hash_or_problem(local) if local.exists() else (None, None)
    mirror_file, mirror_hash = _mirror_file(src, mirror), None
    if mirror_file is not None and mirror_file.exists():
        mirror_hash, mirror_problem = _hash_or_problem(mirror_file)
        if mirror_problem:
            return f"{sid}: mirror file {src.path} is {mirror_problem}. Obtain a good copy: {src.where_to_obtain()}"
        if mirror_hash != src.sha256:
            return (
                f"{sid}: mirror file {mirror_file.name} ({src.path} in the mirror) has the wrong sha256: "
                f"expected {src.sha256}, found {mirror_hash} (size {mirror_file.stat().st_size} B, "
                f"expected {src.size_bytes} B). Obtain a good copy: {src.where_to_obtain()}"
            )
    if local_hash == src.sha256:
        if (size := local.stat().st_size) != src.size_bytes:  # the record, not the file, is wrong
            return f"{sid}: size_bytes says {src.size_bytes} B, but the file with the pinned sha256 has {size} B"
        return Fetched(src, local, "local")
    if not src.mirrored:
        state = local_problem or ("missing" if not local.exists() else f"sha256 {local_hash}")
        return (
            f"{sid}: {shown} does not match its pin: expected sha256 {src.sha256}, found {state}. "
            f"If the change is deliberate, update sha256 and size_bytes in data/raw/manifest "
            f"(`khar manifest --rehash {sid}`); else {src.where_to_obtain()}"
        )
    if mirror_hash == src.sha256:
        with atomic_path(local) as tmp:
            shutil.copyfile(mirror_file, tmp)
        return Fetched(src, local, "mirror")
    how, failures = _remote(src, local, archive, allow_download)
    if how:
        return Fetched(src, local, how)
    if mirror is None and not local.exists():  # the no-mirror case: one short line
        tail = f" ({failures[-1][0]})" if failures else ""
        return missing_line(sid, src.path, src.where_to_obtain()).strip() + tail
    if local.exists():
        state = f"{shown} has the wrong content: expected sha256 {src.sha256}, found {local_problem or local_hash}"
    else:
        state = f"{shown} is missing (expected sha256 {src.sha256}, {src.size_bytes} B)"
    reason = "; ".join(long for _, long in failures) or "no download URL (the publisher serves it through a query)"
    where = "mirror has no copy" if mirror else "no mirror folder"
    return f"{sid}: {state}; {where}; {reason}. Obtain it: {src.where_to_obtain()}"


_VERIFIED: dict[tuple[str, int, int], str] = {}


def path(source_id: str, lay: Layout | None = None) -> Path:
    """The local path of a verified source, checking its sha256 (memoised on size and mtime).

    Library loaders call this, so a notebook can only read pinned bytes.
    """
    lay = lay or default_layout()
    src = get(source_id, lay)
    local = src.local_path(lay)
    if not local.exists():
        raise DataVerificationError([f"{source_id}: data/raw/{src.path} is missing; run `khar fetch` (or make data)"])
    st = local.stat()
    key = (str(local), st.st_size, st.st_mtime_ns)
    if _VERIFIED.get(key) != src.sha256:
        actual = sha256_file(local)
        if actual != src.sha256:
            raise DataVerificationError(
                [f"{source_id}: data/raw/{src.path}: expected sha256 {src.sha256}, found {actual}; run `khar fetch`"]
            )
        _VERIFIED[key] = actual
    return local


def provenance_rows(ids: list[str], lay: Layout | None = None) -> list[dict[str, str]]:
    """One row per source for a notebook's or the report's provenance table."""
    rows = []
    for sid in ids:
        src = get(sid, lay)
        rows.append({"source": sid, "publisher": src.publisher, "release": src.release,
                     "data_generated": src.data_generated, "file": src.path, "sha256": src.sha256[:12],
                     "licence": src.licence})
    return rows


def provenance_table(ids: list[str], lay: Layout | None = None):
    """:func:`provenance_rows` as a pandas DataFrame indexed by source id."""
    import pandas as pd

    return pd.DataFrame(provenance_rows(ids, lay)).set_index("source")


def _round_trip_yaml():
    """A ruamel.yaml round-trip loader/dumper set to this project's manifest style (comments, quotes, flow
    mappings and long lines are kept as written)."""
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 1 << 20  # never re-wrap a long title or note
    rt.indent(mapping=2, sequence=2, offset=0)
    return rt


def repin_record(text: str, source_id: str, digest: str, size: int) -> str | None:
    """``text`` (one manifest file) with ``source_id``'s sha256 and size_bytes replaced; ``None`` if it lacks it.

    The file is rewritten through a round-trip YAML dump, so other records, comments and quoting stay as they
    were; the result is re-read and must differ from the original in these two fields of this record only.
    """
    import io

    import yaml

    rt = _round_trip_yaml()
    data = rt.load(text)
    hits = [rec for rec in data or [] if isinstance(rec, dict) and rec.get("id") == source_id]
    if not hits:
        return None
    hits[0]["sha256"], hits[0]["size_bytes"] = digest, size
    buf = io.StringIO()
    rt.dump(data, buf)
    before, after = yaml.safe_load(text), yaml.safe_load(buf.getvalue())
    for rec in before:
        if rec.get("id") == source_id:
            rec.update(sha256=digest, size_bytes=size)
    if before != after:
        raise ManifestError(f"{source_id}: rewriting its record would change other content; edit the file by hand")
    return buf.getvalue()


def rehash(source_id: str, lay: Layout | None = None) -> tuple[str, int]:
    """Recompute sha256 and size of an *authored* source and write them into its manifest record."""
    lay = lay or default_layout()
    src = load_manifest(lay)[source_id]
    if src.mirrored:
        raise ManifestError(f"{source_id} is a mirrored publisher file; its pin is never rewritten")
    local = src.local_path(lay)
    digest, size = sha256_file(local), local.stat().st_size
    for file in manifest_files(lay):
        text = repin_record(file.read_text(encoding="utf-8"), source_id, digest, size)
        if text is not None:
            write_text(file, text)
            return digest, size
    raise ManifestError(f"{source_id}: record not found in data/raw/manifest/")
