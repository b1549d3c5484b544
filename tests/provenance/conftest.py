"""Fixtures of the provenance tests: a tiny throwaway project (no data mirror) and a loopback HTTP server."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from khar_analysis.core.paths import Layout


def tiny_record(sid: str, data: bytes, **fields) -> dict:
    """A valid manifest record pinning ``data`` at ``g/<sid>.csv`` (``fields`` override or add keys)."""
    record = {
        "id": sid, "group": "g", "publisher": "A publisher", "title": f"A tiny file {sid}",
        "landing_url": "https://example.org/data", "obtain": {"steps": ["open https://example.org/data and save it"]},
        "release": "2024 release", "licence": "CC BY 4.0", "redistribution": "CC BY 4.0 allows it",
        "redistributable": True, "sha256": hashlib.sha256(data).hexdigest(), "size_bytes": len(data),
        "path": f"g/{sid}.csv", "format": {"type": "csv"}, "claims": [],
    }
    record.update(fields)
    return record


def write_project(root: Path, records: list[dict], archive: dict | None = None) -> Layout:
    """A project folder holding only a ``[tool.khar]`` table and a manifest of ``records``."""
    (root / "data" / "raw" / "manifest").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[tool.khar]\narticle = "article"\n', encoding="utf-8")
    text = yaml.safe_dump(records, sort_keys=False)  # `id` first, as precheck's reader expects
    (root / "data" / "raw" / "manifest" / "g.yaml").write_text(text, encoding="utf-8")
    if archive is not None:
        (root / "data" / "raw" / "manifest" / "archive.yaml").write_text(yaml.safe_dump({"archive": archive}),
                                                                          encoding="utf-8")
    return Layout(root.resolve())


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A project (under ``tmp_path/work/project``, no ``shared/data`` beside it) with two tiny pinned files:
    ``a`` with a download URL, ``b`` with a recipe only. Returns the layout and the files' bytes by id."""
    monkeypatch.delenv("KHAR_DATA_MIRROR", raising=False)
    data = {"a": b"x,y\n1,2\n", "b": b"x,y\n3,4\n"}
    records = [tiny_record("a", data["a"], obtain={"download_url": "http://127.0.0.1:9/a.csv"}),
               tiny_record("b", data["b"], redistributable=False)]
    return write_project(tmp_path / "work" / "project", records), data


@pytest.fixture
def served(tmp_path):
    """A folder served over HTTP on the loopback address (stands in for a publisher's URL or an archive)."""
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
