"""Name folding: every agency spelling of a name folds to one key."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.names import (
    TriggeredPattern,
    fold_word,
    normalise,
    prefix_patterns,
    split_parts,
    split_words,
)
from articles.status import _CUES, _CUES_BY_PREFIX, _TRIGGERS, CUE_FINDER

WHOLE_CUES = TriggeredPattern(_CUES, _TRIGGERS)
EVALUATION = Path(__file__).parent / "data" / "evaluation" / "reports.json"


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
        # The diphthong inside a word: ai, ay, ei, ey.
        ["Albu Saif", "Albu Seif", "Albu Sayf"],
        ["Maidan", "Meydan", "Maydan", "Midan", "al-Maydan"],
    ],
)
def test_spellings_of_one_name_fold_together(spellings):
    assert len({normalise(s) for s in spellings}) == 1


def test_different_names_stay_apart():
    assert normalise("Baghdad") != normalise("Baghdadi")
    assert normalise("Siha") != normalise("Sahat")
    # A diphthong that opens a word keeps it apart from the word without one.
    assert normalise("Ain Sifni") != normalise("in Sifni")


def test_a_possessive_is_not_part_of_the_name():
    assert normalise("Kokjeli district's") == normalise("Kokjeli district")


def test_an_accent_typed_for_an_apostrophe_folds_like_one():
    # NFKD spells "´" as a space and a combining accent: a space inside a folded word broke
    # the matcher's word count on a real report ("along Mosul´s frontlines").
    assert normalise("Mosul´s") == normalise("Mosul's") == "musul"
    assert normalise("Ta´mim") == normalise("Ta'mim")


@given(st.text(st.characters() | st.sampled_from("a´`'‘’ʿʾ¨˜é"), max_size=40))
def test_no_folded_word_holds_a_space(text):
    assert not any(" " in fold_word(word) for word in split_words(text)[0])


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


@pytest.mark.parametrize("width", [1, 2, 3])
@given(text=st.text(alphabet="ab cd-,.", max_size=60))
def test_prefix_patterns_find_what_the_whole_alternation_finds(width, text):
    groups = [
        ("one", [r"\bab\s+cd", r"\bcd-?c"]),
        ("two", [r"\b(?:ab|cd)", r"\b[Cc]+", r"\b(?:a(?:b-)?)?cd?\b", r"\bd{2,3}"]),
    ]
    full, by_prefix = prefix_patterns(groups, re.IGNORECASE, width)
    fast = TriggeredPattern(full, ["ab", "cd", "c", "a", "dd"], by_prefix=by_prefix)
    expected = [(m.span(), m.lastgroup) for m in full.finditer(text)]
    assert [(m.span(), m.lastgroup) for m in fast.finditer(text)] == expected


def test_prefix_patterns_keep_only_the_alternatives_a_text_can_begin():
    groups = [("one", [r"\bab\s+cd", r"\bcd-?c"]), ("two", [r"\b(?:ab|cd)", r"\b[Cc]+"])]
    _, by_prefix = prefix_patterns(groups, re.IGNORECASE)
    assert r"ab\s+cd" not in by_prefix["c"].pattern
    assert by_prefix["x"] is None  # no alternative begins with x: nothing to try
    _, by_two = prefix_patterns(groups, re.IGNORECASE, 2)
    assert by_two["ab"].pattern == r"(?P<one>\bab\s+cd)|(?P<two>\b(?:ab|cd))"
    assert by_two["cc"].pattern == r"(?P<two>\b[Cc]+)"
    assert by_two["cd"].pattern == r"(?P<one>\bcd-?c)|(?P<two>\b(?:ab|cd)|\b[Cc]+)"


def test_an_alternative_that_may_start_anywhere_is_kept_for_every_character():
    full, by_prefix = prefix_patterns([("g", [r"\bx", r"\w+y"])], 0)
    assert by_prefix["x"].pattern == full.pattern
    full, by_two = prefix_patterns([("g", [r"\bxy", r"x\w+y"])], 0, 2)
    assert by_two["xz"].pattern == "(?P<g>x\\w+y)"


CUE_WORDS = (
    "ISIS IS is held under the control Iraqi forces retook aim to liberate clearing in clashes "
    "last stronghold car bomb , . - 's air strikes"
).split()


@given(st.lists(st.sampled_from(CUE_WORDS), max_size=14))
def test_cue_rules_tried_by_first_character_match_as_the_whole_rules_do(words):
    sentence = " ".join(words)
    lower = sentence.lower()
    for start in range(len(sentence)):
        key = lower[start]
        if key in _CUES_BY_PREFIX:
            fast, full = _CUES_BY_PREFIX[key].match(sentence, start), _CUES.match(sentence, start)
            assert (fast and fast.span(), fast and fast.lastgroup) == (
                full and full.span(),
                full and full.lastgroup,
            )
    found = [(m.span(), m.lastgroup) for m in CUE_FINDER.matches(sentence)]
    assert found == [(m.span(), m.lastgroup) for m in WHOLE_CUES.finditer(sentence)]


@given(st.text(max_size=80))
def test_split_parts_alternate_separators_and_words(text):
    parts = split_parts(text)
    assert "".join(parts) == text
    assert parts[1::2] == split_words(text)[0]


def test_the_cue_rules_tried_at_their_trigger_stems_find_what_the_whole_rules_find():
    # On real report text: a rule whose first word has no stem in _TRIGGERS is never tried.
    reports = json.loads(EVALUATION.read_text(encoding="utf-8"))["reports"]
    sentences = [
        s
        for r in reports
        for s in re.split(r"(?<=[.!?])\s+|\n+", f"{r.get('title', '')}\n{r.get('body', '')}")
    ]
    assert len(sentences) > 3000
    for sentence in sentences:
        found = [(m.span(), m.lastgroup) for m in CUE_FINDER.matches(sentence)]
        assert found == [(m.span(), m.lastgroup) for m in _CUES.finditer(sentence)], sentence
