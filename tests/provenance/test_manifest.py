"""The manifest and the verify-or-fetch step: every record valid, and every failure a clear message."""

from __future__ import annotations

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
        assert src.obtain.get("download_url") or src.obtain.get("query"), src.id
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
    records = [r for f in sorted(lay.manifest_dir.glob("*.yaml"))
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
    assert "armstransfers.sipri.org" in msg, "the message says where to obtain the file"
    assert not src.local_path(project).exists(), "a corrupted mirror copy must not be copied in"


def test_a_missing_file_names_the_source_and_where_to_get_it(sipri_project, tmp_path):
    project, _, src = sipri_project
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


@pytest.fixture
def served(tmp_path):
    """A folder served over HTTP on the loopback address (stands in for a publisher's download URL)."""
    import functools
    import http.server
    import threading

    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _with_download_url(project, sid, url):
    file = project.manifest_dir / "test.yaml"
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
    with pytest.raises(manifest.DataVerificationError) as err:
        manifest.verify(lay=project, mirror=tmp_path / "no-mirror")
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
    for file in sorted(lay.manifest_dir.glob("*.yaml")):
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
