"""``data.html``: the Data Availability and Provenance Statement generated from the manifest records."""

from __future__ import annotations

import re

import pytest

from khar_analysis.build import datapage
from khar_analysis.provenance.manifest import Source

SHA = "ab" * 32


def _source(sid: str, **kw) -> Source:
    base = {"id": sid, "group": "g", "publisher": "A Bureau", "title": f"Table {sid}", "landing_url":
            "https://example.org/t", "obtain": {"steps": ["open https://example.org/t and save the <b>CSV</b>"]},
            "release": "release of March 2024 (data to 2023)", "licence": "CC BY 4.0",
            "redistribution": "free to share", "sha256": SHA, "size_bytes": 12, "path": f"g/{sid}.csv",
            "format": {"type": "csv"}, "claims": ["X-1"]}
    return Source(**(base | kw))


def test_the_citation_names_publisher_year_title_release_and_page():
    assert datapage.citation(_source("a", data_generated="2022-04-05")) == (
        "A Bureau. 2022. “Table a” [dataset]. release of March 2024 (data to 2023). https://example.org/t.")
    assert datapage.citation_year(_source("b")) == "2024", "the latest year the release names"
    assert datapage.citation_year(_source("c", release="first release")) == "n.d."
    accessed = _source("d", obtain={"query": "the whole table, all years", "accessed": "2025-01-02"})
    assert datapage.citation(accessed).endswith("(accessed 2025-01-02).")


def test_each_source_has_its_rights_how_to_obtain_it_its_sha256_and_its_citation():
    records = [_source("open", redistributable=True, obtain={"download_url": "https://example.org/t.csv",
                                                            "via": "a public copy at commit abc"}),
               _source("closed", licence="publisher's terms (not checked)", redistribution="not redistributed")]
    html = datapage.render(records, {"open": "mirror"}, "2026-12-02 05:00 UTC")
    assert "Data Availability and Provenance Statement" in html
    for sid in ("open", "closed"):
        section = html.split(f'id="source-{sid}"')[1].split("</section>")[0]
        assert SHA in section and f"data/raw/g/{sid}.csv" in section and "“Table " in section
        assert 'href="index.html#claim-X-1"' in section
    opened = html.split('id="source-open"')[1].split("</section>")[0]
    assert 'href="https://example.org/t.csv"' in opened and "a public copy at commit abc" in opened
    assert "copied from the data mirror" in opened and "<strong>allowed</strong>" in opened
    closed = html.split('id="source-closed"')[1].split("</section>")[0]
    assert "not redistributed by the project" in closed and "&lt;b&gt;CSV&lt;/b&gt;" in closed, "escaped"
    assert "1 of 2 files may be redistributed" in html
    assert not re.search(r"/(home|root|work|tmp)/", html)


def test_the_summary_counts_what_is_committed_downloadable_and_redistributable():
    own = _source("own", redistributable=True, authored={"by": "the project", "method": "by hand", "date": "2026"})
    got = datapage.summary([own, _source("x", obtain={"download_url": "https://example.org/x"}), _source("y")])
    assert got == {"files": 3, "redistributable": 1, "provided": 1, "downloadable": 1}
    html = datapage.render([own])
    assert "The\nproject's own Table own is licensed CC BY 4.0" in html and "authored by the project" in html


@pytest.mark.integration
def test_the_real_manifest_gives_one_section_per_source(lay, tmp_path):
    from khar_analysis.provenance import manifest

    out = datapage.write(tmp_path, lay, {"obtained": {}, "built_at": "t"})
    html = out.read_text(encoding="utf-8")
    records = manifest.load_manifest(lay)
    assert html.count('<section class="source"') == len(records)
    assert all(f'id="source-{sid}"' in html and src.sha256 in html for sid, src in records.items())
