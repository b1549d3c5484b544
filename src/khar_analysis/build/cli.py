"""The ``khar`` command line: ``fetch``, ``build``, ``claim``, ``notebooks``, ``manifest``, ``deposit``.

Errors are printed as one clear message (no traceback) and exit with status 2: the project's own errors,
and every operating-system error (a folder it may not read or write, a full disk, a read-only or another
filesystem), named with its path and what to do. ``--debug`` prints the traceback as well.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import traceback
from pathlib import Path

import yaml

from khar_analysis.build import notebooks, pipeline
from khar_analysis.build.errors import describe_os_error
from khar_analysis.claims import register as claims
from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.core.paths import Layout, LayoutError, layout
from khar_analysis.provenance import manifest, obtain

EXPECTED_ERRORS = (manifest.DataVerificationError, manifest.ManifestError, manifest.UnknownSourceError,
                   obtain.ArchiveError,
                   claims.RegisterError,
                   pipeline.BuildError, notebooks.NotebookError, UnknownLayoutError, LayoutError)


def _params(values: list[str], file: str | None) -> dict[str, dict]:
    """``NOTEBOOK:name=value`` options (value parsed as YAML) and/or a YAML file {notebook: {name: value}}."""
    out: dict[str, dict] = {}
    if file:
        try:
            data = yaml.safe_load(Path(file).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise pipeline.BuildError(f"--params-file {file}: cannot read it as YAML ({exc})") from None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise pipeline.BuildError(f"--params-file {file}: expected {{notebook: {{name: value}}}}")
        out.update({k: dict(v) for k, v in data.items()})
    for item in values:
        nb, sep, rest = item.partition(":")
        name, eq, value = rest.partition("=")
        if not sep or not eq or not name:
            raise pipeline.BuildError(
                f"-p {item!r}: expected NOTEBOOK:name=value, e.g. 01_arms_imports:start_year=2011"
            )
        out.setdefault(nb, {})[name] = yaml.safe_load(value)
    return out


def _fetch_source(source: str | None, mirror: Path | None) -> tuple[Path | None, obtain.Archive | None]:
    """``khar fetch --from``: a URL is an archive's base URL, anything else a mirror folder."""
    if source is None:
        return mirror, None
    if re.match(obtain.URL_PATTERN, source):
        return mirror, obtain.Archive(base_url=source)
    return Path(source), None


def _parser() -> argparse.ArgumentParser:
    """The ``khar`` argument parser: global options and one subcommand per step."""
    parser = argparse.ArgumentParser(prog="khar", description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=None,
                        help="mirror folder holding the raw files (default: $KHAR_DATA_MIRROR or ../shared/data)")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an error, not only its message")
    sub = parser.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch", help="verify every raw file against its sha256 pin; copy or download missing ones")
    f.add_argument("--quiet", action="store_true")
    f.add_argument("--no-download", action="store_true", help="never download; only local and mirror copies")
    f.add_argument("--from", dest="source", metavar="DIR_OR_URL",
                   help="a mirror folder, or an archive's base URL holding the files under their base names")
    b = sub.add_parser("build", help="verify data, run notebooks, write reports/index.html and reports/ledger.csv")
    b.add_argument("--jobs", "-j", type=int, default=None, help="parallel notebook processes (default: cores)")
    b.add_argument("--force", action="store_true", help="re-run every notebook even if nothing changed")
    b.add_argument("--only", nargs="+", help="run only these notebooks (by name, e.g. 01_arms_imports)")
    b.add_argument("-p", "--param", action="append", default=[], metavar="NB:NAME=VALUE",
                   help="override a notebook parameter (YAML value), e.g. -p 01_arms_imports:start_year=2010")
    b.add_argument("--params-file", help="YAML file {notebook: {name: value}}")
    b.add_argument("--no-wait", action="store_true", help="refuse instead of waiting if another build runs")
    c = sub.add_parser("claim", help="replay one claim alone; write reports/claims/ID.html and ID.pdf (certificate)")
    c.add_argument("claim_id", metavar="ID", help="a registered claim id, e.g. ARMS-1")
    c.add_argument("-p", "--param", action="append", default=[], metavar="NB:NAME=VALUE",
                   help="override a parameter of the claim's notebook (YAML value), as for build")
    c.add_argument("--params-file", help="YAML file {notebook: {name: value}}")
    c.add_argument("--no-wait", action="store_true", help="refuse instead of waiting if a build runs")
    n = sub.add_parser("notebooks", help="re-execute the committed notebooks in place, normalised for committing")
    n.add_argument("--only", nargs="+")
    be = sub.add_parser("bench", help="time the build against the naive way and the floor; write reports/bench.json")
    be.add_argument("--tests", action="store_true", help="also time the test suite")
    be.add_argument("--jobs", "-j", type=int, default=None)
    m = sub.add_parser("manifest", help="list the pinned sources, or re-pin a project-authored one")
    m.add_argument("--rehash", metavar="SOURCE_ID", help="recompute sha256/size of an authored source")
    m.add_argument("--show", metavar="SOURCE_ID", help="print how to obtain a source's file (URL or recipe)")
    d = sub.add_parser("deposit", help="write build/deposit/: datapackage.json, the redistributable files, README.md")
    d.add_argument("--out", type=Path, default=None, help="output folder (default: build/deposit)")
    return parser


def _run(args: argparse.Namespace, lay: Layout) -> None:
    """Carry out one parsed command in the project ``lay``."""
    if args.cmd == "fetch":
        lay.check_folders()
        mirror, archive = _fetch_source(args.source, args.mirror)
        done = manifest.verify(lay=lay, mirror=mirror, allow_download=not args.no_download, archive=archive)
        if not args.quiet:
            for sid, item in done.items():
                print(f"{sid:40s} {item.how:8s} {lay.rel(item.path)}")
        print(f"[khar] {len(done)} raw files verified against their sha256 pins")
    elif args.cmd == "build":
        pipeline.build(lay, mirror=args.mirror, jobs=args.jobs, force=args.force,
                       params=_params(args.param, args.params_file), only=args.only, wait=not args.no_wait)
    elif args.cmd == "claim":
        from khar_analysis.build import replay

        done = replay.replay(args.claim_id, lay, mirror=args.mirror, params=_params(args.param, args.params_file),
                             wait=not args.no_wait)
        files = ", ".join(lay.rel(f) for f in (done.html, done.pdf) if f)
        print(f"[khar] certificate of {args.claim_id}: {files} (replayed in {done.seconds['total']:.1f} s)")
    elif args.cmd == "notebooks":
        pipeline.update_committed(lay, args.only)
    elif args.cmd == "bench":
        from khar_analysis.build import bench

        figures = bench.run(lay, with_tests=args.tests, jobs=args.jobs)
        print(json.dumps({k: v for k, v in figures.items() if k != "per_notebook"}, indent=1, sort_keys=True))
    elif args.cmd == "manifest":
        if args.rehash:
            digest, size = manifest.rehash(args.rehash, lay)
            print(f"{args.rehash}: sha256 {digest}, {size} B")
        elif args.show:
            print("\n".join(obtain.recipe_lines(manifest.get(args.show, lay))))
        else:
            for s in manifest.load_manifest(lay).values():
                print(f"{s.id:40s} {s.sha256[:12]} {s.release}")
    elif args.cmd == "deposit":
        from khar_analysis.build import deposit

        out = deposit.write_deposit(lay, args.out, mirror=args.mirror)
        print(f"[khar] deposit written to {lay.rel(out)}/ ({out.joinpath('README.md').name}, datapackage.json)")


def main(argv: list[str] | None = None) -> int:
    """``khar``: run one command; an expected failure prints one line and returns 2 (``--debug``: and its traceback)."""
    args = _parser().parse_args(argv)
    lay = None
    try:
        lay = layout()
        _run(args, lay)
    except (*EXPECTED_ERRORS, OSError) as exc:
        if args.debug:
            traceback.print_exc()
        message = describe_os_error(exc, lay.root if lay else None) if isinstance(exc, OSError) else exc
        print(f"khar {args.cmd}: error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
