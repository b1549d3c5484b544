"""Number coverage: the extractor on the real article and on made-up sentences, and the annotation file."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from khar_analysis.article import numbers
from khar_analysis.article import text as article
from khar_analysis.claims import register as claims


@pytest.fixture(scope="module")
def found(lay):
    return numbers.extract(article.lines(lay))


@pytest.fixture(scope="module")
def table(found, lay):
    return numbers.coverage(found, numbers.load_coverage(lay=lay))


@pytest.mark.integration
def test_numbers_of_the_real_article(found):
    assert len(found) == 60
    assert Counter(m.kind for m in found) == {
        "word_count": 20, "ordinal": 18, "year": 9, "month": 4, "year_range": 2, "date": 1, "count": 2,
        "percent": 1, "duration": 3}
    got = {(m.line, m.token): m.value for m in found}
    assert got[(83, "38 человек")] == 38
    assert got[(97, "около 46 процентов")] == 46
    assert got[(97, "более 300 тысяч")] == 300_000
    assert got[(79, "22 февраля 2022 года")] == "2022-02-22"
    assert got[(53, "четвёртое место")] == 4
    assert (79, "два дня") in got and (83, "несколько дней") in got
    assert not [m for m in found if m.line in (39, 41, 97) and re.search(r"2024[ab]|2025c|2026", m.token)]


@pytest.mark.integration
def test_every_number_is_accounted_for(table):
    """Fails when the extractor finds a number that data/claims/coverage/numbers.yaml does not account
    for, or when an annotation matches no number (stale)."""
    open_items = table[table["status"].isin(["unaccounted", "stale"])]
    assert open_items.empty, "numbers without an annotation, or stale annotations:\n" + open_items.to_string()


def inventory_ids(lay) -> set[str] | None:
    path = lay.root.parent / "shared" / "CLAIMS.md"
    if not path.exists():
        return None
    return set(re.findall(r"^\|\s*([A-Z]+-[0-9A-Z]+)\s*\|", path.read_text(encoding="utf-8"), re.MULTILINE))


@pytest.mark.integration
def test_covering_ids_are_registered_or_in_the_inventory(table, lay):
    used = {c for cell in table["claim"] if cell for c in cell.split(", ")}
    known = set(claims.load_register(lay))
    inventory = inventory_ids(lay)
    if inventory is None:
        pytest.skip("../shared/CLAIMS.md not present; only registered ids are checked")
    unknown = sorted(used - known - inventory)
    assert not unknown, f"numbers.yaml names ids neither registered nor in CLAIMS.md: {unknown}"
    assert {"EVT-7", "REM-1", "MIG-1", "CTX-1"} <= used


@pytest.mark.integration
def test_context_ids_used_are_registered(table, lay):
    used = {c for cell in table["claim"] if cell for c in cell.split(", ") if c.startswith("CTX-")}
    assert used <= set(claims.load_register(lay))


@pytest.mark.integration
def test_summary(table):
    s = numbers.summary(table).set_index("group")["n"]
    assert s["numbers found"] == 60 and s["status: unaccounted"] == 0
    assert s["status: covered"] + s["status: not_empirical"] == 60


@pytest.mark.parametrize(("text", "expected"), [
    ("за два дня до начала", [("два дня", "word_count", 2.0)]),
    ("через несколько дней после", [("несколько дней", "word_count", None)]),
    ("живут более 300 тысяч мигрантов", [("более 300 тысяч", "count", 300_000.0)]),
    ("около 46 процентов переводов", [("около 46 процентов", "percent", 46.0)]),
    ("доля 12,5% рынка", [("12,5%", "percent", 12.5)]),
    ("погибли 1 500 человек", [("1 500 человек", "count", 1500.0)]),
    ("четвёртое место в рейтинге", [("четвёртое место", "ordinal", 4.0)]),
    ("во-первых, это важно", [("во-первых", "ordinal", 1.0)]),
    ("это длилось некоторое время", [("некоторое время", "duration", None)]),
    ("так называемая «пятёрка» фирм", [("пятёрка", "word_count", 5.0)]),
    ("в декабре 2024 года", [("декабре 2024 года", "month", "2024-12")]),
    ("две (и более) крупные державы", [("две (и более) крупные", "word_count", 2.0)]),
])
def test_extractor_on_made_up_sentences(text, expected):
    assert [(m.token, m.kind, m.value) for m in numbers.mentions_in(text, 1)] == expected


@pytest.mark.parametrize("text", [
    "одним из крупнейших поставщиков", "с одной стороны", "обе стороны согласились", "двусторонних отношений",
    "двухуровневая игра", "в краткосрочной перспективе", "авторитарный режим", "вторжения", "первоначальные",
    "как пишет автор (Reuters, 2024)", "(KHAR Center, 13 января 2026 года)",
])
def test_out_of_scope_words_and_citations_are_not_numbers(text):
    assert numbers.mentions_in(text, 1) == []


def write(tmp_path, records) -> object:
    path = tmp_path / "numbers.yaml"
    path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    return path


def test_coverage_statuses(tmp_path):
    mentions = numbers.mentions_in("за два дня погибли 38 человек в 2020 году", 5)
    notes = numbers.load_coverage(write(tmp_path, [
        {"line": 5, "token": "два дня", "claim": "EVT-4"},
        {"line": 5, "token": "38 человек", "not_empirical": "a made-up reason for the test"},
        {"line": 6, "token": "пять лет", "claim": ["EVT-1", "EVT-2"]},
    ]))
    t = numbers.coverage(mentions, notes)
    assert list(zip(t["token"], t["status"], strict=True)) == [
        ("два дня", "covered"), ("38 человек", "not_empirical"), ("2020 году", "unaccounted"), ("пять лет", "stale")]
    assert t.loc[3, "claim"] == "EVT-1, EVT-2"


@pytest.mark.parametrize(("records", "message"), [
    ([{"line": 1, "token": "два дня"}], "is not valid"),
    ([{"line": 1, "token": "два дня", "claim": "EVT-1", "not_empirical": "both given here"}], "valid under each"),
    ([{"line": 1, "token": "два дня", "claim": "evt one"}], "is not valid"),
    ([{"line": 1, "token": "два дня", "not_empirical": "short"}], "too short"),
    ([{"line": 1, "token": "Два дня", "claim": "EVT-1"}, {"line": 1, "token": "два  дня", "claim": "EVT-2"}],
     "annotated twice"),
])
def test_malformed_coverage_files_fail(tmp_path, records, message):
    with pytest.raises(numbers.CoverageError, match=message):
        numbers.load_coverage(write(tmp_path, records))


def test_extractor_on_an_english_sentence():
    text = "About 46 percent came from Russia, more than 300 thousand people left over two years (Doe, 2024)."
    got = [(m.kind, m.token, m.value) for m in numbers.mentions_in(text, 1, lang="en")]
    assert got == [("percent", "about 46 percent", 46.0), ("count", "more than 300 thousand", 300_000.0),
                   ("word_count", "two years", 2.0)]
