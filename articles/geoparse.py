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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from itertools import compress
from operator import attrgetter
from typing import Literal, NamedTuple

from articles import dates, status
from articles.candidates import (
    Candidate,
    Scan,
    accept_confirmed,
    bank_in,
    find_candidates,
    mend_misspellings,
    with_unresolved,
)
from articles.names import (
    ARTICLES,
    StemIndex,
    fold_words,
    lower_keeps_offsets,
    normalise,
    split_parts,
)
from articles.summary import SummaryModel, shipped_model, summarise

try:
    import ahocorasick
except ImportError as exc:  # pragma: no cover - a declared dependency
    raise ImportError("pyahocorasick is required for geoparsing") from exc

# Country- and region-level names are not front-line places: they are matched (so that they
# consume their words) but never output, except a region inside a city ("east Mosul"), which
# counts as a mention of that city.
AREA_KINDS = frozenset({"country", "region"})
# A stop, closing quotes or brackets, white space and what opens a sentence; or a blank line.
# Written to begin with one class of first characters, which lets the regex engine skip ahead.
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘'(]?[A-Z0-9])|(?<=\n)\s*\n)")
_PARAGRAPH = re.compile(r"\n\s*\n")
_ABBREVIATIONS = frozenset(
    "gen lt maj col brig capt sgt mr mrs ms dr st no jan feb mar apr aug sep sept oct nov dec "
    "u.s u.n vs etc".split()
)
_QUOTES = frozenset('"“”')
# A later sentence that says the news before it happened on its day too: "Also on Friday, ...",
# "Earlier on Sunday, ...", "Later Thursday, ...".
_ALSO_ON = re.compile(r"(?:Also|Earlier|Later),? (?:on )?[A-Z]")
# An agency's dateline before the body's first sentence: "ERBIL, Kurdistan Region (Kurdistan24) –",
# "BAGHDAD (AP) —", "IRBIL, Jan 19 (KUNA) --", "Baghdad, Nov 3 :", "TEHRAN (FNA)- ". The city is
# where the report was filed, not where the event was: it is only mentioned. A place in
# capitals, or a place with a day; then perhaps a region or country, a day and an agency in
# brackets; then a dash (a hyphen after a space or a bracket: "US-led" is no dateline) or a colon.
# A place in capitals, perhaps with its region or country: "ERBIL, Kurdistan Region".
_CAPS_CITY = r"[A-Z][A-Z'’./-]+(?: [A-Z][A-Z'’./-]+){0,2}(?:, ?[A-Z][A-Za-z]+(?: [A-Z][a-z]+)?)?"
_DATELINE = re.compile(
    # A copy may open with a stray bracket: "( Baghdad – Iraqi joint forces recaptured".
    rf"\s*(?:\(\s*)?(?:{_CAPS_CITY}"
    rf"(?:,? (?:{dates.MONTH_PATTERN})\.? \d{{1,2}}(?:,? \d{{4}})?)?"
    # "Baghdad, Nov 14, 2016:": a year may follow the day.
    rf"|[A-Z][a-z]+(?: [A-Z][a-z]+)?,? (?:{dates.MONTH_PATTERN})\.? \d{{1,2}}(?:,? \d{{4}})?"
    # "June 18, Baghdad: The U.S.-backed Iraqi troops", "Nov.7, Tehran:": the day first.
    rf"|(?:{dates.MONTH_PATTERN})\.? ?\d{{1,2}}, [A-Z][a-z]+(?: [A-Z][a-z]+)?(?=: [A-Z])"
    # "Baghdad: The US-backed Iraqi forces launched": a city and a colon before a sentence.
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+)?(?=: [A-Z])"
    # "Bawiza (Iraq): Iraqi soldiers", "Mosul (Reuters) - ": a city in mixed case, then its
    # country or agency in brackets and a colon or dash.
    # "Qayyarah (Iraq) (AFP) - ": both.
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+)?(?= \([^()\n]{1,40}\)(?: \([^()\n]{1,40}\))? ?(?:[—–:]|--?))"
    # "Mosul – The War Media Cell has announced", "London - Save the Children warned": the
    # same with a dash.
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+)?(?= (?:[—–]|--?) [A-Z])"
    # "London [UK], Feb. 24 (ANI):": a city in mixed case, its country in square brackets, a
    # day, then the agency.
    rf"|[A-Z][a-z]+(?: [A-Z][a-z]+)? \[[^\[\]\n]{{1,30}}\],? "
    rf"(?:{dates.MONTH_PATTERN})\.? \d{{1,2}}(?:,? \d{{4}})?(?= ?\()"
    # "Washington, DC, USA –": a city in mixed case, its state or country, then a dash.
    # "Irbil, Iraq (CNN) —": the agency in brackets before the dash.
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+)?(?:, ?[A-Z][A-Za-z.]+){1,2}"
    r"(?=,? ?(?:\( ?|\([^()\n]{1,40}\) ?)?[—–])"
    # "(Erbil) – Fighters with the Islamic State": the city itself in brackets.
    r"|(?<=\()[A-Z][a-z]+(?: [A-Z][a-z]+)?\)(?= (?:[—–]|--?) [A-Z]))"
    # The agency in brackets may end it without a dash: "Mosul, Nov 22 (IANS) Iraqi forces";
    # a bracket the page left empty may stand before the dash: "Washington, DC, USA ( –".
    # "ERBIL // Tens of thousands": The National's double slash.
    r"(?:(?:,? ?\([^()\n]{1,40}\)){1,2}(?: ?[—–:]| --?|-(?= )|(?= [A-Z]))|(?: ?[—–:]| --?| //)"
    r"|,? ?\( ?[—–])"
)
# A dateline at the head of a later paragraph, where a copy put the lead first: "...told
# Sputnik on Tuesday.\n\nMOSCOW (Sputnik) – On Monday, ...". Capitals and an agency only.
_LATER_DATELINE = re.compile(rf"\n\s*{_CAPS_CITY},? ?\([^()\n]{{1,40}}\) ?(?:[—–:]|--?)")
# A city or town named before the parts of it a sentence is about: "two central Mosul
# neighbourhoods", "Mosul's eastern districts". The claim is the parts', not the city's.
_PART_NOUN = r"(?:neighbou?rhood|district|quarter|suburb)"
_COMPASS = "eastern|western|northern|southern"
_PARTS_AFTER = re.compile(
    rf"(?:['’]s|\s+city(?:['’]s)?)?\s+(?:(?:{_COMPASS}|central|other|remaining)\s+)?"
    rf"(?:{_PART_NOUN}s?|villages|bridges?)\b",
    re.IGNORECASE,
)
# "parts of the Old City", "the heart of", "the outskirts of": a part of the place after it,
# but not "the eastern part of Mosul", a half the reports treat as a place of its own.
_PART_BEFORE = re.compile(
    r"(?<!eastern\s)(?<!western\s)(?<!\bleft\s)(?<!right\s)\b(?:parts?|corners?|sections?|"
    r"edges?|heart|centre|center|outskirts)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "two neighbourhoods of Mosul", "retook an area from the militants in Mosul", "a
# neighbourhood in the western half of the city of Mosul": the parts are the sentence's news,
# and only a city or town has them.
_PARTS_BEFORE = re.compile(
    rf"\b(?:{_PART_NOUN}s?|areas?|blocks?|mosques?|markets?|hospitals?|buildings?|streets?|"
    rf"squares?|villages)\b[^.;:!?]{{0,60}}?"
    rf"\b(?:in|of|inside|within)\s+(?:the\s+)?"
    rf"(?:(?:(?:{_COMPASS}|(?:north|south)(?:east|west)ern|left|right|east|west)\s+)?"
    rf"(?:part|side|half|bank|outskirts)\s+of\s+"
    rf"(?:the\s+)?)?"
    rf"(?:(?:{_COMPASS}|east|west)\s+)?(?:city\s+of\s+)?"
    # "neighbourhoods in Mosul's Old City": a quarter after its city's name.
    r"(?:[\w-]+['’]s\s+)?$",
    re.IGNORECASE,
)
# A site or one end of a district or village, taken inside it: "the first row of buildings in
# Arbajiyah had been seized", "freed the northern part of the industrial area of Wadi Ugab". Not
# across a comma: "the eastern side of Mosul, and managed to seize the districts of Aden".
_SITE_IN = re.compile(
    r"\b(?:buildings?|blocks?|streets?|cemetery|hospital|rows?\s+of\s+\w+|"
    r"(?:northern|southern|eastern|western)\s+(?:part|half|side|edge))\b"
    r"[^.,;:!?]{0,50}?\b(?:in|of|inside)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?$",
    re.IGNORECASE,
)
# The words _PARTS_BEFORE can end with: a city with none of them right before it is spared
# the search back.
_PARTS_BEFORE_LAST = frozenset(
    {"in", "of", "inside", "within", "the", "east", "west", "eastern", "western", "northern",
     "southern"}
)
_CONTAINER_KINDS = frozenset({"city", "town"})
# A city's parts: its districts, and its quarters, districts that hold neighbourhoods of their own.
_DISTRICT_KINDS = frozenset({"district", "quarter"})
# Names that reports write in lower case too: "the old bridge", "the fourth bridge", "the
# densely populated old city", "Mosul's old town", "the state television building" (see
# Matcher.lower_case_names).
_LOWER_CASE_NAME = re.compile(
    r"(?:old|first|second|third|fourth|fifth)\s+bridge|old\s+(?:city|town)"
    r"|state\s+(?:television|tv)\s+(?:building|station)",
    re.IGNORECASE,
)
# A name that begins with the article written apart: "al-Wahda", "Al Sukkar".
_LEADING_ARTICLE = re.compile(r"(?:al|Al|AL)[-\s‐]+\w")
# A city's site named after the city, by the word a report may call it by once the city is
# named: "the city's airport", "the city's international airport", "the city's university".
# What a city's seat of government is filed under among its sites (Matcher.city_sites).
_SEAT = "government"
_CITY_SITE_WORDS = {
    "airport": "airport",
    "museum": "museum",
    "university": "university",
    "railway station": "station",
    "train station": "station",
    "government complex": _SEAT,
}
_CITY_SITE = re.compile(
    r"\b[Tt]he\s+(?P<city_site>city['’]s\s+(?:(?:international|main|famed|historic)\s+)?"
    r"(?P<kind>airport|museum|university|railway\s+station|train\s+station))\b"
    # The seat of the province a city is the capital of, which reports name by its kind alone:
    # "recaptured the provincial government headquarters", "the main government complex".
    # Not "the government compound", which a town has too ("captured the government compound
    # and raised the flag over it" in Hamdaniya).
    r"|\b[Tt]he\s+(?P<seat>(?:main\s+|provincial\s+|new\s+)?(?:government\s+(?:complex|"
    r"headquarters)|provincial\s+headquarters|governorate\s+(?:building|headquarters)))\b"
    r"(?!\s+(?:of|in)\s)"
)
# Who spoke from a city far from the front: "a spokesman in Baghdad", "officials based in Erbil".
_SPEAKER_IN = re.compile(
    r"\b(?:spokesm[ae]n|spokeswoman|officials?|commanders?|correspondents?|reporters?|"
    r"journalists?|envoys?|ambassadors?|diplomats?|ministers?|sources?|analysts?)"
    r"\s+(?:(?:who\s+is\s+|who\s+are\s+)?based\s+)?in\s+$",
    re.IGNORECASE,
)
_SECTION_RANK = {"title": 1, "body": 1, "related": 0}
# A city named around the district a sentence is about gained ground where the district fell:
# "recaptured the Intisar neighbourhood of eastern Mosul" is an advance in Mosul, which did not
# change hands.
_AS_CONTAINER = {status.RETAKEN: status.ADVANCE, status.CLEARING: status.ADVANCE}
# What a district's news tells of the city around it (see _news_from_districts).
_GAINS = frozenset((status.RETAKEN, status.CLEARING, status.ADVANCE))
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
    # Named as the container of a place the sentence is about ("Intisar, eastern Mosul"): the
    # status is the sentence's, but the claim is the district's, and the map does not count it.
    container: bool = False
    # Told as a time long past ("retaken last month"): the report's news of the place comes first.
    background: bool = False
    # The day was borrowed from another sentence (the one before, the lead, a quote's
    # attribution): a day the place's own sentence names comes first.
    borrowed_date: bool = False

    def __reduce__(self) -> tuple:
        # Import workers send mentions back pickled: as the class and its fields in order, a
        # quarter cheaper than the slotted dataclass's default state.
        return FoundMention, _MENTION_FIELDS(self)


# Every field, in the order FoundMention takes them: copy.copy of a slotted dataclass goes through
# __reduce_ex__, ten times slower than building the copy from these.
_MENTION_FIELDS = attrgetter(*(f.name for f in fields(FoundMention)))


def _copy_mention(mention: FoundMention) -> FoundMention:
    return FoundMention(*_MENTION_FIELDS(mention))


class Matcher:
    """All gazetteer names in one automaton over folded words."""

    # The words of reports keep coming (numbers, names, typos): past this many folded words the
    # cache starts again, so a long-lived process's matcher does not grow without end.
    fold_cache_limit = 100_000
    # A site's related block lists its latest stories: the reports of one day share most of
    # their related headlines, which read the same against the same day.
    related_cache_limit = 5_000

    def __init__(
        self,
        entries: Iterable[NameEntry],
        *,
        bank_areas: dict[str, str] | None = None,
        default_parent: str = "mosul",
        rural_parent: str = "nineveh",
    ) -> None:
        self.places: dict[str, PlaceInfo] = {}
        # fold_word by word (names.fold_words): the words of names and of reports repeat.
        self.fold_cache: dict[str, str] = {}
        # A related headline's mentions by (headline, publication day): never handed out, only
        # copied, since a report's later passes change its own mentions.
        self.related_cache: dict[tuple[str, dt.date], list[FoundMention]] = {}
        keys_by_name: dict[str, list[str]] = {}
        lower_case: set[str] = set()
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
            folded = normalise(e.alias, self.fold_cache)
            if folded and e.place_key not in keys_by_name.setdefault(folded, []):
                keys_by_name[folded].append(e.place_key)
            if folded and _LEADING_ARTICLE.match(e.alias):
                # "Alwahda", "Alssukar": a blog's article glued to the name, as one word.
                glued = f"al{folded}"
                if e.place_key not in keys_by_name.setdefault(glued, []):
                    keys_by_name[glued].append(e.place_key)
            if _LOWER_CASE_NAME.fullmatch(e.alias):
                lower_case.add(folded)
        self.bank_areas = (
            bank_areas
            if bank_areas is not None
            else {
                "east": "east-mosul",
                "west": "west-mosul",
            }
        )
        self.default_parent = default_parent
        # Where an unresolved village or camp is drawn: the province, for want of better.
        self.rural_parent = rural_parent if rural_parent in self.places else default_parent
        self.names = frozenset(keys_by_name)
        # Bridges named by their age or order, and the old city, with the city
        # they are in: reports write "the old bridge" and "Mosul's old town" in lower case
        # too, which counts where the city is named (candidates.find_candidates).
        self.lower_case_names = {
            n: self.places[parent]
            for n in lower_case
            if len(keys_by_name[n]) == 1
            and (parent := self.places[keys_by_name[n][0]].parent_key) in self.places
        }
        # A district's name made of a word and its city's name ("New Mosul"): in lower case the
        # word is the city's adjective ("the new Mosul offensive"), and the city is named. Per
        # such name, the city's name and keys; not a half of the city ("west Mosul").
        self.city_tails: dict[str, tuple[str, tuple[str, ...]]] = {}
        for folded, keys in keys_by_name.items():
            tail = folded.partition(" ")[2]
            tail_keys = keys_by_name.get(tail)
            if tail_keys and all(
                self.places[k].kind in _DISTRICT_KINDS and self.places[k].parent_key in tail_keys
                for k in keys
            ):
                self.city_tails[folded] = (tail, tuple(tail_keys))
        # Spellings that name the parent too ("Mosul's old city", "old city of Mosul"): no
        # everyday phrase, even where the place's own name is one.
        parents = {
            key: f" {normalise(self.places[info.parent_key].name, self.fold_cache)} "
            for key, info in self.places.items()
            if info.parent_key in self.places
        }
        # Names only city districts have: in a list of villages they name villages.
        self.city_districts = frozenset(
            folded
            for folded, keys in keys_by_name.items()
            if all(self.places[key].kind in _DISTRICT_KINDS for key in keys)
        )
        self.specific = frozenset(
            folded
            for folded, keys in keys_by_name.items()
            if all(key in parents and parents[key] in f" {folded} " for key in keys)
        )
        # A spelling made of the parent's name and a name of the place ("Mosul's Old City", "old
        # city of Mosul") names both: the city as the district's container, then the district.
        self.splits: dict[str, tuple[int, bool, str, tuple[str, ...]]] = {}
        for folded in self.specific:
            keys = keys_by_name[folded]
            parent_key = self.places[keys[0]].parent_key
            parent = parents[keys[0]].strip() if len(keys) == 1 else ""
            parent_keys = tuple(keys_by_name.get(parent, ()))
            if not parent or parent_key not in parent_keys:
                continue
            size = parent.count(" ") + 1
            head = folded.startswith(f"{parent} ")
            rest = folded[len(parent) + 1 :] if head else folded[: -len(parent) - 1]
            rest_words = rest.split()
            if not head and rest_words[-1:] == ["uf"]:  # "of", folded
                rest_words.pop()
            if keys[0] in keys_by_name.get(" ".join(rest_words), ()):
                self.splits[folded] = (size, head, parent, parent_keys)
        # Keys padded with a space each side, over a padded text: every hit is on word boundaries.
        self._automaton = ahocorasick.Automaton()
        for folded, keys in keys_by_name.items():
            self._automaton.add_word(
                f" {folded} ", (folded, tuple(keys), len(folded) + 1, folded.count(" "))
            )
        if keys_by_name:
            self._automaton.make_automaton()
        # Per name (its tuple of place keys): what candidates.find_candidates derives from places.
        self.hit_cache: dict[tuple[str, ...], tuple | None] = {}
        # Per parent key: it and its ancestors, the places a mention's sentence names it within.
        self.container_chains: dict[str, tuple[str, ...]] = {}
        home = self.places.get(default_parent)
        self.home = (home.lat, home.lon) if home else (36.34, 43.13)
        # Cities away from the front, whose name may stand for a government: "Baghdad's troops",
        # "talks between Ankara and Baghdad" (candidates._names_a_government).
        self.distant_cities = frozenset(
            key
            for key, place in self.places.items()
            if place.kind == "city" and place.parent_key not in (rural_parent, default_parent)
        )
        # Places whose parts a text may name after them: "two central Mosul neighbourhoods".
        self.cities = frozenset(
            key for key, place in self.places.items() if place.kind in _CONTAINER_KINDS
        )

        # Cities with districts, and the halves they are split in: such a place is retaken only
        # where a sentence says it was ("retook eastern Mosul"), not where places in or near it
        # were ("retook three villages west of Mosul").
        # A quarter ("the Old City") holds neighbourhoods of its own, whose fall it is named around.
        self.quarters = frozenset(
            key for key, place in self.places.items() if place.kind == "quarter"
        )
        with_districts = {
            p.parent_key for p in self.places.values() if p.kind in _DISTRICT_KINDS
        }
        self.with_districts = frozenset(
            key
            for key, place in self.places.items()
            if key in with_districts
            or place.kind == "region" and place.parent_key in with_districts and place.bank
        )
        # The places whose summary weighs what their parts saw (_mark_primary).
        self.holding_parts = self.with_districts | self.quarters
        # Per (city, site word), the one site of the city with that word in its name: what
        # "the city's airport" names where the city is the one the report last named.
        sites: dict[tuple[str, str], list[str]] = {}
        for key, place in self.places.items():
            if place.parent_key in self.cities:
                name = f" {place.name.lower()} "
                for word in {v for k, v in _CITY_SITE_WORDS.items() if f" {k} " in name}:
                    sites.setdefault((place.parent_key, word), []).append(key)
        self.city_sites = {site: keys[0] for site, keys in sites.items() if len(keys) == 1}

    def chain(self, key: str) -> tuple[str, ...]:
        """`key` and its ancestors, as long as each is a known place."""
        chain = self.container_chains.get(key)
        if chain is None:
            found, place = [], key
            while place and place in self.places:
                found.append(place)
                place = self.places[place].parent_key
            chain = self.container_chains[key] = tuple(found)
        return chain

    def scan(self, text: str) -> Scan:
        """Split `text` into words and find every gazetteer name on word boundaries."""
        parts = split_parts(text)
        words = parts[1::2]
        if len(self.fold_cache) > self.fold_cache_limit:
            # A new dict rather than clear(): a thread folding with the old one is not disturbed.
            self.fold_cache = {}
        folded = fold_words(words, self.fold_cache)
        chosen: list[tuple[int, int, str, tuple[str, ...]]] = []
        split: frozenset[int] = frozenset()
        if self.names and words:
            kept = list(compress(range(len(folded)), folded))
            norm_text = f" {' '.join(compress(folded, folded))} "
            found = self._automaton.iter(norm_text)
            hits = []
            # The words before a hit are the spaces before its leading space, counted on from
            # the hit before (hits come in the order they end), not from the start each time.
            at = first = 0
            for end_idx, (name, keys, size, spaces) in found:
                start = end_idx - size
                if start >= at:
                    first += norm_text.count(" ", at, start)
                else:
                    first -= norm_text.count(" ", start, at)
                at = start
                hits.append((kept[first], kept[first + spaces], name, keys))
            if len(hits) > 1:
                # Leftmost-longest, without overlaps: "Mosul al-Jadida" beats "Mosul".
                hits.sort(key=_hit_order)
                next_free = 0
                for hit in hits:
                    if hit[0] >= next_free:
                        chosen.append(hit)
                        next_free = hit[1] + 1
            else:
                chosen = hits
            tails = self.city_tails
            if tails and not tails.keys().isdisjoint([hit[2] for hit in chosen]):
                chosen = [self._city_tail(hit, words, folded) for hit in chosen]
            splits = self.splits
            if splits and not splits.keys().isdisjoint([hit[2] for hit in chosen]):
                chosen, split = self._split_hits(chosen, words, folded)
        return Scan(text, words, None, folded, chosen, parts, split)

    def _city_tail(self, hit: tuple, words: list[str], folded: list[str]) -> tuple:
        """The city alone where a district named after it begins in lower case: "new Mosul"."""
        first, last, name, keys = hit
        if name not in self.city_tails or not words[first][:1].islower():
            return hit
        tail, tail_keys = self.city_tails[name]
        start = next(i for i in range(first + 1, last + 1) if folded[i])
        return (start, last, tail, tail_keys)

    def _split_hits(
        self, hits: list[tuple], words: list[str], folded: list[str]
    ) -> tuple[list[tuple], frozenset[int]]:
        """Each hit on a spelling in `splits` as two: the parent's words, the place's words.

        Only where the text names the parent as one ("Mosul's Old City", "old city of Mosul", the
        parent capitalised): "Mosul al-Jadida" is a district's own name, not Mosul's al-Jadida.
        """
        out = []
        place_starts = set()
        for hit in hits:
            split = self.splits.get(hit[2])
            if split is None:
                out.append(hit)
                continue
            first, last, name, keys = hit
            size, head, parent, parent_keys = split
            # The indices of the words that fold to something, in order from the parent's end.
            spoken = [i for i in range(first, last + 1) if folded[i]]
            if not head:
                spoken.reverse()
            edge = spoken[size - 1]
            rest = spoken[size:]
            named = words[spoken[0]] if head else words[edge]
            if not named[:1].isupper() or (head and not named.endswith(("'s", "’s"))):
                # One name as spelled: "Mosul al-Jadida"; in lower case, the capital rule of
                # find_candidates decides, as for any hit.
                out.append(hit)
                continue
            if not head and folded[rest[0]] == "uf":
                rest = rest[1:]
            place_first, place_last = min(rest), max(rest)
            # The place keeps the whole spelling as its name: it is never an everyday phrase.
            place_hit = (place_first, place_last, name, keys)
            place_starts.add(place_first)
            if head:
                out += [(first, edge, parent, parent_keys), place_hit]
            else:
                out += [place_hit, (edge, last, parent, parent_keys)]
        return out, frozenset(place_starts)


def _hit_order(hit: tuple) -> tuple[int, int]:
    return hit[0], -hit[1]


class _Section:
    """A section's text with its sentence and paragraph boundaries, computed when first asked."""

    __slots__ = (
        "name", "text", "_sentences", "_paragraphs", "_banks", "_days", "_carry", "_lead", "infos",
        "headline", "_headline_day", "_dateline_end", "_later_datelines",
    )

    def __init__(
        self, name: str, text: str, infos: dict[str, _SentenceRules] | None = None
    ) -> None:
        self.name = name
        self.text = text
        self._sentences: list[int] | None = None if name == "body" else [0]
        self._paragraphs: list[int] | None = None if name == "body" else [0]
        self._banks: dict[int, str] = {}
        self._days: dict[int, dates.DateExpr | None] = {}
        self._carry: dict[int, tuple | None] = {}
        self._lead: dates.DateExpr | None | bool = False
        # The report's sentence rules by sentence (_sentence_info), shared with _mentions_in.
        self.infos: dict[str, _SentenceRules] = {} if infos is None else infos
        # The report's headline, which may date a body whose lead names no day ("Mosul campaign
        # day 59, Dec. 14"); geoparse sets it.
        self.headline = ""
        self._headline_day: dates.DateExpr | None | bool = False
        self._dateline_end: int | None = None
        self._later_datelines: list[tuple[int, int]] | None = None

    @property
    def sentence_starts(self) -> list[int]:
        if self._sentences is None:
            self._sentences = _sentence_starts(self.text)
        return self._sentences

    @property
    def dateline_end(self) -> int:
        """Where the body's agency dateline ends ("MOSUL, Nov 22 (IANS)"); 0 without one."""
        if self._dateline_end is None:
            dateline = _DATELINE.match(self.text) if self.name == "body" else None
            self._dateline_end = dateline.end() if dateline else 0
        return self._dateline_end

    def in_dateline(self, end: int) -> bool:
        """Whether a name ending at `end` is part of an agency's dateline: where the report was
        filed, which the sentence's verbs are not about."""
        if end <= self.dateline_end:
            return True
        if self._later_datelines is None:
            self._later_datelines = (
                [m.span() for m in _LATER_DATELINE.finditer(self.text)]
                if self.name == "body" and "(" in self.text
                else []
            )
        return any(a < end <= b for a, b in self._later_datelines)

    def beyond_dateline(
        self, start: int, sentence: str, found: list[dates.DateExpr]
    ) -> list[dates.DateExpr]:
        """The dates `found` in the sentence at `start`, less the dateline's when the sentence
        names a day of its own: the dateline's day is when the story was filed, and "Mosul,
        Nov 22 (IANS) Iraqi forces on Monday recaptured six villages" tells of Monday. A vague
        day ("overnight") is still read from the dateline's."""
        end = self.dateline_end - start
        if not found or end <= 0:
            return found
        own = [d for d in found if d.start >= end]
        if len(own) < len(found) and any(not sentence[d.start].islower() for d in own):
            return own
        return found

    @property
    def paragraph_starts(self) -> list[int]:
        if self._paragraphs is None:
            self._paragraphs = [0] + [m.end() for m in _PARAGRAPH.finditer(self.text)]
        return self._paragraphs

    def sentence_span(self, pos: int) -> tuple[int, int]:
        starts = self.sentence_starts
        i = bisect_right(starts, pos)
        return starts[i - 1], starts[i] if i < len(starts) else len(self.text)

    def sentence_bank(self, pos: int) -> str:
        """The bank the sentence at `pos` names (candidates.bank_in), read once per sentence."""
        starts = self.sentence_starts
        i = bisect_right(starts, pos)
        bank = self._banks.get(starts[i - 1])
        if bank is None:
            start, end = starts[i - 1], starts[i] if i < len(starts) else len(self.text)
            bank = self._banks[start] = bank_in(self.text[start:end])
        return bank

    def sentence(self, i: int) -> str:
        starts = self.sentence_starts
        return self.text[starts[i] : starts[i + 1] if i + 1 < len(starts) else len(self.text)]

    def rules(self, sentence: str, published: dt.date) -> _SentenceRules:
        """The rules read in `sentence`: read once for the report, however many places and
        sections ask (the sections of a report share `infos`)."""
        info = self.infos.get(sentence)
        if info is None:
            info = self.infos[sentence] = _sentence_rules(sentence, published)
        return info

    def same_paragraph(self, i: int, j: int) -> bool:
        """Whether sentences i and j begin in the same paragraph."""
        starts, paragraphs = self.sentence_starts, self.paragraph_starts
        return bisect_right(paragraphs, starts[i]) == bisect_right(paragraphs, starts[j])

    def carried_date(
        self, i: int, pos: int, published: dt.date, depth: int = 3
    ) -> dates.DateExpr | None:
        """The day a place at `pos` in sentence i happened on, when the sentence names none:
        that of the sentence before, moved by "the following day" or "a day after", or kept
        within a paragraph ("On Sunday, forces began a push. They entered Zahra."); in a later
        paragraph, the lead's (lead_date). The first sentence takes the headline's, else the
        one the sentence after it names (lead_date)."""
        if depth == 0:
            return None
        if i == 0:
            day = self.headline_day(published)
            if day is None and len(self.sentence_starts) > 1:
                # "PMF have recaptured Tel Ghazal. They hoisted the flag, the commander
                # announced on Sunday": the lead's second sentence dates its first; so does the
                # next paragraph after a lead of one sentence ("Troops pushed deeper into Mosul.
                # ... launched a push on five neighbourhoods early Thursday").
                day = self.lead_date(published)
            return None if day is None else dates.shifted(day, 0, pos, pos)
        carry = self._carry.get(i, False)
        if carry is False:
            # What the sentence carries, whichever of its places asks: once per sentence.
            shift = dates.anaphora(self.sentence(i))
            before = (
                self.sentence_date(i - 1, published, depth - 1)
                if shift is not None or self.same_paragraph(i - 1, i)
                else None
            )
            carry = self._carry[i] = (shift, before) if before is not None else None
        if carry is None:
            # A later paragraph that names no day: a wire story tells of the lead's day unless
            # it says otherwise.
            lead = None if self.same_paragraph(0, i) else self.lead_date(published)
            return None if lead is None else dates.shifted(lead, 0, pos, pos)
        shift, before = carry
        days = shift[0] if shift and pos >= shift[1] else 0
        return dates.shifted(before, days, pos, pos)

    def lead_date(self, published: dt.date) -> dates.DateExpr | None:
        """The day the report's lead names: that of the first of its first three sentences that
        names one (the first may be a bare dateline; the lead's news may be dated in the sentence
        after it: "Iraqi forces have stormed the Old City. The assault was announced by the
        military on Sunday"), when it lies in the week before publication; a lead that looks
        back further ("since 17 October") is background."""
        if self._lead is False:
            self._lead = None
            for i in range(min(3, len(self.sentence_starts))):
                day = self.sentence_date(i, published, 3)
                if day is not None:
                    self._lead = day if _this_week(day.date, published) else None
                    break
            else:
                # A lead that names no day takes the one a later "Also on Friday" names.
                for i in range(2, len(self.sentence_starts)):
                    if _ALSO_ON.match(self.sentence(i)):
                        day = self.sentence_date(i, published, 1)
                        if day is not None and _this_week(day.date, published):
                            self._lead = day
                        break
        return self._lead

    def headline_day(self, published: dt.date) -> dates.DateExpr | None:
        """The first day the headline names, when it lies in the week before publication. Its
        dates are read as the headline's own mentions read them (_sentence_info), once."""
        if self._headline_day is False:
            self._headline_day = None
            if self.headline:
                own = self.rules(self.headline, published).days
                if own and _this_week(own[0].date, published):
                    self._headline_day = own[0]
        return self._headline_day

    def sentence_date(self, i: int, published: dt.date, depth: int) -> dates.DateExpr | None:
        """The day sentence i speaks of: its first date, or the one it carries."""
        if i in self._days:
            return self._days[i]
        sentence = self.sentence(i)
        own = self.own_days(i, published)
        # A named day ("on Wednesday", "Jan 4") before a vague one ("overnight", "yesterday").
        named = [d for d in own if not sentence[d.start].islower()]
        day = (named or own)[0] if own else self.carried_date(i, 0, published, depth)
        self._days[i] = day
        return day

    def own_days(self, i: int, published: dt.date) -> list[dates.DateExpr]:
        """The days sentence i names itself, after any dateline (none carried from elsewhere)."""
        sentence = self.sentence(i)
        info = self.infos.get(sentence)
        own = info.days if info is not None else dates.find_dates(sentence, published)
        return self.beyond_dateline(self.sentence_starts[i], sentence, own)

    def previous_paragraph(self, pos: int) -> str:
        starts = self.paragraph_starts
        i = bisect_right(starts, pos) - 1
        if i == 0:
            return ""
        return self.text[starts[i - 1] : starts[i]]

    def paragraph_starts_with_quote(self, pos: int) -> bool:
        starts = self.paragraph_starts
        i = bisect_right(starts, pos) - 1
        head = self.text[starts[i] : starts[i] + 3].lstrip()
        return bool(head) and head[0] in _QUOTES


def _this_week(day: dt.date, published: dt.date) -> bool:
    """Whether `day` lies in the week before publication: that week's news, not background."""
    return 0 <= (published - day).days < 7


# A sentence that only lists what the one before spoke of: "The villages include Baskhira,
# Tarjala and Shaquli", "They are Zahra, Quds and Karama".
_LIST_OF_BEFORE = re.compile(
    r"\s*(?:(?:The|These|Those)\s+(?:[\w-]+\s+){0,2}?(?:villages|neighbou?rhoods|districts|"
    r"areas|towns)|They)\s+(?:include|includes|included|are|were)\b"
)


# No sentence of the evaluation set's 6,103 is longer than 490 characters. A run of text
# longer than this with no sentence end in it (a list of thousands of names, hostile or
# garbled input) is cut at a space, so that the rules, which weigh each name against each cue
# of its sentence, cost what the text's length does, not its square.
_LONGEST_SENTENCE = 1_000


def _sentence_starts(text: str) -> list[int]:
    bounds = [0]
    for m in _SENTENCE_END.finditer(text):
        end = m.start()
        # Only a word of at most four letters before the stop can be an abbreviation.
        if (
            text[end] == "."
            and (end < 5 or text[end - 1] == "." or not text[end - 5 : end].isalnum())
            and _word_before(text, end).rstrip(".") in _ABBREVIATIONS
        ):
            continue
        _cut_long(text, bounds, m.end())
        bounds.append(m.end())
    _cut_long(text, bounds, len(text))
    return bounds


def _cut_long(text: str, bounds: list[int], end: int) -> None:
    """Add starts to `bounds` so that no sentence from its last start to `end` is too long."""
    start = bounds[-1]
    while end - start > _LONGEST_SENTENCE:
        limit = start + _LONGEST_SENTENCE
        space = text.rfind(" ", start + _LONGEST_SENTENCE // 2, limit)
        start = space + 1 if space >= 0 else limit
        bounds.append(start)


# The longest word _word_before reads whole (see there).
_LONG_WORD = 64


def _word_before(text: str, end: int) -> str:
    """The last white-space-delimited word of text[:end], lower-cased; "" if there is none."""
    # Short windows: slicing the whole prefix at every full stop is quadratic in the body.
    for width in (16, _LONG_WORD):
        lo = max(0, end - width)
        window = text[lo:end]
        parts = window.rsplit(None, 1)
        if not lo or (parts and (len(parts) == 2 or window[0].isspace())):
            return parts[-1].lower() if parts else ""
    # A "word" this long is no word the callers look for (an abbreviation, "of", "western"):
    # its last characters stand for it, and keep what it ends with.
    return window.lower()


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


# The stems of the status and the date rules, found in one pass over a sentence.
_RULE_STEMS = StemIndex(status.CUE_FINDER, dates.DATE_FINDER)


class _SentenceRules(NamedTuple):
    """What the status and date rules read in one sentence, whichever places it names."""

    stripped: str
    cues: list[status.Cue]
    breaks: list[int]
    days: list[dates.DateExpr]  # the days it names
    quoted: bool
    past: list[dates.DateExpr]  # the times long past it names (dates.BACKGROUND)

    @property
    def event(self) -> str:
        """The furthest-along event the sentence tells of, or `mentioned`."""
        return max(
            (c.status for c in self.cues),
            key=status.STATUS_RANK.__getitem__,
            default=status.MENTIONED,
        )


# The rules read in sentences of earlier reports: news repeats itself (a wire's background
# paragraph, a ministry's statement quoted by every outlet). A sentence that names no day reads
# the same on any day and is kept under itself; one that does, under itself and the day.
_RULES_SEEN: dict[str | tuple[str, dt.date], _SentenceRules] = {}
_RULES_SEEN_LIMIT = 20_000


def _sentence_rules(sentence: str, published: dt.date) -> _SentenceRules:
    """_sentence_info, from the rules of earlier reports when they read the same sentence."""
    global _RULES_SEEN
    seen = _RULES_SEEN
    info = seen.get(sentence) or seen.get((sentence, published))
    if info is None:
        if len(seen) >= _RULES_SEEN_LIMIT:
            # A new dict rather than clear(): a thread reading the old one is not disturbed.
            seen = _RULES_SEEN = {}
        info, dated = _sentence_info(sentence, published)
        seen[(sentence, published) if dated else sentence] = info
    return info


def _sentence_info(sentence: str, published: dt.date) -> tuple[_SentenceRules, bool]:
    """The rules read in `sentence`, and whether they depend on the day of publication."""
    lower = sentence.lower()
    if lower_keeps_offsets(sentence, lower):
        cue_starts, date_starts = _RULE_STEMS.stem_starts(lower)
        cue_matches = status.CUE_FINDER.matches_at(sentence, lower, cue_starts)
        date_matches = dates.DATE_FINDER.matches_at(sentence, lower, date_starts)
    else:  # each rule searches the sentence on its own
        cue_matches = date_matches = None
    cues = status.find_cues(sentence, cue_matches)
    # No date stem, no date.
    found = [] if date_matches == [] else dates.find_dates(sentence, published, date_matches, True)
    past = [d for d in found if d.precision == dates.BACKGROUND]
    rules = _SentenceRules(
        sentence.strip(),
        cues,
        # With one cue or none the clause does not matter: skip the scan for breaks.
        status.clause_breaks(sentence) if len(cues) > 1 else [],
        [d for d in found if d.precision != dates.BACKGROUND] if past else found,
        '"' in sentence or "“" in sentence or "”" in sentence,  # one of _QUOTES
        past,
    )
    return rules, date_matches != []


def _mentions_in(
    section: _Section,
    cands: list[Candidate],
    published: dt.date,
    matcher: Matcher,
) -> list[FoundMention]:
    """The mentions of a section's candidates."""
    found: list[FoundMention] = []
    text = section.text
    name = section.name
    is_body = name == "body"
    starts = section.sentence_starts
    count = len(starts)
    status_for = status.status_for
    cities, with_districts, quarters = matcher.cities, matcher.with_districts, matcher.quarters
    s_start = s_end = index = 0  # the sentence of the candidate before
    for c in cands:
        start, end = c.start, c.end
        if not s_start <= start < s_end:
            i = bisect_right(starts, start)
            index = i - 1
            s_start = starts[index]
            s_end = starts[i] if i < count else len(text)
            sentence = text[s_start:s_end]
            # The rules depend on the sentence alone: a sentence the report repeats is read once.
            stripped, cues, breaks, found_dates, quoted, past = section.rules(sentence, published)
        a, b = start - s_start, end - s_start
        if cues and not section.in_dateline(end):
            claim = status_for(sentence, cues, breaks, a, b)
        elif (
            is_body
            and index
            and _LIST_OF_BEFORE.match(sentence)
            and not status.is_reference_point(sentence, a)
        ):
            # "Nine villages were cleared. The villages include Baskhira, Tarjala and Shaquli":
            # the list names what the sentence before told of; not "a tile factory west of
            # Hasan Shami", which only locates one of them.
            claim = section.rules(section.sentence(index - 1), published).event
        else:
            claim = status.MENTIONED
        if (
            claim != status.MENTIONED
            and c.keys
            and c.keys[0] in matcher.distant_cities
            and _SPEAKER_IN.search(text, max(0, start - 40), start)
        ):
            # "a U.S. military spokesman in Baghdad called the capture a victory": where the
            # speaker was, far from the news.
            claim = status.MENTIONED
        if (
            claim in _AS_CONTAINER
            and c.keys
            and c.keys[0] in with_districts
            and not status.taken_itself(sentence, cues, claim, a, b)
        ):
            # "retook three villages west of Mosul": the city around them saw an advance.
            claim = _AS_CONTAINER[claim]
        found_dates = section.beyond_dateline(s_start, sentence, found_dates)
        when = dates.nearest_date(found_dates, a, b) if found_dates else None
        # "Eastern Mosul was retaken last month": background, which names no day; "on December
        # 22" in a February report is background too, and still the day of what it dates.
        nearest = dates.nearest_date([*found_dates, *past], a, b) if past else None
        background = nearest is not None and nearest.precision == dates.BACKGROUND
        if background:
            when = nearest._replace(precision=dates.STATED) if nearest.date != published else None
        elif when is None and is_body and (quoted or section.paragraph_starts_with_quote(start)):
            # A quote carries the date of its attribution in the paragraph before it.
            when = dates.attribution_date(section.previous_paragraph(start), published)
            if (
                when is None
                and index
                and not section.same_paragraph(index - 1, index)
                and section.paragraph_starts_with_quote(start)
            ):
                # "...seven villages had fallen on Wednesday.\n\n“Police retook Daraj and
                # Raflah,” the ministry said": a quote that opens a paragraph tells of the day
                # the paragraph before it names.
                when = next(reversed(section.own_days(index - 1, published)), None)
        borrowed = when is None and is_body and not background
        if borrowed:
            when = section.carried_date(index, a, published)
        found.append(
            FoundMention(
                c.keys[0] if c.keys else None,
                c.parent_key,
                text[start:end],
                c.normalised,
                name,
                start,
                end,
                stripped,
                claim,
                when.date if when else published,
                when.precision if when else dates.PUBLICATION,
                round(c.confidence, 3),
                # "Zahra and Sukkar neighbourhoods": Sukkar is one of them, not their city;
                # "parts of the Old City", "villages of Mosul": the sentence's claim is the
                # parts' (_mark_containers).
                container=bool(c.keys)
                and _names_parts(c.keys[0] in cities, c.keys[0] in quarters, text, start, end),
                background=background,
                borrowed_date=borrowed and when is not None,
            )
        )
    return found


def _names_parts(city: bool, quarter: bool, text: str, start: int, end: int) -> bool:
    """Whether the place at start..end is named as the container of parts of it: "Zahra and
    Sukkar neighbourhoods", "parts of the Old City", for a city, "villages of Mosul", and for
    another place, a site inside it (_SITE_IN)."""
    # _PART_BEFORE ends in "of" or "of the": look only where "of" is that near.
    if "of " in text[max(0, start - 7) : start] and _PART_BEFORE.search(
        text, max(0, start - 40), start
    ):
        return True
    if city and _PARTS_AFTER.match(text, end) is not None:
        return True
    # A quarter of a city holds neighbourhoods too: "al-Faruq neighbourhood, in the
    # northwestern side of the Old City".
    before = _word_before(text, start)
    if not (city or quarter):
        return before in _PARTS_BEFORE_LAST and _SITE_IN.search(
            text, max(0, start - 100), start
        ) is not None
    if before == "of" and _NAMED_PART.search(text, max(0, start - 30), start):
        return False  # "took control of the district of Al Baaj": the district is the place
    if _LAST_PART.search(text, max(0, start - 100), start):
        return False  # "recaptured the last ISIS-held area in the Old City": all of it
    return (
        before in _PARTS_BEFORE_LAST or quarter and before.endswith(("'s", "’s"))
    ) and _PARTS_BEFORE.search(text, max(0, start - 100), start) is not None


# The last part of a place that ISIS held, which taken leaves none: "the last ISIS-held area in
# Mosul's Old City district"; not "more of the last few remaining areas in the Old City".
_LAST_PART = re.compile(
    rf"(?<!\bof\s)\bthe\s+last\s+(?!few\b)(?:[\w-]+\s+){{0,2}}(?:{_PART_NOUN}s?|areas?|pockets?|"
    rf"parts?)\b[^.;:!?]{{0,40}}$",
    re.IGNORECASE,
)
# One part noun right before the name, the name of that part: "the district of Al Baaj".
_NAMED_PART = re.compile(
    # Not "parts of the district of al-Hamdaniya", the parts of it again.
    rf"(?<!\bparts\sof\s)(?<!\bpart\sof\s)\b(?:the|a)\s+{_PART_NOUN}\s+of\s+$", re.IGNORECASE
)


# Of a report's claims on one day about one place, an advance outranks the fighting there: that
# forces entered a district, or that a city's districts fell, is the front line's news, more than
# the fighting most such reports also tell of. (Readers of the evaluation set gave the advance
# 16 times and the fighting 10 where a report told both of a place that was not a city.)
_SUMMARY_RANK = {**status.STATUS_RANK, status.ADVANCE: status.STATUS_RANK[status.FIGHTING] + 0.5}


def _mark_primary(
    mentions: list[FoundMention], published: dt.date, holding_parts: frozenset[str]
) -> None:
    best: dict[str | tuple, tuple] = {}
    for m in mentions:
        key = m.place_key or (None, m.normalised)
        city = key in holding_parts
        rank = (
            _SECTION_RANK[m.section],
            m.status != status.MENTIONED,
            # What a report tells as news of a place comes before what it tells as background
            # ("retaken last month").
            not m.background,
            # This week's news before older days: "car bombs in Kokjali today" is the report's
            # claim, not "Kokjali was retaken on November 1".
            _this_week(m.event_date, published),
            # What a report says of a place itself comes before what it says of a district in
            # it; but of a city with districts, what its districts saw is as much its news.
            city or not m.container,
            _SUMMARY_RANK[m.status],
            _PRECISION_RANK[m.date_precision],
            not m.borrowed_date,
        )
        # Only a better rank takes over: of mentions ranked alike, the first is primary.
        held = best.get(key)
        if held is None or rank > held[0]:
            best[key] = (rank, m)
    for _, m in best.values():
        m.is_primary = True


def _news_from_districts(
    mentions: list[FoundMention],
    published: dt.date,
    chains: Callable[[str], tuple[str, ...]],
    holding_parts: frozenset[str],
) -> None:
    """A place the report tells only old news of ("recaptured eastern Mosul in January"), or a
    city with districts it names with no claim of its own (a dateline, "the battle for Mosul"),
    while districts in it fell or were entered this week, saw an advance this week: its
    summary (the primary mention, _mark_primary) says so."""
    old = [
        m
        for m in mentions
        if m.is_primary
        and (m.background or m.status == status.MENTIONED and m.place_key in holding_parts)
    ]
    if not old:
        return
    # Per city, the first part's news that reached it, whose day the city's advance takes.
    gained: dict[str, FoundMention] = {}
    for m in mentions:
        if (
            m.status in _GAINS
            and m.place_key
            and not m.background
            and m.section != "related"
            and _this_week(m.event_date, published)
        ):
            for key in chains(m.place_key)[1:]:
                gained.setdefault(key, m)
    for m in old:
        part = gained.get(m.place_key)
        if part is not None:
            m.status, m.container = status.ADVANCE, True
            if m.date_precision == dates.PUBLICATION or m.background:
                m.event_date, m.date_precision = part.event_date, part.date_precision


class TooManyMentions(Exception):  # noqa: N818 - named for what the report does
    """A report names places more often than the caller's limit: `at_least` times so far."""

    def __init__(self, at_least: int, limit: int) -> None:
        super().__init__(f"at least {at_least:,} mentions, over the {limit:,} limit")
        self.at_least, self.limit = at_least, limit


def geoparse(
    title: str,
    body: str,
    related_titles: list[str],
    published: dt.date,
    matcher: Matcher,
    *,
    limit: int | None = None,
    summary: SummaryModel | None | Literal["shipped"] = "shipped",
) -> list[FoundMention]:
    """Every place mention in a report: headline, then body, then related headlines.

    With a `limit`, TooManyMentions as soon as the mentions are known to pass it: a hostile
    body of a million names is refused before its mentions are built, not after.

    Each place's primary mention carries the report's main claim about it: the rules' choice
    (_mark_primary), weighed by the `summary` model (articles.summary; the shipped one unless
    another is given, and the rules' choice alone with None).
    """
    # The rules of each sentence, read once however many places and sections ask for them.
    sentences: dict[str, _SentenceRules] = {}
    title_s, body_s = _Section("title", title, sentences), _Section("body", body, sentences)
    body_s.headline = title
    scans = [(title_s, matcher.scan(title)), (body_s, matcher.scan(body))]
    # One sense per report: a common-word name confirmed by a cue in the headline or body
    # counts wherever the headline or body names it again.
    confirmed: set[str] = set()
    found = [find_candidates(matcher, sec, scan, confirmed) for sec, scan in scans]
    per_section = [accept_confirmed(acc, pend, confirmed) for acc, pend in found]
    bank = _report_bank(matcher, title + "\n" + body, per_section)
    mentions: list[FoundMention] = []
    for (sec, scan), cands, (_, pending) in zip(scans, per_section, found, strict=True):
        if sec.name == "body":
            cands = with_unresolved(matcher, sec, scan, bank, cands, pending)
            mend_misspellings(cands, [c for section in per_section for c in section])
            # Only where _CITY_SITE could match ("the city's ...", "government", "governorate",
            # "provincial"): most reports name no such site, and the scan is on the hot path.
            if matcher.city_sites and ("city" in body or "overn" in body or "provinc" in body):
                cands = _with_city_sites(matcher, body, cands)
        if cands:
            # Each candidate becomes one mention.
            if limit is not None and len(mentions) + len(cands) > limit:
                raise TooManyMentions(len(mentions) + len(cands), limit)
            _resolve(matcher, cands, sec, bank)
            mentions.extend(_mentions_in(sec, cands, published, matcher))
    # A related headline is read on its own: one the report repeats, or another report of the
    # same day lists, gives the same mentions.
    for headline in related_titles:
        seen = _related_read(matcher, headline, published, sentences)
        mentions.extend(map(_copy_mention, seen))
        if limit is not None and len(mentions) > limit:
            raise TooManyMentions(len(mentions), limit)
    if mentions and mentions[0].section == "title" and body:
        _date_headline(mentions, body_s, published)
    if mentions:
        _mark_containers(matcher, mentions)
        _mark_primary(mentions, published, matcher.holding_parts)
        _news_from_districts(mentions, published, matcher.chain, matcher.holding_parts)
        model = shipped_model() if summary == "shipped" else summary
        if model is not None:
            summarise(mentions, matcher.places, matcher.holding_parts, model)
    return mentions


def _with_city_sites(matcher: Matcher, text: str, cands: list[Candidate]) -> list[Candidate]:
    """The candidates with each site named by its city's word ("the city's airport") where
    the city the text last named before it has one such site, and with the seat of government
    ("the provincial government headquarters") of the city the place last named is in."""
    added = []
    cities = [c for c in cands if c.keys and c.keys[0] in matcher.cities]
    for m in _CITY_SITE.finditer(text):
        if m["city_site"]:  # "the city's airport": the city last named
            before = [c for c in cities if c.end <= m.start()]
            city = before[-1].keys[0] if before else None
            word = _CITY_SITE_WORDS[" ".join(m["kind"].lower().split())]
            start, end = m.span("city_site")
        else:
            # "the government complex": of the city the place last named is in, or is; not
            # "captured the town of Hamdaniya ... the government compound".
            before = [c for c in cands if c.keys and c.end <= m.start()]
            chain = matcher.chain(before[-1].keys[0]) if before else ()
            city = next((k for k in chain if k in matcher.cities), None)
            word = _SEAT
            start, end = m.span("seat")
        key = matcher.city_sites.get((city, word)) if city else None
        if key is None or any(c.start < end and start < c.end for c in cands):
            continue
        place = matcher.places[key]
        added.append(
            Candidate(
                start,
                end,
                normalise(place.name, matcher.fold_cache),
                (key,),
                place.parent_key,
                confidence=0.8,
                bank=place.bank,
            )
        )
    return sorted(cands + added, key=attrgetter("start")) if added else cands


def _date_headline(mentions: list[FoundMention], body: _Section, published: dt.date) -> None:
    """A headline that names no day tells the lead's news and takes its day."""
    lead = body.lead_date(published)
    if lead is None:
        return
    for m in mentions:
        if m.section != "title":
            break
        if m.date_precision == dates.PUBLICATION:
            m.event_date, m.date_precision = lead.date, lead.precision


def _related_read(
    matcher: Matcher, headline: str, published: dt.date, sentences: dict[str, _SentenceRules]
) -> list[FoundMention]:
    """The mentions of a related headline, from the matcher's cache when it has them."""
    cache = matcher.related_cache
    key = (headline, published)
    found = cache.get(key)
    if found is None:
        if len(cache) >= matcher.related_cache_limit:
            # A new dict rather than clear(): a thread reading the old one is not disturbed.
            cache = matcher.related_cache = {}
        found = cache[key] = _related_mentions(matcher, headline, published, sentences)
    return found


def _related_mentions(
    matcher: Matcher, headline: str, published: dt.date, sentences: dict[str, _SentenceRules]
) -> list[FoundMention]:
    scan = matcher.scan(headline)
    if not scan.hits:
        return []
    sec = _Section("related", headline, sentences)
    own: set[str] = set()
    cands = accept_confirmed(*find_candidates(matcher, sec, scan, own), own)
    if not cands:
        return []
    _resolve(matcher, cands, sec, "")
    for c in cands:
        c.confidence *= 0.9
    return _mentions_in(sec, cands, published, matcher)


def _mark_containers(matcher: Matcher, mentions: list[FoundMention]) -> None:
    """Mark a city named as the container of a district ("Intisar, eastern Mosul"), and give
    every container (these, and those _mentions_in marked: "Mosul's eastern districts") its
    status as a container.

    The sentence's claim is about the district; the city as a whole did not change hands, so
    where the district was retaken or cleared the city saw an advance, and the map leaves the
    claim out of the city's status.
    """
    containers: dict[tuple[str, str], set[str]] = {}
    places = matcher.places
    for m in mentions:
        key = places[m.place_key].parent_key if m.place_key else m.parent_key
        if not key:
            continue
        chain = matcher.chain(key)
        if chain:
            containers.setdefault((m.section, m.sentence), set()).update(chain)
    # Most mentions name no container anywhere: spare them the look-up of their sentence.
    named = set().union(*containers.values())
    for m in mentions:
        if m.container or (
            m.place_key in named and m.place_key in containers.get((m.section, m.sentence), ())
        ):
            m.container = True
            m.status = _AS_CONTAINER.get(m.status, m.status)


def _report_bank(matcher: Matcher, text: str, per_section: list[list[Candidate]]) -> str:
    """The bank a report is about, when it names one side of the river and not the other."""
    banks = {bank_in(text)} - {""}
    if not banks:
        banks = {
            matcher.places[c.keys[0]].bank
            for cands in per_section
            for c in cands
            if len(c.keys) == 1
        } - {""}
    return banks.pop() if len(banks) == 1 else ""


__all__ = ["ARTICLES", "FoundMention", "Matcher", "NameEntry", "PlaceInfo", "geoparse"]
