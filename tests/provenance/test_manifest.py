"""The manifest and the verify-or-fetch step: every record valid, and every failure a clear message."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from khar_analysis.core.paths import Layout
from khar_analysis.provenance import manifest


def test_every_manifest_record_is_valid_and_ids_are_unique(lay):
    records = manifest.load_manifest(lay)
    assert "article" in records
    assert len({s.path for s in records.values()}) == len(records), "two records point at one file"
    for src in records.values():
        assert src.mirrored or src.authored, f"{src.id}: a non-mirrored file must say who authored it"


@pytest.mark.integration
def test_every_pin_matches_the_mirror_or_the_committed_file(lay):
    mirror = lay.default_mirror()
    assert mirror is not None, "the integration lane needs the data mirror (../shared/data or KHAR_DATA_MIRROR)"
    for src in manifest.load_manifest(lay).values():
        where = (mirror / src.path) if src.mirrored else src.local_path(lay)
        assert where.exists(), f"{src.id}: {src.path} is not in the mirror"
        assert manifest.sha256_file(where) == src.sha256, src.id
        assert where.stat().st_size == src.size_bytes, src.id


def test_manifest_rejects_a_record_missing_its_licence(tmp_path, lay):
    project = _project(tmp_path, lay, ["article"])
    record = yaml.safe_load((project.manifest_dir / "test.yaml").read_text(encoding="utf-8"))
    del record[0]["licence"]
    (project.manifest_dir / "test.yaml").write_text(yaml.safe_dump(record), encoding="utf-8")
    with pytest.raises(manifest.ManifestError, match=r"test.yaml: article: .*'licence' is a required property"):
        manifest.load_manifest(project)


def _project(tmp_path: Path, lay: Layout, ids: list[str]) -> Layout:
    """A throwaway project with a manifest holding only ``ids`` (same records as the real one)."""
    root = tmp_path / "project"
    (root / "data" / "raw" / "manifest").mkdir(parents=True)
    shutil.copy(lay.root / "pyproject.toml", root / "pyproject.toml")
    records = [r for f in manifest.manifest_files(lay)
               for r in yaml.safe_load(f.read_text(encoding="utf-8")) if r["id"] in ids]
    (root / "data" / "raw" / "manifest" / "test.yaml").write_text(yaml.safe_dump(records, allow_unicode=True),
                                                                   encoding="utf-8")
    return Layout(root)


@pytest.fixture
def sipri_project(tmp_path, lay, raw):
    """A project pinning one SIPRI file, and a private mirror holding a good copy of it."""
    sid = "sipri_tiv_imports_2024-10-13"
    project = _project(tmp_path, lay, [sid])
    src = manifest.load_manifest(project)[sid]
    mirror = tmp_path / "mirror"
    (mirror / src.path).parent.mkdir(parents=True)
    shutil.copy(raw(sid), mirror / src.path)
    return project, mirror, src


def test_verify_copies_a_good_mirror_file_and_then_uses_the_local_copy(sipri_project):
    project, mirror, src = sipri_project
    first = manifest.verify(lay=project, mirror=mirror, allow_download=False)
    assert first[src.id].how == "mirror"
    second = manifest.verify(lay=project, mirror=mirror, allow_download=False)
    assert second[src.id].how == "local"


def test_a_one_byte_change_in_the_mirror_stops_with_id_file_and_both_hashes(sipri_project):
    project, mirror, src = sipri_project
    bad = mirror / src.path
    data = bytearray(bad.read_bytes())
    data[-5] ^= 0x01
    bad.write_bytes(bytes(data))
    with pytest.raises(manifest.DataVerificationError) as err:
        manifest.verify(lay=project, mirror=mirror, allow_download=False)
    msg = str(err.value)
    assert src.id in msg and Path(src.path).name in msg
    assert f"expected {src.sha256}" in msg and f"found {manifest.sha256_file(bad)}" in msg
    assert f"recipe: khar manifest --show {src.id}" in msg, "the message says where to obtain the file"
    assert not src.local_path(project).exists(), "a corrupted mirror copy must not be copied in"


def test_a_missing_file_names_the_source_and_where_to_get_it(sipri_project, tmp_path):
    project, _, src = sipri_project
    (tmp_path / "empty").mkdir()  # a mirror folder without the file
    with pytest.raises(manifest.DataVerificationError) as err:
        manifest.verify(lay=project, mirror=tmp_path / "empty", allow_download=False)
    assert f"{src.id}: data/raw/{src.path} is missing (expected sha256 {src.sha256}" in str(err.value)


def test_a_truncated_local_copy_is_replaced_by_the_verified_mirror_copy(sipri_project):
    project, mirror, src = sipri_project
    local = src.local_path(project)
    local.parent.mkdir(parents=True)
    local.write_bytes((mirror / src.path).read_bytes()[:100])
    got = manifest.verify(lay=project, mirror=mirror, allow_download=False)
    assert got[src.id].how == "mirror"
    assert manifest.sha256_file(local) == src.sha256


def test_an_unreadable_mirror_file_is_reported(sipri_project):
    project, mirror, src = sipri_project
    target = mirror / src.path
    target.unlink()
    target.mkdir()  # a folder where a file should be: unreadable, even for root
    with pytest.raises(manifest.DataVerificationError, match=rf"{src.id}: mirror file .* is unreadable"):
        manifest.verify(lay=project, mirror=mirror, allow_download=False)


def test_path_refuses_a_local_copy_edited_after_verification(sipri_project):
    project, mirror, src = sipri_project
    manifest.verify(lay=project, mirror=mirror, allow_download=False)
    local = src.local_path(project)
    local.write_bytes(local.read_bytes() + b"\n")
    with pytest.raises(manifest.DataVerificationError, match="expected sha256"):
        manifest.path(src.id, project)


def test_unknown_source_ids_are_rejected(sipri_project):
    project, mirror, _ = sipri_project
    with pytest.raises(manifest.DataVerificationError, match="unknown source id"):
        manifest.verify(["no-such-source"], lay=project, mirror=mirror)


def _with_download_url(project, sid, url, name="test.yaml"):
    file = project.manifest_dir / name
    records = yaml.safe_load(file.read_text(encoding="utf-8"))
    for r in records:
        if r["id"] == sid:
            r["obtain"]["download_url"] = url
    file.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")


def test_a_file_missing_from_the_mirror_is_downloaded_and_verified(sipri_project, served, tmp_path):
    project, mirror, src = sipri_project
    folder, base = served
    (folder / "tiv.csv").write_bytes((mirror / src.path).read_bytes())
    _with_download_url(project, src.id, f"{base}/tiv.csv")
    got = manifest.verify(lay=project, mirror=tmp_path / "no-mirror")
    assert got[src.id].how == "download"
    assert manifest.sha256_file(src.local_path(project)) == src.sha256


def test_a_download_with_the_wrong_hash_is_refused_and_not_kept(sipri_project, served, tmp_path):
    project, mirror, src = sipri_project
    folder, base = served
    (folder / "tiv.csv").write_bytes((mirror / src.path).read_bytes() + b"\n")
    _with_download_url(project, src.id, f"{base}/tiv.csv")
    (tmp_path / "empty").mkdir()  # a mirror folder without the file: the full message
    with pytest.raises(manifest.DataVerificationError) as err:
        manifest.verify(lay=project, mirror=tmp_path / "empty")
    assert f"download from {base}/tiv.csv failed" in str(err.value) and src.id in str(err.value)
    assert not src.local_path(project).exists()


def test_rehash_repins_only_the_authored_record(tmp_path, lay):
    project = _project(tmp_path, lay, ["event_catalogue", "sipri_tiv_imports_2024-10-13"])
    src = manifest.get("event_catalogue", project)
    local = src.local_path(project)
    local.parent.mkdir(parents=True)
    local.write_bytes(src.local_path(lay).read_bytes() + b"\n")
    before = manifest.get("sipri_tiv_imports_2024-10-13", project)
    digest, size = manifest.rehash("event_catalogue", project)
    assert (digest, size) == (manifest.sha256_file(local), local.stat().st_size)
    assert manifest.get("event_catalogue", project).sha256 == digest
    assert manifest.get("sipri_tiv_imports_2024-10-13", project) == before
    with pytest.raises(manifest.ManifestError, match="never rewritten"):
        manifest.rehash("sipri_tiv_imports_2024-10-13", project)


def test_every_manifest_file_survives_the_round_trip_unchanged(lay):
    """The rehash rewrite keeps comments, quoting, flow mappings and long lines of the real files."""
    for file in manifest.manifest_files(lay):
        text = file.read_text(encoding="utf-8")
        first = yaml.safe_load(text)[0]
        again = manifest.repin_record(text, first["id"], first["sha256"], first["size_bytes"])
        assert again == text, file.name


def test_a_repin_changes_two_lines_of_one_record_only(lay):
    text = (lay.manifest_dir / "events.yaml").read_text(encoding="utf-8")
    records = yaml.safe_load(text)
    target = records[-1]
    new = manifest.repin_record(text, target["id"], "ab" * 32, target["size_bytes"] + 1)
    changed = [(a, b) for a, b in zip(text.splitlines(), new.splitlines(), strict=True) if a != b]
    assert [b.strip() for _, b in changed] == [f"sha256: {'ab' * 32}", f"size_bytes: {target['size_bytes'] + 1}"]
    assert manifest.repin_record(text, "no_such_source", "0" * 64, 1) is None


# --- obtaining a file without the mirror -------------------------------------------------------------

_PINNED_COMMIT = re.compile(r"^https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/\S+$")
_UNREADABLE = re.compile(r"PROVENANCE|\bbelow\b|mirror's recipe|GitHub file", re.I)


def test_every_record_says_how_to_obtain_its_file_without_the_mirror(lay):
    """A download URL or a recipe of at least one step; never a pointer to a file or section the user lacks,
    and never the mirror as the only way."""
    records = manifest.load_manifest(lay)
    downloadable = {sid for sid, s in records.items() if s.obtain.get("download_url")}
    for src in records.values():
        ob = src.obtain
        assert ob.get("download_url") or len(ob.get("steps", [])) >= 1, f"{src.id}: no download URL and no recipe"
        text = " ".join([ob.get("download_url", ""), ob.get("query", ""), *ob.get("steps", []), ob.get("via", "")])
        assert not _UNREADABLE.search(text), f"{src.id}: obtain refers to something the user does not have"
        named = {sid for sid in downloadable if sid in text}  # a recipe may start from other pinned files
        assert re.search(r"https?://|git checkout", text) or named, f"{src.id}: obtain names no public place"
        for step in ob.get("steps", []):
            assert not re.fullmatch(r"(?i)[^.]*\bmirror\b[^.]*", step), f"{src.id}: a step says only 'the mirror'"
        url = ob.get("download_url", "")
        if "github" in url:
            assert _PINNED_COMMIT.match(url), f"{src.id}: a public copy must be pinned to a commit: {url}"


def test_every_record_states_whether_it_may_be_redistributed(lay):
    for file in manifest.manifest_files(lay):
        for record in yaml.safe_load(file.read_text(encoding="utf-8")):
            assert isinstance(record.get("redistributable"), bool), f"{file.name}: {record['id']}"


def test_the_archive_file_is_not_read_as_records_and_names_no_archive_yet(lay):
    assert (lay.manifest_dir / "archive.yaml").exists()
    assert lay.manifest_dir / "archive.yaml" not in manifest.manifest_files(lay)
    assert not manifest.read_archive(lay.manifest_dir), "set a DOI only once a deposit exists"


def test_an_archive_copy_is_fetched_after_the_mirror_and_before_the_download_url(tiny, served, tmp_path):
    project, data = tiny
    folder, base = served
    (folder / "a.csv").write_bytes(data["a"])
    (folder / "b.csv").write_bytes(data["b"])
    _set_archive(project, {"doi": None, "base_url": base})
    got = manifest.verify(lay=project, mirror=tmp_path / "no-mirror")
    assert {k: v.how for k, v in got.items()} == {"a": "archive", "b": "archive"}
    assert manifest.sha256_file(got["b"].path) == manifest.get("b", project).sha256


def test_a_file_missing_from_the_archive_falls_back_to_its_download_url(tiny, served, tmp_path):
    project, data = tiny
    folder, base = served
    (folder / "b.csv").write_bytes(data["b"])
    (folder / "direct").mkdir()
    (folder / "direct" / "a.csv").write_bytes(data["a"])
    _set_archive(project, {"base_url": base})
    _with_download_url(project, "a", f"{base}/direct/a.csv", "g.yaml")
    got = manifest.verify(lay=project, mirror=tmp_path / "no-mirror")
    assert got["a"].how == "download" and got["b"].how == "archive"


def test_a_mirror_folder_holding_a_flat_deposit_is_used(tiny, tmp_path):
    project, data = tiny
    flat = tmp_path / "deposit"
    flat.mkdir()
    for sid, payload in data.items():
        (flat / f"{sid}.csv").write_bytes(payload)
    got = manifest.verify(lay=project, mirror=flat, allow_download=False)
    assert {v.how for v in got.values()} == {"mirror"}


@pytest.mark.parametrize("mirror_kind", ["missing folder", "a file", "default ../shared/data absent"])
def test_without_a_mirror_the_first_line_is_one_headline_then_one_short_line_per_file(tiny, tmp_path, mirror_kind):
    project, _ = tiny
    mirror = {"missing folder": tmp_path / "nowhere", "a file": tmp_path / "file.txt",
              "default ../shared/data absent": None}[mirror_kind]
    if mirror_kind == "a file":
        mirror.write_text("not a folder")
    with pytest.raises(manifest.DataVerificationError) as err:
        manifest.verify(lay=project, mirror=mirror)
    first, *rest = str(err.value).splitlines()
    shown = str(mirror) if mirror is not None else "../shared/data"
    assert first.startswith(f"no data mirror found at {shown}; set KHAR_DATA_MIRROR or run `khar fetch --from")
    assert len(rest) == 2 and all(len(line) < 200 for line in rest)
    assert rest[0] == "a: data/raw/g/a.csv <- http://127.0.0.1:9/a.csv (download failed: ConnectionError)"
    assert rest[1] == "b: data/raw/g/b.csv <- recipe: khar manifest --show b"


def test_an_archive_file_that_breaks_its_schema_names_itself(tiny):
    project, _ = tiny
    _set_archive(project, {"doi": "not-a-doi"})
    with pytest.raises(manifest.obtaining.ArchiveError, match=r"data/raw/manifest/archive.yaml: 'not-a-doi'"):
        manifest.read_archive(project.manifest_dir)


def _set_archive(project: Layout, table: dict) -> None:
    (project.manifest_dir / "archive.yaml").write_text(yaml.safe_dump({"archive": table}), encoding="utf-8")


def test_without_a_mirror_a_wrong_download_says_so_in_its_short_line(tiny, served, tmp_path):
    project, data = tiny
    folder, base = served
    (folder / "a.csv").write_bytes(data["a"] + b"\n")
    _with_download_url(project, "a", f"{base}/a.csv", "g.yaml")
    with pytest.raises(manifest.DataVerificationError) as err:
        manifest.verify(["a"], lay=project, mirror=tmp_path / "no-mirror")
    assert str(err.value).splitlines()[1] == f"a: data/raw/g/a.csv <- {base}/a.csv (download gave the wrong sha256)"
    assert not (project.raw / "g" / "a.csv").exists()


def test_two_records_pinning_one_path_fail_at_load(tmp_path, lay):
    project = _project(tmp_path, lay, ["article", "event_catalogue"])
    records = yaml.safe_load((project.manifest_dir / "test.yaml").read_text(encoding="utf-8"))
    records[1]["path"] = records[0]["path"]
    (project.manifest_dir / "test.yaml").write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    with pytest.raises(manifest.ManifestError, match=rf"test.yaml: {records[1]['id']}: path '{records[0]['path']}' "
                                                     rf"is already that of source {records[0]['id']}"):
        manifest.load_manifest(project)


def test_a_wrong_size_bytes_is_reported_in_one_line(tmp_path, lay):
    """The committed event catalogue with its right sha256 but a wrong size_bytes in its record."""
    project = _project(tmp_path, lay, ["event_catalogue"])
    src = manifest.load_manifest(lay)["event_catalogue"]
    (project.raw / src.path).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src.local_path(lay), project.raw / src.path)
    records = yaml.safe_load((project.manifest_dir / "test.yaml").read_text(encoding="utf-8"))
    records[0]["size_bytes"] = src.size_bytes + 1
    (project.manifest_dir / "test.yaml").write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    with pytest.raises(manifest.DataVerificationError,
                       match=rf"event_catalogue: size_bytes says {src.size_bytes + 1} B, but the file with the pinned "
                             rf"sha256 has {src.size_bytes} B"):
        manifest.verify(lay=project, mirror=tmp_path / "none", allow_download=False)
