"""How a file is obtained without the mirror: hints, recipes, the archive's URLs."""

from __future__ import annotations

import pytest

from khar_analysis.provenance import manifest, obtain


def test_the_hint_is_the_download_url_else_the_command_that_prints_the_recipe():
    assert obtain.hint("a", {"download_url": "https://x.org/a.csv"}) == "https://x.org/a.csv"
    assert obtain.hint("b", {"steps": ["open https://x.org and save"]}) == "recipe: khar manifest --show b"
    assert "git checkout" in obtain.hint("c", {"steps": ["committed"]}, authored=True)


def test_an_archive_url_uses_the_base_url_first_else_the_doi_for_pooch():
    assert obtain.Archive(doi="10.5281/zenodo.1", base_url="http://h/dep/").url_for("f.csv") == "http://h/dep/f.csv"
    assert obtain.Archive(doi="10.5281/zenodo.1").url_for("f.csv") == "doi:10.5281/zenodo.1/f.csv"
    assert not obtain.Archive()
    assert obtain.archive_name("sipri/x_AZE.csv") == "x_AZE.csv"


def test_read_archive_without_the_file_is_empty(tmp_path):
    assert obtain.read_archive(tmp_path) == obtain.Archive()


@pytest.mark.parametrize("table", [{"doi": "zenodo 1"}, {"base_url": "ftp://x"}, {"doi": None, "other": 1}])
def test_a_malformed_archive_file_is_refused(tmp_path, table):
    import yaml

    (tmp_path / "archive.yaml").write_text(yaml.safe_dump({"archive": table}), encoding="utf-8")
    with pytest.raises(obtain.ArchiveError, match=r"archive\.yaml"):
        obtain.read_archive(tmp_path)


def test_the_recipe_lists_every_way_in_order_and_ends_with_the_check(tiny):
    project, _ = tiny
    src = manifest.get("b", project)
    lines = obtain.recipe_lines(src)
    assert lines[0] == "b: A tiny file b"
    assert "  1. open https://example.org/data and save it" in lines
    assert any(f"sha256 {src.sha256}" in ln for ln in lines)
    assert lines[-1].endswith("checks the file against its sha256 pin")
    a = obtain.recipe_lines(manifest.get("a", project))
    assert "  download (exactly the pinned bytes): http://127.0.0.1:9/a.csv" in a


def test_every_real_recipe_names_its_file_and_licence(lay):
    for src in manifest.load_manifest(lay).values():
        text = "\n".join(obtain.recipe_lines(src))
        assert f"data/raw/{src.path}" in text and src.licence in text, src.id
