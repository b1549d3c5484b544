"""Folding and matching cited and listed names; the language of a listed title."""

from __future__ import annotations

import pytest

from khar_analysis.article import names


@pytest.mark.parametrize(("cited", "listed", "kind"), [
    ("Интерфакс", "Interfax", "exact"), ("Азербайджан", "Azərbaycan", "exact"), ("SIPRI", "SİPRİ", "exact"),
    ("ODIHR", "OSCE/ODIHR", "part"), ("CSCE", "Commission on Security and Cooperation in Europe", "acronym"),
    ("President Az", "President of the Republic of Azerbaijan", "leading_words"), ("МИД", "Ministry of Foreign Affairs",
                                                                                   "alias"),
    ("Landwall", "Lindvall", "spelling"), ("Reuters", "Associated Press", None), ("AP", "AA", None),
])
def test_match_name(cited, listed, kind):
    assert names.match_name(cited, listed) == kind


@pytest.mark.parametrize(("title", "lang"), [
    ("Qələbədən sonra yeni mərhələ", "az"), ("Tehlikeli Üçgen: Türkiye ve Ermenistan", "tr"),
    ("The Role of Drones in a War", "en"), ("Bringing the State Back İn. A Report on the State", "en"),
    ("Azerbaijan Elections", "en"), ("(No. 287/25)", "und"), ("Новая статья", "ru"), ("", "und"),
])
def test_title_language(title, lang):
    assert names.title_language(title) == lang
