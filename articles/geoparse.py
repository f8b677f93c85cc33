"""Find the places a report names, what it says of the front line there and on which day (pure).

One Aho-Corasick pass over the report's folded words finds every gazetteer name; the status and
date rules then run only on the sentences that hold a match. Offsets of a mention are into the
text of its section: the headline, the body (paragraphs joined by blank lines), or, for a
related headline, that headline's own text (its `sentence` is the headline, which tells them apart).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress

from articles import dates, status
from articles.candidates import (
    Candidate,
    Scan,
    accept_confirmed,
    bank_in,
    find_candidates,
    find_unresolved,
)
from articles.names import ARTICLES, fold_word, normalise, split_words

try:
    import ahocorasick
except ImportError as exc:  # pragma: no cover - a declared dependency
    raise ImportError("pyahocorasick is required for geoparsing") from exc

# Country- and region-level names are not front-line places: they are matched (so that they
# consume their words) but never output, except a region inside a city ("east Mosul"), which
# counts as a mention of that city.
AREA_KINDS = frozenset({"country", "region"})
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(]?[A-Z0-9])|\n\s*\n")
_PARAGRAPH = re.compile(r"\n\s*\n")
_ABBREVIATIONS = frozenset(
    "gen lt maj col brig capt sgt mr mrs ms dr st no jan feb mar apr aug sep sept oct nov dec "
    "u.s u.n vs etc".split()
)
_QUOTES = frozenset('"“”')
_SECTION_RANK = {"title": 1, "body": 1, "related": 0}
_PRECISION_RANK = {dates.STATED: 2, dates.RELATIVE: 1, dates.PUBLICATION: 0}


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One spelling of one gazetteer place, with what the matcher needs to know of the place."""

    alias: str
    place_key: str
    name: str
    kind: str
    parent_key: str | None
    bank: str
    common_word: bool
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    """A gazetteer place as the matcher sees it."""

    key: str
    name: str
    kind: str
    parent_key: str | None
    bank: str
    common_word: bool
    lat: float
    lon: float


@dataclass(slots=True)
class FoundMention:
    """A place named in a report, with the status and event date its sentence gives it."""

    place_key: str | None
    parent_key: str | None
    surface: str
    normalised: str
    section: str
    start: int
    end: int
    sentence: str
    status: str
    event_date: dt.date
    date_precision: str
    confidence: float
    is_primary: bool = False


class Matcher:
    """All gazetteer names in one automaton over folded words."""

    def __init__(
        self,
        entries: Iterable[NameEntry],
        *,
        bank_areas: dict[str, str] | None = None,
        default_parent: str = "mosul",
    ) -> None:
        self.places: dict[str, PlaceInfo] = {}
        keys_by_name: dict[str, list[str]] = {}
        for e in entries:
            self.places.setdefault(
                e.place_key,
                PlaceInfo(
                    e.place_key,
                    e.name,
                    e.kind,
                    e.parent_key or None,
                    e.bank or "",
                    e.common_word,
                    e.lat,
                    e.lon,
                ),
            )
            folded = normalise(e.alias)
            if folded and e.place_key not in keys_by_name.setdefault(folded, []):
                keys_by_name[folded].append(e.place_key)
        self.bank_areas = (
            bank_areas
            if bank_areas is not None
            else {
                "east": "east-mosul",
                "west": "west-mosul",
            }
        )
        self.default_parent = default_parent
        self.names = frozenset(keys_by_name)
        self._automaton = ahocorasick.Automaton()
        for folded, keys in keys_by_name.items():
            self._automaton.add_word(folded, (folded, tuple(keys)))
        if keys_by_name:
            self._automaton.make_automaton()
        self._fold_cache: dict[str, str] = {}
        # Per name (its tuple of place keys): what candidates.find_candidates derives from places.
        self.hit_cache: dict[tuple[str, ...], tuple | None] = {}
        home = self.places.get(default_parent)
        self.home = (home.lat, home.lon) if home else (36.34, 43.13)

    def scan(self, text: str) -> Scan:
        """Split `text` into words and find every gazetteer name on word boundaries."""
        words, offsets = split_words(text)
        cache = self._fold_cache
        folded = list(map(cache.get, words))
        if None in folded:
            for i, f in enumerate(folded):
                if f is None:
                    folded[i] = cache[words[i]] = fold_word(words[i])
        hits: list[tuple[int, int, str, tuple[str, ...]]] = []
        if self.names:
            kept = list(compress(range(len(folded)), folded))
            norm_text = " ".join(compress(folded, folded))
            size = len(norm_text)
            for end_idx, (name, keys) in self._automaton.iter(norm_text):
                begin = end_idx - len(name) + 1
                if (begin and norm_text[begin - 1] != " ") or (
                    end_idx + 1 < size and norm_text[end_idx + 1] != " "
                ):
                    continue
                first = norm_text.count(" ", 0, begin)
                hits.append((kept[first], kept[first + name.count(" ")], name, keys))
        # Leftmost-longest, without overlaps: "Mosul al-Jadida" beats "Mosul".
        hits.sort(key=lambda h: (h[0], -h[1]))
        chosen = []
        next_free = 0
        for hit in hits:
            if hit[0] >= next_free:
                chosen.append(hit)
                next_free = hit[1] + 1
        return Scan(text, words, offsets, folded, chosen)


class _Section:
    """A section's text with its sentence and paragraph boundaries, computed once."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        if name == "body":
            bounds = [0]
            for m in _SENTENCE_END.finditer(text):
                end = m.start()
                if text[end] == "." and _word_before(text, end).rstrip(".") in _ABBREVIATIONS:
                    continue
                bounds.append(m.end())
            self.sentence_starts = bounds
            self.paragraph_starts = [0] + [m.end() for m in _PARAGRAPH.finditer(text)]
        else:
            self.sentence_starts = [0]
            self.paragraph_starts = [0]

    def sentence_span(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.sentence_starts, pos) - 1
        start = self.sentence_starts[i]
        end = self.sentence_starts[i + 1] if i + 1 < len(self.sentence_starts) else len(self.text)
        return start, end

    def previous_paragraph(self, pos: int) -> str:
        i = bisect_right(self.paragraph_starts, pos) - 1
        if i == 0:
            return ""
        return self.text[self.paragraph_starts[i - 1] : self.paragraph_starts[i]]

    def paragraph_starts_with_quote(self, pos: int) -> bool:
        i = bisect_right(self.paragraph_starts, pos) - 1
        head = self.text[self.paragraph_starts[i] : self.paragraph_starts[i] + 3].lstrip()
        return bool(head) and head[0] in _QUOTES


def _word_before(text: str, end: int) -> str:
    """The last white-space-delimited word of text[:end], lower-cased; "" if there is none."""
    # A short window first: slicing the whole prefix at every full stop is quadratic in the body.
    lo = max(0, end - 16)
    window = text[lo:end]
    parts = window.rsplit(None, 1)
    if not lo or (parts and (len(parts) == 2 or window[0].isspace())):
        return parts[-1].lower() if parts else ""
    parts = text[:end].rsplit(None, 1)
    return parts[-1].lower() if parts else ""


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], (a[1] - b[1]) * math.cos(math.radians(a[0])))


def _resolve(matcher: Matcher, cands: list[Candidate], section: _Section, bank: str) -> None:
    """Choose one place for each candidate whose name several places share."""
    if all(len(c.keys) <= 1 for c in cands):
        return
    sure = [c.keys[0] for c in cands if len(c.keys) == 1]
    context = set(sure) | {matcher.places[k].parent_key for k in sure}
    points = [
        (matcher.places[k].lat, matcher.places[k].lon)
        for k in sure
        if matcher.places[k].kind not in AREA_KINDS
    ]
    centre = (
        (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
        if points
        else matcher.home
    )
    for c in cands:
        if len(c.keys) <= 1:
            continue
        sentence_bank = c.bank or bank

        def score(key: str, sentence_bank: str = sentence_bank) -> tuple[int, int, float]:
            place = matcher.places[key]
            return (
                int(bool(sentence_bank) and place.bank == sentence_bank),
                int(place.parent_key in context or key in context),
                -_distance((place.lat, place.lon), centre),
            )

        c.keys = (max(c.keys, key=score),)
        c.confidence *= 0.8


def _mentions_in(
    matcher: Matcher, section: _Section, cands: list[Candidate], published: dt.date
) -> list[FoundMention]:
    found: list[FoundMention] = []
    per_sentence: dict[int, tuple] = {}
    text = section.text
    is_body = section.name == "body"
    for c in cands:
        s_start, s_end = section.sentence_span(c.start)
        info = per_sentence.get(s_start)
        if info is None:
            sentence = text[s_start:s_end]
            cues = status.find_cues(sentence)
            info = per_sentence[s_start] = (
                sentence,
                sentence.strip(),
                cues,
                # With one cue or none the clause does not matter: skip the scan for breaks.
                status.clause_breaks(sentence) if len(cues) > 1 else [],
                dates.find_dates(sentence, published),
            )
        sentence, stripped, cues, breaks, found_dates = info
        a, b = c.start - s_start, c.end - s_start
        claim = status.status_for(sentence, cues, breaks, a, b)
        when = dates.nearest_date(found_dates, a, b)
        if (
            when is None
            and is_body
            and (section.paragraph_starts_with_quote(c.start) or not _QUOTES.isdisjoint(sentence))
        ):
            # A quote carries the date of its attribution in the paragraph before it.
            when = dates.attribution_date(section.previous_paragraph(c.start), published)
        found.append(
            FoundMention(
                c.keys[0] if c.keys else None,
                c.parent_key,
                text[c.start : c.end],
                c.normalised,
                section.name,
                c.start,
                c.end,
                stripped,
                claim,
                when.date if when else published,
                when.precision if when else dates.PUBLICATION,
                round(c.confidence, 3),
            )
        )
    return found


def _mark_primary(mentions: list[FoundMention]) -> None:
    best: dict[tuple, tuple] = {}
    for n, m in enumerate(mentions):
        key = (m.place_key,) if m.place_key else (None, m.normalised)
        rank = (
            _SECTION_RANK[m.section],
            status.STATUS_RANK[m.status],
            _PRECISION_RANK[m.date_precision],
            -n,
        )
        if key not in best or rank > best[key][0]:
            best[key] = (rank, m)
    for _, m in best.values():
        m.is_primary = True


def geoparse(
    title: str, body: str, related_titles: list[str], published: dt.date, matcher: Matcher
) -> list[FoundMention]:
    """Every place mention in a report: headline, then body, then related headlines."""
    title_s, body_s = _Section("title", title), _Section("body", body)
    scans = [(title_s, matcher.scan(title)), (body_s, matcher.scan(body))]
    # One sense per report: a common-word name confirmed by a cue in the headline or body
    # counts wherever the headline or body names it again.
    confirmed: set[str] = set()
    found = [find_candidates(matcher, sec, scan, confirmed) for sec, scan in scans]
    per_section = [accept_confirmed(acc, pend, confirmed) for acc, pend in found]
    bank = _report_bank(matcher, title + "\n" + body, per_section)
    mentions: list[FoundMention] = []
    for (sec, scan), cands in zip(scans, per_section, strict=True):
        if sec.name == "body":
            cands = sorted(cands + find_unresolved(matcher, sec, scan, bank), key=lambda c: c.start)
        _resolve(matcher, cands, sec, bank)
        mentions.extend(_mentions_in(matcher, sec, cands, published))
    for headline in related_titles:
        sec = _Section("related", headline)
        own: set[str] = set()
        cands = accept_confirmed(*find_candidates(matcher, sec, matcher.scan(headline), own), own)
        _resolve(matcher, cands, sec, "")
        for c in cands:
            c.confidence *= 0.9
        mentions.extend(_mentions_in(matcher, sec, cands, published))
    _container_is_not_the_event(matcher, mentions)
    _mark_primary(mentions)
    return mentions


def _container_is_not_the_event(matcher: Matcher, mentions: list[FoundMention]) -> None:
    """A city named as the container of a district ("Intisar, eastern Mosul") is only mentioned.

    The sentence's claim is about the district; the city as a whole did not change hands.
    """
    containers: dict[tuple[str, str], set[str]] = {}
    for m in mentions:
        key = matcher.places[m.place_key].parent_key if m.place_key else m.parent_key
        while key and key in matcher.places:
            containers.setdefault((m.section, m.sentence), set()).add(key)
            key = matcher.places[key].parent_key
    for m in mentions:
        if m.place_key and m.place_key in containers.get((m.section, m.sentence), ()):
            m.status = status.MENTIONED


def _report_bank(matcher: Matcher, text: str, per_section: list[list[Candidate]]) -> str:
    """The bank a report is about, when it names one side of the river and not the other."""
    banks = {bank_in(text, whole=True)} - {""}
    if not banks:
        banks = {
            matcher.places[c.keys[0]].bank
            for cands in per_section
            for c in cands
            if len(c.keys) == 1
        } - {""}
    return banks.pop() if len(banks) == 1 else ""


__all__ = ["ARTICLES", "FoundMention", "Matcher", "NameEntry", "PlaceInfo", "geoparse"]
