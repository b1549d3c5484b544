"""Energy and transit (claims ENERGY-1 to ENERGY-3): Statistical Review of World Energy and Eurostat.

Sources
-------
* bp / Energy Institute *Statistical Review of World Energy*, "all data" workbooks, editions 2019-2024
  (https://www.energyinst.org/statistical-review; definitions in each workbook's sheet ``Definitions``).
  Each edition holds one data year of the gas trade matrices (the year before the edition) and
  time series of inter-regional trade and consumption. Units: billion cubic metres (``bcm``),
  standardised by the publisher at a gross calorific value of 40 MJ/m3.
* Eurostat ``nrg_ti_gas`` (https://ec.europa.eu/eurostat/web/products-datasets/-/nrg_ti_gas), a custom
  extract with partners Russia and total, 2011-2020, in terajoules (GCV), which includes Turkey as a
  reporter. ``tj_gcv / 40_000`` gives bcm at the Statistical Review's 40 MJ/m3 (1 bcm = 40,000 TJ).

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

Regional aggregates and what they hide (:func:`aggregate_record` computes it per edition):

* up to the 2021 edition the pipeline matrix lists European importers country by country, including
  **Turkey**; from the 2022 edition European importers are only ``European Union``/``EU`` and ``Rest
  of Europe`` (footnote 2022: "all of non-EU Europe other than Norway"), so Turkey and Georgia are
  hidden in ``Rest of Europe``. The LNG matrix lists Turkey in every edition;
* the publisher's ``Europe`` includes Turkey and Georgia (``Definitions``: European OECD members plus
  Georgia, the Balkans, ...); "Europe's imports" below are in that sense, and the inter-regional series
  count only imports from outside Europe (Norway's pipeline gas to the EU is intra-regional);
* inter-regional ``Other CIS`` (CIS less Russia) exporting to Europe is Azerbaijan in practice: in every
  matrix the other CIS exporters (Kazakhstan, Turkmenistan, Uzbekistan) send nothing to Europe;
  :func:`check_other_cis` shows it;
* the same label means different things in different tables (``Other CIS`` as a pipeline importer row
  is the CIS less Belarus, Kazakhstan and Russia; ``Other Europe`` as an exporter is non-EU Europe less
  Norway in 2022 but Europe less the Netherlands and Norway otherwise). Codes follow labels; the
  membership is the table's.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from khar_analysis.core import countries, layout_checks
from khar_analysis.core.layout_checks import UnknownLayoutError, expect_equal, expect_true

UNIT_ROW = "Billion cubic metres"
BELOW = "†"  # the publisher's "less than 0.05"
ZERO = "-"
TJ_PER_BCM = 40_000.0  # 1e9 m3 x 40 MJ/m3 = 4e10 MJ = 40,000 TJ (the Statistical Review's standard GCV)

#: Importer rows that are the sum of the rows above them (back to the previous such row).
REGION_TOTALS = ("North America", "S. & Cent. America", "Europe", "CIS", "Middle East", "Africa",
                 "Asia Pacific", "Middle East & Africa")
#: EU members (EU-27, from February 2020), for summing the EU's LNG rows.
EU27 = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
        "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE")
#: The residual row that holds a country when a matrix does not list it (publisher's region definitions):
#: Turkey and Georgia are non-EU Europe, Azerbaijan is CIS.
RESIDUAL_HOME = {"TUR": ("_EUR_REST",), "GEO": ("_EUR_REST",), "AZE": ("_CIS_OTHER",)}
#: Pipeline suppliers of Turkey in every edition that lists Turkey (2019-2021): the bound in
#: :func:`bounded_origins` assumes no other pipeline supplier appeared later.
TURKEY_PIPELINE_SUPPLIERS = ("AZE", "IRN", "RUS")

#: What the verdicts cannot cover, stated in their reason lines.
ENERGY1_SCOPE = ("only Azerbaijan's part is measured: Turkey's transit role is invisible in tables that record "
                 "gas by origin")
ENERGY2_SCOPE = "US pressure towards LNG is not something trade volumes can show; LNG's share is reported as context"
ENERGY3_SCOPE = ("trade tables record gas by the country that sells it, so Russian gas swapped or re-exported through "
                 "Azerbaijan or Turkey would be counted as theirs: the laundering itself cannot be seen in volumes")

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
    listed rows, and that ``Total exports`` is the sum of the region totals.
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


def load_review(file: Path, consumption_codes: tuple[str, ...] = ("TUR",)) -> Review:
    """Read one Statistical Review workbook: detect its layout, then parse the four gas tables."""
    import openpyxl

    wb = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        candidates = [n for k in SHEET_KINDS for n in k.names if n in wb.sheetnames]
        first = {n: next(wb[n].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True))[0] for n in candidates}
        layout = detect_layout(file, wb.sheetnames, first)
        rows = {kind: list(wb[name].iter_rows(values_only=True)) for kind, name in layout.sheets.items()}
    finally:
        wb.close()
    matrices = pd.concat([parse_matrix(rows["pipeline"], "pipeline", file, layout),
                          parse_matrix(rows["lng"], "lng", file, layout)], ignore_index=True)
    return Review([layout], matrices, parse_interregional(rows["interregional"], file, layout),
                  parse_consumption(rows["consumption"], file, layout, consumption_codes), [layout.edition])


def load_editions(source_ids: list[str], consumption_codes: tuple[str, ...] = ("TUR",)) -> Review:
    """Read several editions (manifest source ids) into one :class:`Review`; each edition must be distinct."""
    from khar_analysis.provenance import manifest, processed

    code = processed.code_hash(sys.modules[__name__], countries, layout_checks)
    parts = [processed.cached_object(f"energy__review_{s}_{'-'.join(consumption_codes)}", [s],
                                     lambda s=s: load_review(manifest.path(s), consumption_codes), code=code)
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


def layouts_table(review: Review) -> pd.DataFrame:
    """The detected layout of each edition (which sheet served which table)."""
    rows = [{"edition": lay.edition, "data_year": lay.data_year, **lay.sheets} for lay in review.layouts]
    return pd.DataFrame(rows)


EUROSTAT_UNIT = "Terajoule (gross calorific value - GCV)"
EUROSTAT_SIEC = {"Natural gas": "natural_gas", "Liquefied natural gas": "lng"}
EUROSTAT_SUMMARY_HEADER = ["Contents", "Time frequency",
                           "Standard international energy product classification (SIEC)",
                           "Geopolitical entity (partner)", "Unit of measure"]


def load_eurostat_gas_imports(file: Path) -> pd.DataFrame:
    """Load a Eurostat Data Browser xlsx export of ``nrg_ti_gas`` (one sheet per product x partner).

    The sheet list on ``Summary`` says which product (SIEC) and partner each data sheet holds; each data
    sheet must repeat them. ``:`` (not available) becomes NaN. Returns ``siec, partner, partner_label,
    reporter, reporter_label, year, tj_gcv``.
    """
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Workbook contains no default style": harmless
        wb = openpyxl.load_workbook(file, data_only=True)  # not read-only: the export's sheet dimensions are wrong
    expect_true(file, "Summary" in wb.sheetnames, f"no 'Summary' sheet (sheets: {wb.sheetnames})")
    summary = [r for r in wb["Summary"].iter_rows(values_only=True) if r]
    heads = [r for r in summary if len(r) > 5 and r[1] == "Contents"]
    expect_true(file, len(heads) == 1, "Summary: no single 'Contents' header row")
    expect_equal(file, "Summary header", EUROSTAT_SUMMARY_HEADER, [str(v) for v in heads[0][1:6]])
    slices = [r for r in summary if len(r) > 5 and isinstance(r[1], str) and re.fullmatch(r"Sheet \d+", r[1])]
    expect_true(file, bool(slices), "Summary lists no data sheets")
    records = []
    for _, sheet, freq, siec, partner_label, unit, *_ in slices:
        expect_true(file, sheet in wb.sheetnames, f"Summary lists {sheet!r}, which is not in the workbook")
        expect_equal(file, f"{sheet}: frequency", "Annual", str(freq))
        expect_equal(file, f"{sheet}: unit", EUROSTAT_UNIT, str(unit))
        expect_true(file, siec in EUROSTAT_SIEC, f"{sheet}: unknown product {siec!r}")
        rows = list(wb[sheet].iter_rows(values_only=True))
        meta = {str(r[0]): r[2] for r in rows[:10] if r and r[0] is not None and len(r) > 2}
        expect_equal(file, f"{sheet}: product line", siec, str(meta.get(EUROSTAT_SUMMARY_HEADER[2])))
        expect_equal(file, f"{sheet}: partner line", partner_label, str(meta.get(EUROSTAT_SUMMARY_HEADER[3])))
        time_rows = [i for i, r in enumerate(rows) if r and r[0] == "TIME"]
        expect_true(file, len(time_rows) == 1, f"{sheet}: no single 'TIME' row")
        t = time_rows[0]
        years = [(j, int(v)) for j, v in enumerate(rows[t]) if j > 0 and v is not None and str(v).isdigit()]
        expect_equal(file, f"{sheet}: row after TIME", "GEO (Labels)", str(rows[t + 1][0]))
        partner = countries.harmonise([partner_label], file.name)[0]
        for row in rows[t + 2:]:
            if not row or row[0] is None or row[0] == "Special value":
                break
            reporter = countries.harmonise([row[0]], file.name)[0]
            for j, year in years:
                v = row[j]
                expect_true(file, v == ":" or isinstance(v, int | float),
                            f"{sheet}: {row[0]} {year}: expected a number or ':', found {v!r}")
                records.append((EUROSTAT_SIEC[siec], partner, partner_label, reporter, row[0], year,
                                float("nan") if v == ":" else float(v)))
    return pd.DataFrame(records, columns=["siec", "partner", "partner_label", "reporter", "reporter_label", "year",
                                          "tj_gcv"])


# --- ENERGY-1: Azerbaijan's exports ----------------------------------------------------------------

def exports_by_destination(matrices: pd.DataFrame, exporter: str, matrix: str = "pipeline") -> pd.DataFrame:
    """``exporter``'s exports by importer row (bcm) in each edition's matrix, zero rows dropped.

    Returns ``edition, data_year, importer, importer_label, is_region_total, is_importer_aggregate, bcm``.
    """
    sel = matrices[(matrices["matrix"] == matrix) & (matrices["exporter"] == exporter) & (matrices["bcm"] > 0)]
    cols = ["edition", "data_year", "importer", "importer_label", "is_region_total", "is_importer_aggregate", "bcm"]
    return sel[cols].sort_values(["edition", "is_region_total", "importer"], kind="mergesort").reset_index(drop=True)


def destination_table(matrices: pd.DataFrame, exporter: str) -> pd.DataFrame:
    """:func:`exports_by_destination` as destination x data year (bcm, 2 decimals); '' = not a row that year."""
    ex = exports_by_destination(matrices, exporter)
    ex = ex.assign(destination=[f"{lab} (region total)" if tot else (f"{lab} (aggregate)" if agg else lab)
                                for lab, tot, agg in zip(ex["importer_label"], ex["is_region_total"],
                                                         ex["is_importer_aggregate"], strict=True)])
    wide = ex.pivot_table(index="destination", columns="data_year", values="bcm", aggfunc="sum").round(2)
    listed = matrices[matrices["matrix"] == "pipeline"].groupby("data_year")["importer_label"].agg(set)
    for year in wide.columns:
        for dest in wide.index:
            base = dest.split(" (")[0]
            if pd.isna(wide.loc[dest, year]):
                wide.loc[dest, year] = 0.0 if base in listed[year] else float("nan")
    return wide


def europe_series(interregional: pd.DataFrame, edition: int, partner: str = "_CIS_OTHER",
                  since: int | None = None) -> pd.DataFrame:
    """Europe's pipeline imports from ``partner`` and Europe's total imports by year, one edition.

    Returns ``year, partner_bcm, europe_pipeline_bcm, europe_lng_bcm, europe_imports_bcm, share_pct``
    (``share_pct`` = partner / Europe's total inter-regional imports, pipeline plus LNG).
    """
    sel = interregional[(interregional["edition"] == edition) & (interregional["region"] == "_EUR")]
    part = sel[(sel["flow"] == "pipeline_imports") & (sel["partner"] == partner)]
    if part.empty:
        raise KeyError(f"edition {edition} does not split Europe's pipeline imports by origin ({partner})")
    tot = sel[sel["partner"] == ""].pivot(index="year", columns="flow", values="bcm")
    out = pd.DataFrame({"partner_bcm": part.set_index("year")["bcm"],
                        "europe_pipeline_bcm": tot["pipeline_imports"], "europe_lng_bcm": tot["lng_imports"],
                        "europe_imports_bcm": tot["total_imports"]})
    out["share_pct"] = 100 * out["partner_bcm"] / out["europe_imports_bcm"]
    out = out.dropna(subset=["partner_bcm"]).reset_index()
    return out if since is None else out[out["year"] >= since].reset_index(drop=True)


def first_published_series(review: Review, exporter: str = "AZE") -> pd.DataFrame:
    """Each data year as first published: ``exporter`` -> Europe from the matrix of the following
    edition, Europe's total imports from the same edition's inter-regional sheet.

    Returns ``year, edition, partner_bcm, europe_imports_bcm, share_pct``.
    """
    mat = review.matrices
    rows = []
    for lay in review.layouts:
        hit = mat[(mat["edition"] == lay.edition) & (mat["matrix"] == "pipeline") & (mat["importer"] == "_EUR")
                  & (mat["exporter"] == exporter)]
        ir = review.interregional
        tot = ir[(ir["edition"] == lay.edition) & (ir["region"] == "_EUR") & (ir["flow"] == "total_imports")
                 & (ir["partner"] == "") & (ir["year"] == lay.data_year)]
        expect_true(f"edition {lay.edition}", len(hit) == 1 and len(tot) == 1,
                    "expected one Europe row in the pipeline matrix and one Europe total-imports value")
        part, total = float(hit["bcm"].iloc[0]), float(tot["bcm"].iloc[0])
        rows.append({"year": lay.data_year, "edition": lay.edition, "partner_bcm": part,
                     "europe_imports_bcm": total, "share_pct": 100 * part / total})
    return pd.DataFrame(rows)


def eu_series(review: Review, exporter: str = "AZE") -> pd.DataFrame:
    """``exporter``'s pipeline exports to the EU and its share of the EU's gas imports, in the editions
    whose pipeline matrix has an EU row (2022 on): EU imports = the EU pipeline row (all origins,
    Norway included) plus the LNG rows of EU members and ``Other EU``.

    Returns ``year, edition, partner_bcm, eu_imports_bcm, share_pct``.
    """
    mat = review.matrices
    rows = []
    for lay in review.layouts:
        m = mat[mat["edition"] == lay.edition]
        pipe = m[(m["matrix"] == "pipeline") & (m["importer"] == "_EU")]
        if pipe.empty:
            continue
        lng = m[(m["matrix"] == "lng") & (m["importer"].isin([*EU27, "_EU_OTHER"]))]
        part = float(pipe.loc[pipe["exporter"] == exporter, "bcm"].sum())
        total = float(pipe["bcm"].sum() + lng["bcm"].sum())
        rows.append({"year": lay.data_year, "edition": lay.edition, "partner_bcm": part, "eu_imports_bcm": total,
                     "share_pct": 100 * part / total})
    return pd.DataFrame(rows)


def check_other_cis(review: Review, others: tuple[str, ...] = ("KAZ", "TKM", "UZB")) -> pd.DataFrame:
    """Is inter-regional ``Other CIS`` -> Europe Azerbaijan? Per edition (its data year): the series
    value, Azerbaijan -> Europe in the matrix, and the other CIS exporters -> Europe in the matrix."""
    mat, ir = review.matrices, review.interregional
    rows = []
    for lay in review.layouts:
        m = mat[(mat["edition"] == lay.edition) & (mat["matrix"] == "pipeline") & (mat["importer"] == "_EUR")]
        s = ir[(ir["edition"] == lay.edition) & (ir["region"] == "_EUR") & (ir["partner"] == "_CIS_OTHER")
               & (ir["year"] == lay.data_year)]
        rows.append({"edition": lay.edition, "year": lay.data_year,
                     "series_other_cis_bcm": float(s["bcm"].iloc[0]) if len(s) else float("nan"),
                     "matrix_azerbaijan_bcm": float(m.loc[m["exporter"] == "AZE", "bcm"].sum()),
                     "matrix_other_cis_exporters_bcm": float(m.loc[m["exporter"].isin(others), "bcm"].sum())})
    return pd.DataFrame(rows)


def compare_periods(series: pd.DataFrame, column: str, baseline: tuple[int, int], after: tuple[int, int]) -> dict:
    """Mean of ``column`` over the baseline years and over the after years (inclusive), and the change."""
    before = series.loc[series["year"].between(*baseline), column]
    later = series.loc[series["year"].between(*after), column]
    if before.empty or later.empty:
        raise ValueError(f"no {column} values in {baseline} or {after}; years present: {sorted(series['year'])}")
    return {"before": float(before.mean()), "after": float(later.mean()), "change": float(later.mean() - before.mean())}


def role_rose(series: pd.DataFrame, baseline: tuple[int, int], after_start: int) -> tuple[bool, str]:
    """Whether both the volume (``partner_bcm``) and the share (``share_pct``) were higher on average from
    ``after_start`` to the series' last year than over ``baseline``; returns (holds, one line with both)."""
    after = (after_start, int(series["year"].max()))
    vol = compare_periods(series, "partner_bcm", baseline, after)
    share = compare_periods(series, "share_pct", baseline, after)

    def span(p: tuple[int, int]) -> str:
        return f"{p[0]}" if p[0] == p[1] else f"{p[0]}-{p[1]}"

    text = (f"{vol['before']:.1f} -> {vol['after']:.1f} bcm, share {share['before']:.1f}% -> "
            f"{share['after']:.1f}% ({span(baseline)} -> {span(after)})")
    return bool(vol["change"] > 0 and share["change"] > 0), text


def energy1_variants(review: Review, baseline: tuple[int, int], after_start: int,
                     wide_baseline: tuple[int, int]) -> dict[str, bool]:
    """The ENERGY-1 observation under another baseline, another vintage and another definition."""
    latest = max(review.editions)
    return {
        f"baseline {wide_baseline[0]}-{wide_baseline[1]}, edition {latest}":
            role_rose(europe_series(review.interregional, latest), wide_baseline, after_start)[0],
        "first-published vintages (each year from the following edition)":
            role_rose(first_published_series(review), baseline, after_start)[0],
        "EU importers only (editions with an EU row)": role_rose(eu_series(review), baseline, after_start)[0],
    }


# --- ENERGY-2: Turkey's imports by origin -------------------------------------------------------

def aggregate_record(matrices: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """For each edition, matrix and country in ``codes``: is it an importer row of its own, and if not,
    which residual row holds it (by :data:`RESIDUAL_HOME`) and how much that row imports in total."""
    rows = []
    for (edition, data_year, matrix), m in matrices.groupby(["edition", "data_year", "matrix"], sort=True):
        importers = dict(zip(m["importer"], m["importer_label"], strict=False))
        for code in codes:
            if code in importers:
                rows.append({"edition": edition, "data_year": data_year, "matrix": matrix, "country": code,
                             "listed": True, "hidden_in": "", "container_imports_bcm": float("nan")})
                continue
            homes = [h for h in RESIDUAL_HOME.get(code, ()) if h in importers]
            home = homes[0] if homes else ""
            rows.append({"edition": edition, "data_year": data_year, "matrix": matrix, "country": code,
                         "listed": False, "hidden_in": importers.get(home, "no row for its region"),
                         "container_imports_bcm": float(m.loc[m["importer"] == home, "bcm"].sum())
                         if home else float("nan")})
    return pd.DataFrame(rows)


def aggregate_table(record: pd.DataFrame) -> pd.DataFrame:
    """:func:`aggregate_record` as country x matrix rows and data-year columns: ``listed``, or the label
    of the row that hides the country (``no row`` when the matrix has no row for its region)."""
    shown = record.assign(where=["listed" if r.listed else r.hidden_in.replace("no row for its region", "no row")
                                 for r in record.itertuples()])
    return shown.pivot(index=["country", "matrix"], columns="data_year", values="where")


def imports_by_origin(matrices: pd.DataFrame, importer: str) -> pd.DataFrame:
    """``importer``'s pipeline and LNG imports by origin in every edition that lists it in both matrices.

    Returns ``edition, data_year, origin, origin_label, pipeline_bcm, lng_bcm, total_bcm, share_pct`` for
    origins with a non-zero total (``share_pct`` of the importer's total imports that year).
    """
    sel = matrices[(matrices["importer"] == importer)]
    both = sel.groupby("edition")["matrix"].nunique()
    sel = sel[sel["edition"].isin(both[both == 2].index)]
    wide = sel.pivot_table(index=["edition", "data_year", "exporter", "exporter_label"], columns="matrix",
                           values="bcm", aggfunc="sum", fill_value=0.0).reset_index()
    wide.columns.name = None
    wide = wide.rename(columns={"exporter": "origin", "exporter_label": "origin_label", "pipeline": "pipeline_bcm",
                                "lng": "lng_bcm"})
    # one origin may have two labels (e.g. an exporter spelt differently in the two matrices): sum by code
    wide = wide.groupby(["edition", "data_year", "origin"], as_index=False).agg(
        origin_label=("origin_label", "first"), pipeline_bcm=("pipeline_bcm", "sum"), lng_bcm=("lng_bcm", "sum"))
    wide["total_bcm"] = wide["pipeline_bcm"] + wide["lng_bcm"]
    wide = wide[wide["total_bcm"] > 0].copy()
    wide["share_pct"] = 100 * wide["total_bcm"] / wide.groupby("edition")["total_bcm"].transform("sum")
    return wide.sort_values(["edition", "total_bcm", "origin"], ascending=[True, False, True],
                            kind="mergesort").reset_index(drop=True)


def top_supplier(ranked: pd.DataFrame) -> list[str]:
    """The first country in a table sorted by ``total_bcm`` (descending), as a one-element list.

    An aggregate ahead of it (``_``-code) makes the rank undecidable: the list is then empty.
    """
    first = ranked.iloc[0]
    return [] if str(first["origin"]).startswith("_") else [str(first["origin"])]


def lng_by_origin(matrices: pd.DataFrame, importer: str, min_bcm: float = 0.0) -> pd.DataFrame:
    """``importer``'s LNG imports by origin in every edition: ``data_year, origin_label, bcm``.

    Origins below ``min_bcm`` in every year are summed into ``other`` (keeps a chart legible).
    """
    sel = matrices[(matrices["matrix"] == "lng") & (matrices["importer"] == importer) & (matrices["bcm"] > 0)]
    biggest = sel.groupby("exporter_label")["bcm"].max()
    keep = set(biggest[biggest >= min_bcm].index)
    out = sel.assign(origin_label=[lab if lab in keep else "other" for lab in sel["exporter_label"]])
    out = out.groupby(["data_year", "origin_label"], as_index=False)["bcm"].sum()
    return out.sort_values(["data_year", "bcm", "origin_label"], ascending=[True, False, True],
                           kind="mergesort").reset_index(drop=True)


def lng_share(matrices: pd.DataFrame, consumption: pd.DataFrame, importer: str, origin: str = "USA") -> pd.DataFrame:
    """``importer``'s LNG imports against its consumption, each edition's data year (same edition for both):
    ``data_year, lng_bcm, origin_lng_bcm, consumption_bcm, lng_share_pct`` (``origin_lng_bcm``: from ``origin``)."""
    rows = []
    for lay_edition, m in matrices[(matrices["matrix"] == "lng") & (matrices["importer"] == importer)].groupby(
            "edition", sort=True):
        year = int(m["data_year"].iloc[0])
        use = consumption[(consumption["edition"] == lay_edition) & (consumption["country"] == importer)
                          & (consumption["year"] == year)]["bcm"]
        lng, total = float(m["bcm"].sum()), float(use.iloc[0])
        rows.append({"data_year": year, "lng_bcm": lng,
                     "origin_lng_bcm": float(m.loc[m["exporter"] == origin, "bcm"].sum()),
                     "consumption_bcm": total, "lng_share_pct": 100 * lng / total})
    return pd.DataFrame(rows)


def balance_calibration(matrices: pd.DataFrame, consumption: pd.DataFrame, importer: str) -> pd.DataFrame:
    """How well consumption minus LNG imports approximates pipeline imports, in the editions that list
    ``importer``: ``edition, data_year, reported_pipeline_bcm, balance_bcm, error_bcm`` (balance - reported).
    The gap is storage, domestic production and re-exports, which the balance leaves out."""
    rows = []
    for (edition, year), m in matrices[matrices["importer"] == importer].groupby(["edition", "data_year"]):
        pipe = m.loc[m["matrix"] == "pipeline", "bcm"]
        if pipe.empty:
            continue
        balance = _balance(matrices, consumption, importer, edition, year)
        rows.append({"edition": edition, "data_year": year, "reported_pipeline_bcm": float(pipe.sum()),
                     "balance_bcm": balance, "error_bcm": balance - float(pipe.sum())})
    return pd.DataFrame(rows)


def max_balance_error(calibration: pd.DataFrame) -> float:
    """The largest absolute error of the balance in :func:`balance_calibration` (bcm): the margin the
    bounds must clear before they decide a rank."""
    return float(calibration["error_bcm"].abs().max())


def _balance(matrices, consumption, importer, edition, year) -> float:
    use = consumption[(consumption["edition"] == edition) & (consumption["country"] == importer)
                      & (consumption["year"] == year)]
    lng = matrices[(matrices["edition"] == edition) & (matrices["matrix"] == "lng")
                   & (matrices["importer"] == importer)]
    if len(use) != 1 or lng.empty:
        raise KeyError(f"edition {edition}: no consumption or LNG row for {importer} in {year}")
    return float(use["bcm"].iloc[0]) - float(lng["bcm"].sum())


def bounded_origins(matrices: pd.DataFrame, consumption: pd.DataFrame, importer: str,
                    suppliers: tuple[str, ...], margin_bcm: float) -> pd.DataFrame:
    """Bounds on ``importer``'s imports by origin in editions that hide it in a residual pipeline row.

    For each such edition: a supplier's pipeline flow to the importer is at most its flow to the
    residual row (upper bound); the importer's pipeline imports are approximated by consumption minus
    LNG imports (the balance), so a supplier's flow is at least the balance minus the other
    ``suppliers``' upper bounds (lower bound, floored at 0). LNG by origin is exact. ``is_top``
    marks the origin whose lower bound exceeds every other origin's upper bound by more than
    ``margin_bcm`` (pass the largest balance error of :func:`balance_calibration`).

    Returns ``edition, data_year, origin, origin_label, lower_bcm, upper_bcm, lng_bcm, is_top``.
    """
    record = aggregate_record(matrices, [importer])
    hidden = record[(record["matrix"] == "pipeline") & ~record["listed"]]
    out = []
    for rec in hidden.itertuples():
        m = matrices[(matrices["edition"] == rec.edition)]
        home = m[(m["matrix"] == "pipeline") & (m["importer_label"] == rec.hidden_in)]
        upper = home[home["exporter"].isin(suppliers)].set_index("exporter")["bcm"]
        labels = home.set_index("exporter")["exporter_label"]
        balance = _balance(matrices, consumption, importer, rec.edition, rec.data_year)
        lng = m[(m["matrix"] == "lng") & (m["importer"] == importer) & (m["bcm"] > 0)]
        lng_by = lng.groupby("exporter")["bcm"].sum()
        rows = []
        for code in sorted(set(suppliers) | set(lng_by.index)):
            up = float(upper.get(code, 0.0))
            low = max(0.0, balance - float(upper.drop(code, errors="ignore").sum())) if code in suppliers else 0.0
            label = labels.get(code) if code in labels else lng.loc[lng["exporter"] == code, "exporter_label"].iloc[0]
            by_sea = float(lng_by.get(code, 0.0))
            rows.append({"edition": rec.edition, "data_year": rec.data_year, "origin": code, "origin_label": label,
                         "lower_bcm": low + by_sea, "upper_bcm": up + by_sea, "lng_bcm": by_sea})
        part = pd.DataFrame(rows)
        part["is_top"] = [bool(r.lower_bcm - margin_bcm > part.drop(i)["upper_bcm"].max())
                          for i, r in part.iterrows()]
        out.append(part)
    cols = ["edition", "data_year", "origin", "origin_label", "lower_bcm", "upper_bcm", "lng_bcm", "is_top"]
    if not out:
        return pd.DataFrame(columns=cols)
    res = pd.concat(out, ignore_index=True)
    return res.sort_values(["edition", "upper_bcm", "origin"], ascending=[True, False, True],
                           kind="mergesort")[cols].reset_index(drop=True)


def energy2_variants(direct: pd.DataFrame, bounded: pd.DataFrame, primary_edition: int) -> dict[str, list[str]]:
    """Top supplier in every other edition: direct where the importer is listed, bounded where hidden
    (an empty list when the bounds do not decide)."""
    out: dict[str, list[str]] = {}
    for edition, part in direct.groupby("edition", sort=True):
        if edition != primary_edition:
            out[f"edition {edition} (data {int(part['data_year'].iloc[0])}), listed"] = top_supplier(part)
    for edition, part in bounded.groupby("edition", sort=True):
        top = list(part.loc[part["is_top"], "origin"])
        out[f"edition {edition} (data {int(part['data_year'].iloc[0])}), bounded"] = top
    return out


def eurostat_share(eurostat: pd.DataFrame, reporter: str, partner: str = "RUS") -> pd.DataFrame:
    """``partner``'s share of ``reporter``'s natural-gas imports (LNG included) by year, Eurostat.

    Returns ``year, partner_tj, total_tj, share_pct, partner_bcm, total_bcm`` (bcm at 40 MJ/m3).
    """
    sel = eurostat[(eurostat["siec"] == "natural_gas") & (eurostat["reporter"] == reporter)]
    wide = sel.pivot(index="year", columns="partner", values="tj_gcv")
    out = pd.DataFrame({"partner_tj": wide[partner].round().astype("Int64"),
                        "total_tj": wide["_WLD"].round().astype("Int64")})
    out["share_pct"] = 100 * out["partner_tj"] / out["total_tj"]
    out["partner_bcm"] = out["partner_tj"] / TJ_PER_BCM
    out["total_bcm"] = out["total_tj"] / TJ_PER_BCM
    return out.reset_index()


def compare_sources(eurostat_table: pd.DataFrame, direct: pd.DataFrame, partner: str = "RUS") -> pd.DataFrame:
    """Eurostat beside the Statistical Review for the years both give: total imports and ``partner``'s
    (bcm) and ``partner``'s share; differences are Statistical Review minus Eurostat."""
    sr = direct.groupby("data_year").apply(
        lambda g: pd.Series({"sr_total_bcm": g["total_bcm"].sum(),
                             "sr_partner_bcm": g.loc[g["origin"] == partner, "total_bcm"].sum()}),
        include_groups=False)
    sr["sr_share_pct"] = 100 * sr["sr_partner_bcm"] / sr["sr_total_bcm"]
    es = eurostat_table.set_index("year")[["total_bcm", "partner_bcm", "share_pct"]]
    es.columns = ["eurostat_total_bcm", "eurostat_partner_bcm", "eurostat_share_pct"]
    out = sr.join(es, how="inner")
    out["total_diff_bcm"] = out["sr_total_bcm"] - out["eurostat_total_bcm"]
    out["share_diff_pp"] = out["sr_share_pct"] - out["eurostat_share_pct"]
    return out.reset_index(names="year")


def partner_share_series(eurostat_table: pd.DataFrame, direct: pd.DataFrame, bounded: pd.DataFrame,
                         partner: str = "RUS") -> pd.DataFrame:
    """``partner``'s share of the importer's gas imports by year and source, for one chart: Eurostat,
    the Statistical Review where the importer is listed, and the bounded range where it is hidden.

    Returns ``source, year, share_pct, low_pct, high_pct``: low/high equal share_pct for exact values;
    for bounded years share_pct is NaN (a range, not a point estimate).
    """
    rows = [{"source": "Eurostat", "year": int(r.year), "share_pct": r.share_pct, "low_pct": r.share_pct,
             "high_pct": r.share_pct} for r in eurostat_table.itertuples()]
    for r in direct[direct["origin"] == partner].itertuples():
        rows.append({"source": "Statistical Review, listed", "year": int(r.data_year), "share_pct": r.share_pct,
                     "low_pct": r.share_pct, "high_pct": r.share_pct})
    for (_, year), part in bounded.groupby(["edition", "data_year"], sort=True):
        p = part[part["origin"] == partner].iloc[0]
        others = part[part["origin"] != partner]
        low = 100 * p["lower_bcm"] / (p["lower_bcm"] + others["upper_bcm"].sum())
        high = 100 * p["upper_bcm"] / (p["upper_bcm"] + others["lower_bcm"].sum())
        rows.append({"source": "Statistical Review, range from bounds", "year": int(year),
                     "share_pct": float("nan"), "low_pct": low, "high_pct": high})
    return pd.DataFrame(rows).sort_values(["source", "year"], kind="mergesort").reset_index(drop=True)


# --- ENERGY-3: the premise of the laundering allegation -----------------------------------------

def _and3(values) -> bool | None:
    """Kleene conjunction: False if any is False, else None if any is None, else True."""
    values = list(values)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def flow_into(matrices: pd.DataFrame, exporter: str, importer: str, matrix: str = "pipeline",
              lower: pd.DataFrame | None = None, margin_bcm: float = 0.0) -> pd.DataFrame:
    """``exporter``'s ``matrix`` flow to ``importer`` in each edition, as far as the matrix shows it.

    Where ``importer`` is a row of its own the flow is exact. Where a residual row holds it
    (:func:`aggregate_record`), the flow to that row is an upper bound and the lower bound is 0, unless
    ``lower`` (a :func:`bounded_origins` table for the same importer) gives one: its ``lower_bcm`` less
    ``lng_bcm`` for the pipeline matrix. ``received`` is three-valued: True when the flow is certainly
    positive (listed and above 0, or a lower bound above ``margin_bcm``), False when it is certainly
    zero (the row that holds the importer takes nothing from ``exporter``), None otherwise.

    Returns ``edition, data_year, row_label, listed, lower_bcm, upper_bcm, received``.
    """
    record = aggregate_record(matrices, [importer])
    record = record[record["matrix"] == matrix]
    rows = []
    for rec in record.itertuples():
        m = matrices[(matrices["edition"] == rec.edition) & (matrices["matrix"] == matrix)
                     & (matrices["exporter"] == exporter)]
        hit = m[m["importer"] == importer] if rec.listed else m[m["importer_label"] == rec.hidden_in]
        upper = float(hit["bcm"].sum())
        label = (str(hit["importer_label"].iloc[0]) if len(hit) else importer) if rec.listed else rec.hidden_in
        low = upper if rec.listed else 0.0
        if not rec.listed and lower is not None:
            b = lower[(lower["edition"] == rec.edition) & (lower["origin"] == exporter)]
            if len(b):
                part = b["lower_bcm"] - (b["lng_bcm"] if matrix == "pipeline" else 0.0)
                low = min(upper, float(part.iloc[0]))
        received = True if (low > margin_bcm if not rec.listed else low > 0) else (False if upper == 0 else None)
        rows.append({"edition": rec.edition, "data_year": rec.data_year, "row_label": label,
                     "listed": bool(rec.listed), "lower_bcm": low, "upper_bcm": upper, "received": received})
    return pd.DataFrame(rows, columns=["edition", "data_year", "row_label", "listed", "lower_bcm", "upper_bcm",
                                       "received"])


def received_after(flows: pd.DataFrame, after_start: int) -> bool | None:
    """Whether the flow of :func:`flow_into` certainly reached the importer in every data year from
    ``after_start`` (Kleene conjunction of ``received``)."""
    sel = flows[flows["data_year"] >= after_start]
    if sel.empty:
        raise ValueError(f"no data year from {after_start} in the flows (years: {sorted(flows['data_year'])})")
    return _and3(sel["received"])


def describe_flow(flows: pd.DataFrame, after_start: int, exporter: str, importer: str) -> str:
    """One line per :func:`flow_into` table from ``after_start``: exact flows, or bounds and the row
    that hides the importer, and the three-valued result."""
    sel = flows[flows["data_year"] >= after_start]
    parts = []
    for r in sel.itertuples():
        if r.listed:
            parts.append(f"{r.data_year} {r.upper_bcm:.1f}")
        else:
            parts.append(f"{r.data_year} {r.lower_bcm:.1f} to {r.upper_bcm:.1f} (in '{r.row_label}')")
    mark = {True: "yes", False: "no", None: "undecidable"}[received_after(flows, after_start)]
    return f"{exporter} -> {importer} bcm: {'; '.join(parts)} -> received: {mark}"


def energy3_premise(series: pd.DataFrame, route: pd.DataFrame, transit: pd.DataFrame, baseline: tuple[int, int],
                    after_start: int, exporter: str, origin: str, transit_country: str) -> dict:
    """Keyword arguments for :func:`khar_analysis.claims.register.verdict` on the laundering premise.

    The primary premise: ``exporter``'s pipeline exports to Europe (``series``, e.g.
    :func:`first_published_series`) were higher on average from ``after_start`` than over ``baseline``,
    and ``origin``'s gas certainly reached ``exporter`` in every year from ``after_start`` (``route``, a
    :func:`flow_into` table). The variant swaps the second part for ``origin``'s gas reaching
    ``transit_country`` (``transit``). Three-valued: None when the matrices cannot decide, and the
    ``reason`` then names the row that hides ``exporter``.
    """
    vol = compare_periods(series, "partner_bcm", baseline, (after_start, int(series["year"].max())))
    rose = bool(vol["change"] > 0)
    span = f"{baseline[0]}" if baseline[0] == baseline[1] else f"{baseline[0]}-{baseline[1]}"
    text = (f"{exporter} -> Europe {vol['before']:.1f} -> {vol['after']:.1f} bcm ({span} -> {after_start}-"
            f"{int(series['year'].max())}); {describe_flow(route, after_start, origin, exporter)}; "
            f"{describe_flow(transit, after_start, origin, transit_country)}")
    label = (f"the {transit_country} route: {origin} gas reaches {transit_country} while {exporter}'s exports to "
             "Europe rise")
    observed = _and3([rose, received_after(route, after_start)])
    reason = ENERGY3_SCOPE
    if observed is None:
        hidden = sorted(set(route.loc[(route["data_year"] >= after_start) & ~route["listed"], "row_label"]))
        rows = ", ".join(repr(h) for h in hidden)
        reason += (f"; the premise cannot be decided: the matrices fold {exporter} into {rows}, a row other "
                   f"countries share, so {origin}'s flow to it bounds {exporter}'s imports only from above")
    return {"observed": observed, "observed_text": text, "reason": reason,
            "variants": {label: _and3([rose, received_after(transit, after_start)])}}


# --- data vintages -------------------------------------------------------------------------------

def vintage_table(interregional: pd.DataFrame, region: str, flow: str, partner: str = "",
                  since: int | None = None) -> pd.DataFrame:
    """One series as published by each edition: year x edition (bcm, 2 decimals) plus the spread
    (largest minus smallest value) across the editions that give the year."""
    sel = interregional[(interregional["region"] == region) & (interregional["flow"] == flow)
                        & (interregional["partner"] == partner)]
    if since is not None:
        sel = sel[sel["year"] >= since]
    wide = sel.pivot(index="year", columns="edition", values="bcm")
    wide["spread_bcm"] = wide.max(axis=1) - wide.min(axis=1)
    return wide.round(2)


def consumption_vintages(consumption: pd.DataFrame, country: str, since: int) -> pd.DataFrame:
    """A country's consumption as published by each edition: year x edition plus the spread (bcm)."""
    sel = consumption[(consumption["country"] == country) & (consumption["year"] >= since)]
    wide = sel.pivot(index="year", columns="edition", values="bcm")
    wide["spread_bcm"] = wide.max(axis=1) - wide.min(axis=1)
    return wide.round(2)


def revisions(table: pd.DataFrame) -> pd.DataFrame:
    """Each edition's value minus the latest edition's value for the same year (bcm), as long rows:
    ``year, edition, revision_bcm`` (years the latest edition gives, editions that give them)."""
    editions = [c for c in table.columns if c != "spread_bcm"]
    latest = max(editions)
    diff = table[editions].sub(table[latest], axis=0).drop(columns=latest)
    out = diff.reset_index().melt(id_vars="year", var_name="edition", value_name="revision_bcm").dropna()
    out["edition"] = out["edition"].astype(str)
    return out.sort_values(["edition", "year"], kind="mergesort").reset_index(drop=True)


def describe_origins(ranked: pd.DataFrame, n: int) -> str:
    """'RUS 33.9% > AZE 23.8% > ...' for the first ``n`` origins of one edition's :func:`imports_by_origin`."""
    year = int(ranked["data_year"].iloc[0])
    return " > ".join(f"{r.origin} {r.share_pct:.1f}%" for r in ranked.head(n).itertuples()) + f" ({year})"


def largest_revision(table: pd.DataFrame) -> tuple[int, float]:
    """The year with the largest spread in a :func:`vintage_table` and that spread (bcm)."""
    spread = table["spread_bcm"].dropna()
    year = int(spread.idxmax())
    return year, float(spread.loc[year])


def describe_revisions(tables: dict[str, pd.DataFrame]) -> str:
    """One line per named :func:`vintage_table`: its largest spread across editions and the year."""
    lines = []
    for name, table in tables.items():
        year, spread = largest_revision(table)
        latest = table[max(c for c in table.columns if c != "spread_bcm")].loc[year]
        lines.append(f"{name}: largest spread {spread:.2f} bcm in {year} ({100 * spread / latest:.1f}% of the "
                     f"latest value)")
    return "\n".join(lines)
