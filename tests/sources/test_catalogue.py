"""The event catalogue loader: header, column schema (pandera) and cross-field checks, tidy table.

Unit tests run on a tiny inline catalogue; the committed catalogue and the pinned article are read only
by the tests marked ``integration``.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from khar_analysis.core.layout_checks import UnknownLayoutError
from khar_analysis.sources import catalogue, registry
from khar_analysis.sources.catalogue import COLUMNS, CatalogueError

SRC = SimpleNamespace(id="event_catalogue")
LINES = ["", "A sentence (Reuters, 2025).", "", "Reuters, 2025. Title. https://example.org/a-2025-06-27/"]


@pytest.fixture
def tiny(catalogue_row):
    """``tiny()`` -> a fresh four-row catalogue (each call a new frame: tests alter it)."""
    row = catalogue_row(source_outlet="Outlet", claim_ids="EVT-1")
    return lambda: pd.DataFrame([
        row("E2025-06-27-raid", "2025-06-27", article_line="2", article_citation="Reuters, 2025",
            source_published="2025-06-28"),
        row("E2025-06-checks", "2025-06", "month", cameo_root="16", goldstein="-4.0",
            notes="unconfirmed: no page", grade="unconfirmed"),
        row("E2024-07-31-reply", "2024-07-31", "range", date_end="2024-08-01", actors="AZE;TUR", dyad="AZE-TUR",
            cameo_root="05", goldstein="3.5"),
        row("E2003-equal-distance", "2003", "year", actors="TUR", dyad="other", cameo_root="01", goldstein="0.0"),
    ], columns=COLUMNS)


def test_tiny_catalogue_has_no_problem_and_tidies(tiny):
    assert catalogue.catalogue_problems(tiny(), LINES) == []
    out = catalogue.tidy(tiny())
    assert list(out["event_id"]) == ["E2003-equal-distance", "E2024-07-31-reply", "E2025-06-checks",
                                     "E2025-06-27-raid"]
    assert str(out["end"].iloc[1].date()) == "2024-08-01" and str(out["end"].iloc[2].date()) == "2025-06-30"
    assert list(out["initiator"]) == ["TUR", "AZE", "RUS", "RUS"]
    assert list(out["is_unconfirmed"]) == [False, False, True, False]
    assert out["goldstein"].dtype == float


MUTATIONS = [
    ("date", "E2025-06-27-raid", "2025-06-31", "date: day is out of range"),
    ("precision", "E2025-06-27-raid", "month", "does not have the form of precision 'month'"),
    ("precision", "E2025-06-27-raid", "week", "precision 'week' is not one of"),
    ("date_end", "E2025-06-27-raid", "2025-06-28", "takes no end date"),
    ("date_end", "E2024-07-31-reply", "2024-07-30", "is not after its start"),
    ("goldstein", "E2025-06-27-raid", "-11.0", "is not a number on the scale"),
    ("goldstein", "E2025-06-27-raid", "heavy", "is not a number on the scale"),
    ("goldstein", "E2025-06-27-raid", "-8.0", "differs from the weight of root 18"),
    ("cameo_root", "E2025-06-27-raid", "21", "not a two-digit CAMEO root"),
    ("source_url", "E2025-06-27-raid", "", "is not an http(s) address"),
    ("source_outlet", "E2025-06-27-raid", " ", "source_outlet ' ' is empty"),
    ("source_published", "E2025-06-27-raid", "2025-06-26", "is before the event"),
    ("source_published", "E2025-06-27-raid", "28.06.2025", "is not yyyy-mm-dd"),
    ("event_id", "E2025-06-27-raid", "E2025-06-28-raid", "carries date '2025-06-28'"),
    ("event_id", "E2025-06-27-raid", "E2025-06-27-Raid", "does not read E<date>-<slug>"),
    ("event_id", "E2025-06-27-raid", "E2025-06-checks", "duplicate event_id"),
    ("actors", "E2025-06-27-raid", "RUS;XYZ", "are not ISO3 codes"),
    ("actors", "E2025-06-27-raid", "RUS;AZE;RUS", "an actor is listed twice"),
    ("dyad", "E2025-06-27-raid", "AZE-TUR", "missing from actors"),
    ("dyad", "E2025-06-27-raid", "AZE-GEO", "dyad 'AZE-GEO' is not one of"),
    ("description", "E2025-06-27-raid", "two\nlines", "must be one non-empty line"),
    ("article_line", "E2025-06-27-raid", "2,4", "is not line numbers joined by ';'"),
    ("article_line", "E2025-06-27-raid", "3", "article_line 3 is not a text line of the article"),
    ("article_citation", "E2025-06-27-raid", "Reuters, 2030", "does not occur on article line"),
    ("article_line", "E2025-06-27-raid", "", "article_citation given without article_line"),
    ("claim_ids", "E2025-06-27-raid", "EVT9", "are not EVT-n"),
]


@pytest.mark.parametrize(("column", "event_id", "value", "message"), MUTATIONS)
def test_schema_check_catches_each_kind_of_problem(column, event_id, value, message, tiny):
    bad = tiny()
    bad.loc[bad["event_id"] == event_id, column] = value
    problems = catalogue.catalogue_problems(bad, LINES)
    assert any(message in p for p in problems), problems


def test_missing_columns_are_one_problem(tiny):
    assert catalogue.catalogue_problems(tiny().drop(columns="notes")) == ["missing columns ['notes']"]


def test_a_changed_header_fails_naming_the_source(tmp_path, tiny):
    file = tmp_path / "catalogue.csv"
    tiny().rename(columns={"goldstein": "weight"}).to_csv(file, index=False)
    with pytest.raises(UnknownLayoutError, match=r"^event_catalogue \(catalogue.csv\): unexpected catalogue header"):
        catalogue.load_catalogue(file, SRC)


def test_loading_a_broken_catalogue_lists_every_problem(tmp_path, tiny):
    bad = tiny()
    bad.loc[0, "goldstein"] = "42"
    bad.loc[1, "source_url"] = "n/a"
    file = tmp_path / "catalogue.csv"
    bad.to_csv(file, index=False)
    with pytest.raises(CatalogueError, match=r"^event_catalogue \(catalogue.csv\): 2 schema problem\(s\)") as exc:
        catalogue.load_catalogue(file, SRC)
    assert bad.loc[0, "event_id"] in str(exc.value) and bad.loc[1, "event_id"] in str(exc.value)


def test_loader_is_registered_by_format_loader():
    assert registry.LOADERS["event_catalogue"] == "catalogue:load_catalogue"
    assert registry.loader_of(SimpleNamespace(id="x", format={"loader": "event_catalogue"})) is catalogue.load_catalogue


# --- the committed catalogue ----------------------------------------------------------------------

@pytest.mark.integration
def test_committed_catalogue_loads_through_the_registry_checked_against_the_article():
    from khar_analysis.article import text as article

    table = registry.load("event_catalogue", lines=article.lines())
    assert table["event_id"].is_unique and len(table) > 50
    assert table["goldstein"].between(*catalogue.SCALE).all()
    assert (table["goldstein"] == table["cameo_root"].map(catalogue.GOLDSTEIN_ROOT)).all()


@pytest.mark.integration
def test_root_table_in_code_is_the_one_method_md_documents(lay):
    text = (lay.raw / "events" / "METHOD.md").read_text(encoding="utf-8")
    documented = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\| (\d{2}) \| [^|]+ \| (-?\d+\.\d) \|$",
                                                                       text, re.MULTILINE)}
    assert documented == catalogue.GOLDSTEIN_ROOT


@pytest.mark.integration
def test_catalogue_manifest_record_is_authored_and_pinned(lay):
    from khar_analysis.provenance import manifest

    src = manifest.load_manifest(lay)["event_catalogue"]
    assert not src.mirrored and set(src.authored) >= {"by", "method", "date"}
    assert src.path == "events/catalogue.csv" and src.format["loader"] == "event_catalogue"
    assert manifest.sha256_file(lay.raw / src.path) == src.sha256
    assert (lay.raw / src.path).stat().st_size == src.size_bytes
    assert manifest.verify(["event_catalogue"], lay=lay, allow_download=False)["event_catalogue"].how == "local"
