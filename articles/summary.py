"""A report's main claim about each place it names, weighed from everything its rules found.

The status rules (articles.status) read one sentence at a time, and _mark_primary in
articles.geoparse ranks what they found to pick the report's claim about a place. Readers weigh
more than one sentence: how a report words a city around the districts it names, a claim its
headline makes and its body qualifies. A linear model learnt from the hand-labelled evaluation
set (tests/data/evaluation/) weighs the same evidence, with the rules' own choice among it:

- what the rules chose, and what they found in each sentence naming the place;
- the place's kind (city, district, village ...), and whether the gazetteer holds places in it;
- the six words either side of the name, and the word next to it;
- what the rules found for places inside it (a city's districts), and how often it is named.

`python manage.py train_status_model` fits it (scikit-learn, a development dependency) and
writes articles/data/status_model.json; here it is only read, in plain Python. The model picks
the summary: the mention whose own sentence says what it decided becomes the primary one; when
no sentence says it, the primary mention keeps its sentence and takes the report's claim.
"""

from __future__ import annotations

import json
import math
import re
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from articles.status import STATUS_RANK

if TYPE_CHECKING:
    from articles.geoparse import FoundMention, PlaceInfo

MODEL_PATH = Path(__file__).resolve().parent / "data" / "status_model.json"
FORMAT = 1
# Words either side of a name that are features of their own, and how much of a word counts
# (enough for "liberat" to cover liberated, liberating and liberation).
WINDOW = 6
STEM = 7
# A word's first STEM letters: findall returns them already cut.
_STEM = re.compile(rf"([a-z]{{1,{STEM}}})[a-z]*")
# Weights are kept to four decimals: as whole numbers of ten-thousandths they add exactly.
SCALE = 10_000
# Where the model is barely surer of another status than of the rules' own choice, the rules'
# stands: it is what a sentence says. On the held-out folds of 1,370 excerpts any margin from
# 0.05 to 0.10 scores alike (0.776; none at all, 0.778); 0.10 keeps "The army announced the
# liberation of the city of Mosul", which readers' labels of cities leave the model undecided
# on (0.49 `mentioned` against 0.40 `retaken` once batch 47 joined).
RULES_MARGIN = 0.10
# Features by the prefix that names their group; a feature with none of them is a tag.
_GROUPS = {"L=": "left", "R=": "right", "L1=": "first_left", "R1=": "first_right"}
# The one feature whose value is not a count or a share (PlaceEvidence.how_often).
HOW_OFTEN = "how_often"


_STATUS_TAG = {s: "status=" + s for s in STATUS_RANK}
_TITLE_TAG = {s: "title=" + s for s in STATUS_RANK}


@lru_cache(maxsize=4096)
def _lowered(sentence: str) -> str:
    lowered = sentence.lower()
    # Lower-casing moves no character but in a few scripts (a dotted capital I): there the
    # sentence's own letters, upper-case ones unread, keep the offsets.
    return lowered if len(lowered) == len(sentence) else sentence


def _key(m: FoundMention) -> str | tuple:
    return m.place_key or (None, m.normalised)


class PlaceEvidence:
    """What the rules found for one place in one report: the features the model weighs.

    What the rules chose and the place's kind count once; what each mention's sentence gives
    counts as its share of the place's mentions, and what the places inside it got as its share
    of theirs; how often the report names the place is a feature of its own. As counts, a
    single sentence ("The army announced the liberation of the city of Mosul") weighed too
    little against what a city in the set mostly is, only mentioned (docs/evaluation.md).
    """

    # A plain class with slots: a report builds one per place, on the geoparser's hot path.
    __slots__ = ("key", "primary", "mentions", "place_tags", "parts", "tags", "left", "right",
                 "first_left", "first_right")

    def __init__(self, key: str | tuple, primary: FoundMention) -> None:
        self.key = key
        self.primary = primary
        self.mentions: list[FoundMention] = []
        self.place_tags: list[str] = []  # rule=, kind= ...: once per place
        self.parts: list[str] = []  # part=: each mention of a place inside it
        self.tags: list[str] = []  # status=, title= ...: each mention's
        self.left: list[str] = []  # up to WINDOW words before each mention
        self.right: list[str] = []  # and after it
        self.first_left: list[str] = []  # the word just before each mention
        self.first_right: list[str] = []

    def add(self, m: FoundMention) -> None:
        self.mentions.append(m)
        self.tags.append(_STATUS_TAG[m.status])
        if m.section == "title":
            self.tags.append(_TITLE_TAG[m.status])
        if m.container:
            self.tags.append("container")
        if m.background:
            self.tags.append("background")
        lowered = _lowered(m.sentence)
        at = lowered.find(m.surface.lower())
        if at < 0:
            return
        # Six words fit in far fewer characters than this: in a long run of names (a sentence
        # is cut at 1,000 characters) each costs a few words either side, not the whole run.
        reach = 30 * WINDOW
        end = at + len(m.surface)
        left = _STEM.findall(lowered, max(0, at - reach), at)[-WINDOW:]
        right = _STEM.findall(lowered, end, end + reach)[:WINDOW]
        self.left += left
        self.right += right
        if left:
            self.first_left.append(left[-1])
        if right:
            self.first_right.append(right[0])

    @property
    def mention_share(self) -> float:
        """How much one mention's features count."""
        return 1 / len(self.mentions) if self.mentions else 0.0

    @property
    def how_often(self) -> float:
        """How often the report names the place, up to ten times, as a share of ten."""
        return min(len(self.mentions), 10) / 10

    def features(self) -> dict[str, float]:
        """Every feature by its name, with its value (what training sees)."""
        out: Counter[str] = Counter(self.place_tags)
        share = self.mention_share
        for name in self.tags:
            out[name] += share
        for prefix, group in _GROUPS.items():
            for w in getattr(self, group):
                out[prefix + w] += share
        for name in self.parts:
            out[name] += 1 / len(self.parts)
        out[HOW_OFTEN] = self.how_often
        return dict(out)


def evidence(
    mentions: Sequence[FoundMention],
    places: dict[str, PlaceInfo],
    holding_parts: Iterable[str],
) -> list[PlaceEvidence]:
    """Per place of the report (in the order of its primary mentions), what the rules found."""
    found: dict[str | tuple, PlaceEvidence] = {}
    for m in mentions:
        if m.is_primary:
            found[_key(m)] = PlaceEvidence(_key(m), m)
    holding = frozenset(holding_parts)
    for place in found.values():
        m = place.primary
        info = places.get(m.place_key) if m.place_key else None
        kind = info.kind if info is not None else "unresolved"
        place.place_tags += ["rule=" + m.status, "kind=" + kind, f"kind_rule={kind}/{m.status}"]
        if m.place_key in holding:
            place.place_tags.append("holds_rule=" + m.status)
    for m in mentions:
        place = found.get(_key(m))
        if place is not None:
            place.add(m)
        # What the rules found in the places inside a place (a city's districts).
        info = places.get(m.place_key) if m.place_key else None
        parent = found.get(info.parent_key if info is not None else m.parent_key)
        if parent is not None:
            parent.parts.append("part=" + m.status)
    return list(found.values())


class SummaryModel:
    """A multinomial logistic model: per status, an intercept and a weight per feature.

    Scoring packs a feature's weights for all statuses into one integer, 64 bits a status,
    so that summing the features of a place is one pass of C-level additions, not one pass
    per status; the weights, whole numbers of ten-thousandths, add exactly."""

    _BITS = 64
    # Far above any sum of weights (a report of a million mentions, each weight under 10 and
    # some twenty features a mention, sums to under 10**12 ten-thousandths), far below 2**63.
    _BIAS = 1 << 61

    def __init__(self, classes: Sequence[str], intercept: Sequence[float],
                 weights: dict[str, Sequence[float]], about: dict | None = None) -> None:
        self.classes = tuple(classes)
        self.intercept = tuple(intercept)
        self.weights = {k: tuple(v) for k, v in weights.items()}
        self.about = about or {}
        groups: dict[str, dict[str, int]] = {group: {} for group in (*_GROUPS.values(), "tags")}
        for feature, w in self.weights.items():
            prefix = next((p for p in _GROUPS if feature.startswith(p)), None)
            group = groups[_GROUPS[prefix]] if prefix else groups["tags"]
            group[feature[len(prefix) :] if prefix else feature] = self._pack(w)
        self._get = {group: packed.get for group, packed in groups.items()}
        self._how_often = self.weights.get(HOW_OFTEN, (0.0,) * len(self.classes))
        self._bias = self._pack([self._BIAS / SCALE] * len(self.classes))
        self._fields = struct.Struct(f"<{len(self.classes)}q")
        self._index = {c: i for i, c in enumerate(self.classes)}

    def _pack(self, values: Sequence[float]) -> int:
        return sum(round(v * SCALE) << (self._BITS * i) for i, v in enumerate(values))

    def _unpack(self, total: int) -> list[float]:
        # _BIAS in every status's bits keeps each of them positive (no borrow crosses into the
        # next), so the bytes read as they are.
        fields = self._fields.unpack((total + self._bias).to_bytes(self._fields.size, "little"))
        return [(f - self._BIAS) / SCALE for f in fields]

    @classmethod
    def from_json(cls, data: dict) -> SummaryModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"status model format {data.get('format')!r}, expected {FORMAT}")
        return cls(data["classes"], data["intercept"], data["weights"], data.get("about"))

    def dumps(self) -> str:
        """The model as JSON, one feature a line (a retrained model's diff reads line by line)."""
        head = [
            f'"format": {FORMAT}',
            f'"about": {json.dumps(self.about, sort_keys=True)}',
            f'"classes": {json.dumps(list(self.classes))}',
            f'"intercept": {json.dumps(list(self.intercept))}',
        ]
        weights = ",\n".join(
            f"{json.dumps(k)}: {json.dumps(list(v))}" for k, v in sorted(self.weights.items())
        )
        return "{\n" + ",\n".join(head) + ',\n"weights": {\n' + weights + "\n}}\n"

    def scores(self, place: PlaceEvidence) -> list[float]:
        """Each status's score for the place: the intercept and every feature's weight times
        its value (PlaceEvidence.features)."""
        get, zero = self._get, repeat(0)
        tags = get["tags"]
        once = sum(map(tags, place.place_tags, zero))
        each = (
            sum(map(tags, place.tags, zero))
            + sum(map(get["left"], place.left, zero))
            + sum(map(get["right"], place.right, zero))
            + sum(map(get["first_left"], place.first_left, zero))
            + sum(map(get["first_right"], place.first_right, zero))
        )
        inside = sum(map(tags, place.parts, zero))
        share, often = place.mention_share, place.how_often
        part_share = 1 / len(place.parts) if place.parts else 0.0
        return [
            b + o + e * share + i * part_share + w * often
            for b, o, e, i, w in zip(
                self.intercept,
                self._unpack(once),
                self._unpack(each),
                self._unpack(inside),
                self._how_often,
                strict=True,
            )
        ]

    def decide(self, place: PlaceEvidence) -> str:
        """The status the model gives the place: the rules' own choice unless the model is
        surer of another by RULES_MARGIN."""
        scores = self.scores(place)
        top = max(range(len(scores)), key=scores.__getitem__)
        rule = self._index.get(place.primary.status)
        if rule is None or rule == top:
            return self.classes[top]
        odds = [math.exp(s - scores[top]) for s in scores]
        if (1.0 - odds[rule]) / sum(odds) < RULES_MARGIN:
            return self.classes[rule]
        return self.classes[top]

    def probabilities(self, place: PlaceEvidence) -> dict[str, float]:
        """Each status's probability for the place."""
        scores = self.scores(place)
        top = max(scores)
        odds = [math.exp(s - top) for s in scores]
        return {c: o / sum(odds) for c, o in zip(self.classes, odds, strict=True)}


@cache
def shipped_model(path: Path = MODEL_PATH) -> SummaryModel | None:
    """The model trained for this release, or None (the rules' choice stands) without one."""
    if not path.exists():
        return None
    return SummaryModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def summarise(
    mentions: list[FoundMention],
    places: dict[str, PlaceInfo],
    holding_parts: Iterable[str],
    model: SummaryModel,
) -> None:
    """Give each place's primary mention the status the model decides for the report."""
    for place in evidence(mentions, places, holding_parts):
        decided = model.decide(place)
        if decided == place.primary.status:
            continue
        said = next((m for m in place.mentions if m.status == decided), None)
        if said is not None:
            place.primary.is_primary = False
            said.is_primary = True
        else:
            place.primary.status = decided
