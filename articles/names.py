"""Name normalisation: fold the many English spellings of an Arabic name to one key (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from itertools import accumulate

import ahocorasick

# ‘ayn and hamza marks as agencies type them; they may sit inside a word ("Ta'mim", "Ba‘aj").
_AYN_MARKS = "`'‘’ʿʾ´"
_AYN = str.maketrans("", "", _AYN_MARKS)
_ARABIC_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
# Articles drop out wherever they stand: "al-Zahour", "Hammam al-Alil", "as-Salam".
ARTICLES = frozenset("al el az as ad an ar at ash ath adh um umm".split())
_DOUBLED = re.compile(r"([a-z])\1+")
_POSSESSIVE = re.compile(r"[’'‘]s$", re.IGNORECASE)
# A word: letters/digits with ‘ayn marks and Arabic diacritics inside (a mark only where a letter
# follows it); split keeps separators, so offsets come from the lengths of the pieces without a
# Python loop over characters. Runs of letters are single-class repeats, the fast path of `re`.
_WORD_SPLIT = re.compile(
    "((?:[^\\W_]|[\u064b-\u065f\u0670\u0640])[\\w\u064b-\u065f\u0670\u0640]*"
    "(?:[`'‘’ʿʾ´]\\w[\\w\u064b-\u065f\u0670\u0640]*)*)"
)
# The same on ASCII text, where classes of plain ranges are cheaper than Unicode categories.
_ASCII_WORD_SPLIT = re.compile("([A-Za-z0-9][A-Za-z0-9_]*(?:[`'][A-Za-z0-9_]+)*)")


def _fold_latin_word(word: str) -> str:
    word = _DOUBLED.sub(r"\1", word)
    word = word.replace("ou", "u").replace("o", "u").replace("e", "i")
    if len(word) > 3 and word.endswith("h"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("y"):
        word = word[:-1] + "i"  # "Kokjely", "Kokjeli"
    return word


def fold_word(word: str) -> str:
    """Fold one word; an article folds to the empty string."""
    word = _POSSESSIVE.sub("", word)
    if not word.isascii():
        word = unicodedata.normalize("NFKD", word)
        word = "".join(ch for ch in word if not unicodedata.combining(ch))
    word = word.translate(_AYN).lower()
    if word in ARTICLES:
        return ""
    if word.isascii():
        return _fold_latin_word(word)
    word = _ARABIC_DIACRITICS.sub("", word).translate(_ARABIC_FOLD)
    # The Arabic article is written joined to its noun: الموصل and موصل are one name.
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


def split_words(text: str) -> tuple[list[str], list[int]]:
    """The words of `text` and their offsets: word i spans offsets[2i]..offsets[2i+1]."""
    parts = (_ASCII_WORD_SPLIT if text.isascii() else _WORD_SPLIT).split(text)
    offsets = [0, *accumulate(map(len, parts))]
    return parts[1::2], offsets[1:-1]


def normalise(text: str) -> str:
    """Fold a name to its matching key: lower case, no accents, articles, hyphens or ‘ayn marks."""
    words, _ = split_words(text)
    folded = [fold_word(w) for w in words]
    kept = [f for f in folded if f]
    if not kept:
        # A name that is only an article ("Al") keeps it rather than vanishing.
        kept = [w.lower() for w in words]
    return " ".join(kept)


# Characters that `re.IGNORECASE` matches to an ASCII letter but str.lower() does not fold to one
# (or folds to two characters): where they occur, the trigger search could miss a match.
_ODD_CASE = re.compile("[\u0130\u0131\u017f\u212a]")


class TriggeredPattern:
    """A regex tried only where one of its trigger stems starts: a cheap finditer.

    With `word_start` (the default) a stem counts only at the start of a word, for patterns whose
    every branch begins with \\b; without it, anywhere.
    """

    def __init__(
        self, pattern: re.Pattern[str], triggers: Iterable[str], *, word_start: bool = True
    ) -> None:
        self.pattern = pattern
        self.word_start = word_start
        self._automaton = ahocorasick.Automaton()
        for stem in triggers:
            self._automaton.add_word(stem.lower(), len(stem))
        self._automaton.make_automaton()

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Non-overlapping matches, left to right, as pattern.finditer would find them."""
        lower = text.lower()
        # A case fold that changed lengths would shift offsets; odd case pairs would hide stems.
        if len(lower) != len(text) or (not text.isascii() and _ODD_CASE.search(text)):
            yield from self.pattern.finditer(text)
            return
        starts = {end - n + 1 for end, n in self._automaton.iter(lower)}
        if not starts:
            return
        match = self.pattern.match
        word_start = self.word_start
        free = 0
        for start in sorted(starts):
            if start < free or (word_start and start and lower[start - 1].isalnum()):
                continue
            m = match(text, start)
            if m:
                free = m.end()
                yield m

    def search(self, text: str) -> re.Match[str] | None:
        """The first match, as pattern.search would find it."""
        return next(self.finditer(text), None)
