"""Name folding: every agency spelling of a name folds to one key."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.names import TriggeredPattern, normalise, split_words


@pytest.mark.parametrize(
    "spellings",
    [
        ["al-Zahour", "Al Zahour", "el-Zahour", "Zahour", "ZAHOUR"],
        ["Zuhur", "Zohour", "al-Zuhour"],
        ["Hammam al-Alil", "Hamam al Alil", "Hammam Alil"],
        ["Kokjeli", "Kukjili", "Kokjely"],
        ["Ta'mim", "Ta‘mim", "Tamim", "al-Ta’mim"],
        ["Karamah", "Karama", "al-Karama"],
        ["Siha", "Sihha", "al-Sihha"],
        ["Intisar", "Intissar", "Entisar"],
    ],
)
def test_spellings_of_one_name_fold_together(spellings):
    assert len({normalise(s) for s in spellings}) == 1


def test_different_names_stay_apart():
    assert normalise("Baghdad") != normalise("Baghdadi")
    assert normalise("Siha") != normalise("Sahat")


def test_a_possessive_is_not_part_of_the_name():
    assert normalise("Kokjeli district's") == normalise("Kokjeli district")


def test_arabic_names_drop_diacritics_and_the_article():
    assert normalise("الْمَوْصِل") == normalise("موصل")


def test_a_name_that_is_only_an_article_survives():
    assert normalise("Al") == "al"


def test_split_words_gives_offsets_into_the_text():
    text = '"Iraqi forces, al-Zahour’s Ta‘mim.'
    words, offsets = split_words(text)
    assert words == ["Iraqi", "forces", "al", "Zahour’s", "Ta‘mim"]
    assert [text[offsets[2 * i] : offsets[2 * i + 1]] for i in range(len(words))] == words


@given(st.text(max_size=80))
def test_split_words_offsets_hold_for_any_text(text):
    words, offsets = split_words(text)
    assert [text[offsets[2 * i] : offsets[2 * i + 1]] for i in range(len(words))] == words


@given(st.text(alphabet="ab cd-,.", max_size=60))
def test_triggered_pattern_finds_what_finditer_finds(text):
    pattern = re.compile(r"\b(?:ab\s+cd|ab|cd-?c)", re.IGNORECASE)
    fast = TriggeredPattern(pattern, ["ab", "cd"])
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in pattern.finditer(text)]
