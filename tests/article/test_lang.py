"""Language modules: one interface, picked by the article's manifest record."""

from __future__ import annotations

import dataclasses

import pytest

from khar_analysis.article import lang


@pytest.mark.parametrize("code", lang.CODES)
def test_every_language_module_fills_the_whole_interface(code):
    language = lang.get(code)
    assert language.code == code
    for f in dataclasses.fields(lang.Language):
        value = getattr(language, f.name)
        assert value is not None, f"{code}: {f.name}"
    assert set(language.months) == set(range(1, 13))
    assert language.reference_headings and language.numbers.cardinals


def test_the_article_declares_its_language_in_the_manifest(lay):
    assert lang.of_source("article", lay) is lang.get("ru")
    assert lang.resolve(None, lay).code == "ru" and lang.resolve("en").code == "en"


def test_an_unknown_language_fails():
    with pytest.raises(ValueError, match="no language module for 'fr'"):
        lang.get("fr")


def test_russian_reads_the_source_lists_foreign_months_and_english_does_not():
    assert lang.get("ru").month_number("yanvar") == 1 and lang.get("ru").month_number("мае") == 5
    assert lang.get("en").month_number("yanvar") is None and lang.get("en").month_number("May") == 5
