"""Topic terms, the title/slug check and the subject check on made-up titles, URLs and sentences."""

from __future__ import annotations

import pytest

from khar_analysis.article import subjects


def test_terms_cross_scripts_by_folding_and_by_the_lexicon():
    assert "dikta" in subjects.terms("диктатура") & subjects.terms("diktatura")
    assert "monit" in subjects.terms("мониторинговый") & subjects.terms("monitoring")
    assert "kasah" in subjects.terms("в Казахстане") & subjects.terms("Kazakhstan")
    assert "=plane" in subjects.terms("самолёт") & subjects.terms("passenger plane")
    assert "38" in subjects.terms("погибли 38 человек") and "2024" not in subjects.terms("в 2024 году")


def test_cyrillic_gas_is_not_gaza_and_the_triangle_is_no_subject():
    assert "=gas" in subjects.terms("поставки газа") and "=palestine" not in subjects.terms("поставки газа")
    assert "=palestine" in subjects.terms("peacekeepers to Gaza")
    assert subjects.terms("Азербайджан, Турция и Россия") == frozenset()
    assert "=gas" not in subjects.terms("газета")


@pytest.mark.parametrize(("title", "url", "author", "flagged"), [
    ("President says the aircraft was hit by a missile",
     "https://example.org/world/country-pays-tribute-pilots-passengers-who-perished-2024-12-29/", "", True),
    ("Qələbədən sonra sərtləşmə: keçid trayektoriyası",
     "https://example.az/arasdirmalar/qelebeden-sonra-sertlesme-kecid-trayektoriyasi", "", False),
    ("Officials report 38 killed as plane crashes in Kazakhstan",
     "https://example.org/world/2024/dec/25/kazakhstan-plane-crash-aktau-airlines-grozny-fog", "", False),
    ("Minister received an invitation to visit",
     "https://example.org/item/8306-news-digest-example-analyst-2003-8-8-art-8306.html", "Example Analyst", False),
    ("Tensions are rising. Why now?", "https://example.org/article/tensions-relations-627104d770071082be26", "",
     False),
])
def test_title_slug_disagreement(title, url, author, flagged):
    assert bool(subjects.title_slug_disagreement(title, url, author)) == flagged


def test_slug_is_the_last_path_segment_of_words():
    assert subjects.slug("https://example.org/russia-eurasia/politika/2025/07/some-long-slug?lang=en") == (
        "some long slug")
    assert subjects.slug("https://example.org/newsroom/top/101829/") == ""
    assert subjects.slug("https://example.org/uploads/State-Capacity-as-Power.pdf") == "State Capacity as Power"


def topics(*paragraphs: str) -> subjects.Topics:
    return subjects.Topics.of([(line, p) for line, p in enumerate(paragraphs, 1)])


def test_subject_mismatch_needs_evidence():
    crash = "В Казахстане у Актау упал самолёт, погибли 38 человек."
    raids = "Полиция провела обыски в офисах агентства."
    title, url = "Plane crashes near Aktau in Kazakhstan, 38 killed", "https://example.org/plane-crash-aktau"
    tp = topics(crash, raids)
    assert "fit the paragraph on line 1" in subjects.subject_mismatch(title, url, 2, raids, tp, False)
    assert subjects.subject_mismatch(title, url, 1, crash, tp, False) == ""
    lone = topics(raids)
    assert subjects.subject_mismatch(title, url, 1, raids, lone, False) == ""  # no evidence: silent
    assert "dated against the text" in subjects.subject_mismatch(title, url, 1, raids, lone, True)


def test_a_theme_term_tells_no_subject_apart():
    paragraphs = [f"Абзац {k} об авторитарных режимах." for k in range(8)] + ["Другой абзац."]
    tp = topics(*paragraphs)
    assert "avtor" in tp.theme and "avtor" not in tp.paragraph(9)
