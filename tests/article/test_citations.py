"""Source list, in-text citations, resolution and the citation audit.

Real-article tests assert computed facts (counts, line numbers, short tokens); each defect type also
has a small made-up text, so a parser change that stops finding a defect fails here.
"""

from __future__ import annotations

from collections import Counter

import pytest

from khar_analysis.article import citations
from khar_analysis.article import text as article
from khar_analysis.claims import register as claims
from khar_analysis.core.layout_checks import UnknownLayoutError


@pytest.fixture(scope="module")
def real(lay):
    return citations.audit(article.lines(lay))


def rows_at(aud, line):
    return [r for r in aud.resolutions if r.citation.line == line]


# --- the real article -----------------------------------------------------------------------------

@pytest.mark.integration
def test_source_list_of_the_real_article(real):
    assert len(real.entries) == 40
    assert (real.entries[0].line, real.entries[-1].line) == (115, 195)
    assert [e.lines for e in real.entries if len(e.lines) > 1] == [(169, 171)]
    assert real.trailer == (198, 200, 202)
    assert all(e.url for e in real.entries if e.line not in (121, 123, 125, 127, 129))  # books have none
    assert Counter(e.lang for e in real.entries) == {"en": 32, "az": 4, "tr": 3, "und": 1}
    fettah = next(e for e in real.entries if e.line == 145)
    assert (fettah.names, fettah.year, fettah.month, fettah.date_text) == (("Fəttah",), 2026, 1, "yanvar 2026")
    assert next(e for e in real.entries if e.line == 155).names == ("Kınık", "Çelik")
    assert next(e for e in real.entries if e.line == 121).pages == "54-58"


@pytest.mark.integration
def test_in_text_citations_of_the_real_article(real):
    cits = [r.citation for r in real.resolutions]
    assert len(cits) == 40 and all(c.parsed for c in cits)
    assert Counter(c.line for c in cits)[39] == 4
    forms = {c.text for c in cits}
    for token in ("Reuters, январь 2026 года", "KHAR Center, 13 января 2026 года", "AA, октябрь 2025",
                  "Интерфакс, 2024", "газета Азербайджан, 2024", "President Az, 2022", "МИД, 2025",
                  "ODIHR, 2024a", "Kınık и Çelik, 2021", "Levitsky и Way, 2010"):
        assert token in forms
    khar = next(c for c in cits if c.line == 41 and c.day)
    assert (khar.names, khar.year, khar.month, khar.day) == (("KHAR Center",), 2026, 1, 13)


@pytest.mark.integration
def test_status_counts_of_the_real_article(real):
    assert Counter(r.status for r in real.resolutions) == {
        "ok": 23, "ambiguous": 2, "url_date_conflict": 1, "year_mismatch": 2, "name_mismatch": 2,
        "suffix_mismatch": 1, "unresolved": 2, "shared_url": 3, "unverifiable_precision": 4}
    assert Counter(d for r in real.resolutions for d in r.defects)["subject_mismatch"] == 2
    assert Counter(d for r in real.resolutions for d in r.defects)["unverifiable_precision"] == 6
    marks = Counter(d for m in real.entry_defects.values() for d, _ in m)
    assert marks == {"duplicate_key": 2, "shared_url": 3, "orphan_suffix": 1, "title_slug_mismatch": 1,
                     "not_properly_cited": 10}


@pytest.mark.integration
@pytest.mark.parametrize(("line", "name", "status", "entry_lines"), [
    (13, "Landwall", "name_mismatch", [117]),
    (41, "KHAR Center", "name_mismatch", [145]),
    (49, "CSCE", "year_mismatch", [147]),
    (57, "Haber Sol", "year_mismatch", [159]),
    (59, "Reuters", "ambiguous", [161, 181]),
    (63, "Reuters", "suffix_mismatch", [165]),
    (83, "Reuters", "ambiguous", [161, 181]),
    (85, "The Guardian", "unresolved", [187]),
    (87, "AA", "unresolved", [191]),
    (81, "Kitachaev", "shared_url", [179]),
    (93, "Kitachaev", "shared_url", [193]),
    (97, "Kitachaev", "shared_url", [195]),
    (65, "KHAR Center", "unverifiable_precision", [167]),
    (79, "President Az", "unverifiable_precision", [173]),
    (85, "МИД", "unverifiable_precision", [185]),
    (85, "AP", "unverifiable_precision", [189]),
])
def test_defects_of_the_real_article(real, line, name, status, entry_lines):
    hits = [r for r in rows_at(real, line) if r.citation.names[0] == name and r.status == status]
    assert len(hits) == 1
    assert [e.line for e in hits[0].entries] == entry_lines


@pytest.mark.integration
def test_url_date_contradicts_the_text_in_the_real_article(real):
    (r,) = [r for r in rows_at(real, 83) if r.citation.year == 2025]
    assert r.status == "url_date_conflict" and r.entry.line == 183
    assert (r.citation.event_iso(), r.entry.url_date.iso()) == ("2025-06", "2025-07-19")
    (g,) = [r for r in rows_at(real, 85) if r.citation.names == ("The Guardian",)]
    assert g.defects == ("unresolved", "subject_mismatch", "url_date_conflict", "year_mismatch")
    (amb,) = [r for r in rows_at(real, 83) if r.citation.year == 2024]
    assert "only Reuters, 2024 (L181)" in amb.detail


@pytest.mark.integration
@pytest.mark.parametrize(("line", "in_text", "entry_line", "how"), [
    (53, "SIPRI, 2021", 153, "exact"), (79, "Интерфакс, 2024", 177, "exact"),
    (59, "газета Азербайджан, 2024", 163, "exact"), (85, "МИД, 2025", 185, "alias"),
    (79, "President Az, 2022", 173, "leading_words"), (79, "AP, 2024", 175, "acronym"),
    (39, "HRW, 2024", 139, "acronym"), (39, "ODIHR, 2024b", 137, "part"), (49, "Asker, 2009", 151, "leading_words"),
    (67, "Van Rij, 2024", 169, "leading_words"), (39, "BBC, 2025", 141, "leading_words"),
    (87, "AA, октябрь 2025", 191, "exact"), (65, "KHAR Center, ноябрь 2025 года", 167, "exact"),
])
def test_normalised_names_resolve(real, line, in_text, entry_line, how):
    (r,) = [r for r in rows_at(real, line) if r.citation.text == in_text]
    assert (r.entry.line, r.how) == (entry_line, how)
    assert not {"name_mismatch", "year_mismatch", "suffix_mismatch", "ambiguous"} & set(r.defects)


@pytest.mark.integration
def test_entry_defects_of_the_real_article(real):
    by = {d: sorted(line for line, m in real.entry_defects.items() if d in dict(m)) for d in citations.ENTRY_DEFECTS}
    assert by["shared_url"] == [179, 193, 195]
    assert by["duplicate_key"] == [161, 181]
    assert by["orphan_suffix"] == [165]
    assert by["uncited"] == [] and by["entry_url_conflict"] == []
    assert by["title_slug_mismatch"] == [181]
    assert by["not_properly_cited"] == [117, 145, 147, 159, 161, 165, 181, 183, 187, 191]
    (npc,) = [w for d, w in real.entry_defects[191] if d == "not_properly_cited"]
    assert "L87 (unresolved, subject_mismatch)" in npc


@pytest.mark.integration
def test_audit_table_shape(real):
    table = real.table()
    assert list(table.columns[:5]) == ["line", "in_text", "entry", "status", "detail"]
    assert len(table) == 40 + 10 and list(table["kind"]) == ["citation"] * 40 + ["entry"] * 10
    assert table.loc[(table["line"] == 81) & (table["kind"] == "citation"), "defects"].item() == "shared_url"
    counts = real.counts().set_index("label")["n"]
    assert counts["citations: all"] == 40 and counts["entries: shared_url"] == 3 and counts["citations: ok"] == 23
    assert counts["citation defects: subject_mismatch"] == 2 and counts["entries: not_properly_cited"] == 10


# --- the register ---------------------------------------------------------------------------------

@pytest.mark.integration
def test_every_registered_citation_resolves_or_is_reported(lay, real):
    audit = real.table()
    for claim in claims.load_register(lay).values():
        if not claim.citation:
            continue
        for r in citations.resolve(claim.citation, claim.line, lay):
            assert r.status != "unparsed", f"{claim.id}: citation {claim.citation!r} does not parse"
            if "not_on_line" in r.defects:
                assert r.entries, f"{claim.id}: ({r.citation.text}) is not on line {claim.line} and has no entry"
            elif r.status != "ok":
                reported = audit[(audit["line"] == claim.line) & (audit["in_text"] == r.citation.text)]
                assert list(reported["status"]) == [r.status], f"{claim.id}: defect not in the audit"
            else:
                assert r.entry is not None


@pytest.mark.integration
def test_resolve_and_describe_for_the_report(lay):
    assert citations.describe("SIPRI, 2021", 53, lay) == "SİPRİ, 2021 (L153)"
    assert citations.describe("Interfax, 2024; AP, 2024", 79, lay) == (
        "Interfax, 2024 (L177); Associated Press, 2024 (L175)")
    assert citations.describe("Reuters, 2025", 83, lay) == "Reuters, 2025 (L183) [url_date_conflict]"
    assert citations.describe("Reuters, 2025", 84, lay) == "Reuters, 2025 (L183) [not_on_line]"
    assert citations.describe("Reuters, 2025", None, lay) == "Reuters, 2025 (L183)"
    (bad,) = citations.resolve("not a citation", 1, lay)
    assert bad.status == "unparsed"


@pytest.mark.integration
def test_report_shows_the_resolved_entry(lay, tmp_path):
    from khar_analysis.build import report

    register = claims.load_register(lay)
    rows = [{"claim_id": "ARMS-1", "family": "arms", "verdict": "pending", "observed": "", "claimed": "x",
             "caveat": "", "reason": "", "notebook": "01_arms_imports", "cell_id": "", "line": 53,
             "citation": register["ARMS-1"].citation, "gloss": "<b>g</b>", "would_test": ""}]
    facts = {"commit": "c", "built_at": "t", "python": "3", "platform": "p", "cpus": 1, "versions": {},
             "seconds": 0, "notebook_seconds": {}, "obtained": {}}

    class Plan:
        name = "06_citations"

    report.render(tmp_path, rows, ["ARMS-1"], [Plan()], facts, lay)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "list entry SİPRİ, 2021 (source list, line 153)" in html and 'href="notebooks/06_citations.html"' in html
    assert "&lt;b&gt;g&lt;/b&gt;" in html
    assert "SİPRİ, 2021 (L153)" in (tmp_path / "ledger.csv").read_text(encoding="utf-8")
    ledger = (tmp_path / "ledger.csv").read_text(encoding="utf-8").splitlines()
    assert ledger[0].endswith(",audit") and ledger[1].endswith(",")  # SIPRI's citation is ok


@pytest.mark.integration
@pytest.mark.parametrize(("citation", "line", "text"), [
    ("SIPRI, 2021", 53, ""),
    ("Kitachaev, 2025c", 97, "shared_url: Kitachaev, 2025c (L195) shares its URL with Kitachaev, 2025a (L179)"),
    ("AA, октябрь 2025", 87, "unresolved: no fitting entry"),
    ("President Az, 2022", 79, "unverifiable_precision: the text gives a day, the entry only a year and no dated URL"),
    ("HRW, 2024; BBC, 2025", 39, ""),
])
def test_the_ledger_audit_column_states_each_defect(lay, citation, line, text):
    got = citations.defects_text(citation, line, lay)
    assert got.startswith(text) if text else got == ""


# --- made-up texts, one defect type each ----------------------------------------------------------

def made_up(paragraphs: list[str], entries: list[str], trailer: tuple[str, ...] = ("Bell icon",)) -> list[str]:
    out = ["3 мар 2025", "", "Заголовок для проверки", "", "Введение", ""]
    for p in paragraphs:
        out += [p, ""]
    out += ["Источники", ""]
    for e in entries:
        out += [e, ""]
    return out + list(trailer)


def one(paragraph: str, entries: list[str]):
    aud = citations.audit(made_up([paragraph], entries))
    return aud, aud.resolutions


def test_clean_citations_resolve_ok():
    aud, res = one("Текст (Интерфакс, 2024), (HRW, 2023), (газета Азербайджан, 2024) и (МИД, 2025).", [
        "Interfax, 2024. Title one. https://example.org/a",
        "Human Rights Watch, 2023. A report. https://example.org/b",
        "Azərbaycan, 2024. Xəbər başlığı. https://example.org/c",
        "Ministry of Foreign Affairs of the Republic of Azerbaijan, 2025. (No. 1/25). https://example.org/d",
    ])
    assert [r.status for r in res] == ["ok"] * 4
    assert aud.entry_defects == {}


def test_name_mismatch_by_spelling_and_by_publisher():
    _, res = one("Текст (Johnsen, 2019) и (Example Center, 2022).", [
        "Johnson, Mark, 2019. A title. https://example.org/e",
        "Doe, Jane, 2022. Some study. Example Center. https://examplecenter.org/x",
        "Example Center, 2021. Older study. https://examplecenter.org/y",
    ])
    assert [(r.status, r.how, r.entry.line) for r in res] == [("name_mismatch", "spelling", 11),
                                                              ("name_mismatch", "publisher", 13)]
    assert "Johnsen / Johnson" in res[0].detail


def test_year_mismatch():
    _, res = one("Текст (Brown, 2020).", ["Brown, Ann, 2021. A title. https://example.org/f"])
    assert (res[0].status, res[0].detail) == ("year_mismatch", "year: text 2020, list 2021")


def test_suffix_mismatch_and_orphan_suffix():
    aud, res = one("Текст (Green, 2018).", ["Green, Tom, 2018a. A title. https://example.org/g"])
    assert res[0].status == "suffix_mismatch"
    assert [d for d, _ in aud.entry_defects[11]] == ["not_properly_cited", "orphan_suffix"]


def test_month_mismatch():
    _, res = one("Текст (Agency, март 2022).", ["Agency, aprel 2022. A title. https://example.org/h"])
    assert res[0].status == "month_mismatch"


def test_ambiguous_and_duplicate_key():
    aud, res = one("Текст (Wire, 2023).", ["Wire, 2023. First story. https://example.org/i",
                                           "Wire, 2023. Second story. https://example.org/j"])
    assert res[0].status == "ambiguous" and [e.line for e in res[0].entries] == [11, 13]
    assert {line: [d for d, _ in m] for line, m in aud.entry_defects.items()} == {
        11: ["not_properly_cited", "duplicate_key"], 13: ["not_properly_cited", "duplicate_key"]}


def test_unresolved_and_uncited():
    aud, res = one("Текст (Nobody, 2011).", ["Lonely, Sam, 2000. Never cited. https://example.org/k"])
    assert res[0].status == "unresolved"
    table = aud.table()
    assert list(table["status"]) == ["unresolved", "uncited"]
    assert list(table["kind"]) == ["citation", "entry"]


def test_shared_url():
    aud, res = one("Текст (Black, 2017a) и (Black, 2017b).", [
        "Black, Bo, 2017a. Same piece. https://example.org/same",
        "Black, Bo, 2017b. Same piece. https://example.org/same/"])
    assert [r.status for r in res] == ["shared_url", "shared_url"]  # never ok, on every citation
    assert [d for m in aud.entry_defects.values() for d, _ in m] == ["shared_url", "shared_url"]
    assert "Black, 2017a (L11) shares its URL with Black, 2017b (L13)" in res[0].detail


@pytest.mark.parametrize(("paragraph", "url", "conflict"), [
    ("В июне 2025 года случилось событие (Paper, 2025).", "https://example.org/2024/12/25/story", "before"),
    ("В марте 2025 года лидер выступил (Paper, 2025).", "https://example.org/news-2025-05-20/", "after"),
    ("В мае 2025 года лидер выступил (Paper, 2025).", "https://example.org/news-2025-06-03/", ""),
    ("Лидер выступил (Paper, июнь 2025).", "https://example.org/news-2025-06-03/", ""),
    ("В 2003 году прошли выборы (Paper, 2025).", "https://example.org/wp-content/uploads/2017/01/r.pdf", ""),
    ("В 2024 году вышла статья (Paper, 2025).", "https://example.org/x-1722458765", ""),
])
def test_url_date_conflict(paragraph, url, conflict):
    _, res = one(paragraph, [f"Paper, 2025. A story. {url}"])
    assert (res[0].status == "url_date_conflict") == bool(conflict)
    if conflict:
        assert conflict in res[0].detail


def test_event_date_comes_from_the_sentence_then_the_paragraph():
    (a, b, c) = citations.citations_in(
        "В декабре 2024 года упал самолёт. Лидер ответил (Wire, 2024). Потом (Wire, 2025). "
        "В 2011–2020 годах (Data, 2021).", 1)
    assert (a.event_iso(), a.event_from) == ("2024-12", "paragraph")
    assert (b.event_iso(), b.event_from) == ("2025", "citation year")
    assert (c.event_iso(), c.event_from) == ("2011/2020", "sentence")


def test_entry_url_conflict():
    aud, _ = one("Текст (Delta, 2010).", ["Delta, 2010. A title. https://example.org/2008/05/01/x"])
    assert [d for d, _ in aud.entry_defects[11]] == ["not_properly_cited", "entry_url_conflict"]


def test_unparsed_brackets_with_a_year_are_kept():
    _, res = one("Текст (с 2019 по 2020) и (в 2020 году) и (omnibalancing) (Alpha, 2001; Beta, 2002).", [
        "Alpha, 2001. A. https://example.org/l", "Beta, 2002. B. https://example.org/m"])
    assert [(r.citation.text, r.status) for r in res] == [
        ("с 2019 по 2020", "unparsed"), ("в 2020 году", "unparsed"), ("Alpha, 2001", "ok"), ("Beta, 2002", "ok")]


def test_et_al_and_two_authors():
    _, res = one("Текст (Smith и др., 2020) и (Kınık и Çelik, 2021).", [
        "Smith, Anne and Jones, Bob, 2020. A. https://example.org/n",
        "Kınık, Hülya və Çelik, Sinem, 2021. B. https://example.org/o"])
    assert [r.status for r in res] == ["ok", "ok"]


def test_entry_continues_on_a_url_line_and_the_list_ends_at_furniture():
    src = citations.parse_entries(made_up(["Текст (Gamma, 2005)."], ["Gamma, 2005. Long title. ",
                                                                    "https://example.org/gamma"]))
    (entry,) = src.entries
    assert (entry.lines, entry.url, entry.title) == ((11, 13), "https://example.org/gamma", "Long title")
    assert src.trailer == (15,)


def test_an_entry_after_the_furniture_is_an_unknown_layout():
    lines = made_up(["Текст (Gamma, 2005)."], ["Gamma, 2005. Title. https://example.org/p"],
                    trailer=("Bell icon", "", "Late, Entry, 2001. Title. https://example.org/q"))
    with pytest.raises(UnknownLayoutError, match="after the list ended"):
        citations.parse_entries(lines)


def test_an_english_text_is_audited_with_english_words():
    lines = ["3 March 2025", "", "A Title for Testing", "", "Introduction", "",
             "As reported (Smith and Jones, 2020; newspaper Daily, March 2024), it held in 2024.", "",
             "References", "", "Smith, Ann and Jones, Bob, 2020. A book. https://example.org/a", "",
             "Daily, March 2024. A story. https://example.org/2024/03/story", "", "Subscribe"]
    aud = citations.audit(lines, lang="en")
    assert [(r.citation.names, r.status) for r in aud.resolutions] == [
        (("Smith", "Jones"), "ok"), (("Daily",), "ok")]
    assert aud.resolutions[1].citation.descriptor == "newspaper" and aud.trailer == (15,)


# --- made-up texts: the sharper audit (precision, subject, shared URL, proper citation) ----------------

@pytest.mark.parametrize(("paragraph", "entry", "gap"), [
    ("Лидер выступил (Paper, июнь 2025).", "Paper, 2025. A story. https://example.org/story", "month"),
    ("Лидер выступил 3 июня 2025 года (Paper, 2025).", "Paper, 2025. A story. https://example.org/story", "day"),
    ("Лидер выступил (Paper, 3 июня 2025 года).", "Paper, iyun 2025. A story. https://example.org/s", "day"),
    ("Лидер выступил (Paper, июнь 2025).", "Paper, 2025. A story. https://example.org/wp-content/uploads/2025/06/a.pdf",
     "month"),
    ("Лидер выступил (Paper, июнь 2025).", "Paper, 2025. A story. https://example.org/news-2025-06-03/", ""),
    ("Лидер выступил (Paper, июнь 2025).", "Paper, iyun 2025. A story. https://example.org/story", ""),
    ("В 2025 году лидер выступил (Paper, 2025).", "Paper, 2025. A story. https://example.org/story", ""),
])
def test_unverifiable_precision(paragraph, entry, gap):
    _, (r,) = one(paragraph, [entry])
    assert ("unverifiable_precision" in r.defects) == bool(gap)
    if gap:
        assert r.status == "unverifiable_precision" and f"the text gives a {gap}" in r.detail


def test_precision_gap_names_both_precisions():
    entry = citations.parse_entry("Paper, 2025. A story. https://example.org/story", 1, "ru")
    assert citations.precision_gap((2025, 6, 3, None), entry) == (
        "the text gives a day, the entry only a year and no dated URL")
    assert citations.precision_gap((2011, None, None, 2020), entry) == ""


CRASH = "В декабре 2024 года в Казахстане упал самолёт, погибли 38 человек, обломки нашли у Актау."
RAIDS = "В июне 2025 года полиция провела обыски в офисах агентства (Wire, 2025)."
CRASH_ENTRY = ("Wire, 2025. Officials report 38 killed as plane crashes in Kazakhstan. "
               "https://example.org/world/kazakhstan-plane-crash-aktau-fog")


def test_an_entry_about_something_else_leaves_the_citation_unresolved():
    aud, res = one_of([CRASH, RAIDS], [CRASH_ENTRY])
    (r,) = res
    assert r.status == "unresolved" and r.defects[:2] == ("unresolved", "subject_mismatch")
    assert "they fit the paragraph on line 7" in r.detail and "aktau" in r.detail
    assert [d for d, _ in aud.entry_defects[13]] == ["not_properly_cited"]
    assert aud.table()["status"].tolist() == ["unresolved", "not_properly_cited"]


def test_an_entry_about_the_citing_sentence_is_ok():
    _, (r,) = one_of([CRASH.replace(".", " (Wire, 2025).").replace("2024", "2025"), RAIDS.replace(" (Wire, 2025)", "")],
                     [CRASH_ENTRY])
    assert "subject_mismatch" not in r.defects and r.status == "unverifiable_precision", r.detail


def test_no_shared_term_without_evidence_is_not_a_mismatch():
    _, (r,) = one("В 2025 году министр выступил с речью (Wire, 2025).",
                  ["Wire, 2025. Harvest figures published for northern provinces. https://example.org/harvest-north"])
    assert r.status == "ok"


def test_an_ambiguous_citation_names_the_candidate_that_fits_its_sentence():
    _, res = one_of([CRASH.replace(".", " (Wire, 2024).")], [
        "Wire, 2024. Plane crashes in Kazakhstan near Aktau. https://example.org/plane-crash-aktau-kazakhstan",
        "Wire, 2024. Harvest figures published for northern provinces. https://example.org/harvest-north"])
    assert res[0].status == "ambiguous"
    assert "by title and URL only Wire, 2024 (L11) fits the citing sentence" in res[0].detail


def test_an_entry_counts_as_cited_only_through_a_citation_without_a_mismatch():
    aud, _ = one_of(["Текст (Brown, 2020).", "Ещё (Brown, 2021) и (Grey, 2019)."], [
        "Brown, Ann, 2021. A title. https://example.org/f", "Grey, Al, 2018. Other. https://example.org/g"])
    assert 13 not in aud.entry_defects  # Brown 2021 is cited properly once, on line 9
    assert aud.entry_defects[15] == [("not_properly_cited",
                                      "reached only by citations with a mismatch: L9 (year_mismatch)")]


def test_title_slug_mismatch_is_carried_by_its_citations():
    aud, (r,) = one("Текст (Wire, 2024).", [
        "Wire, 2024. President says the aircraft was hit by a missile. "
        "https://example.org/world/country-pays-tribute-pilots-passengers-who-perished-2024-12-29/"])
    assert [d for d, _ in aud.entry_defects[11]] == ["title_slug_mismatch"]
    assert r.status == "title_slug_mismatch"


def one_of(paragraphs: list[str], entries: list[str]):
    aud = citations.audit(made_up(paragraphs, entries))
    return aud, aud.resolutions
