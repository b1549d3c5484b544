"""Running one notebook: papermill execution, metadata normalisation, HTML rendering.

Wiring only; no computation. Paths given to papermill are repository-relative and the metadata it
writes (times, paths) is stripped, so executed notebooks carry no machine paths or timestamps.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from khar_analysis.core import notebook_params

KERNEL = "khar-analysis"
_PM_KEEP = {"parameters", "version"}
_CELL_DROP = {"papermill", "execution"}


class NotebookError(RuntimeError):
    """A notebook raised while executing; the message names the notebook and the cell."""


@dataclass
class Executed:
    name: str
    notebook: nbformat.NotebookNode
    seconds: float
    #: wall-clock start and end of the execution, ISO 8601 UTC to the second (the report's RO-Crate)
    started: str = ""
    ended: str = ""


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip run times, paths and per-cell timing that papermill and nbclient add."""
    pm = nb.metadata.get("papermill")
    if pm is not None:
        nb.metadata["papermill"] = {k: v for k, v in pm.items() if k in _PM_KEEP}
    for key in ("widgets",):
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in _CELL_DROP:
            cell.metadata.pop(key, None)
    return nb


def error_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of papermill error-marker cells or cells with error outputs."""
    bad = []
    for i, cell in enumerate(nb.cells):
        marked = "papermill-error-cell-tag" in cell.metadata.get("tags", [])
        if marked or any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            bad.append(i)
    return bad


def parameters_cell(nb: nbformat.NotebookNode, shown: str = "the notebook") -> int:
    """Index of the one cell tagged ``parameters``; raise naming ``shown`` if there is not exactly one."""
    try:
        return notebook_params.parameters_cell(nb, shown)
    except notebook_params.ParametersCellError as exc:
        raise NotebookError(str(exc)) from None


def declared_parameters(path: Path) -> dict[str, object]:
    """The parameters cell's literal assignments (name -> value), read without executing anything."""
    try:
        return {k: p.default for k, p in notebook_params.declared(path).items()}
    except notebook_params.ParametersCellError as exc:
        raise NotebookError(str(exc)) from None


def check_parameters(path: Path, params: dict[str, object]) -> None:
    """Reject unknown parameter names and values that do not fit the declared type (annotation or default)."""
    try:
        declared = notebook_params.declared(path)
    except notebook_params.ParametersCellError as exc:
        raise NotebookError(str(exc)) from None
    if (problem := notebook_params.check_values(declared, params, path.stem)) is not None:
        raise NotebookError(problem)


def execute(path: Path, out_path: Path, root: Path, params: dict | None = None, figure_dir: Path | None = None,
            progress: bool = False) -> Executed:
    """Execute ``path`` with papermill into ``out_path`` (kernel in the notebook's folder); normalise it."""
    import time
    from datetime import UTC, datetime

    import papermill as pm

    from khar_analysis.build.kernels import IpcKernelManager

    params = params or {}
    check_parameters(path, params)
    env_backup = {k: os.environ.get(k) for k in ("KHAR_FIGURE_DIR", "KHAR_OUTPUT_DIR", "KHAR_ROOT")}
    os.environ["KHAR_ROOT"] = str(root)  # the kernel resolves data, register and manifest from this root
    if figure_dir is not None:
        os.environ["KHAR_FIGURE_DIR"] = str(figure_dir)
        os.environ["KHAR_OUTPUT_DIR"] = str(figure_dir.parent.parent / "outputs" / figure_dir.name)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    start, started = time.perf_counter(), datetime.now(UTC).replace(microsecond=0).isoformat()
    rel_in = os.path.relpath(path, root)
    try:
        nb = pm.execute_notebook(
            str(path), str(out_path), parameters=params, kernel_name=KERNEL, cwd=str(path.parent),
            progress_bar=progress, request_save_on_cell_execute=False, shutdown_kernel="immediate",
            kernel_manager_class=IpcKernelManager,  # no TCP port, no "running over TCP" warning (see kernels)
        )
    except pm.PapermillExecutionError as exc:
        raise NotebookError(
            f"notebook {rel_in} failed at cell {exc.cell_index} (execution count {exc.exec_count}): "
            f"{exc.ename}: {exc.evalue}"
        ) from None
    except Exception as exc:
        raise NotebookError(f"notebook {rel_in} could not be executed: {type(exc).__name__}: {exc}") from None
    finally:
        for key, value in env_backup.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    nb = normalise(nb)
    nbformat.write(nb, out_path)
    ended = datetime.now(UTC).replace(microsecond=0).isoformat()
    return Executed(path.stem, nb, time.perf_counter() - start, started, ended)


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Render an executed notebook as standalone HTML (lab template; images embedded; inputs shown), with
    its figures' alt text and links back to the report's claim cards (:func:`decorate`)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return decorate(body, nb)


#: Links from a notebook page (``reports/notebooks/``) back to the index's claim cards.
INDEX_HREF = "../index.html"
_BACK_CSS = (".khar-back { font-family: system-ui, sans-serif; margin: 0.4rem 0 0.8rem 1rem; } "
             ".khar-serves { font-family: system-ui, sans-serif; padding: 0.6rem 1rem; "
             "border-bottom: 1px solid #ccc; } "
             ".khar-back a, .khar-serves a { color: #0645ad; text-decoration: underline; } "
             # At phone width the page itself never scrolls sideways: wide code, tables and text outputs
             # scroll inside their own box, prompts give up their column and figures shrink to fit.
             "@media (max-width: 600px) { body { overflow-wrap: anywhere; } "
             ".jp-Cell, .jp-InputArea, .jp-OutputArea, .jp-OutputArea-child { max-width: 100vw; min-width: 0; } "
             ".jp-InputPrompt, .jp-OutputPrompt { display: none; } "
             ".jp-InputArea-editor, .jp-OutputArea-output, .jp-RenderedHTMLCommon table, pre "
             "{ max-width: calc(100vw - 1.5rem); overflow-x: auto; } "
             "img { max-width: 100%; height: auto; } }")


def _image_alts(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Alt text by the PNG's base64 text (as nbconvert embeds it), from each output's ``image/png`` metadata."""
    alts = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            png, alt = out.get("data", {}).get("image/png"), (out.get("metadata") or {}).get("image/png", {}).get("alt")
            if png and alt:
                alts["".join(png).replace("\n", "")] = alt
    return alts


def decorate(html: str, nb: nbformat.NotebookNode) -> str:
    """The rendered page with what nbconvert's lab template leaves out.

    - each figure's alt text from its output metadata (``plots.show`` writes it; nbconvert 7 ignores it and
      writes "No description has been provided for this image");
    - a line under the title naming the claims the notebook judges, each a link to its card in the
      report's index, and under each verdict cell a link back to that claim's card.
    """
    from bs4 import BeautifulSoup

    from khar_analysis.claims import verdicts

    soup = BeautifulSoup(html, features="html.parser")
    alts = _image_alts(nb)
    for img in soup.select('img[src^="data:image/png;base64,"]'):
        alt = alts.get(img["src"].split(",", 1)[1].replace("\n", ""))
        if alt:
            img["alt"] = alt
    served = verdicts.verdicts_from_notebook(nb)
    for cell_id, payload in served:
        cell = soup.find(id=f"cell-id={cell_id}")
        if cell is not None:
            back = soup.new_tag("p", attrs={"class": "khar-back"})
            link = soup.new_tag("a", href=f"{INDEX_HREF}#claim-{payload['claim_id']}")
            link.string = f"↩ back to the card of {payload['claim_id']} in the report"
            back.append(link)
            cell.insert_after(back)
    main = soup.find("main") or soup.body
    if main is not None and served:
        top = soup.new_tag("nav", attrs={"class": "khar-serves", "aria-label": "claims"})
        top.append("This notebook judges the claims ")
        for i, (_, payload) in enumerate(served):
            cid = payload["claim_id"]
            link = soup.new_tag("a", href=f"{INDEX_HREF}#claim-{cid}")
            link.string = cid
            top.append(", " if i else "")
            top.append(link)
        index = soup.new_tag("a", href=INDEX_HREF)
        index.string = "the report's index"
        top.append(" (their cards in ")
        top.append(index)
        top.append(").")
        main.insert(0, top)
    if soup.head is not None:
        style = soup.new_tag("style")
        style.string = _BACK_CSS
        soup.head.append(style)
    return str(soup)


_MACHINE_PATH = re.compile(r"(?<![\w.:/~-])/(?:home|root|work|tmp|Users|private|var/folders)/[\w.-]+")


def machine_paths(text: str) -> list[str]:
    """Absolute machine paths found in ``text`` (committed files must have none)."""
    return sorted(set(_MACHINE_PATH.findall(text)))
