"""Statistical Review of World Energy "all data" workbooks: layout detection and the four gas tables.

bp / Energy Institute *Statistical Review of World Energy*, editions 2019-2024
(https://www.energyinst.org/statistical-review; definitions in each workbook's sheet ``Definitions``).
Each edition holds one data year of the gas trade matrices (the year before the edition) and time
series of inter-regional trade and consumption. Units: billion cubic metres (``bcm``), standardised by
the publisher at a gross calorific value of 40 MJ/m3.

Layouts the code knows (:func:`detect_layout`; any other fails, naming the file and what differs):

* sheet names changed in the 2024 edition: pipeline matrix ``Gas - Trade movts - pipeline`` ->
  ``Gas trade - pipeline``; LNG matrix ``Gas - Trade movts LNG`` -> ``Gas trade - LNG``; inter-regional
  series ``Gas - Inter-regional trade`` -> ``Gas - Trade movements``. ``Gas Consumption - Bcm`` is stable;
* pipeline matrix: exporter names on one header row (the row whose first cell is ``To``); LNG matrix:
  exporter names split over two header rows (``Trinidad &`` / ``Tobago``), joined here;
* the 2023 edition rounds every figure to 0.1 bcm and writes ``-`` for zero and a dagger for "less than
  0.05" (read as 0.0 with ``is_below_0_05``); the other editions store full-precision numbers. The
  series sheets write "less than 0.05" as ``^`` (read as 0.0) and "not available" as ``n/a`` (NaN);
* exporter and importer labels carry footnote marks (``Other Europe1``, ``Other Americas*``), dropped here;
* the 2023 edition's inter-regional sheet starts in 2011 and has no ``of which`` origin rows; the
  others start in 2000 and split Europe's pipeline imports by origin region
  (``of which: Russia`` / ``Russian Federation``, ``Africa``, ``Other CIS``, ``Middle East``).


Identity: the detected edition (the matrices' data year + 1) must be the record's ``format.edition``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from khar_analysis.core import countries, layout_checks
from khar_analysis.core.layout_checks import UnknownLayoutError, expect_equal, expect_true
from khar_analysis.provenance import manifest, processed
from khar_analysis.provenance.manifest import Source
from khar_analysis.sources import registry

UNIT_ROW = "Billion cubic metres"
BELOW = "†"  # the publisher's "less than 0.05"
ZERO = "-"

#: Importer rows that are the sum of the rows above them (back to the previous such row).
REGION_TOTALS = ("North America", "S. & Cent. America", "Europe", "CIS", "Middle East", "Africa",
                 "Asia Pacific", "Middle East & Africa")

FLOWS = {
    "Pipeline imports": "pipeline_imports", "LNG imports": "lng_imports", "Total imports": "total_imports",
    "Pipeline exports": "pipeline_exports", "LNG exports": "lng_exports", "Total exports": "total_exports",
    "Inter-regional pipeline trade": "pipeline_trade", "LNG trade": "lng_trade", "Total trade": "total_trade",
}
MATRIX_COLUMNS = ["edition", "data_year", "matrix", "importer", "importer_label", "exporter", "exporter_label",
                  "bcm", "is_below_0_05", "is_region_total", "is_importer_aggregate", "is_exporter_aggregate"]
SERIES_COLUMNS = ["edition", "region", "region_label", "flow", "partner", "partner_label", "year", "bcm"]


@dataclass(frozen=True)
class SheetKind:
    """A table the loaders read: the sheet names it has had and the title its first cell must show."""

    kind: str
    names: tuple[str, ...]
    title: re.Pattern[str]


SHEET_KINDS = (
    SheetKind("pipeline", ("Gas - Trade movts - pipeline", "Gas trade - pipeline"),
              re.compile(r"^Natural Gas: Trade movements (\d{4}) by pipeline\s*$")),
    SheetKind("lng", ("Gas - Trade movts LNG", "Gas trade - LNG"),
              re.compile(r"^Natural Gas: Trade movements (\d{4}) as liquefied natural gas\*?\s*$")),
    SheetKind("interregional", ("Gas - Inter-regional trade", "Gas - Trade movements"),
              re.compile(r"^Natural gas: Inter-regional trade\s*$")),
    SheetKind("consumption", ("Gas Consumption - Bcm",), re.compile(r"^Natural Gas: Consumption\*?\s*$")),
)


@dataclass(frozen=True)
class ReviewLayout:
    """What :func:`detect_layout` found: the edition, its data year and the sheet used for each table."""

    edition: int
    data_year: int
    sheets: dict[str, str]


@dataclass
class Review:
    """The tables read from one or more editions (each table has an ``edition`` column)."""

    layouts: list[ReviewLayout]
    matrices: pd.DataFrame
    interregional: pd.DataFrame
    consumption: pd.DataFrame
    editions: list[int] = field(default_factory=list)


# --- loading ------------------------------------------------------------------------------------

def _label(value) -> str:
    """A header or row label without footnote marks and with single spaces."""
    text = re.sub(r"\s+", " ", str(value)).strip()
    return re.sub(r"[\d*†]+$", "", text).strip()


def detect_layout(file: Path | str, sheetnames: list[str], first_cells: dict[str, object]) -> ReviewLayout:
    """Identify an edition's layout from its sheet names and the first cell of each candidate sheet.

    Raises :class:`UnknownLayoutError` naming the file when a table's sheet is missing or ambiguous, a
    title does not read as expected, or the pipeline and LNG matrices are for different years.
    """
    chosen: dict[str, str] = {}
    years: dict[str, int] = {}
    for kind in SHEET_KINDS:
        present = [n for n in kind.names if n in sheetnames]
        expect_true(file, len(present) == 1,
                    f"{kind.kind} table: expected exactly one sheet named one of {list(kind.names)}, found "
                    f"{present or 'none'} (a layout this code does not know)")
        title = str(first_cells.get(present[0]) or "")
        match = kind.title.match(title)
        expect_true(file, match is not None,
                    f"sheet {present[0]!r}: first cell should match {kind.title.pattern!r}, found {title[:70]!r}")
        chosen[kind.kind] = present[0]
        if match.groups():
            years[kind.kind] = int(match.group(1))
    expect_true(file, years["pipeline"] == years["lng"],
                f"pipeline matrix is for {years['pipeline']} but LNG matrix for {years['lng']}")
    return ReviewLayout(edition=years["pipeline"] + 1, data_year=years["pipeline"], sheets=chosen)


def _cell(file, where: str, value) -> tuple[float, bool]:
    """A matrix cell as (bcm, is_below_0_05); '-' is zero, the dagger is 'less than 0.05'."""
    if isinstance(value, bool) or value is None:
        raise UnknownLayoutError(f"{Path(file).name}: {where}: expected a number, '-' or '{BELOW}', found {value!r}")
    if isinstance(value, int | float):
        return float(value), False
    text = str(value).strip()
    if text == ZERO:
        return 0.0, False
    if text == BELOW:
        return 0.0, True
    raise UnknownLayoutError(f"{Path(file).name}: {where}: expected a number, '-' or '{BELOW}', found {value!r}")


def parse_matrix(rows: list[tuple], kind: str, file: Path | str, layout: ReviewLayout) -> pd.DataFrame:
    """Parse a pipeline or LNG trade matrix (rows = importers, columns = exporters) into tidy rows.

    Checks, within the rounding of the edition, that every importer row adds up to its ``Total imports``
    cell, that no region total row (:data:`REGION_TOTALS`) is smaller than the sum of the region's
    listed rows, and that ``Total exports`` is the sum of the region totals. Kept as one function (over 60
    lines) on purpose: the row loop carries the running region block that those sum checks need.
    """
    sheet = layout.sheets[kind]
    where = f"sheet {sheet!r}"
    to_rows = [i for i, r in enumerate(rows[:6]) if r and isinstance(r[0], str) and r[0].strip() == "To"]
    expect_true(file, len(to_rows) == 1, f"{where}: no single header row starting with 'To' in rows 1-6")
    h = to_rows[0]
    expected_h = {"pipeline": 2, "lng": 3}[kind]
    expect_true(file, h == expected_h, f"{where}: header row 'To' is row {h + 1}, expected row {expected_h + 1}")
    expect_equal(file, f"{where}: unit cell above the header", UNIT_ROW, str(rows[h - 1][0]).strip())
    if kind == "lng":
        header = [_label(f"{a or ''} {b or ''}") for a, b in zip(rows[h - 1], rows[h], strict=False)]
    else:
        stray = [v for v in rows[h - 1][1:] if v is not None and str(v).strip() not in ("From", "Contents")]
        expect_true(file, not stray, f"{where}: unexpected text above the exporter names: {stray}")
        header = [_label(v) if v is not None else "" for v in rows[h]]
    expect_true(file, "Total imports" in header, f"{where}: no 'Total imports' column in the header")
    ncol = header.index("Total imports")
    exporters = header[1:ncol]
    expect_true(file, all(exporters), f"{where}: blank exporter name in the header: {exporters}")
    ends = [i for i, r in enumerate(rows) if i > h and r and isinstance(r[0], str) and r[0].strip() == "Total exports"]
    expect_true(file, bool(ends), f"{where}: no 'Total exports' row")
    end = ends[0]
    exp_codes = countries.harmonise(exporters, f"{Path(file).name} {sheet}")
    records = []
    block: list[list[float]] = []
    block_totals: list[list[float]] = []
    for i in range(h + 1, end + 1):
        row = rows[i]
        label = _label(row[0]) if row and row[0] is not None else ""
        expect_true(file, bool(label), f"{where}: row {i + 1} has no importer label")
        cells = [_cell(file, f"{where} row {i + 1} column {j + 1}", row[j] if j < len(row) else None)
                 for j in range(1, ncol + 1)]
        values = [c[0] for c in cells]
        n_nonzero = sum(1 for v in values[:-1] if v) + 1
        tol = 0.05 * n_nonzero + 1e-6
        expect_true(file, abs(sum(values[:-1]) - values[-1]) <= tol,
                    f"{where}: row {i + 1} ({label}) sums to {sum(values[:-1]):.3f}, its Total imports cell "
                    f"is {values[-1]:.3f}")
        is_total = label in REGION_TOTALS or label == "Total exports"
        if is_total:
            members = block if label != "Total exports" else block_totals
            expect_true(file, bool(members), f"{where}: region total {label!r} on row {i + 1} has no rows above it")
            # a region total may exceed its listed rows (some regions have no 'Other ...' row), never fall
            # short of them; the world total is exactly the sum of the region totals
            for j, v in enumerate(values):
                got = sum(m[j] for m in members)
                tol = 0.05 * len(members) + 1e-6
                ok = abs(got - v) <= tol if label == "Total exports" else got <= v + tol
                expect_true(file, ok, f"{where}: {label} (row {i + 1}) does not match the rows it totals in column "
                                      f"{j + 2} ({got:.3f} vs {v:.3f})")
            if label != "Total exports":
                block_totals.append(values)
            block = []
        else:
            block.append(values)
        if label == "Total exports":
            break
        imp_code = countries.harmonise([label], f"{Path(file).name} {sheet}")[0]
        for (exp_label, exp_code), (bcm, below) in zip(zip(exporters, exp_codes, strict=True), cells[:-1],
                                                       strict=True):
            records.append((layout.edition, layout.data_year, kind, imp_code, label, exp_code, exp_label, bcm,
                            below, is_total, imp_code.startswith("_"), exp_code.startswith("_")))
    return pd.DataFrame(records, columns=MATRIX_COLUMNS)


def _year_columns(file, where: str, header: tuple) -> list[tuple[int, int]]:
    """(column index, year) of the consecutive years from column 2 of a series header row."""
    out: list[tuple[int, int]] = []
    for j, v in enumerate(header[1:], start=1):
        if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer():
            year = int(v)
            if not out or year == out[-1][1] + 1:
                out.append((j, year))
                continue
        break
    expect_true(file, len(out) >= 5, f"{where}: expected consecutive years from column 2 of the header row, "
                                     f"found {list(header[1:6])}")
    return out


def _series_value(file, where: str, value) -> float:
    if value is None:
        return float("nan")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if text == ZERO:
        return 0.0
    if text in (BELOW, "^"):  # "less than 0.05": the matrices use a dagger, the series sheets a caret
        return 0.0
    if text == "n/a":
        return float("nan")
    raise UnknownLayoutError(f"{Path(file).name}: {where}: unexpected value {value!r}")


def parse_interregional(rows: list[tuple], file: Path | str, layout: ReviewLayout) -> pd.DataFrame:
    """Parse the inter-regional trade series: blocks (a region) of flows, some split by origin.

    Returns :data:`SERIES_COLUMNS`; ``partner`` is the origin (for imports) or destination (for exports)
    of an ``of which`` row, and ``""`` for the region's total flow. Checks that total imports equal
    pipeline plus LNG imports in every year.
    """
    where = f"sheet {layout.sheets['interregional']!r}"
    expect_equal(file, f"{where}: unit cell on row 3", UNIT_ROW, str(rows[2][0]).strip())
    years = _year_columns(file, where, rows[2])
    records = []
    region = region_label = None
    flow = None
    in_breakdown = False
    for i, row in enumerate(rows[3:], start=3):
        if row is None or all(v is None for v in row):
            break
        raw = str(row[0]) if row[0] is not None else ""
        label = raw.strip()
        values = [row[j] if j < len(row) else None for j, _ in years]
        if all(v is None for v in values):
            region_label = _label(label)
            region = countries.harmonise([region_label], f"{Path(file).name} {where}")[0]
            flow, in_breakdown = None, False
            continue
        expect_true(file, region is not None, f"{where}: row {i + 1} ({label!r}) comes before any region row")
        partner_label = ""
        if label.rstrip("*") in FLOWS or label in FLOWS:
            flow = FLOWS[label.rstrip("*")] if label.rstrip("*") in FLOWS else FLOWS[label]
            in_breakdown = False
        elif label.startswith("of which:"):
            expect_true(file, flow in ("pipeline_imports", "pipeline_exports"),
                        f"{where}: row {i + 1}: 'of which' after {flow!r}, expected after a pipeline flow")
            partner_label, in_breakdown = _label(label.removeprefix("of which:")), True
        elif in_breakdown and raw[:1].isspace():
            partner_label = _label(label)
        else:
            raise UnknownLayoutError(f"{Path(file).name}: {where}: row {i + 1}: unknown row label {label!r} in "
                                     f"region {region_label!r}")
        partner = countries.harmonise([partner_label], Path(file).name)[0] if partner_label else ""
        for (j, year), v in zip(years, values, strict=True):
            records.append((layout.edition, region, region_label, flow, partner, partner_label, year,
                            _series_value(file, f"{where} row {i + 1} column {j + 1}", v)))
    out = pd.DataFrame(records, columns=SERIES_COLUMNS)
    totals = out[out["partner"] == ""].pivot_table(index=["region", "year"], columns="flow", values="bcm",
                                                   aggfunc="first")
    if {"pipeline_imports", "lng_imports", "total_imports"} <= set(totals.columns):
        both = totals.dropna(subset=["pipeline_imports", "lng_imports", "total_imports"])
        gap = (both["pipeline_imports"] + both["lng_imports"] - both["total_imports"]).abs()
        expect_true(file, bool((gap <= 0.15).all()),
                    f"{where}: total imports differ from pipeline + LNG imports by up to {gap.max():.2f} bcm")
    return out


def parse_consumption(rows: list[tuple], file: Path | str, layout: ReviewLayout,
                      codes: tuple[str, ...]) -> pd.DataFrame:
    """Gas consumption (bcm) by year of the countries ``codes``: ``edition, country, year, bcm``.

    Rows whose label is not a country spelling the project knows (regional totals, ``of which`` lines)
    are passed over; each requested country must appear exactly once.
    """
    where = f"sheet {layout.sheets['consumption']!r}"
    expect_equal(file, f"{where}: unit cell on row 3", UNIT_ROW, str(rows[2][0]).strip())
    years = _year_columns(file, where, rows[2])
    found: dict[str, list[tuple]] = {c: [] for c in codes}
    for row in rows[3:]:
        if not row or not isinstance(row[0], str):
            continue
        try:
            code = countries.to_iso3(_label(row[0]))
        except countries.UnknownCountryError:
            continue
        if code in found:
            found[code].append(row)
    records = []
    for code, hits in found.items():
        expect_true(file, len(hits) == 1, f"{where}: expected one row for {code}, found {len(hits)}")
        for j, year in years:
            records.append((layout.edition, code, year, _series_value(file, where, hits[0][j])))
    return pd.DataFrame(records, columns=["edition", "country", "year", "bcm"])


def load_review(file: Path, src: Source, consumption_codes: tuple[str, ...] = (), **options) -> Review:
    """Read one Statistical Review workbook: detect its layout, check its edition, parse the four gas tables.

    ``consumption_codes``: the countries (ISO3) whose consumption rows are read.
    """
    import openpyxl

    wb = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        candidates = [n for k in SHEET_KINDS for n in k.names if n in wb.sheetnames]
        first = {n: next(wb[n].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True))[0] for n in candidates}
        layout = detect_layout(file, wb.sheetnames, first)
        expect_true(file, str(layout.edition) == str(src.format.get("edition")),
                    f"the matrices are for {layout.data_year}, i.e. edition {layout.edition}, but the manifest "
                    f"record {src.id} says edition {src.format.get('edition')}")
        rows = {kind: list(wb[name].iter_rows(values_only=True)) for kind, name in layout.sheets.items()}
    finally:
        wb.close()
    matrices = pd.concat([parse_matrix(rows["pipeline"], "pipeline", file, layout),
                          parse_matrix(rows["lng"], "lng", file, layout)], ignore_index=True)
    return Review([layout], matrices, parse_interregional(rows["interregional"], file, layout),
                  parse_consumption(rows["consumption"], file, layout, consumption_codes), [layout.edition])


def layouts_table(review: Review) -> pd.DataFrame:
    """The detected layout of each edition (which sheet served which table)."""
    rows = [{"edition": lay.edition, "data_year": lay.data_year, **lay.sheets} for lay in review.layouts]
    return pd.DataFrame(rows)


# --- wiring: manifest and processed-object cache --------------------------------------------------

def load_editions(source_ids: list[str], consumption_codes: tuple[str, ...] = ()) -> Review:
    """Read several editions (manifest source ids) into one :class:`Review`; each edition must be distinct.

    Each workbook is read by the loader its record names (``format.loader``) and cached as a parsed object.
    """
    codes = tuple(consumption_codes)
    code = processed.code_hash(sys.modules[__name__], countries, layout_checks)
    parts = [processed.cached_object(f"energy__review_{s}_{'-'.join(codes)}", [s],
                                     lambda s=s: registry.load(s, consumption_codes=codes), code=code)
             for s in source_ids]
    editions = [p.editions[0] for p in parts]
    if len(set(editions)) != len(editions):
        raise ValueError(f"the same edition was given twice: {editions}")
    order = sorted(range(len(parts)), key=lambda k: editions[k])
    parts = [parts[k] for k in order]
    return Review([p.layouts[0] for p in parts],
                  pd.concat([p.matrices for p in parts], ignore_index=True),
                  pd.concat([p.interregional for p in parts], ignore_index=True),
                  pd.concat([p.consumption for p in parts], ignore_index=True),
                  sorted(editions))


def edition_sources(source_ids: list[str]) -> dict[int, str]:
    """Edition year -> manifest source id (each record's ``format.edition``), to name an evidence row's file."""
    out = {int(manifest.get(s).format["edition"]): s for s in source_ids}
    if len(out) != len(source_ids):
        raise ValueError(f"the same edition was given twice among {source_ids}")
    return out
