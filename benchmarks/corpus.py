"""A synthetic corpus from a seed: seed-format reports naming places of a padded gazetteer."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from articles.names import normalise

GAZETTEER_CSV = Path(__file__).resolve().parent.parent / "articles" / "data" / "gazetteer.csv"
DEFAULT_START = dt.date(2016, 10, 17)
DEFAULT_DAYS = 300

# The seed reports' own spellings: used only when the shipped gazetteer file is missing.
FALLBACK_PLACES = [
    ("mosul", "Mosul", "city", "", "", ["Mosul", "Mawsil"]),
    ("zahour", "al-Zahour", "district", "mosul", "east", ["al-Zahour", "Zahour", "Zuhur"]),
    ("kokjeli", "Kokjeli", "district", "mosul", "east", ["Kokjeli", "Gogjali"]),
    ("karama", "al-Karama", "district", "mosul", "east", ["al-Karama", "Karama"]),
    ("intisar", "Intisar", "district", "mosul", "east", ["Intisar", "al-Intisar"]),
    ("siha", "Siha", "district", "mosul", "", ["Siha", "Saha"]),
    ("salam", "Salam", "district", "mosul", "east", ["Salam", "al-Salam"]),
    ("hammam-al-alil", "Hammam al-Alil", "town", "", "", ["Hammam al-Alil", "Hamam al-Alil"]),
    ("najaf", "Najaf", "city", "", "", ["Najaf"]),
]

_ONSETS = ["b", "d", "f", "gh", "h", "j", "k", "kh", "l", "m", "n", "q", "r", "s", "sh", "t",
           "w", "y", "z", "dh", "th"]
_VOWELS = ["a", "i", "u", "aa", "ou", "ee", "ay"]
_CODAS = ["", "", "", "n", "r", "m", "l", "b", "t", "sh", "j", "q"]
_PATTERNS = ["{w}", "{w}", "{w}", "al-{w}", "Tal {w}", "Hay {w}", "Wadi {w}", "{w} al-{v}",
             "Bab {w}", "Ain {w}", "{w}iya"]
_KINDS = ["district", "district", "district", "village", "village", "town", "landmark"]


@dataclass(frozen=True)
class GazetteerPlace:
    """One place of the benchmark gazetteer with all its spellings."""

    key: str
    name: str
    kind: str
    parent_key: str
    bank: str
    common_word: bool
    lat: float
    lon: float
    aliases: tuple[str, ...]
    synthetic: bool


@dataclass
class Gazetteer:
    """Places, real ones first, padded with synthetic ones to a number of names."""

    places: list[GazetteerPlace]
    source: str

    @property
    def name_count(self) -> int:
        """Distinct names after folding: what a matcher has to tell apart."""
        return len({normalise(a) for p in self.places for a in p.aliases})

    @property
    def spelling_count(self) -> int:
        return sum(len(p.aliases) for p in self.places)

    @property
    def real(self) -> list[GazetteerPlace]:
        return [p for p in self.places if not p.synthetic]

    @property
    def synthetic(self) -> list[GazetteerPlace]:
        return [p for p in self.places if p.synthetic]


@dataclass
class RelatedItem:
    """One entry of the related-stories block."""

    id: str
    sort: str
    contenttypeid: str
    pic: str
    title: str


@dataclass
class Report:
    """One generated report, as structured values and as its seed-format text."""

    title: str
    published_at: dt.datetime
    paragraphs: list[str]
    source_line: str
    related: list[RelatedItem]
    repeat_title: bool
    places: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def related_titles(self) -> list[str]:
        return [item.title for item in self.related]

    def related_block(self) -> str:
        """The PHP var_dump of the related JSON, byte count in UTF-8 as the site prints it."""
        items = [json.dumps(item.__dict__, ensure_ascii=False, separators=(",", ":"))
                 for item in self.related]
        payload = "[" + " ,".join(items) + " ]"
        return f'string({len(payload.encode("utf-8"))}) "{payload}"'

    def text(self) -> str:
        """The report exactly as the source site exported its seeds."""
        lines = [self.title, ""]
        if self.repeat_title:
            lines.append(self.title)
        lines.append(f"{self.published_at:%a %b} {self.published_at.day}, "
                     f"{self.published_at:%Y %H:%M:%S}")
        lines.append("")
        for i, paragraph in enumerate(self.paragraphs):
            lines.extend([paragraph, ""])
            if i == 0 and self.source_line:
                lines.extend([self.source_line, ""])
        lines.extend(["", self.related_block()])
        return "\n".join(lines)


def _pseudo_word(rng: random.Random) -> str:
    syllables = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 3))]
    return ("".join(syllables) + rng.choice(_CODAS)).capitalize()


def _variants(word: str, rng: random.Random) -> list[str]:
    """Spellings an agency might use: doubled letters, ou/u, ee/i, a final h."""
    out = []
    if "ou" in word:
        out.append(word.replace("ou", "u", 1))
    if "ee" in word:
        out.append(word.replace("ee", "i", 1))
    if word.endswith("a"):
        out.append(word + "h")
    for i in range(1, len(word) - 1):
        if word[i] in "bdklmnrst" and word[i - 1] in "aeiou" and word[i + 1] in "aeiou":
            out.append(word[: i + 1] + word[i:])
            break
    rng.shuffle(out)
    return out


def _read_real_places(path: Path) -> tuple[list[GazetteerPlace], str]:
    if not path.exists():
        places = [
            GazetteerPlace(key, name, kind, parent, bank, False, 36.34, 43.13,
                           tuple(aliases), synthetic=False)
            for key, name, kind, parent, bank, aliases in FALLBACK_PLACES
        ]
        return places, f"built-in seed spellings ({path.name} not found)"
    places = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
            if row["name"] not in aliases:
                aliases.insert(0, row["name"])
            places.append(GazetteerPlace(
                key=row["slug"], name=row["name"], kind=row.get("kind") or "district",
                parent_key=row.get("parent") or "", bank=row.get("bank") or "",
                common_word=(row.get("common_word") or "0").strip() in {"1", "true", "True"},
                lat=float(row.get("lat") or 36.34), lon=float(row.get("lon") or 43.13),
                aliases=tuple(dict.fromkeys(aliases)), synthetic=False,
            ))
    return places, str(path.relative_to(path.parents[2]))


def build_gazetteer(names: int, seed: int = 1, path: Path = GAZETTEER_CSV) -> Gazetteer:
    """The shipped places and their spellings, padded with synthetic places to `names` names.

    Names are counted after folding (articles.names.normalise), so agency variants of one
    synthetic name (doubled letters, ou/u) add spellings to match but not to the count.
    """
    rng = random.Random(f"gazetteer-{seed}")
    places, source = _read_real_places(path)
    taken = {normalise(a) for p in places for a in p.aliases}
    n = 0
    while len(taken) < names:
        word = _pseudo_word(rng)
        pattern = rng.choice(_PATTERNS)
        name = pattern.format(w=word, v=_pseudo_word(rng))
        key = normalise(name)
        if key in taken or not key:
            continue
        aliases = [name]
        for variant in _variants(word, rng)[: rng.randint(0, 2)]:
            spelled = pattern.format(w=variant, v=name.split("al-")[-1])
            if spelled not in aliases and normalise(spelled) not in taken - {key}:
                aliases.append(spelled)
        taken.update(normalise(a) for a in aliases)
        n += 1
        bank = rng.choice(["east", "west"])
        places.append(GazetteerPlace(
            key=f"synthetic-{n}", name=name, kind=rng.choice(_KINDS), parent_key="mosul",
            bank=bank, common_word=False,
            lat=round(36.25 + rng.random() * 0.2, 5),
            lon=round((43.15 if bank == "east" else 43.05) + rng.random() * 0.1, 5),
            aliases=tuple(aliases), synthetic=True,
        ))
    return Gazetteer(places=places, source=source)


_HEADLINES = [
    "Iraqi Forces Continue Their Advance against ISIS, Enter {a} in Mosul",
    "Iraqi Forces Make Advance in Mosul {bank_title} {a} District",
    "MOSUL FRONTLINE: Iraqi Army Retakes {a}, Pushes towards {b}",
    "Heavy Clashes Reported in {a} as ISF Tighten Grip on Mosul",
    "Federal Police Clear {a} Neighbourhood, Civilians Flee {b}",
    "ISIS Counter-Attack Repelled near {a}, Iraqi Commanders Say",
]
_LEDE = [
    "Iraqi anti-terrorism units continued to advance against ISIS terrorists on the {bank_adj} "
    "side of Mosul, entering {a} after hours of non-stop fighting on {weekday}.",
    "Officers from Iraq's Federal Police said they had recaptured the {a} neighbourhood of "
    "{bank_adj_l} Mosul from ISIS (ISIL, IS, Daesh) terrorists on {weekday} ({month_day}), as "
    "hundreds of civilians fled the area.",
    "Iraqi forces entered the {a} neighbourhood of {bank_adj_l} Mosul on {weekday}, a military "
    "spokesman said, as the campaign to retake the city entered its {ordinal} week.",
]
_PLACE_SENTENCES = [
    "The Iraqi forces opened their way into {a} region on the {bank_adj} side of the city of "
    "Mosul.",
    "Heavy fighting is underway between the Iraqi forces and ISIL in {a}.",
    "The government troops are currently carrying out cleansing operation in {a} district's "
    "houses and buildings, while other units of the security forces are engaged in clashes with "
    "ISIS at the entrance of {b} district.",
    "A federal police official told Reuters that Iraqi forces had taken near total control of "
    "{a} and {b} neighbourhoods, and were clearing {c}.",
    "They are now clearing the {a} neighbourhood, they are clashing with the enemy.",
    "Counter-terrorism service troops cleared {a} on {weekday} and raised the Iraqi flag over "
    "its main government building.",
    "Clashes in {a} continued into the night, residents told the agency by telephone.",
    "Iraqi forces entered the {a} neighbourhood of {bank_adj_l} Mosul and are advancing "
    "towards {b}.",
    "Militants still hold the last region they control in {a}, near {b}, officers said.",
    "Several villages around {a} have been retaken by Iraqi security forces in recent days, FNA "
    "reported.",
]
_FILLER = [
    "Prime Minister Haider al-Abadi has said the group would be driven out of the country by "
    "April.",
    "The fourth day of the renewed push saw incremental advances on the eastern and "
    "southeastern fronts.",
    "Although the militants are vastly outnumbered in Mosul, they have embedded themselves among "
    "residents, hindering Iraqi forces who are trying to avoid civilian casualties.",
    "Despite food and water shortages, most civilians have stayed in their homes rather than "
    "fleeing as had been expected.",
    "Thousands more people have fled their homes since the military's new push began, many "
    "under the cover of darkness to avoid detection by Islamic State.",
    "Large numbers of our enemy were killed yesterday, and god willing the defeat broke their "
    "back.",
    "The United Nations said on Tuesday that more than 50,000 people had been displaced since "
    "the offensive began.",
]
_RELATED = [
    "MOSUL FRONTLINE VID: ISF Starts Advancing Deeper into {a}",
    "US-Led Coalition against ISIS Destroys 2 of 5 Mosul Bridges",
    "MOSUL LATEST VIDEO: Heavy Fighting in {a} as ISF Advancing",
    "ISIS Killed 230 People Around, 200 Others in Mosul: UN Says",
    "VIDEO: ISIS Attacks Iraqi Police near Najaf, Kills Seven",
    "Britain ‘Under Real Threat’ from ISIS Chemical Weapon Atrocity",
]
_SOURCES = ["Alalam - Iraq", "FNA - Tehran", "Reuters - Mosul", "Alsumaria - Baghdad", "", ""]
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]


def _english_aliases(place: GazetteerPlace) -> list[str]:
    spelled = [a for a in place.aliases if a.isascii() and a[:1].isalpha()]
    return spelled or [place.name]


class CorpusGenerator:
    """Seed-format reports over a date range, each naming a few places of the gazetteer."""

    def __init__(self, gazetteer: Gazetteer, seed: int = 1, start: dt.date = DEFAULT_START,
                 days: int = DEFAULT_DAYS, real_share: float = 0.6) -> None:
        self.gazetteer = gazetteer
        self.seed = seed
        self.start = start
        self.days = days
        self.real_share = real_share
        # Districts, towns and villages are what the front-line sentences name.
        self._real = [p for p in gazetteer.real if p.kind not in {"country", "region"}]
        self._synthetic = gazetteer.synthetic or self._real

    def _place(self, rng: random.Random) -> GazetteerPlace:
        pool = self._real if rng.random() < self.real_share else self._synthetic
        return rng.choice(pool)

    def _timestamps(self, count: int, rng: random.Random) -> list[dt.datetime]:
        seconds = self.days * 86400
        picks = sorted(rng.sample(range(seconds), count)) if count <= seconds else []
        base = dt.datetime.combine(self.start, dt.time())
        return [base + dt.timedelta(seconds=s) for s in picks]

    def reports(self, count: int) -> Iterator[Report]:
        """`count` reports in publication order; the same seed gives the same reports."""
        rng = random.Random(f"corpus-{self.seed}")
        for i, when in enumerate(self._timestamps(count, rng)):
            yield self._report(i, when, rng)

    def _report(self, index: int, when: dt.datetime, rng: random.Random) -> Report:
        chosen = [self._place(rng) for _ in range(rng.randint(3, 6))]
        spelled = [rng.choice(_english_aliases(p)) for p in chosen]
        bank = chosen[0].bank or rng.choice(["east", "west"])
        event_day = when - dt.timedelta(days=rng.choice([0, 0, 1, 2]))
        values = {
            "a": spelled[0], "b": spelled[1], "c": spelled[2],
            "bank_adj": "Eastern" if bank == "east" else "Western",
            "bank_adj_l": "eastern" if bank == "east" else "western",
            "bank_title": "Eastern" if bank == "east" else "Western",
            "weekday": f"{event_day:%A}", "month_day": f"{event_day:%B} {event_day.day}",
            "ordinal": rng.choice(_ORDINALS),
        }
        paragraphs = [rng.choice(_LEDE).format(**values)]
        rest = spelled[1:]
        body_sentences = rng.randint(7, 11)
        for _ in range(body_sentences):
            if rest and rng.random() < 0.7:
                names = rest + spelled[:1]
                values.update(a=names[0], b=names[1 % len(names)], c=names[2 % len(names)])
                rest = rest[1:]
                paragraphs.append(rng.choice(_PLACE_SENTENCES).format(**values))
            else:
                paragraphs.append(rng.choice(_FILLER))
        related = []
        for k in range(rng.randint(3, 5)):
            is_video = rng.random() < 0.4
            ticks = 636138515625499855 + index * 10_000_000 + k * 997
            related.append(RelatedItem(
                id=str(1881004 + index * 7 + k), sort=str(3657277 - index * 7 - k),
                contenttypeid="21",
                pic=f"/{when:%Y/%m/%d}/alalam_{ticks}_25f_4x3.{'mp4' if is_video else 'jpg'}",
                title=rng.choice(_RELATED).format(a=rng.choice(spelled)),
            ))
        return Report(
            title=rng.choice(_HEADLINES).format(**{**values, "a": spelled[0], "b": spelled[1]}),
            published_at=when, paragraphs=paragraphs, source_line=rng.choice(_SOURCES),
            related=related, repeat_title=rng.random() < 0.3,
            places=[p.key for p in chosen],
        )


def file_name(index: int, report: Report) -> str:
    """A file name like the seeds': an index and a short hash of the text."""
    digest = hashlib.sha256(report.text().encode("utf-8")).hexdigest()[:16]
    return f"{index:06d}_{digest}.txt"


def write_corpus(directory: Path, reports: list[Report]) -> list[Path]:
    """Write each report as its own UTF-8 file, as the source site exported them."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, report in enumerate(reports):
        path = directory / file_name(i, report)
        path.write_text(report.text(), encoding="utf-8")
        paths.append(path)
    return paths
