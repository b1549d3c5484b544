"""The article's structure, its dates and quotes by location: the real article and small made-up texts."""

from __future__ import annotations

import pytest

from khar_analysis.article import text as article
from khar_analysis.core.layout_checks import UnknownLayoutError


@pytest.fixture(scope="module")
def lines(lay):
    return article.lines(lay)


@pytest.mark.integration
def test_structure_of_the_real_article(lines):
    st = article.structure(lines)
    assert st.dateline == 1
    assert st.title_lines == (3, 5)
    assert [s.line for s in st.sections] == [9, 25, 29, 45, 73, 103]
    assert st.sections[0].title == "Введение" and st.sections[-1].title == "Заключение"
    assert (st.references.title, st.references.line, st.references.last) == ("Источники", 113, len(lines))
    assert len(st.paragraphs) == 45
    assert all(9 < p.line < 113 for p in st.paragraphs)


@pytest.mark.integration
def test_outline_shows_headings_cut_short(lines):
    table = article.outline(article.structure(lines))
    assert list(table["part"][:2]) == ["dateline", "title"]
    assert table["part"].str.split().str.len().max() <= 5  # four words and an ellipsis
    assert table["paragraphs"].sum() == 45


def made_up(*body: str, heading: str = "Источники") -> list[str]:
    out = ["3 мар 2025", "", "Заголовок для проверки", "", "Введение", ""]
    for p in body:
        out += [p, ""]
    return [*out, heading, "", "Doe, Jane, 2020. A title. https://example.org/a"]


def test_structure_of_a_made_up_text():
    st = article.structure(made_up("Первый абзац текста.", "Второй абзац текста."))
    assert (st.dateline, st.title_lines, [s.line for s in st.sections]) == (1, (3,), [5])
    assert [p.line for p in st.paragraphs] == [7, 9]


def test_a_text_without_a_source_list_fails_clearly():
    with pytest.raises(UnknownLayoutError, match="source-list heading"):
        article.structure(made_up("Абзац.", heading="Примечания"))


def test_a_second_source_list_heading_is_not_a_section():
    text = made_up("Абзац.")
    st = article.structure([*text, "", "Источники", "", "Doe, Jane, 2021. B. https://example.org/b"])
    assert st.references.line == 9 and [s.line for s in st.sections] == [5]


@pytest.mark.parametrize(("text", "expected"), [
    ("за 22 февраля 2022 года", [("2022-02-22", "day")]),
    ("в декабре 2024 года и в июне 2025 года", [("2024-12", "month"), ("2025-06", "month")]),
    ("январь 2026 года", [("2026-01", "month")]),
    ("в 2011–2020 годах", [("2011/2020", "range")]),
    ("в 2024 году погибли 38 человек", [("2024", "year")]),
    ("38 2024", [("2024", "year")]),
    ("ODIHR, 2024a", [("2024", "year")]),
    ("страница 1500 и 99 человек", []),
])
def test_dates(text, expected):
    assert [(d.iso(), d.precision) for d in article.dates(text)] == expected


def test_date_suffix_and_offsets():
    (d,) = article.dates("(ODIHR, 2024b)")
    assert (d.suffix, d.text, d.start) == ("b", "2024b", 8)


@pytest.mark.parametrize(("word", "month"), [
    ("января", 1), ("январь", 1), ("январе", 1), ("мая", 5), ("март", 3), ("марте", 3), ("yanvar", 1),
    ("avqust", 8), ("Dec", 12), ("september", 9), ("kasım", 11), ("войны", None), ("май2", None),
])
def test_month_number(word, month):
    assert article.month_number(word) == month


def test_sentence_spans_agree_with_sentences():
    text = "Первое предложение (Doe, 2020). Второе? Третье «цитата». Четвёртое."
    assert [text[a:b].strip() for a, b in article.sentence_spans(text)] == article.sentences(text)


@pytest.mark.integration
def test_quote_by_location(lines):
    assert "четвёртое место" in article.quote(53, ["четвёртое место", "SIPRI, 2021"])
    with pytest.raises(article.AnchorError, match="not on article line 52"):
        article.quote(52, ["четвёртое место"])
    with pytest.raises(article.AnchorError, match="outside the article"):
        article.quote(len(lines) + 1, [])


# --- an English text --------------------------------------------------------------------------------

ENGLISH = ["3 March 2025", "", "A Title for Testing", "", "Introduction", "",
           "Mr. Smith arrived on February 22, 2022. The U.S. envoy left in Dec. 2024 (Doe, 2024). Then what?", "",
           "Conclusion", "", "A closing paragraph written in 2011–2020 terms.", "",
           "References", "", "Doe, Jane, 2024. A title. https://example.org/a"]


def test_structure_of_an_english_text():
    st = article.structure(ENGLISH, lang="en")
    assert (st.dateline, st.title_lines, [s.title for s in st.sections]) == (1, (3,), ["Introduction", "Conclusion"])
    assert (st.references.title, st.references.line) == ("References", 13)
    assert [p.line for p in st.paragraphs] == [7, 11]


def test_a_russian_heading_does_not_open_an_english_source_list():
    with pytest.raises(UnknownLayoutError, match="source-list heading"):
        article.structure([*ENGLISH[:12], "Источники", "", ENGLISH[-1]], lang="en")


def test_english_sentences_keep_titles_and_initialisms_whole():
    text = ENGLISH[6]
    assert article.sentences(text, "en") == [
        "Mr. Smith arrived on February 22, 2022.", "The U.S. envoy left in Dec. 2024 (Doe, 2024).", "Then what?"]
    assert [text[a:b].strip() for a, b in article.sentence_spans(text, "en")] == article.sentences(text, "en")


def test_english_dates():
    got = [(d.iso(), d.precision) for d in article.dates(ENGLISH[6] + " " + ENGLISH[10], "en")]
    assert got == [("2022-02-22", "day"), ("2024-12", "month"), ("2024", "year"), ("2011/2020", "range")]
    assert [d.iso() for d in article.dates("on 22 February 2022 and in May 2025", "en")] == ["2022-02-22", "2025-05"]


def test_english_month_names():
    assert [article.month_number(w, "en") for w in ("January", "sept.", "Dec", "yanvar", "января")] == [
        1, 9, 12, None, None]


def test_quote_from_an_english_text_by_line_and_anchors():
    assert article.quote(7, ["envoy", "Doe, 2024"], all_lines=ENGLISH, lang="en") == (
        "The U.S. envoy left in Dec. 2024 (Doe, 2024).")
    with pytest.raises(article.AnchorError, match="not on article line 11"):
        article.quote(11, ["envoy"], all_lines=ENGLISH, lang="en")
