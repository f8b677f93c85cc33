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
_POSSESSIVE = re.compile(r"[’'‘´]s$", re.IGNORECASE)
# A word: letters/digits with ‘ayn marks and Arabic diacritics inside (a mark only where a letter
# follows it); split keeps separators, so offsets come from the lengths of the pieces without a
# Python loop over characters. Runs of letters are single-class repeats, the fast path of `re`.
# Possessive repeats: nothing follows them that could fail, so they never need to backtrack.
_WORD_SPLIT = re.compile(
    "((?:[^\\W_]|[\u064b-\u065f\u0670\u0640])[\\w\u064b-\u065f\u0670\u0640]*+"
    "(?:[`'‘’ʿʾ´]\\w[\\w\u064b-\u065f\u0670\u0640]*+)*+)"
)
# The same on ASCII text, where classes of plain ranges are cheaper than Unicode categories.
_ASCII_WORD_SPLIT = re.compile("([0-9A-Za-z][0-9A-Z_a-z]*+(?:[`'][0-9A-Z_a-z]++)*+)")


_DIPHTHONG = re.compile("a[iy]|i[iy]")


def _fold_latin_word(word: str) -> str:
    word = _DOUBLED.sub(r"\1", word)
    word = word.replace("ou", "u").replace("o", "u").replace("e", "i")
    if len(word) > 3:
        # The diphthong of "Saif", "Seif", "Sayf" and "Maidan", "Meydan", "Maydan", "Midan",
        # inside a word only: "Ain" at its start stays apart from "in".
        word = word[0] + _DIPHTHONG.sub("i", word[1:])
    if len(word) > 3 and word.endswith("h"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("y"):
        word = word[:-1] + "i"  # "Kokjely", "Kokjeli"
    return word


def fold_word(word: str) -> str:
    """Fold one word; an article folds to the empty string."""
    word = _POSSESSIVE.sub("", word)
    if not word.isascii():
        # Marks first: NFKD spells an acute accent typed as an apostrophe ("Mosul´s") as a
        # space and a combining accent, and a folded word holds no space.
        word = unicodedata.normalize("NFKD", word.translate(_AYN))
        word = "".join(ch for ch in word if not unicodedata.combining(ch) and not ch.isspace())
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
    parts = split_parts(text)
    offsets = list(accumulate(map(len, parts)))
    offsets.pop()
    return parts[1::2], offsets


def split_parts(text: str) -> list[str]:
    """`text` cut into separators and words, alternately, starting and ending with a separator."""
    return (_ASCII_WORD_SPLIT if text.isascii() else _WORD_SPLIT).split(text)


def fold_words(words: list[str], folds: dict[str, str]) -> list[str]:
    """fold_word of each word, through `folds`: a cache of it by word, filled as it goes."""
    try:
        return list(map(folds.__getitem__, words))
    except KeyError:  # a word not folded before
        for word in words:
            if word not in folds:
                folds[word] = fold_word(word)
        return list(map(folds.__getitem__, words))


def normalise(text: str, folds: dict[str, str] | None = None) -> str:
    """Fold a name to its matching key: lower case, no accents, articles, hyphens or ‘ayn marks.

    `folds`: a cache of fold_word by word (see fold_words), for a caller that folds many names.
    """
    words = split_parts(text)[1::2]
    folded = [fold_word(w) for w in words] if folds is None else fold_words(words, folds)
    kept = [f for f in folded if f]
    if not kept:
        # A name that is only an article ("Al") keeps it rather than vanishing.
        kept = [w.lower() for w in words]
    return " ".join(kept)


# Characters that `re.IGNORECASE` matches to an ASCII letter but str.lower() does not fold to one
# (or folds to two characters): where they occur, the trigger search could miss a match.
_ODD_CASE = re.compile("[\u0130\u0131\u017f\u212a]")


def _first_chars(items: list) -> tuple[set[str] | None, bool]:
    """The lower-cased characters a parsed regex can begin with (None: any), and if it can be empty.

    Conservative: whatever it does not know (a category, a negated class, a backreference) it
    answers with None, and a lookaround is skipped, which can only widen the answer.
    """
    from re import _constants as c

    chars: set[str] = set()
    for op, av in items:
        if op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL:
            return chars | {chr(av).lower()}, False
        if op is c.IN:
            for item_op, item in av:
                if item_op is c.LITERAL:
                    chars.add(chr(item).lower())
                elif item_op is c.RANGE and item[1] - item[0] < 128:
                    chars.update(chr(ch).lower() for ch in range(item[0], item[1] + 1))
                else:
                    return None, False
            return chars, False
        if op is c.BRANCH:
            nullable = False
            for branch in av[1]:
                first, empty = _first_chars(branch)
                if first is None:
                    return None, False
                chars |= first
                nullable = nullable or empty
            if not nullable:
                return chars, False
            continue
        if op is c.SUBPATTERN:
            first, empty = _first_chars(av[-1])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            first, empty = _first_chars(av[2])
            empty = empty or av[0] == 0
        else:
            return None, False
        if first is None:
            return None, False
        chars |= first
        if not empty:
            return chars, False
    return chars, True


def _prefixes(items: list, k: int) -> set[str] | None:
    """The lower-cased first `k` characters a parsed regex can begin with (None: unknown).

    A string shorter than `k` means the regex may stop there and anything may follow. Like
    _first_chars, conservative: a lookaround is skipped, what it does not know widens to None.
    """
    from re import _constants as c

    if k == 0 or not items:
        return {""}
    (op, av), rest = items[0], items[1:]
    if op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
        return _prefixes(rest, k)
    if op is c.BRANCH or op is c.SUBPATTERN:
        branches = av[1] if op is c.BRANCH else [av[-1]]
        found: set[str] = set()
        for branch in branches:
            more = _prefixes(list(branch) + rest, k)
            if more is None:
                return None
            found |= more
        return found if len(found) <= _MAX_PREFIXES else None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, high, sub = av
        if _first_chars(list(sub))[1]:
            return None  # a round that may match nothing
        rounds = [] if high == 0 else [list(sub) + [(op, (max(low - 1, 0), high - 1, sub))]]
        options = rounds + ([[]] if low == 0 else [])
        found = set()
        for option in options:
            more = _prefixes(option + rest, k)
            if more is None:
                return None
            found |= more
        return found if len(found) <= _MAX_PREFIXES else None
    heads, _ = _first_chars([(op, av)])
    if heads is None:
        return None
    tails = _prefixes(rest, k - 1)
    if tails is None:
        return heads
    found = {head + tail for head in heads for tail in tails}
    return found if len(found) <= _MAX_PREFIXES else None


_MAX_PREFIXES = 4096


class PrefixPatterns(dict):
    """Per text prefix of `width` lower-cased characters, the alternation of named groups with
    only the alternatives that can begin with it, in the same order (None: none can); made
    the first time a prefix is asked for."""

    def __init__(self, alternatives: list[tuple[str, str, set[str] | None]], flags: int,
                 width: int) -> None:
        super().__init__()
        self._alternatives = alternatives
        self._flags = flags
        self.width = width

    def __missing__(self, key: str) -> re.Pattern[str] | None:
        kept: dict[str, list[str]] = {}
        for name, alt, starts in self._alternatives:
            if starts is None or any(s.startswith(key) or key.startswith(s) for s in starts):
                kept.setdefault(name, []).append(alt)
        pattern = (
            re.compile(
                "|".join(f"(?P<{name}>{'|'.join(alts)})" for name, alts in kept.items()),
                self._flags,
            )
            if kept
            else None
        )
        self[key] = pattern
        return pattern


def prefix_patterns(
    groups: list[tuple[str, list[str]]], flags: int, width: int = 1
) -> tuple[re.Pattern[str], PrefixPatterns]:
    """One alternation of named groups of alternatives, and per first `width` characters the same
    alternation with only the alternatives that can begin with them, in the same order.

    At a given position an alternation's match is that of its first alternative that matches;
    dropping alternatives that cannot begin with the characters there changes nothing, and
    spares the regex engine trying them.
    """
    from re import _parser

    full = re.compile("|".join(f"(?P<{name}>{'|'.join(alts)})" for name, alts in groups), flags)
    alternatives = [
        (name, alt, _prefixes(list(_parser.parse(alt, flags)), width))
        for name, alts in groups
        for alt in alts
    ]
    return full, PrefixPatterns(alternatives, flags, width)


def lower_keeps_offsets(text: str, lower: str) -> bool:
    """`lower` (text.lower()) lines up with `text` and hides no stem IGNORECASE would match."""
    # A case fold that changed lengths would shift offsets; odd case pairs would hide stems.
    return len(lower) == len(text) and (text.isascii() or not _ODD_CASE.search(text))


class TriggeredPattern:
    """A regex tried only where one of its trigger stems starts: a cheap finditer.

    With `word_start` (the default) a stem counts only at the start of a word, for patterns whose
    every branch begins with \\b; without it, anywhere. With `by_prefix` (from prefix_patterns),
    the regex tried at a stem is the one for the (lower-cased) characters the stem begins with.
    """

    # Up to this many stems, str.find looks for them: a pass of the automaton costs more.
    _FEW_STEMS = 6

    def __init__(
        self,
        pattern: re.Pattern[str],
        triggers: Iterable[str],
        *,
        word_start: bool = True,
        by_prefix: PrefixPatterns | None = None,
    ) -> None:
        self.pattern = pattern
        self.word_start = word_start
        if by_prefix is None:  # the whole pattern wherever a stem starts: no characters looked at
            by_prefix = PrefixPatterns([], pattern.flags, 0)
            by_prefix[""] = pattern
        self._by_prefix = by_prefix
        self.stems = tuple(dict.fromkeys(stem.lower() for stem in triggers))
        self._automaton = ahocorasick.Automaton()
        for stem in self.stems:
            self._automaton.add_word(stem, len(stem) - 1)
        self._automaton.make_automaton()

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Non-overlapping matches, left to right, as pattern.finditer would find them."""
        return iter(self.matches(text))

    def matches(
        self, text: str, first_only: bool = False, lower: str | None = None
    ) -> list[re.Match[str]]:
        """The matches of finditer as a list (only the first with `first_only`): the hot path.

        `lower` is text.lower(), for a caller that has it already.
        """
        if lower is None:
            lower = text.lower()
        if not lower_keeps_offsets(text, lower):
            if first_only:
                m = self.pattern.search(text)
                return [m] if m else []
            return list(self.pattern.finditer(text))
        return self.matches_at(text, lower, self.stem_starts(lower), first_only)

    def stem_starts(self, lower: str) -> set[int]:
        """Where a stem starts in `lower`, a lower-cased text."""
        return set(self._each_stem(lower))

    def matches_at(
        self, text: str, lower: str, starts: set[int], first_only: bool = False
    ) -> list[re.Match[str]]:
        """The matches of `matches`, given text.lower() (see lower_keeps_offsets) and stem_starts.

        For a caller that finds the stems of several patterns in one pass (StemIndex).
        """
        found: list[re.Match[str]] = []
        if not starts:
            return found
        by_prefix = self._by_prefix
        width = by_prefix.width
        word_start = self.word_start
        free = 0
        for start in sorted(starts) if len(starts) > 1 else starts:
            if start < free or (word_start and start and lower[start - 1].isalnum()):
                continue
            pattern = by_prefix[lower[start : start + width]]
            m = pattern.match(text, start) if pattern is not None else None
            if m:
                found.append(m)
                if first_only:
                    break
                free = m.end()
        return found

    def search(self, text: str, lower: str | None = None) -> re.Match[str] | None:
        """The first match, as pattern.search would find it (`lower` as for matches)."""
        found = self.matches(text, True, lower)
        return found[0] if found else None

    def found_in(self, text: str, lower: str | None = None) -> bool:
        """Whether pattern.search would find a match (`lower` as for matches).

        Cheaper than search: any match will do, so stems are tried as they are found.
        """
        if lower is None:
            lower = text.lower()
        if not lower_keeps_offsets(text, lower):
            return self.pattern.search(text) is not None
        by_prefix = self._by_prefix
        width = by_prefix.width
        word_start = self.word_start
        for start in self._each_stem(lower):
            if word_start and start and lower[start - 1].isalnum():
                continue
            pattern = by_prefix[lower[start : start + width]]
            if pattern is not None and pattern.match(text, start):
                return True
        return False

    def _each_stem(self, lower: str) -> Iterator[int]:
        """Where stems start in `lower`, in no particular order, a start perhaps twice."""
        if len(self.stems) > self._FEW_STEMS:
            for end, n in self._automaton.iter(lower):
                yield end - n
            return
        for stem in self.stems:
            at = lower.find(stem)
            while at >= 0:
                yield at
                at = lower.find(stem, at + 1)


class StemIndex:
    """The trigger stems of several TriggeredPatterns, found in one automaton pass over a text."""

    def __init__(self, *patterns: TriggeredPattern) -> None:
        owners: dict[str, list[int]] = {}
        for i, pattern in enumerate(patterns):
            for stem in pattern.stems:
                owners.setdefault(stem, []).append(i)
        self._count = len(patterns)
        self._automaton = ahocorasick.Automaton()
        for stem, which in owners.items():
            self._automaton.add_word(stem, (len(stem) - 1, tuple(which)))
        self._automaton.make_automaton()

    def stem_starts(self, lower: str) -> list[set[int]]:
        """Per pattern, what its stem_starts would give on `lower`."""
        found: list[set[int]] = [set() for _ in range(self._count)]
        for end, (n, which) in self._automaton.iter(lower):
            for i in which:
                found[i].add(end - n)
        return found
