"""``ro-crate-metadata.json``: the build as a Workflow Run RO-Crate (Process Run Crate profile).

Written with the ``rocrate`` library (https://github.com/ResearchObject/ro-crate-py) into the build's staging
folder, so the crate's root is ``reports/`` and it is published with the rest of the report. Every ``@id`` is
relative to ``reports/`` or an absolute URL, never a machine path:

- **inputs**: one ``File`` per raw file of the manifest, ``@id`` ``../data/raw/<path>`` (where ``khar fetch``
  puts the verified bytes), with its ``sha256``, size, publisher, release, landing page, ``contentUrl`` (the
  download URL serving exactly the pinned bytes, where there is one) and ``license``;
- **one ``CreateAction`` per notebook** (profile https://w3id.org/ro/wfrun/process/0.5): ``instrument`` the
  committed notebook (a ``SoftwareSourceCode`` ``#notebook-NN_name`` with its project path and sha256: an id
  ``../notebooks/NN_name.ipynb`` would be taken by ``rocrate`` for the executed copy ``notebooks/NN_name.ipynb``,
  as it resolves ids against the crate root and drops ``..`` there), ``object`` the raw files its key lists and its
  parameters as ``PropertyValue`` (declared defaults with the overrides it ran with), ``result`` its executed
  copy and HTML, figures, published tables and the evidence of its claims, ``startTime``/``endTime`` of its
  execution (of the earlier build whose outputs a skipped notebook carries over) and ``actionStatus``;
- **one ``CreateAction`` for the report** itself: ``instrument`` the ``khar`` application (with the package
  versions of the run), ``object`` the executed notebooks, ``result`` the ledger, index, data page and
  ``claimreview.jsonld``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

from rocrate.model.contextentity import ContextEntity
from rocrate.rocrate import ROCrate

from khar_analysis.build import notebooks
from khar_analysis.build.deposit import licence_entry
from khar_analysis.provenance import manifest

FILE = "ro-crate-metadata.json"
PROFILE = "https://w3id.org/ro/wfrun/process/0.5"
COMPLETED = "http://schema.org/CompletedActionStatus"
#: Files of the report the build itself writes (the report action's results), when present.
REPORT_FILES = ("index.html", "ledger.csv", "data.html", "claimreview.jsonld")
MIME = {".csv": "text/csv", ".html": "text/html", ".png": "image/png", ".ipynb": "application/x-ipynb+json",
        ".jsonld": "application/ld+json", ".json": "application/json"}


def iso(moment: datetime) -> str:
    """An aware datetime as ISO 8601 in UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _licence(crate: ROCrate, src: manifest.Source) -> ContextEntity:
    """The licence of a source: the licence's URL for the open licences :mod:`deposit` knows, else a local
    ``#licence-<id>`` entity holding the manifest's wording."""
    entry = licence_entry(src.licence)
    if "path" in entry:
        ident, props = entry["path"], {"@type": "CreativeWork", "name": entry["name"]}
    else:
        ident = f"#licence-{src.id}"
        props = {"@type": "CreativeWork", "name": f"terms of {src.id}", "description": src.licence}
    return crate.add(ContextEntity(crate, ident, properties=props))


def add_inputs(crate: ROCrate, records: dict[str, manifest.Source]) -> dict[str, object]:
    """One data entity per raw file (see the module docstring); source id -> entity."""
    out = {}
    for sid, src in records.items():
        props = {"name": src.title, "identifier": sid, "sha256": src.sha256, "contentSize": src.size_bytes,
                 "encodingFormat": src.format["type"], "url": src.landing_url, "version": src.release,
                 "publisher": src.publisher, "license": _licence(crate, src),
                 "conditionsOfAccess": src.redistribution, "alternateName": f"data/raw/{src.path}"}
        if src.obtain.get("download_url"):
            props["contentUrl"] = src.obtain["download_url"]
        if src.data_generated:
            props["dateCreated"] = src.data_generated
        out[sid] = crate.add_file(dest_path=f"../data/raw/{src.path}", properties=props)
    return out


def _result(crate: ROCrate, stage: Path, rel: str) -> object | None:
    """A data entity for the report file ``rel`` if the staged report has it."""
    if not (stage / rel).is_file():
        return None
    if (known := crate.dereference(rel)) is not None:  # adding an entity twice would drop it from hasPart
        return known
    props = {"contentSize": (stage / rel).stat().st_size}
    if (mime := MIME.get(Path(rel).suffix)) is not None:
        props["encodingFormat"] = mime
    return crate.add_file(dest_path=rel, properties=props)


def _parameters(crate: ROCrate, name: str, values: dict) -> list:
    """``PropertyValue`` entities of a notebook's parameters (lists and mappings as JSON text)."""
    out = []
    for key, value in sorted(values.items()):
        shown = value if isinstance(value, str | int | float | bool) else json.dumps(value, ensure_ascii=False)
        out.append(crate.add(ContextEntity(crate, f"#param-{name}-{key}", properties={
            "@type": "PropertyValue", "name": key, "value": shown})))
    return out


def notebook_results(stage: Path, name: str, tables: list[str], evidence: list[str]) -> list[str]:
    """The report files a notebook's run produced: executed copy and HTML, figures, tables, evidence."""
    figures = sorted(p.relative_to(stage).as_posix() for p in (stage / "figures" / name).glob("*")
                     if p.is_file()) if (stage / "figures" / name).is_dir() else []
    return [f"notebooks/{name}.ipynb", f"notebooks/{name}.html", *figures, *sorted(tables), *sorted(evidence)]


def lay_rel(plan) -> str:
    """The committed notebook's path in the project (``notebooks/NN_name.ipynb`` for the default layout)."""
    return f"{plan.path.parent.name}/{plan.path.name}"


def add_run(crate: ROCrate, stage: Path, plan, inputs: dict, run: dict, tables: list[str],
            evidence: list[str]) -> object:
    """The ``CreateAction`` of one notebook (``plan``: a build plan; ``run``: its ``start``/``end``, ISO)."""
    nb = crate.add(ContextEntity(crate, f"#notebook-{plan.name}", properties={
        "@type": "SoftwareSourceCode", "name": plan.name, "programmingLanguage": "Python",
        "identifier": lay_rel(plan), "sha256": hashlib.sha256(plan.path.read_bytes()).hexdigest(),
        "encodingFormat": MIME[".ipynb"]}))
    params = {**notebooks.declared_parameters(plan.path), **(plan.ran_with or {})}
    used = [inputs[sid] for sid in sorted(plan.key.get("raw", {})) if sid in inputs]
    results = [e for rel in notebook_results(stage, plan.name, tables, evidence)
               if (e := _result(crate, stage, rel)) is not None]
    props = {"name": f"execution of {plan.name}", "actionStatus": {"@id": COMPLETED}}
    if not plan.runs:
        props["description"] = "not re-executed in this build (its inputs were unchanged): outputs carried over"
    if run.get("start"):
        props.update(startTime=run["start"], endTime=run["end"])
    return crate.add_action(nb, identifier=f"#run-{plan.name}", object=used + _parameters(crate, plan.name, params),
                            result=results, properties=props)


def _khar(crate: ROCrate, versions: dict[str, str]) -> ContextEntity:
    """The ``khar`` application, with the packages (and versions) of the run as its requirements."""
    reqs = [crate.add(ContextEntity(crate, f"#software-{pkg}", properties={
        "@type": "SoftwareApplication", "name": pkg, "version": version})) for pkg, version in sorted(versions.items())]
    try:
        own = metadata.version("khar-analysis")
    except metadata.PackageNotFoundError:
        own = "unknown"
    return crate.add(ContextEntity(crate, "#khar", properties={
        "@type": "SoftwareApplication", "name": "khar (khar-analysis)", "version": own,
        "softwareRequirements": reqs}))


def build_crate(stage: Path, records: dict[str, manifest.Source], plans: list, runs: dict[str, dict],
                tables: dict[str, list[str]], evidence: dict[str, list[str]], facts: dict,
                started: datetime, ended: datetime) -> ROCrate:
    """The crate of one build (see the module docstring). ``runs``: notebook -> ``{"start", "end"}`` (ISO);
    ``tables``/``evidence``: notebook -> its published tables / its claims' evidence files (report paths)."""
    crate = ROCrate()
    root = crate.root_dataset
    root["name"] = "khar-analysis report: claims, verdicts and their provenance"
    root["description"] = ("The report of one khar build: each notebook's execution on the pinned raw files, "
                           "and the ledger, pages and fact-check records it produced.")
    root["datePublished"] = iso(ended)
    root["license"] = crate.add(ContextEntity(crate, "#terms", properties={
        "@type": "CreativeWork", "name": "terms of the report",
        "description": "code MIT; each raw input keeps its publisher's terms (data.html); article quotes under "
                       "the right of quotation"}))
    crate.add(ContextEntity(crate, PROFILE, properties={
        "@type": "CreativeWork", "name": "Process Run Crate", "version": "0.5"}))
    root["conformsTo"] = {"@id": PROFILE}
    inputs = add_inputs(crate, records)
    for plan in plans:
        add_run(crate, stage, plan, inputs, runs.get(plan.name, {}), tables.get(plan.name, []),
                evidence.get(plan.name, []))
    executed = [e for p in plans if (e := _result(crate, stage, f"notebooks/{p.name}.ipynb")) is not None]
    made = [e for rel in REPORT_FILES if (e := _result(crate, stage, rel)) is not None]
    crate.add_action(_khar(crate, facts.get("versions", {})), identifier="#build", object=executed, result=made,
                     properties={"name": "khar build (the report)", "startTime": iso(started),
                                 "endTime": iso(ended), "actionStatus": {"@id": COMPLETED}})
    return crate


def write(stage: Path, lay, plans: list, runs: dict[str, dict], tables: dict[str, list[str]], rows: list[dict],
          facts: dict, started: datetime) -> Path:
    """Write :data:`FILE` into ``stage``; the evidence files of ``rows`` (column ``evidence``) go to the
    action of the claim's notebook. Returns the written file."""
    evidence: dict[str, list[str]] = {}
    for row in rows:
        if row.get("evidence"):
            evidence.setdefault(row["notebook"], []).append(row["evidence"])
    ended = max(datetime.now(UTC), started)
    crate = build_crate(stage, manifest.load_manifest(lay), plans, runs, tables, evidence, facts, started, ended)
    crate.metadata.write(stage)
    return stage / FILE


def started_at(elapsed_s: float) -> datetime:
    """The wall-clock start of something that has run for ``elapsed_s`` seconds until now (UTC)."""
    return datetime.now(UTC) - timedelta(seconds=elapsed_s)
