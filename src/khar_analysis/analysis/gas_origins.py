"""Gas imports by origin where the matrices hide the importer (claims ENERGY-2 and ENERGY-3).

Pure functions on the matrices and consumption tables of :mod:`khar_analysis.sources.statreview` (bcm at
40 MJ/m3). Regional aggregates and what they hide (:func:`aggregate_record` computes it per edition):

* up to the 2021 edition the pipeline matrix lists European importers country by country, including
  **Turkey**; from the 2022 edition European importers are only ``European Union``/``EU`` and ``Rest
  of Europe`` (footnote 2022: "all of non-EU Europe other than Norway"), so Turkey and Georgia are
  hidden in ``Rest of Europe``. The LNG matrix lists Turkey in every edition;
* Azerbaijan is never an importer row of its own: it sits in ``Other CIS``;
* the same label means different things in different tables (``Other CIS`` as a pipeline importer row
  is the CIS less Belarus, Kazakhstan and Russia; ``Other Europe`` as an exporter is non-EU Europe less
  Norway in 2022 but Europe less the Netherlands and Norway otherwise). Codes follow labels; the
  membership is the table's.
"""

from __future__ import annotations

import pandas as pd

from khar_analysis.analysis.energy import compare_periods

#: The residual row that holds a country when a matrix does not list it (publisher's region definitions):
#: Turkey and Georgia are non-EU Europe, Azerbaijan is CIS.
RESIDUAL_HOME = {"TUR": ("_EUR_REST",), "GEO": ("_EUR_REST",), "AZE": ("_CIS_OTHER",)}


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


def lng_share(matrices: pd.DataFrame, consumption: pd.DataFrame, importer: str, origin: str) -> pd.DataFrame:
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


#: Origins' volumes in the matrices are given to 0.1 bcm in the coarsest edition (2023): a gap between two
#: origins within it is a knife-edge.
ORIGIN_PRECISION_BCM = 0.1


def origin_amounts(ranked: pd.DataFrame) -> tuple[dict[str, float], float]:
    """Origin -> imports (bcm) of one edition's :func:`imports_by_origin` rows, and the importer's total:
    what a ranking's margin needs."""
    return dict(zip(ranked["origin"], ranked["total_bcm"].astype(float), strict=True)), float(ranked["total_bcm"].sum())


def listed_amounts(direct: pd.DataFrame, primary_edition: int) -> dict[str, tuple[dict[str, float], float]]:
    """:func:`origin_amounts` of every edition that lists the importer, except ``primary_edition``."""
    return {f"edition {edition} (data {int(part['data_year'].iloc[0])}), listed": origin_amounts(part)
            for edition, part in direct.groupby("edition", sort=True) if edition != primary_edition}


def bounded_tops(bounded: pd.DataFrame) -> dict[str, list[str] | None]:
    """The top supplier in every edition that hides the importer (:func:`bounded_origins`): a one-element
    list where the bounds decide it, None where they do not (an undecided variant, neither held nor failed)."""
    out: dict[str, list[str] | None] = {}
    for edition, part in bounded.groupby("edition", sort=True):
        top = list(part.loc[part["is_top"], "origin"])
        out[f"edition {edition} (data {int(part['data_year'].iloc[0])}), bounded"] = top or None
    return out


def describe_origins(ranked: pd.DataFrame, n: int) -> str:
    """'RUS 33.9% > AZE 23.8% > ...' for the first ``n`` origins of one edition's :func:`imports_by_origin`."""
    year = int(ranked["data_year"].iloc[0])
    return " > ".join(f"{r.origin} {r.share_pct:.1f}%" for r in ranked.head(n).itertuples()) + f" ({year})"


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


def energy3_routes(series: pd.DataFrame, route: pd.DataFrame, transit: pd.DataFrame, baseline: tuple[int, int],
                   after_start: int, exporter: str, origin: str, transit_country: str) -> tuple[dict, dict]:
    """Observations (keyword arguments of a compound part's observation) for the two routes of the
    laundering allegation, each three-valued (None when the matrices cannot decide):

    * through ``exporter``: its pipeline exports to Europe (``series``, e.g.
      :func:`khar_analysis.analysis.energy.first_published_series`) were higher on average from
      ``after_start`` than over ``baseline``, and ``origin``'s gas certainly reached ``exporter`` in every
      year from ``after_start`` (``route``, a :func:`flow_into` table);
    * through ``transit_country``: the same rise, and ``origin``'s gas reaching it (``transit``).

    Where the route is undecidable, its ``reason`` names the row that hides ``exporter``.
    """
    vol = compare_periods(series, "partner_bcm", baseline, (after_start, int(series["year"].max())))
    rose = bool(vol["change"] > 0)
    span = f"{baseline[0]}" if baseline[0] == baseline[1] else f"{baseline[0]}-{baseline[1]}"
    head = f"{exporter} -> Europe {vol['before']:.1f} -> {vol['after']:.1f} bcm ({span} -> {after_start}-" \
           f"{int(series['year'].max())})"
    via = _and3([rose, received_after(route, after_start)])
    reason = ""
    if via is None:
        hidden = sorted(set(route.loc[(route["data_year"] >= after_start) & ~route["listed"], "row_label"]))
        reason = (f"the matrices fold {exporter} into {', '.join(repr(h) for h in hidden)}, a row other countries "
                  f"share, so {origin}'s flow to it bounds {exporter}'s imports only from above")
    return ({"observed": via, "observed_text": f"{head}; {describe_flow(route, after_start, origin, exporter)}",
             "reason": reason},
            {"observed": _and3([rose, received_after(transit, after_start)]),
             "observed_text": f"{head}; {describe_flow(transit, after_start, origin, transit_country)}"})


def route_margin(series: pd.DataFrame, flows: pd.DataFrame, baseline: tuple[int, int], after_start: int,
                 margin_bcm: float = 0.0) -> tuple[float, str, str]:
    """The margin of a route premise of :func:`energy3_routes` in bcm, as ``(value, unit, against)``: the
    smaller of the exporter's rise in exports to Europe and the origin's smallest certain flow from
    ``after_start`` (a listed flow, or a bounded one's lower bound less ``margin_bcm``)."""
    vol = compare_periods(series, "partner_bcm", baseline, (after_start, int(series["year"].max())))
    sel = flows[flows["data_year"] >= after_start]
    certain = [r.lower_bcm - (0.0 if r.listed else margin_bcm) for r in sel.itertuples()]
    flow = min(certain)
    if vol["change"] <= flow:
        return vol["change"], "bcm", "rise of exports to Europe"
    return flow, "bcm", "smallest certain flow along the route from " + str(after_start)


