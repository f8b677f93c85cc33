"""Which name matches count as places: capitals, cues, personal names, unresolved names (pure)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from articles.dates import MONTHS
from articles.names import (
    StemIndex,
    TriggeredPattern,
    fold_word,
    lower_keeps_offsets,
    normalise,
)

if TYPE_CHECKING:
    from articles.geoparse import Matcher, _Section

_AREA_KINDS = frozenset({"country", "region"})
# A place named after a town, which is not the town: its airport, its prison.
_FACILITY_WORDS = frozenset(
    fold_word(w) for w in "airport airbase prison dam refinery university stadium mountain".split()
)
_CUE_WORDS = frozenset(
    fold_word(w)
    for w in (
        "neighbourhood neighbourhoods neighborhood neighborhoods district districts area areas "
        "region regions hay quarter quarters town towns township village villages suburb suburbs "
        "sector locality"
    ).split()
)
# A word before a name that makes it a person: a rank, an office, a kunya or a first name.
_PERSON_BEFORE = frozenset(
    (
        "General Gen Lieutenant Lt Major Maj Colonel Col Brigadier Brig Captain Capt Sergeant "
        "Commander Minister President Premier Sheikh Shaikh Sheik Imam Ayatollah Mullah Abu Umm "
        "Um Bin Ibn Abdul Abd Mr Mrs Ms Dr Prince King Emir Governor Mayor MP Spokesman spokesman "
        "Ali Haider Mohammed Muhammad Mohammad Mohamed Ahmed Ahmad Hassan Hasan Hussein Hussain "
        "Omar Khalid Khaled Abdullah Saad Qassim Qasim Jabbar Raed Yahya Sabah Saleh Salih Karim "
        "Atheel Nouri Nuri Falih Talib Sami Yahia Abdel Abdulamir Abdulwahab Najm Jassim Tariq"
    ).split()
)
_LIST_GLUE = re.compile(r"\s*(?:,|,?\s*and|,?\s*or|&|/)\s*(?:the\s+|al[-\s]\s*)?$", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?;\n]")
_EAST = re.compile(
    r"\b(?:east(?:ern)?|left)[\s-]+(?:bank|side|coast)\b"
    r"|\b(?:south|north)?-?east(?:ern)?\s+(?:(?:axis|part|parts|sector|edge)\s+)?(?:of\s+)?Mosul\b"
    r"|\bMosul['’]s\s+(?:east(?:ern)?|left)\b|\bleft[\s-]bank\b",
    re.IGNORECASE,
)
_WEST = re.compile(
    r"\b(?:west(?:ern)?|right)[\s-]+(?:bank|side|coast)\b"
    r"|\b(?:south|north)?-?west(?:ern)?\s+(?:(?:axis|part|parts|sector|edge)\s+)?(?:of\s+)?Mosul\b"
    r"|\bMosul['’]s\s+(?:west(?:ern)?|right)\b|\bright[\s-]bank\b",
    re.IGNORECASE,
)
# Every alternative begins a word with one of these stems: the regex is tried only there.
_EAST_FINDER = TriggeredPattern(_EAST, ["east", "left", "mosul", "southeast", "northeast"])
_WEST_FINDER = TriggeredPattern(_WEST, ["west", "right", "mosul", "southwest", "northwest"])
# Possessive: what may follow a capitalised word never begins with a letter or a mark, so giving
# some back could never let a match succeed; it would only retry every shorter word first.
# "al-Salam", "Al Salam", and the article glued on: "AlMaroki".
_CAP = r"(?:(?:[Aa]l|[Ee]l)[-\s]|Al(?=[A-Z][a-z]))?(?![AE]l\b)[A-Z][a-z’'‘]++"
# A name of up to three capitalised words, which a patronymic may join: "Khaled ibn al-Walid".
_NAME = rf"{_CAP}(?:(?:\s(?:ibn|bin|bint|abu|abi))?[-\s]{_CAP}){{0,2}}"
# "Bawira, lower and upper Sharikhan and Bisan": a village's two halves, named in one item.
_HALVES = r"(?:(?:lower|upper)(?:\s+and\s+(?:lower|upper))?\s+)?"
_LIST = (
    rf"{_NAME}(?:\s*,\s*{_HALVES}{_NAME})*(?:\s*,?\s+and\s+(?:the\s+)?{_HALVES}{_NAME})?"
)
# What may stand between "villages" and the colon before their list: "of eastern Mosul", "in
# North and East of Mosul".
_COLON_AFTER = (
    rf"(?:\s+(?:of|in)\s+(?:(?:[a-z]+|North|South|East|West|and)\s+){{0,4}}{_NAME})?:\s*"
)
_SITE_WORDS = (
    "Mosque Hospital Hotel Church Monastery Street Square Station Palace Shrine Market Cemetery "
    "Stadium"
).split()
# In lower case too after a name: "the Ibn Sina hospital", "the Omar al-Aswad mosque".
_SITE_WORD = "(?:" + "|".join(_SITE_WORDS) + "|hospital|mosque)"
_INCLUDING = r"(?:including|include|includes|included)"
_UNRESOLVED = re.compile(
    # A list after a colon: "the liberation of the following villages: Kazkan and Shaquli".
    rf"\b(?:villages|towns){_COLON_AFTER}(?P<rural_colon>{_LIST})"
    rf"|\b(?:neighbou?rhoods|districts|quarters){_COLON_AFTER}(?P<colon>{_LIST})"
    # A list set off by commas after the word: "recaptured two heavily populated
    # neighborhoods, Al-Kur and Al-Tawafa, in the Old City".
    rf"|\b(?:neighbou?rhoods|districts|quarters),\s+"
    rf"(?P<comma>{_NAME}(?:\s*,\s*{_NAME})*\s*,?\s+and\s+(?:the\s+)?{_NAME})"
    r"(?=\s*[,.;)]|\s+(?:in|of|on|near)\b)"
    rf"|(?P<before>{_LIST})\s+(?:neighbou?rhoods?|districts?|quarters?|suburbs?)\b"
    rf"|\b(?:neighbou?rhoods?|districts?|quarters?)\s+of\s+(?P<after>{_LIST})"
    rf"|\b[Hh]ay\s+(?P<hay>{_NAME})"
    # Outside the city: "Khubirat Atshana village", "the villages of Khazna and Hsunah",
    # "Jad'ah camp", "the Matahen area". Their group names begin with "rural".
    rf"|(?P<rural_before>{_LIST})\s+(?:villages?|camps?|areas?)\b"
    rf"|\b(?:villages?|towns?|areas?)\s+of\s+(?P<rural_after>{_LIST})"
    rf"|(?<=\bthe\s)(?:village|town)[^\S\n]+(?P<rural_named>{_CAP}(?:[-\s]{_CAP}){{0,2}})"
    # "retook villages south of Mosul, including Athbah", "districts including Nasr and Aden".
    # "The liberated villages include Bashkira, Tarjala and Shaquli".
    rf"|\b(?:villages|towns)\b[^.;:!?]{{0,40}}?\b{_INCLUDING}\s+(?:the\s+)?(?P<rural_incl>{_LIST})"
    rf"|\b(?:neighbou?rhoods|districts|quarters)\b[^.;:!?]{{0,40}}?\b{_INCLUDING}\s+(?:the\s+)?"
    rf"(?P<incl>{_LIST})"
    # A name the text gives as a village's or district's: "a small outlying village called
    # Hsunah", "Sada, a village in the northern limits of the city", "Markaz, a Mosul
    # sub-district".
    rf"|\b(?:villages?|towns?)\s*,?\s+(?:called|named)\s+(?:the\s+)?"
    rf"(?P<rural_called>{_CAP}(?:[-\s](?!Village\b){_CAP}){{0,2}})"
    rf"|\b(?:neighbou?rhoods?|districts?)\s*,?\s+(?:called|named)\s+(?:the\s+)?"
    rf"(?P<called>{_NAME})"
    # "Sahaji, the last ISIS-held village on the road"; not "Saleh, the village's elder".
    rf"|(?P<rural_appos>{_NAME}),\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}?(?:village|town)\b"
    r"(?![\'’-]|\s+(?:chief|elder|head|leader|mayor|council|official)s?\b)"
    rf"|(?P<appos>{_NAME}),\s+(?:a|an)\s+(?:[\w-]+\s+){{0,3}}?"
    rf"(?:neighbou?rhood|district|sub-district|suburb)\b"
    # A name whose first word makes it a place: a hill ("Tal al-Rayyan", "Tel Khima"), a
    # village ("Qaryat Tawilah", "Khirbat X"); in the city a market or a gate ("Souq
    # al-Ghanam", "Bab-Shams", "Bawabat Narkal").
    rf"|(?P<rural_formed>(?:Tal|Tel|Khirbat|Khirbet|Qaryat)[-\s]{_CAP}(?:[-\s]{_CAP})?)"
    rf"|(?P<formed>(?:Souq|Suq|Bawabat|Bab)[-\s]{_CAP}(?:[-\s]{_CAP})?)"
    # A site by its kind: "the Ziwani Mosque", "Ibn Sina Hospital", "al-Kurneish Street". Last:
    # "Kornish Street area" is an area.
    # A saint's church or monastery keeps its saint: "St. Shmoni Church", "Mart Shmoni Syriac
    # Orthodox Church".
    # A saint's in lower case too: "the Mar Behnam monastery".
    rf"|(?P<site>(?:(?:St\.?|Saint|Mar|Mart)\s)?{_CAP}(?:[-\s]{_CAP}){{0,3}}?\s{_SITE_WORD}"
    rf"|(?:St\.?|Saint|Mar|Mart)\s{_CAP}(?:[-\s]{_CAP}){{0,3}}?\s(?:monastery|church))\b"
    # Or its kind first: "the Mosque of Aisha", "the Church of Mar Korkeis".
    rf"|(?P<site_of>(?:Mosque|Church|Shrine|Tomb|Monastery)\s+of\s+"
    rf"(?:(?:St\.?|Saint|Mar|Mart)\s)?{_CAP}(?:[-\s]{_CAP}){{0,2}})"
)
_SITE_GROUPS = frozenset({"site", "site_of"})
# The groups whose pattern marks a name as a place wherever it stands, even first in its
# sentence.
_MARKED_ANYWHERE = frozenset(
    {"rural_called", "called", "rural_appos", "appos", "rural_formed", "formed"}
)
# A list right after a taking verb, which marks its names as places only by the verb: "took
# back Maflakieh, al-Fatseh and al-Ajbouri", "freed Nu'maniya and Uttshana", "seized control of
# the villages Juhaina and Ghahoni". Outside the city unless the text says otherwise.
_TAKEN_LIST = re.compile(
    r"\b(?:liberated|freed|recaptured|retook|took\s+back|captured|seized|liberation\s+of|"
    r"(?:regained|seized|took|taken|wrested)\s+(?:full\s+|total\s+)?control\s+(?:of|over))\s+"
    rf"(?:the\s+)?(?P<villages>(?:villages?|towns?)\s+(?:of\s+)?)?(?P<rural_taken>{_LIST})"
)
_TAKEN_LIST_FINDER = TriggeredPattern(
    _TAKEN_LIST,
    "liberat freed recaptur retook took captur seiz regained taken wrested".split(),
)
# Where such a list is placed, which tells villages from men: "on the western side of Mosul",
# "northwest of Tal Afar", "south of Badush", "near Qayyarah".
_PLACED_AFTER = re.compile(
    r",?\s+(?:(?:located|lying|situated)\s+)?(?:"
    r"(?:on|in)\s+the\s+(?:\w+\s+)?(?:side|bank|coast|outskirts|edges?|north|south|east|west)"
    r"|(?:to\s+the\s+)?(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of"
    r"|(?:near|outside)\s+(?-i:[A-Z]))",
    re.IGNORECASE,
)
# A first word that makes a name in such a list a man's, not a village's ("Abu", "Um" and
# "Sheikh" begin village names as often).
_MAN_FIRST = _PERSON_BEFORE - frozenset("Abu Umm Um Sheikh Shaikh Sheik Imam".split())
_ONE_NAME = re.compile(_NAME)
# A capital, or "al-"/"el-" before one, that begins a word: (?<![\w’'‘-])(?:[Aa]l-|[Ee]l-)?[A-Z],
# written to begin with one class of first characters, which lets the regex engine skip ahead.
_CAPITAL = re.compile(r"[A-Zae](?<![\w’'‘-][A-Zae])(?:(?<=[AaEe])l[-\s][A-Z]|(?<=[A-Z]))")
_NO_SPACE = re.compile(r"\S*")
_CAMP_AFTER = re.compile(r"\s+[Cc]amp\b")
# A day of the month that begins a name: "the 7th Nissan neighbourhood" (7 April).
_DAY_BEFORE = re.compile(r"(?<![\w.,])\d{1,2}(?:st|nd|rd|th)?\s$")
_VILLAGES = re.compile(r"\b[Vv]illages\b")
# A character no match of _UNRESOLVED holds: a match cannot run across one.
# (Not the stop of "St." before a saint's name.)
_NOT_IN_UNRESOLVED = re.compile(r"(?!(?<=\bSt)\.)[^A-Za-z’'‘\s,-]")
_UNRESOLVED_TRIGGER = TriggeredPattern(
    re.compile(
        r"neighbou?rhood|district|quarter|suburb|\b[Hh]ay\b|\b(?:village|camp|area|town)s?\b"
        rf"|\b{_SITE_WORD}\b|\b(?:Tal|Tel|Khirbat|Khirbet|Qaryat|Souq|Suq|Bawabat|Bab)[-\s]",
        re.I,
    ),
    ["neighbo", "district", "quarter", "suburb", "hay", "village", "camp", "area", "town",
     *(word.lower() for word in _SITE_WORDS),
     "tal", "tel", "khirb", "qaryat", "souq", "suq", "bawabat", "bab"],
    word_start=False,
)
_UNRESOLVED_STEMS = StemIndex(_UNRESOLVED_TRIGGER, _TAKEN_LIST_FINDER)
# Capitalised words that open a phrase but are not names of neighbourhoods.
_NOT_NAMES = frozenset(
    (
        "The A An This That These Those Its Their His Her Our Which Each Every Both Other Another "
        "Several Some Many All Most Eastern Western Northern Southern Central Southeastern "
        "Northeastern Southwestern Northwestern East West North South Old New Key Last Next First "
        "Second Third Fourth Nearby Neighbouring Neighboring Adjacent Entire Same Residential "
        "Industrial Commercial Military Iraqi Iraq Kurdish Christian Sunni Shia Shiite Arab "
        "Turkmen Yazidi Federal Police Security Government Army Counter Terrorism Islamic State "
        "Mosul Baghdad Nineveh Daesh Isis Isil In On At By For From With Into After Before When "
        "While During Since And Or But If Although Despite Meanwhile However Residents Officials "
        "Sources Troops Forces City Town Village District Neighbourhood Neighborhood Area Region "
        "Peshmerga Shabak Assyrian Syriac Chaldean Kakai Yezidi Ezidi Coalition Operations Desert "
        "Border Historic Grand Great Holy Ancient Famous Main Easternmost Westernmost Northernmost "
        "Southernmost "
        "Refugee Displacement Emergency Transit Screening Camp Camps They We He She It You "
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
        "May June July August September October November December "
        # Ranks that follow a list ("the village of Albu Saif, Gen. Abdal Amir said") and
        # peoples' adjectives ("the northern Syrian village").
        "Gen General Lt Lieutenant Maj Major Brig Brigadier Col Colonel Capt Captain Staff "
        # Offices before a man's name ("the al-Nuri Mosque Thursday, Prime Minister Haider").
        "Prime Minister President Governor Mayor Commander Spokesman "
        "Syrian Turkish Iranian American British French Russian Jordanian Saudi Lebanese "
        # The Arabic word for a neighbourhood before its name: "the Hai Sala area".
        "Hai Hay Hayy "
        # News agencies that follow a list ("north of the town of Baaj, Reuters reported").
        "Reuters AFP AP Xinhua Anadolu Sputnik Tasnim IRNA Rudaw Kurdistan24 Alsumaria Sumaria "
        # The Popular Mobilization Forces, by their Arabic name too ("Hashd Al-Sha’abi liberated").
        "Hashd Hashed Hashid Sha’abi Shaabi Sha'abi Popular Mobilization Mobilisation Units"
    ).split()
)


class Scan:
    """A section's words, their offsets, folded forms and the gazetteer names found in them.

    Word i spans offsets[2i]..offsets[2i+1]. Given `parts` (the text split into separators and
    words, alternately) instead of `offsets`, the offsets are summed up only when first asked:
    most sections name no place and never need them.
    """

    __slots__ = ("text", "words", "folded", "hits", "_offsets", "_parts", "split_from_parent")

    def __init__(
        self,
        text: str,
        words: list[str],
        offsets: list[int] | None,
        folded: list[str],
        hits: list[tuple[int, int, str, tuple[str, ...]]],
        parts: list[str] | None = None,
        split_from_parent: frozenset[int] = frozenset(),
    ) -> None:
        self.text = text
        self.words = words
        self.folded = folded
        # The first words of hits split off their parent's capitalised name ("Mosul's old city"):
        # the parent's capital stands for theirs.
        self.split_from_parent = split_from_parent
        self.hits = hits
        self._offsets = offsets
        self._parts = parts

    @property
    def offsets(self) -> list[int]:
        if self._offsets is None:
            offsets = list(accumulate(map(len, self._parts or ())))
            if offsets:
                offsets.pop()
            self._offsets = offsets
        return self._offsets

    def span(self, first: int, last: int) -> tuple[int, int]:
        offsets = self.offsets
        return offsets[2 * first], offsets[2 * last + 1]


@dataclass(slots=True)
class Candidate:
    """A name that may be a place mention: its span, folded name and candidate places."""

    start: int
    end: int
    normalised: str
    keys: tuple[str, ...]
    parent_key: str | None = None
    confidence: float = 0.95
    bank: str = ""
    common: bool = False
    first: int = 0
    last: int = 0


by_start = attrgetter("start")  # a Candidate's


def bank_in(text: str) -> str:
    """'east' or 'west' when `text` names one side of the Tigris and not the other."""
    low = text.lower()
    east = ("east" in low or "left" in low) and _EAST_FINDER.found_in(text, low)
    west = ("west" in low or "right" in low) and _WEST_FINDER.found_in(text, low)
    return "east" if east and not west else "west" if west and not east else ""


def _same_sentence(scan: Scan, a: int, b: int) -> bool:
    """No sentence break between word a and word b (a < b)."""
    return not _SENTENCE_BREAK.search(scan.text, scan.offsets[2 * a + 1], scan.offsets[2 * b])


def _is_person(scan: Scan, first: int, last: int) -> bool:
    folded, words = scan.folded, scan.words
    prev = first - 1
    while prev >= 0 and not folded[prev] and _same_sentence(scan, prev, first):
        prev -= 1  # skip "al" in "Haider al-Abadi"
    if prev >= 0 and words[prev] in _PERSON_BEFORE and _same_sentence(scan, prev, first):
        return True
    nxt = last + 1
    # An age after the name: "Abu Saif, a 47-year-old resident", "Salam, 35, said".
    end = scan.offsets[2 * last + 1]
    if scan.text.startswith((",", " ("), end) and _AGE_AFTER.match(scan.text, end, end + 20):
        return True
    # A nisba after the name: "Salam al-Obeidi" (or "al Obeidi") is a man; "BAGHDAD - An Iraqi
    # officer" is no nisba (the English article is not joined to the word after it), nor is
    # "told AP from Baghdad. Al-Maturi said" (the next sentence's man).
    if nxt + 1 < len(words) and not folded[nxt]:
        after = words[nxt + 1]
        offsets = scan.offsets
        gap = offsets[2 * nxt + 2] - offsets[2 * nxt + 1]
        return (
            after[:1].isupper()
            and after.endswith("i")
            and (gap == 0 or gap == 1 and words[nxt].lower() in ("al", "el"))
            and scan.text[end : offsets[2 * nxt]].isspace()
        )
    return False


_AGE_AFTER = re.compile(r",\s+(?:an?\s+)?\d{1,3}(?:-year-old\b|,)|\s+\(\d{1,3}\)")


# A word after a place's name that makes the name an attribute of something else: "Tehran-backed
# militias", "a London-based monitor", "the Baghdad Post", "the Washington Institute".
_ATTRIBUTE_AFTER = frozenset(
    "backed based led allied aligned funded sponsored supported born".split()
)
_OUTLET_AFTER = frozenset(
    "Post Times Tribune Herald Gazette Institute Convention Conventions".split()
)
# "the Deir Ezzor governorate", "Kirkuk province": the province, not its city (a province the
# gazetteer holds is matched by its own longer name first).
_PROVINCE_AFTER = frozenset("governorate governorates province provinces".split())


# A capital named for its government: "Baghdad's troops", "tension between Ankara and Baghdad",
# "was told by Baghdad to enter", "a way to anger Baghdad". Not a place the report tells of.
_GOVERNMENT_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:forces|troops|army|government|officials|leaders(?:hip)?|decision|position|"
    r"request|approval|permission|demands?|objections?|policy|stance|efforts?|envoy)\b"
    # "Baghdad said in a statement", "a first that Damascus said was coordinated".
    r"|\s+(?:has\s+|had\s+)?(?:said|says|announced|stated|claimed|denied|insisted|confirmed)\b"
)
_GOVERNMENT_BEFORE = re.compile(
    # "Relations between Ankara and Baghdad" may open a sentence.
    r"(?:\b(?i:tensions?|talks|relations|ties|dispute|rift|row|spat|negotiations|coordination|"
    r"agreements?|deal|accord)"
    r"\s+(?:with|between)\s+(?:[A-Z][\w’'-]+\s+and\s+)?"
    r"|\b(?:told|urged|asked|warned|pressed|ordered|critici[sz]ed|accused|led|backed|"
    r"supported|funded|armed|sponsored|run|directed)\s+by\s+"
    r"|\banger(?:ed|ing|s)?\s+(?:\w+\s+)?)$"
)


def _names_a_government(text: str, start: int, end: int) -> bool:
    """Whether the city at start..end stands for its government (_GOVERNMENT_AFTER/BEFORE)."""
    return (
        _GOVERNMENT_AFTER.match(text, end) is not None
        or _GOVERNMENT_BEFORE.search(text, max(0, start - 60), start) is not None
    )


def _names_no_place(scan: Scan, first: int, last: int) -> bool:
    """Whether the name at first..last only qualifies something else: an outlet ("the Baghdad
    Post", "The Times of London"), a province, an attribute ("Erbil-based")."""
    if first >= 2 and scan.words[first - 1] == "of" and scan.words[first - 2] == "Times":
        return True
    nxt = last + 1
    if nxt >= len(scan.words):
        return False
    word = scan.words[nxt]
    if word in _OUTLET_AFTER or word.lower() in _PROVINCE_AFTER:
        want = " "
    elif word.lower() in _ATTRIBUTE_AFTER:
        want = "-"
    else:
        return False  # most names: no need to look at the gap
    offsets = scan.offsets
    return scan.text[offsets[2 * last + 1] : offsets[2 * nxt]] == want


def _named_after_town(
    scan: Scan, first: int, last: int, start: int, end: int
) -> tuple[int, int, int, int] | None:
    """The first and last words and the offsets of a place named after the town at first..last
    ("Tal Afar Airport", "the Badush prison", "Sinjar Mountain", "Mount Sinjar"), which the
    gazetteer lacks (it would have matched the longer name); None where the town is meant."""
    words, offsets = scan.words, scan.offsets
    if first > 0 and words[first - 1] == "Mount" and start - offsets[2 * first - 1] <= 1:
        return first - 1, last, offsets[2 * first - 2], end
    after = last + 1
    if (
        after < len(words)
        and scan.folded[after] in _FACILITY_WORDS
        and offsets[2 * after] - end <= 1
    ):
        return first, after, start, offsets[2 * after + 1]
    return None


def _is_proper_name(words: list[str], folded: list[str], first: int, last: int) -> bool:
    """Two words or more, each a capital letter first: "the Old City", "Medical City", "Old
    City of Mosul" ("of" and articles aside); or numbered: "Qadisiyah 1".

    Everyday words are not written so in running text, whereas a one-word name ("Salam") is
    capitalised as a person's or an operation's name too. A name cannot begin with a number,
    nor be a month and a number: "17 July" and "July 17" are days before they are a district.
    """
    named = [words[i] for i in range(first, last + 1) if folded[i] and words[i] != "of"]
    return (
        len(named) > 1
        and named[0][0].isupper()
        and all(word[0].isupper() or word.isdigit() for word in named[1:])
        and not (named[1].isdigit() and named[0] in MONTHS)
    )


# Words right before a name that make it the place an event happened at: "pushed into Nablus",
# "fighting in Noor", "entered Intisar"; and the words after: "Bakr was declared freed".
_EVENT_BEFORE = frozenset(
    fold_word(w)
    for w in (
        # Not "attacked", "captured" or "seized", which are done to people too.
        "entered stormed recaptured retook liberated freed cleared invaded clear clearing"
    ).split()
)
_EVENT_BEFORE_IN = frozenset(
    fold_word(w)
    for w in (
        "pushed pushing moved moving advanced advancing broke fighting clashes battles "
        "fought clashed continued continues"
    ).split()
)
_EVENT_IN = frozenset(fold_word(w) for w in ("into", "in", "inside"))
# Between the name and its participle: "Bakr was also declared freed", "Yarmuk is being
# searched". Not "cleared", which charges can be too.
_EVENT_BEEN = frozenset(
    fold_word(w)
    for w in "was were is has had been being also declared fully finally now".split()
)
_EVENT_AFTER = frozenset(
    fold_word(w) for w in "entered freed liberated retaken recaptured stormed searched".split()
)
# Where a person is freed from: "Salam was freed from jail" is no place.
_CUSTODY = frozenset(
    fold_word(w) for w in "jail prison captivity custody detention kidnappers captors".split()
)


def _event_cue(scan: Scan, first: int, last: int) -> bool:
    """A verb of the front line right before or after the name, in its sentence."""
    folded = scan.folded
    if first >= 1 and _same_sentence(scan, first - 1, first):
        before = folded[first - 1]
        if before in _EVENT_BEFORE:
            return True
        if before in _EVENT_IN and first >= 2 and folded[first - 2] in _EVENT_BEFORE_IN:
            return True
    # In the passive only: "Wahda entered the final" is a team; and not a person set free
    # ("Salam was freed from jail").
    for i in range(last + 1, min(last + 5, len(folded))):
        if folded[i] not in _EVENT_BEEN:
            return (
                i > last + 1
                and folded[i] in _EVENT_AFTER
                and _same_sentence(scan, last, i)
                and not (i + 2 < len(folded) and folded[i + 2] in _CUSTODY)
            )
    return False


def _has_cue(scan: Scan, first: int, last: int, section: _Section, start: int, bank: str) -> bool:
    if any(scan.folded[i] in _CUE_WORDS for i in range(first, last + 1)):
        return True
    if _event_cue(scan, first, last):
        return True
    lo, hi = max(0, first - 3), min(len(scan.words), last + 4)
    for i in range(lo, first):
        if scan.folded[i] in _CUE_WORDS and _same_sentence(scan, i, first):
            return True
    for i in range(last + 1, hi):
        if scan.folded[i] in _CUE_WORDS and _same_sentence(scan, last, i):
            return True
    if first and scan.words[first - 1].lower() in _CALLED:
        # "entered the first district of Mosul from the east, called Karama": the name the
        # text gives a place word a few words before.
        for i in range(max(0, first - 8), first - 1):
            if scan.folded[i] in _CUE_WORDS and _same_sentence(scan, i, first):
                return True
    return bool(bank) and section.sentence_bank(start) == bank


_CALLED = frozenset(("called", "named", "dubbed"))


def _hit_places(matcher: Matcher, keys: tuple[str, ...]) -> tuple | None:
    """What find_candidates needs to know of a name's places, computed once per name."""
    cache = matcher.hit_cache
    if keys in cache:
        return cache[keys]
    places = [matcher.places[k] for k in keys]
    outside = [p for p in places if p.kind not in _AREA_KINDS]
    bank = ""
    info = None
    if not outside:
        # "eastern Mosul" is Mosul; "Iraq" and "Nineveh" are not front-line places.
        parents = {p.parent_key for p in places} - {None}
        parent = matcher.places.get(parents.pop()) if len(parents) == 1 else None
        if parent is None or parent.kind in _AREA_KINDS or len(places) > 1:
            cache[keys] = None
            return None
        bank, outside = places[0].bank, [parent]
    common = all(p.common_word for p in outside)
    with_bank = {p.bank for p in outside} - {""}
    info = (
        tuple(p.key for p in outside),
        bank,
        any(p.common_word for p in outside),
        common,
        with_bank.pop() if common and len(with_bank) == 1 else "",
    )
    cache[keys] = info
    return info


# "the first bridge from the south, known locally as the 4th Bridge", "the second bridge to be
# struck this week": a count, not a name.
_COUNTED_FROM = re.compile(
    r"\s+(?:(?:from|counting\s+from)\s+the\s+(?:north|south|east|west)|to\s+(?:be|have)\s)\b"
)


def _named_lower_case(words: list[str], first: int, city: str, text: str) -> bool:
    """Whether a name written in lower case at words[first] ("old city") is the place: after
    "the" and at most two lower-case words ("the densely populated old city"), or after its
    city's possessive ("Mosul's old town"), in a text that names the city."""
    if city not in text:
        return False
    for k in range(1, 4):
        if first < k:
            return False
        word = words[first - k]
        if word.lower() == "the":
            return True
        if k == 1 and word[:-2] == city and word[-2] in "'’" and word[-1] == "s":
            return True
        if not word.islower():
            return False
    return False


_SETTLEMENT_KINDS = frozenset({"city", "town", "village"})


def _other_town_before(
    matcher: Matcher, section: _Section, before: tuple[int, tuple[str, ...]], start: int, city: str
) -> bool:
    """Whether the sentence names another town just before a lower-case name: "the town of
    Nimrud lies west of the ruins of the old city" is no old city of Mosul's."""
    end, keys = before
    if end < 0 or start - end > 60 or city in keys or end <= section.sentence_span(start)[0]:
        return False
    return any(matcher.places[k].kind in _SETTLEMENT_KINDS for k in keys)


# Articles that are English words too: "fighting at Kokjeli" keeps no article; "at-Tamim" does.
_ENGLISH_ARTICLES = frozenset({"as", "an", "at"})


def find_candidates(
    matcher: Matcher, section: _Section, scan: Scan, confirmed: set[str]
) -> tuple[list[Candidate], list[Candidate]]:
    """The gazetteer matches in a section that count as places, and those still needing a cue."""
    accepted: list[Candidate] = []
    pending: list[Candidate] = []
    words, folded, offsets = scan.words, scan.folded, scan.offsets
    cache = matcher.hit_cache
    specific = matcher.specific
    previous: tuple[int, tuple[str, ...]] = (-1, ())  # the last hit's end and keys
    for first, last, name, keys in scan.hits:
        before, previous = previous, (offsets[2 * last + 1], keys)
        info = cache[keys] if keys in cache else _hit_places(matcher, keys)
        if info is None:
            continue
        out_keys, bank, any_common, common, cue_bank = info
        if any_common and name in specific:
            any_common = common = False
        # Lower case is never a place: "salam" is peace; a multi-word name needs one capital.
        if first in scan.split_from_parent:
            capital = True
        elif any_common:
            head = words[first][:1]
            capital = head.isupper() or not head.islower()
        else:
            capital = False
            for i in range(first, last + 1):
                head = words[i][:1]
                if folded[i] and (head.isupper() or not head.islower()):
                    capital = True
                    break
        if not capital and name in matcher.lower_case_names:
            # "controlled the old bridge", "Mosul's old town", where Mosul is named
            city = matcher.lower_case_names[name]
            capital = _named_lower_case(words, first, city.name, scan.text) and not (
                _COUNTED_FROM.match(scan.text, offsets[2 * last + 1])
                or _other_town_before(matcher, section, before, offsets[2 * first], city.key)
            )
            # Beside its city's name, "the old city" is that city's, not any town's: no cue needed.
            common = common and not capital
        if not capital or _is_person(scan, first, last) or _names_no_place(scan, first, last):
            continue
        start, end = offsets[2 * first], offsets[2 * last + 1]
        if len(out_keys) == 1 and out_keys[0] in matcher.distant_cities and _names_a_government(
            scan.text, start, end
        ):
            continue
        if (
            first > 0
            and not folded[first - 1]
            and start - offsets[2 * first - 1] <= 1
            and not (words[first - 1] in _ENGLISH_ARTICLES and scan.text[start - 1] == " ")
        ):
            start = offsets[2 * first - 2]  # keep the article: "al-Zahour", "Al Zahour"
        own = _named_after_town(scan, first, last, start, end) if len(out_keys) == 1 else None
        if own is not None:
            # A place of its own within the town it is named after.
            own_first, own_last, own_start, own_end = own
            accepted.append(
                Candidate(
                    own_start, own_end, normalise(scan.text[own_start:own_end], matcher.fold_cache),
                    (), parent_key=out_keys[0], confidence=0.5, first=own_first, last=own_last,
                )
            )
            continue
        if not bank:
            bank = section.sentence_bank(start)
        cand = Candidate(
            start, end, name, out_keys, bank=bank, common=common, first=first, last=last
        )
        if common:
            if not (
                _is_proper_name(words, folded, first, last)
                or _has_cue(scan, first, last, section, start, cue_bank)
            ):
                pending.append(cand)
                continue
            cand.confidence = 0.8
            confirmed.add(name)
        accepted.append(cand)
    _accept_listed(scan, accepted, pending, confirmed)
    if len(pending) > 1:
        _accept_district_lists(matcher, scan, accepted, pending, confirmed)
    return accepted, pending


def accept_confirmed(
    accepted: list[Candidate], pending: list[Candidate], confirmed: set[str]
) -> list[Candidate]:
    """Add the pending common-word names that a cue confirmed elsewhere in the report."""
    for cand in pending:
        if cand.normalised in confirmed:
            cand.confidence = 0.7
            accepted.append(cand)
    return sorted(accepted, key=by_start)


def _accept_listed(
    scan: Scan, accepted: list[Candidate], pending: list[Candidate], confirmed: set[str]
) -> None:
    """A common-word name in a list with a known place counts: "Intisar and Siha neighbourhoods"."""
    for cand in listed_beside(scan.text, accepted, pending):
        confirmed.add(cand.normalised)
        accepted.append(cand)
        pending.remove(cand)


_GLUE_MAX = 12


def _glued(text: str, end: int, start: int) -> bool:
    """text[end:start] joins two names of one list: ", ", " and ", ", and the "."""
    gap = text[end:start]
    return len(gap) < _GLUE_MAX and _LIST_GLUE.match(gap.rstrip() + " ") is not None


def _accept_district_lists(
    matcher: Matcher,
    scan: Scan,
    accepted: list[Candidate],
    pending: list[Candidate],
    confirmed: set[str],
) -> None:
    """Capitalised common-word names listed together that are districts of one city count:
    "Adil, Tamim, and Alam were freed", "Tahrir and Aden had been cleared". One such name could
    be a man's; a list of a city's districts is the city's districts."""
    run: list[Candidate] = []
    runs = []
    for cand in sorted(pending, key=by_start):
        if run and not _glued(scan.text, run[-1].end, cand.start):
            runs.append(run)
            run = []
        run.append(cand)
    runs.append(run)
    places = matcher.places
    for run in runs:
        if len(run) < 2:
            continue
        parents = [{places[k].parent_key for k in c.keys} for c in run]
        if not set.intersection(*parents) - {None}:
            continue
        for cand in run:
            cand.confidence = 0.7
            confirmed.add(cand.normalised)
            accepted.append(cand)
            pending.remove(cand)


def listed_beside(text: str, anchors: list[Candidate], pending: list[Candidate]) -> list[Candidate]:
    """The pending common-word names listed beside the anchors, or beside those listed beside
    them: "the Intisar, Kharabat and Salam neighbourhoods" lists Intisar and Salam beside
    Kharabat. They are returned in the order they stand; `pending` is left as it was."""
    left = [c for c in pending if c.keys]
    if not left or not anchors:
        return []
    # A glue is shorter than _GLUE_MAX (_glued): only names that near a listed one are tried,
    # so a list of thousands of names costs its length, not its square.
    starting: dict[int, list[Candidate]] = {}
    ending: dict[int, list[Candidate]] = {}
    for cand in left:
        starting.setdefault(cand.start, []).append(cand)
        ending.setdefault(cand.end, []).append(cand)
    taken: dict[int, Candidate] = {}
    spans = [(c.start, c.end) for c in anchors]
    while spans:
        start, end = spans.pop()
        near = [
            c for at in range(end, end + _GLUE_MAX) for c in starting.get(at, ())
            if _glued(text, end, at)
        ] + [
            c for at in range(start - _GLUE_MAX + 1, start + 1) for c in ending.get(at, ())
            if _glued(text, at, start)
        ]
        for cand in near:
            if id(cand) not in taken:
                cand.confidence = 0.75
                taken[id(cand)] = cand
                spans.append((cand.start, cand.end))
    return sorted(taken.values(), key=by_start)


def with_unresolved(
    matcher: Matcher,
    section: _Section,
    scan: Scan,
    report_bank: str,
    accepted: list[Candidate],
    pending: list[Candidate],
) -> list[Candidate]:
    """The body's candidates with the names the gazetteer lacks (find_unresolved), in order.

    A common-word name listed beside an unknown neighbourhood joins it ("the Intisar, Kharabat
    and Salam neighbourhoods"); a district's match inside a list of villages gives way to the
    village of that name ("the villages of al-Buweir and al-Salam").
    """
    unresolved = find_unresolved(matcher, section, scan, report_bank)
    unresolved += listed_among_places(matcher, section, accepted, unresolved, report_bank)
    rural = matcher.rural_parent
    urban = [c for c in unresolved if c.parent_key != rural]
    if urban and pending:
        waiting = [c for c in pending if all(c is not a for a in accepted)]
        unresolved += listed_beside(section.text, urban, waiting)
    villages = sorted((c.start, c.end) for c in unresolved if c.parent_key == rural)
    if villages:
        # A candidate overlaps a village when a village starting before its end reaches past
        # its start: one look-up each, not a walk over every village.
        starts = [a for a, _ in villages]
        reach = list(accumulate((b for _, b in villages), max))

        def in_village(c: Candidate) -> bool:
            i = bisect_left(starts, c.end)
            return i > 0 and reach[i - 1] > c.start

        accepted = [c for c in accepted if not in_village(c)]
    return sorted(accepted + unresolved, key=by_start)


# Towns and villages, or districts of one city; not cities: "Baghdad, Erbil and Washington" lists
# capitals, and an unknown one among them is as often a government or a person as a place.
_LISTED_KINDS = frozenset({"town", "village"})
_LISTED_PARTS = frozenset({"district", "quarter"})
# What stands between two listed places, holding more names: ", Filfel and ".
_NAMES_BETWEEN = re.compile(
    rf"\s*,\s*(?P<names>{_NAME}(?:\s*,\s*{_NAME})*)\s*(?:,?\s*and\s+|,\s*)"
)
_BETWEEN_MAX = 200
# The rest of a list after two listed places, up to its last name: "Hadbaa, Falah, Barid,
# Nassir and Palestine", "Bashiqa, Batnaya and Filfel".
_NAMES_AFTER = re.compile(
    rf"(?:\s*,\s*(?P<names>{_NAME}(?:\s*,\s*{_NAME}){{0,8}})\s*,?|\s*,?)\s+and\s+"
    rf"(?P<last>{_NAME})\b(?![-\s][A-Z])"
)


def listed_among_places(
    matcher: Matcher,
    section: _Section,
    accepted: list[Candidate],
    unresolved: list[Candidate],
    report_bank: str,
) -> list[Candidate]:
    """Unknown names listed between towns or villages the gazetteer holds, or between districts
    of one city, or after two of them up to the list's last name: "major roads from Bashiqa,
    Batnaya, Filfel and Nawaran" names Filfel a place too, and "Hadbaa, Falah, Barid, Nassir
    and Palestine were still being fought over" Barid and Nassir districts of Falah's city."""
    places, text = matcher.places, section.text
    known = sorted((c for c in accepted if c.keys), key=by_start)

    def group(c: Candidate) -> str | None:
        """What the candidate may be listed with: "" for towns and villages, a city's key for
        its districts, None for anything else."""
        found = {
            "" if places[k].kind in _LISTED_KINDS
            else places[k].parent_key if places[k].kind in _LISTED_PARTS
            else None
            for k in c.keys
        }
        return found.pop() if len(found) == 1 else None

    spans: list[tuple[int, str, str | None]] = []  # where names start, the names, their group
    for i, (a, b) in enumerate(zip(known, known[1:], strict=False)):
        kind = group(a)
        if kind is None or group(b) != kind:
            continue
        # A few names between two places; a long run is no list of a sentence's (and on a
        # hostile text of thousands of names it costs its length once, not again per pair).
        between = b.start - a.end < _BETWEEN_MAX and _NAMES_BETWEEN.fullmatch(text, a.end, b.start)
        if between:
            spans.append((between.start("names"), between["names"], kind))
        elif _glued(text, a.end, b.start) and (i + 2 == len(known) or known[i + 2].start > b.end):
            after = _NAMES_AFTER.match(text, b.end)
            if after:
                for name in ("names", "last"):
                    if after[name]:
                        spans.append((after.start(name), after[name], kind))
    found = []
    taken = {c.start for c in unresolved}
    for g_start, names, kind in spans:
        for nm in _ONE_NAME.finditer(names):
            start = _skip_non_names(text, g_start + nm.start(), g_start + nm.end())
            end = g_start + nm.end()
            if start is None or start in taken:
                continue
            folded = normalise(text[start:end], matcher.fold_cache)
            if len(folded) < 3 or folded in matcher.names:
                continue
            taken.add(start)
            if not kind:
                parent = matcher.rural_parent
            else:
                bank = section.sentence_bank(start) or report_bank
                parent = (
                    matcher.bank_areas.get(bank, kind)
                    if bank and kind == matcher.default_parent
                    else kind
                )
            found.append(Candidate(start, end, folded, (), parent_key=parent, confidence=0.5))
    return found


def mend_misspellings(cands: list[Candidate], named: list[Candidate]) -> None:
    """Give an unknown name one letter off a place the report names elsewhere that place:
    "surrounded the town of Hamam al-Ali" after "the town of Hamam al-Alil" is a slip.

    Only names of six letters or more, and only places named once for certain (`named`):
    short names one letter apart are as often two places.
    """
    known: dict[str, tuple[str, ...]] = {}
    for c in named:
        if len(c.keys) == 1 and len(c.normalised) >= 6:
            known.setdefault(c.normalised, c.keys)
    if not known:
        return
    for c in cands:
        if c.keys or len(c.normalised) < 6:
            continue
        for name, keys in known.items():
            # One letter added, dropped or changed.
            if Levenshtein.distance(c.normalised, name, score_cutoff=1) == 1:
                c.keys, c.parent_key, c.confidence = keys, None, 0.6
                break


def find_unresolved(
    matcher: Matcher, section: _Section, scan: Scan, report_bank: str
) -> list[Candidate]:
    """Names the text marks as places ("the X neighbourhood") that the gazetteer lacks."""
    offsets = scan.offsets
    # The spans of the gazetteer names, in order and apart: the ends are in order too.
    taken = [(offsets[2 * first], offsets[2 * last + 1]) for first, last, _, _ in scan.hits]
    found: dict[int, Candidate] = {}
    tried: dict[int, re.Match[str] | None | bool] = {}
    text = section.text
    lower = text.lower()
    if lower_keeps_offsets(text, lower):  # the cue words and the taking verbs in one pass
        cue_starts, verb_starts = _UNRESOLVED_STEMS.stem_starts(lower)
        triggers = _UNRESOLVED_TRIGGER.matches_at(text, lower, cue_starts)
        verbs = _TAKEN_LIST_FINDER.matches_at(text, lower, verb_starts)
    else:
        triggers, verbs = _UNRESOLVED_TRIGGER.matches(text), _TAKEN_LIST_FINDER.matches(text)
    for trigger in triggers:
        # The full pattern only runs in a window around a cue word: it is costly over a body.
        # The full pattern is tried only where a name could begin: the cue word itself
        # ("district of X", "hay X") or a capital shortly before it ("X and Y districts").
        at = trigger.start()
        # A match from before the last character that no match holds cannot reach the cue word.
        lo = max(0, at - 120)
        for barrier in _NOT_IN_UNRESOLVED.finditer(text, lo, at):
            lo = barrier.end()
        starts = [m.start() for m in _CAPITAL.finditer(text, lo, at)] + [at]
        for pos in starts:
            # Windows of cue words close together overlap: match each position once.
            m = tried.get(pos, False)
            if m is False:
                m = tried[pos] = _UNRESOLVED.match(text, pos)
            # A match whose words are no names ("The villages") gives way to one from later on
            # ("villages of Al-Nomaniyah").
            if m and m.start() <= at < m.end() and _add_unresolved(
                matcher, section, m, taken, found, report_bank
            ):
                break
    for m in verbs:
        if _taken_list_of_places(text, m):
            _add_unresolved(matcher, section, m, taken, found, report_bank)
    return list(found.values())


def _taken_list_of_places(text: str, m: re.Match[str]) -> bool:
    """Whether the names a taking verb took (a _TAKEN_LIST match) are places: said to be
    villages, two or more of them, or one placed by a compass point; no man's first name."""
    names = 0
    g_start = m.start("rural_taken")
    for nm in _ONE_NAME.finditer(m["rural_taken"]):
        # The first word after any title: "Prime Minister Haider al-Abadi" is a man too.
        words = nm[0].split()
        first = next((w for w in words if w not in _NOT_NAMES), words[0])
        if first in _MAN_FIRST:
            return False
        names += _skip_non_names(text, g_start + nm.start(), g_start + nm.end()) is not None
    if not names:
        return False
    return (
        m["villages"] is not None
        or names >= 2
        or _PLACED_AFTER.match(text, m.end()) is not None
    )


def _add_unresolved(
    matcher: Matcher,
    section: _Section,
    m: re.Match[str],
    taken: list[tuple[int, int]],
    found: dict[int, Candidate],
    report_bank: str,
) -> bool:
    """Add the names `m` holds to `found`; whether it held any name (known or not)."""
    named = False
    group = m.lastgroup  # each alternative has one group: "before", "after" or "hay"
    g_start = m.start(group)
    # A site's name is one name with its kind: "Mar Behnam Monastery".
    spans = (
        [(0, len(m[group]))]
        if group in _SITE_GROUPS
        else [nm.span() for nm in _ONE_NAME.finditer(m[group])]
    )
    for a, b in spans:
        start, end = g_start + a, g_start + b
        start = _skip_non_names(section.text, start, end)
        if start is None or (group in _SITE_GROUPS and " " not in section.text[start:end]):
            continue  # "the Central Mosque" names no mosque
        named = True
        if start in found:
            continue
        rural = group.startswith("rural")
        # The first name ending after `start` is the only one that may overlap start..end.
        i = bisect_right(taken, start, key=itemgetter(1))
        overlaps = i < len(taken) and taken[i][0] < end
        if overlaps and not rural:
            continue
        if group == "rural_before":
            # "Debaga camp" is the camp, not the town it is named after: the word is the name's.
            camp = _CAMP_AFTER.match(section.text, end)
            if camp:
                end = camp.end()
        day = _DAY_BEFORE.search(section.text, max(0, start - 6), start)
        if day:
            start = day.start()
        name = section.text[start:end]
        folded = normalise(name, matcher.fold_cache)
        # In a list of villages, "al-Salam" is a village of that name, not the city's district:
        # it is kept as an unresolved village (geoparse drops the district's match).
        village = rural and folded in matcher.city_districts and _VILLAGES.search(m[0]) is not None
        known = (overlaps or folded in matcher.names) and not village
        if (
            known
            or len(folded) < 3
            or start == section.sentence_span(start)[0] and group not in _MARKED_ANYWHERE
        ):
            continue
        if rural:
            # A village or camp may lie anywhere in the province: not at a bank of the city.
            parent = matcher.rural_parent
        else:
            bank = section.sentence_bank(start) or report_bank
            parent = matcher.bank_areas.get(bank) if bank else matcher.default_parent
        found[start] = Candidate(start, end, folded, (), parent_key=parent, confidence=0.5)
    return named


def _skip_non_names(text: str, start: int, end: int) -> int | None:
    """Move `start` past leading words that are not names; None if nothing is left."""
    while start < end:
        word_end = _NO_SPACE.match(text, start, end).end()
        word = text[start:word_end]
        bare = word.split("-", 1)[-1] if word.lower().startswith(("al-", "el-")) else word
        if bare not in _NOT_NAMES and not word.endswith(("'s", "’s")):
            return start
        start = word_end + 1
    return None
