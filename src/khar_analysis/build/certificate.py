"""Certificates: one page per claim, ``claims/<ID>.html`` in the report, saying what was checked and how.

A certificate holds the claim (id, English gloss, the article's sentence cut by its line and anchor words
at build time, the claimed value), the verdict in words with its reason, margin and caveat, the evidence
rows the verdict JSON carries (``evidence``: the rows that decided it), the raw files its notebook read
with their sha256 and licence (from the manifest records), the parameters, the software versions, the
commit and the run time.

The build writes one for every registered claim from its own executed notebooks (:func:`write_for_build`,
no replay) and prints the index to ``report.pdf``; ``khar claim ID`` (:mod:`~khar_analysis.build.replay`)
writes one from a replay of that claim's notebook alone, with its PDF.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from khar_analysis.article import text as article
from khar_analysis.build import printing
from khar_analysis.build.errors import log, warn
from khar_analysis.build.plan import source_ids
from khar_analysis.claims import register as claims
from khar_analysis.core.paths import Layout
from khar_analysis.provenance import manifest

#: The report folder of the certificates (``claims/<ID>.html``, and ``.pdf`` from ``khar claim``).
FOLDER = "claims"
REPORT_PDF = "report.pdf"
VERDICT_WORDS = {"reproduced": "Reproduced", "reproduced_with_caveat": "Reproduced, with a caveat",
                 "not_reproduced": "Not reproduced", "not_testable": "Not testable with these data",
                 claims.PENDING: "Pending (its notebook does not exist yet)"}
#: Evidence rows shown on the page; all of them are in ``evidence/<ID>.csv``.
EVIDENCE_SHOWN = 100


@dataclass
class Run:
    """How the verdict on a certificate was obtained."""

    kind: str  # "build" (the report's own run) or "replay" (``khar claim``)
    when: str
    notebook_s: float | None = None  # the notebook's execution, seconds
    total_s: float | None = None  # the whole replay up to the certificate, seconds
    this_build: bool = True  # False: the notebook's executed copy was carried over from an earlier build
    facts: dict = field(default_factory=dict)  # commit, python, platform, versions (report.run_facts)


def input_rows(ids: list[str], records: dict[str, manifest.Source], cited: list[str]) -> list[dict]:
    """One row per raw file the notebook reads: the claim's own sources first, then the others, by id."""
    order = sorted(ids, key=lambda i: (i not in cited, i))
    return [{"id": i, "title": records[i].title, "publisher": records[i].publisher, "release": records[i].release,
             "file": records[i].path, "sha256": records[i].sha256, "licence": records[i].licence,
             "redistribution": records[i].redistribution, "cited": i in cited} for i in order]


def evidence_view(evidence: dict | None, limit: int = EVIDENCE_SHOWN) -> dict | None:
    """The verdict JSON's ``evidence`` as the page shows it (at most ``limit`` rows), or ``None``."""
    if not evidence or not evidence.get("columns"):
        return None
    rows = evidence.get("rows") or []
    return {"words": evidence.get("words", ""), "code": evidence.get("code", ""),
            "sources": evidence.get("sources") or [], "columns": list(evidence["columns"]),
            "rows": [["" if v is None else v for v in row] for row in rows[:limit]],
            "hidden": max(0, len(rows) - limit)}


def software(facts: dict) -> list[tuple[str, str]]:
    """(name, version) of Python and of the packages the run used."""
    return [("python", facts.get("python", "")), *sorted(facts.get("versions", {}).items())]


def figure_src(stage: Path, notebook: str, name: str | None, embed: bool) -> str:
    """The ``src`` of the claim's key figure (register ``figure``), relative to ``claims/``, or a data URL
    when ``embed`` (a replay's figure is not in the published report); ``""`` when there is none."""
    png = stage / "figures" / notebook / f"{name}.png" if name else None
    if png is None or not png.is_file():
        return ""
    if embed:
        return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")
    return f"../figures/{notebook}/{name}.png"


def context(claim: claims.Claim, payload: dict | None, inputs: list[dict], run: Run, lay: Layout,
            figure: str = "") -> dict:
    """Everything the certificate page shows, as plain values (see ``resources/certificate.html.j2``)."""
    payload = payload or {}
    verdict = payload.get("verdict", claims.PENDING)
    return {
        "claim": {"id": claim.id, "family": claim.family, "gloss": claim.gloss, "line": claim.line or "",
                  "quote": article.quote(claim.line, claim.anchor, lay) if claim.line else "",
                  "claimed": claim.claimed["text"], "notebook": claim.notebook, "citation": claim.citation,
                  "would_test": claim.would_test},
        "verdict": verdict, "verdict_words": VERDICT_WORDS.get(verdict, verdict),
        "observed": payload.get("observed", ""), "reason": payload.get("reason", ""),
        "caveat": payload.get("caveat", ""), "margin": payload.get("margin", ""),
        "knife_edge": payload.get("knife_edge", ""), "variants": payload.get("variants") or {},
        "parts": payload.get("parts") or [], "sensitivity": payload.get("sensitivity") or [],
        "parameters": payload.get("parameters") or {},
        "evidence": evidence_view(payload.get("evidence")), "inputs": inputs, "run": run,
        "software": software(run.facts), "cell_id": payload.get("cell_id", ""), "figure": figure,
    }


@functools.cache
def _template():
    """The page template, compiled once per process (compiling costs ~20 times a render)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("khar_analysis", "resources"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("certificate.html.j2")


def render(ctx: dict) -> str:
    """The certificate page (standalone HTML, print styles for its PDF)."""
    return _template().render(**ctx)


def payloads(executed: dict[str, nbformat.NotebookNode]) -> dict[str, dict]:
    """Every verdict JSON the executed notebooks displayed, by claim id (with its cell id)."""
    return {p["claim_id"]: {**p, "cell_id": cell_id} for nb in executed.values()
            for cell_id, p in claims.verdicts_from_notebook(nb)}


def notebook_inputs(nb: nbformat.NotebookNode, name: str, register: dict, records: dict, lay: Layout) -> list[str]:
    """The raw source ids notebook ``name`` reads (its claims' sources, the article, ``khar.sources``)."""
    return source_ids(nb, lay.notebooks / f"{name}.ipynb", register, records, lay.article_id)


def write_for_build(stage: Path, executed: dict[str, nbformat.NotebookNode], facts: dict, lay: Layout,
                    last_seconds: dict[str, float]) -> None:
    """Write ``claims/<ID>.html`` for every registered claim into the build's ``stage`` and print its
    ``index.html`` to ``report.pdf`` (one line instead when no browser is found). ``last_seconds``: the
    notebooks' run times recorded by the last build (a carried-over notebook shows the run that made it)."""
    register = claims.load_register(lay)
    records = manifest.load_manifest(lay)
    found = payloads(executed)
    ids = {name: notebook_inputs(nb, name, register, records, lay) for name, nb in executed.items()}
    ran = facts.get("notebook_seconds", {})
    seconds = {**last_seconds, **ran}
    (stage / FOLDER).mkdir(exist_ok=True)
    for cid, claim in register.items():
        nb = claim.notebook
        run = Run("build", facts.get("built_at", ""), seconds.get(nb), this_build=nb in ran, facts=facts)
        inputs = input_rows(ids.get(nb, []), records, claim.sources)
        page = render(context(claim, found.get(cid), inputs, run, lay,
                              figure_src(stage, nb, getattr(claim, "figure", None), embed=False)))
        (stage / FOLDER / f"{cid}.html").write_text(page, encoding="utf-8")
    print_report(stage)


def print_report(stage: Path) -> Path | None:
    """Print ``stage/index.html`` to ``stage/report.pdf``; ``None`` (and one line) when ``KHAR_PDF=0``, without a
    browser, or when the browser fails (the report is published without its PDF)."""
    if not printing.wanted():
        log(printing.NOT_WANTED.format(what=REPORT_PDF))
        return None
    browser = printing.find_browser()
    if browser is None:
        log(printing.NO_BROWSER.format(what=REPORT_PDF))
        return None
    try:
        return printing.print_pdf(stage / "index.html", stage / REPORT_PDF, browser)
    except printing.PrintError as exc:  # the report stands without its PDF; the PDF test says so
        warn(f"{REPORT_PDF} not made: {exc}")
        return None
