"""The report: ``index.html`` (claims ledger, quotes, provenance, run facts) and ``ledger.csv``.

Every string that comes from data is escaped (Jinja2 autoescape). Quotes of the article are cut
from the pinned article file here, at build time, and written only into the uncommitted report.
"""

from __future__ import annotations

import csv
import io
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import jinja2

from khar_analysis.article import citations
from khar_analysis.article import text as article
from khar_analysis.build import overrides
from khar_analysis.claims import register as claims
from khar_analysis.core.paths import Layout
from khar_analysis.provenance import manifest

LEDGER_COLUMNS = ["claim_id", "family", "verdict", "observed", "claimed", "caveat", "reason", "notebook",
                  "cell_id", "line", "citation", "entry", "gloss", "would_test", "parameters", "margin",
                  "knife_edge", "evidence", "parts", "sensitivity"]
#: The notebook that audits the article's citations (linked from each ledger row's list entry).
AUDIT_NOTEBOOK = "06_citations"
PACKAGES = ["pandas", "numpy", "matplotlib", "papermill", "nbconvert", "nbformat", "ipykernel", "jupyterlab",
            "pooch", "openpyxl", "xlrd", "jsonschema", "pycountry", "pyyaml", "jinja2"]


def _git(lay: Layout, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=lay.root, capture_output=True, text=True, check=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def run_facts(lay: Layout, seconds: float, notebook_seconds: dict[str, float],
              fetched: dict[str, manifest.Fetched]) -> dict:
    """Commit, package versions, platform and durations of this run."""
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    commit = _git(lay, "rev-parse", "HEAD") or "unknown (not a git checkout)"
    dirty = bool(_git(lay, "status", "--porcelain", "--untracked-files=no"))
    return {
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "built_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": sys.version.split()[0],
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": __import__("os").cpu_count(),
        "versions": versions,
        "seconds": round(seconds, 1),
        "notebook_seconds": {k: round(v, 1) for k, v in sorted(notebook_seconds.items())},
        "obtained": {k: v.how for k, v in sorted(fetched.items())},
    }


def ledger_csv(rows: list[dict]) -> str:
    """The ledger as CSV text (one row per registered claim)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=LEDGER_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("khar_analysis", "resources"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _bench(lay: Layout) -> dict:
    """The last ``make bench`` figures (``reports/bench.json``), if any; an unreadable file is ignored."""
    import json

    try:
        return json.loads((lay.reports / "bench.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _article_title(lay: Layout) -> str:
    """The article's title, read from the pinned file (never stored in the project)."""
    all_lines = article.lines(lay)
    return all_lines[article.structure(all_lines).title_lines[0] - 1].strip()


def render(stage: Path, rows: list[dict], pending: list[str], plans, facts: dict, lay: Layout) -> None:
    """Write ``index.html`` and ``ledger.csv`` into ``stage``.

    When a plan's outputs were made with parameter overrides (``plan.ran_with``), the page opens with a
    banner naming every overridden parameter, and the ledger's ``parameters`` column lists them per claim.
    """
    register = claims.load_register(lay)
    records = manifest.load_manifest(lay)
    for row in rows:
        c = register[row["claim_id"]]
        row["quote"] = article.quote(c.line, c.anchor, lay) if c.line else ""
        # The source-list entry the claim's citation resolves to, by the citation audit's rules.
        row["entry"] = citations.describe(c.citation, c.line, lay) if c.citation else ""
        row["href"] = f"notebooks/{row['notebook']}.html" + (f"#cell-id={row['cell_id']}" if row["cell_id"] else "")
    counts = {v: sum(r["verdict"] == v for r in rows) for v in (*claims.VERDICTS, claims.PENDING)}
    extra = {}
    for name in ("citation_audit.csv",):
        if (stage / name).exists() or (lay.reports / name).exists():
            extra[name] = name
    names = [p.name for p in plans]
    audit_href = (f"notebooks/{AUDIT_NOTEBOOK}.html" if AUDIT_NOTEBOOK in names
                  else "citation_audit.csv" if "citation_audit.csv" in extra else "#ledger")
    overridden = {p.name: overrides.describe(p.ran_with) for p in plans if getattr(p, "ran_with", None)}
    html = _environment().get_template("report.html.j2").render(
        rows=rows, counts=counts, pending=pending, sources=list(records.values()), facts=facts,
        notebooks=names, extra=extra, verdicts=claims.VERDICTS, audit_href=audit_href,
        article_title=_article_title(lay), bench=_bench(lay), overridden=overridden,
    )
    (stage / "index.html").write_text(html, encoding="utf-8")
    (stage / "ledger.csv").write_text(ledger_csv(rows), encoding="utf-8")
