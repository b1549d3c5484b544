"""``khar deposit`` on a tiny project, and the data subcommands of ``khar`` (fetch --from, manifest --show):
each failure is one headline or one line, a non-zero exit and no traceback."""

from __future__ import annotations

import hashlib
import json

import pytest
import yaml

from khar_analysis.build import cli, deposit

DATA = {"open": b"year,value\n2020,1\n", "closed": b"year,value\n2020,2\n"}


def _record(sid: str, redistributable: bool, licence: str, **obtain) -> dict:
    data = DATA[sid]
    return {"id": sid, "group": "g", "publisher": "A publisher", "title": f"A tiny file {sid}",
            "landing_url": "https://example.org/data", "obtain": obtain or {"steps": ["open https://example.org/x"]},
            "release": "2024 release", "licence": licence, "redistribution": "as the licence says",
            "redistributable": redistributable, "sha256": hashlib.sha256(data).hexdigest(), "size_bytes": len(data),
            "path": f"g/{sid}.csv", "format": {"type": "csv"}, "claims": []}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A tiny project (root in KHAR_ROOT) with one redistributable and one closed file, and a mirror of both."""
    root = tmp_path / "work" / "project"
    (root / "data" / "raw" / "manifest").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.khar]\narticle = "article"\n', encoding="utf-8")
    records = [_record("open", True, "CC BY 4.0"),
               _record("closed", False, "publisher's terms, not checked", download_url="https://example.org/c.csv")]
    (root / "data" / "raw" / "manifest" / "g.yaml").write_text(yaml.safe_dump(records, sort_keys=False),
                                                               encoding="utf-8")
    mirror = tmp_path / "mirror"
    (mirror / "g").mkdir(parents=True)
    for sid, data in DATA.items():
        (mirror / "g" / f"{sid}.csv").write_bytes(data)
    monkeypatch.setenv("KHAR_ROOT", str(root))
    monkeypatch.delenv("KHAR_DATA_MIRROR", raising=False)
    return root, mirror


def test_deposit_holds_the_open_files_a_datapackage_and_a_readme_of_the_rest(project):
    root, mirror = project
    assert cli.main(["--mirror", str(mirror), "deposit"]) == 0
    out = root / "build" / "deposit"
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "datapackage.json", "open.csv"]
    assert (out / "open.csv").read_bytes() == DATA["open"]
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    [res] = package["resources"]
    assert res["path"] == "open.csv" and res["bytes"] == len(DATA["open"])
    assert res["hash"] == "sha256:" + hashlib.sha256(DATA["open"]).hexdigest()
    assert res["licenses"][0]["name"] == "CC-BY-4.0" and res["sources"][0]["path"] == "https://example.org/data"
    assert [x["name"] for x in package["khar"]["not_included"]] == ["closed"]
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "## Not included (1 files)" in readme and "https://example.org/c.csv" in readme
    assert "data/raw/g/closed.csv" in readme


def test_a_second_deposit_replaces_the_first(project):
    root, mirror = project
    stale = root / "build" / "deposit" / "stale.txt"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    cli.main(["--mirror", str(mirror), "deposit"])
    assert not stale.exists() and not (root / "build" / "deposit.partial").exists()


@pytest.mark.parametrize(("text", "name"), [("CC BY-SA 4.0 (V-Dem); World Bank columns CC BY 4.0", "CC-BY-SA-4.0"),
                                            ("CC BY 3.0 IGO", "CC-BY-3.0-IGO"),
                                            ("Eurostat re-use policy", "other-at")])
def test_licence_texts_map_to_spdx_ids_or_other_attribution(text, name):
    entry = deposit.licence_entry(text)
    assert entry["name"] == name and entry["title"] == text


def test_the_real_manifest_has_no_two_open_files_with_one_name(lay):
    from khar_analysis.provenance import manifest, obtain

    names = [obtain.archive_name(s.path) for s in manifest.load_manifest(lay).values() if s.redistributable]
    assert len(names) == len(set(names))


def _one_error(capsys) -> list[str]:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err.splitlines()


def test_fetch_without_a_mirror_starts_with_one_headline_then_one_line_per_file(project, capsys):
    root, _ = project
    assert cli.main(["--mirror", str(root / "nowhere"), "fetch", "--no-download"]) == 2
    first, *rest = _one_error(capsys)
    assert first.startswith(f"khar fetch: error: no data mirror found at {root / 'nowhere'}; set KHAR_DATA_MIRROR")
    assert rest == ["closed: data/raw/g/closed.csv <- https://example.org/c.csv",
                    "open: data/raw/g/open.csv <- recipe: khar manifest --show open"]


def test_fetch_from_a_folder_uses_it_as_the_mirror(project, capsys):
    root, mirror = project
    assert cli.main(["fetch", "--from", str(mirror), "--quiet"]) == 0
    assert "2 raw files verified" in capsys.readouterr().out
    assert (root / "data" / "raw" / "g" / "open.csv").read_bytes() == DATA["open"]


def test_fetch_from_a_url_is_an_archive_base():
    mirror, archive = cli._fetch_source("https://zenodo.org/records/1/files", None)
    assert mirror is None and archive.url_for("a.csv") == "https://zenodo.org/records/1/files/a.csv"


def test_manifest_show_prints_the_recipe_and_an_unknown_id_is_one_line(project, capsys):
    assert cli.main(["manifest", "--show", "open"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("open: A tiny file open\n") and "1. open https://example.org/x" in out
    assert cli.main(["manifest", "--show", "nope"]) == 2
    assert _one_error(capsys) == ["khar manifest: error: unknown source id 'nope'; known: closed, open"]
