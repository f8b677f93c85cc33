"""The shipped gazetteer file and GeoNames imports, written to Place and Alias rows.

Rules every writer here follows: a place an editor owns (provenance `editor`, or review state
`confirmed`) is never touched, not even its aliases, since an editor may have deleted a spelling on
purpose; aliases are only ever added, never removed, so spellings editors add to a shipped place
survive a reload.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from articles import timeline
from articles.geonames import AlternateName, GeoName, is_spelling, language_of
from articles.matcher import forget_matcher
from articles.models import Alias, Place
from articles.names import normalise

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.csv"
COLUMNS = (
    "slug,name,name_ar,kind,parent,bank,lat,lon,precision,radius_m,source,"
    "geonames_id,osm_id,wikidata_id,common_word,aliases"
).split(",")
ALIAS_MAX = Alias._meta.get_field("text").max_length


class GazetteerError(Exception):
    """The file has bad rows; nothing was loaded. `errors` names each file, line and field."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class GazetteerRow:
    """One validated row of the shipped gazetteer."""

    line: int
    fields: dict
    parent: str
    aliases: tuple[str, ...]


@dataclass
class LoadResult:
    """What a load did, place by place."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_editor: int = 0
    refolded: int = 0  # aliases whose stored normal form was stale (refresh_alias_forms)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def is_editor_owned(place: Place) -> bool:
    """Whether an editor made or confirmed this place, so no automatic writer may change it."""
    return (
        place.provenance == Place.Provenance.EDITOR or place.review_state == Place.Review.CONFIRMED
    )


def _number(where: str, name: str, raw: str, cast: type, low: float, high: float, errors: list):
    try:
        value = cast(raw)
    except ValueError:
        errors.append(f'{where}: {name} "{raw}" is not a {"whole " if cast is int else ""}number')
        return None
    if not low <= value <= high:
        errors.append(f"{where}: {name} {raw} is out of range ({low} to {high})")
        return None
    return value


def _parse_row(where: str, raw: Mapping[str, str], errors: list[str]) -> dict | None:
    row = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    before = len(errors)
    for name in ("slug", "name", "kind", "lat", "lon", "precision", "radius_m", "source"):
        if not row[name]:
            errors.append(
                f"{where}: {name} is empty"
                + (" (cite where the point comes from)" if name == "source" else "")
            )
    if row["slug"] and slugify(row["slug"]) != row["slug"]:
        errors.append(f'{where}: slug "{row["slug"]}" is not a slug (lower-case, digits, hyphens)')
    if row["kind"] and row["kind"] not in Place.Kind.values:
        errors.append(f'{where}: kind "{row["kind"]}" is not one of {", ".join(Place.Kind.values)}')
    if row["bank"] not in Place.Bank.values:
        errors.append(f'{where}: bank "{row["bank"]}" is not east, west or empty')
    if row["common_word"] not in {"", "0", "1"}:
        errors.append(f'{where}: common_word "{row["common_word"]}" is not 1 or 0')

    def number(name: str, cast: type, low: float, high: float):
        return _number(where, name, row[name], cast, low, high, errors) if row[name] else None

    lat, lon = number("lat", float, -90, 90), number("lon", float, -180, 180)
    precision = number("precision", int, 1, 3)
    radius = number("radius_m", int, 1, 1_000_000)
    geonames_id = number("geonames_id", int, 1, 10**12)
    if len(errors) > before:
        return None
    return {
        "slug": row["slug"], "name": row["name"], "name_ar": row["name_ar"], "kind": row["kind"],
        "bank": row["bank"], "latitude": lat, "longitude": lon, "precision": precision,
        "radius_m": radius, "source": row["source"], "geonames_id": geonames_id,
        "osm_id": row["osm_id"], "wikidata_id": row["wikidata_id"],
        "common_word": row["common_word"] == "1", "parent": row["parent"],
        "aliases": tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
    }  # fmt: skip


def read_gazetteer(path: Path) -> list[GazetteerRow]:
    """Read and validate the whole file; raise GazetteerError listing every bad row."""
    errors: list[str] = []
    rows: list[GazetteerRow] = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise GazetteerError([f"{path.name}:1: missing columns: {', '.join(missing)}"])
        for raw in reader:
            where = f"{path.name}:{reader.line_num}"
            parsed = _parse_row(where, raw, errors)
            if parsed is not None:
                parent, aliases = parsed.pop("parent"), parsed.pop("aliases")
                rows.append(GazetteerRow(reader.line_num, parsed, parent, aliases))
    seen: dict[str, int] = {}
    for row in rows:
        slug = row.fields["slug"]
        if slug in seen:
            errors.append(f'{path.name}:{row.line}: slug "{slug}" repeats line {seen[slug]}')
        seen.setdefault(slug, row.line)
    parents = {row.fields["slug"]: row.parent for row in rows}
    outside = {p for p in parents.values() if p and p not in parents}
    known = set(Place.objects.filter(slug__in=outside).values_list("slug", flat=True))
    for row in rows:
        if row.parent and row.parent not in parents and row.parent not in known:
            errors.append(
                f'{path.name}:{row.line}: parent "{row.parent}" is not a slug in the file'
            )
        chain, slug = {row.fields["slug"]}, row.parent
        while slug in parents:
            if slug in chain:
                errors.append(f'{path.name}:{row.line}: parent "{row.parent}" leads back to itself')
                break
            chain.add(slug)
            slug = parents[slug]
    if errors:
        raise GazetteerError(errors)
    return rows


def _spellings(name: str, name_ar: str, aliases: Iterable[str]) -> list[tuple[str, str]]:
    out = [(name, "en")]
    if name_ar:
        out.append((name_ar, "ar"))
    out += [(a, language_of(a) or "en") for a in aliases]
    return out


def add_aliases(wanted: Mapping[int, Iterable[tuple[str, str]]]) -> set[int]:
    """Add the spellings (text, language) places lack; return the ids of places that gained one."""
    have: dict[int, set[str]] = {pid: set() for pid in wanted}
    for pid, key in Alias.objects.filter(place_id__in=list(wanted)).values_list(
        "place_id", "normalised"
    ):
        have[pid].add(key)
    new: list[Alias] = []
    for pid, spellings in wanted.items():
        for text, language in spellings:
            key = normalise(text)
            if not key or len(text) > ALIAS_MAX or len(key) > ALIAS_MAX or key in have[pid]:
                continue
            have[pid].add(key)
            new.append(Alias(place_id=pid, text=text, language=language[:10], normalised=key))
    if new:
        bulk_create_with_history(new, Alias, batch_size=500)
        # Bulk writes send no save signals: tell this process's matcher, and move the
        # data version so the map's answers change.
        forget_matcher()
        timeline.bump()
    return {alias.place_id for alias in new}


def refresh_alias_forms() -> tuple[int, list[str]]:
    """Re-fold aliases whose stored form is not what `normalise` gives today.

    A change to the folding rules leaves old rows with old forms: the admin's search and the
    unresolved-name review would miss them, and a reload would add each spelling again under its
    new form. Returns how many aliases were re-folded, and a line for each one left as it was
    because another spelling of its place already has the new form (an editor may merge them).
    """
    taken: dict[int, set[str]] = {}
    stale: list[Alias] = []
    rows = Alias.objects.order_by("id").only("id", "place_id", "text", "normalised")
    for alias in rows.iterator(chunk_size=2000):
        taken.setdefault(alias.place_id, set()).add(alias.normalised)
        form = normalise(alias.text)
        if form != alias.normalised:
            alias.normalised = form
            stale.append(alias)
    refolded: list[Alias] = []
    clashes: list[str] = []
    for alias in stale:
        forms = taken[alias.place_id]
        if alias.normalised in forms or not alias.normalised:
            clashes.append(
                f"alias {alias.pk} ({alias.text!r}): place {alias.place_id} already has the "
                f"spelling {alias.normalised!r}; left unchanged, merge them in the admin"
            )
            continue
        forms.add(alias.normalised)
        refolded.append(alias)
    if refolded:
        with transaction.atomic():
            bulk_update_with_history(
                refolded, Alias, ["normalised"], batch_size=500,
                default_change_reason="normal form re-folded",
            )
        forget_matcher()
        timeline.bump()
    return len(refolded), clashes


def _changed(place: Place, values: Mapping) -> list[str]:
    return [name for name, value in values.items() if getattr(place, name) != value]


def _write(creates: list[Place], updates: dict[int, tuple[Place, set[str]]]) -> None:
    if creates:
        bulk_create_with_history(creates, Place, batch_size=500)
    if updates:
        now = timezone.now()
        names: set[str] = {"updated_at"}
        for place, changed in updates.values():
            place.updated_at = now
            names |= changed
        bulk_update_with_history(
            [p for p, _ in updates.values()], Place, sorted(names), batch_size=500
        )
    if creates or updates:
        # Bulk writes send no save signals: tell this process's matcher, and move the
        # data version so the map's answers change.
        forget_matcher()
        timeline.bump()


def load_gazetteer(path: Path = DEFAULT_PATH) -> LoadResult:
    """Load the shipped gazetteer, all or nothing; a second run with no edits writes nothing."""
    path = Path(path)
    rows = read_gazetteer(path)
    result = LoadResult()
    slugs = {r.fields["slug"] for r in rows}
    gn_ids = [r.fields["geonames_id"] for r in rows if r.fields["geonames_id"]]
    osm_ids = [r.fields["osm_id"] for r in rows if r.fields["osm_id"]]
    with transaction.atomic():
        # Forms folded by older rules first: add_aliases compares spellings by their form.
        result.refolded, result.warnings = refresh_alias_forms()
        found = list(
            Place.objects.filter(
                Q(slug__in=slugs)
                | Q(slug__in={r.parent for r in rows if r.parent})
                | Q(geonames_id__in=gn_ids)
                | Q(osm_id__in=osm_ids)
            )
        )
        matched = _match(rows, found, slugs)
        ids = {p.slug: p.pk for p in found}
        ids.update({slug: p.pk for slug, p in matched.items() if p is not None})
        pending = [r for r in rows if matched[r.fields["slug"]] is None]
        created: set[str] = set()
        # Create parents before children, a level at a time, so every row is written once.
        while pending:
            ready = [r for r in pending if not r.parent or r.parent in ids]
            if not ready:  # read_gazetteer refuses parent cycles, so this cannot happen
                raise GazetteerError([f"{path.name}: parents form a cycle"])
            places = [_new_place(r, ids, path) for r in ready]
            _write(places, {})
            for row, place in zip(ready, places, strict=True):
                ids[row.fields["slug"]] = place.pk
                matched[row.fields["slug"]] = place
                created.add(row.fields["slug"])
            pending = [r for r in pending if r.fields["slug"] not in ids]
        updates: dict[int, tuple[Place, set[str]]] = {}
        for row in rows:
            place = matched[row.fields["slug"]]
            if row.fields["slug"] in created or is_editor_owned(place):
                continue
            values = _values(row, ids, path)
            changed = _changed(place, values)
            if changed:
                for name in changed:
                    setattr(place, name, values[name])
                updates[place.pk] = (place, set(changed))
        _write([], updates)
        wanted = {
            matched[r.fields["slug"]].pk: _spellings(
                r.fields["name"], r.fields["name_ar"], r.aliases
            )
            for r in rows
            if not is_editor_owned(matched[r.fields["slug"]])
        }
        gained = add_aliases(wanted)
    changed = set(updates) | gained
    for row in rows:
        place = matched[row.fields["slug"]]
        _tally(result, place, row.fields["slug"] in created, changed)
    return result


def _tally(result: LoadResult, place: Place, created: bool, changed: set[int]) -> None:
    """Count one loaded place as created, kept for its editor, updated or unchanged."""
    if created:
        result.created += 1
    elif is_editor_owned(place):
        result.kept_editor += 1
    elif place.pk in changed:
        result.updated += 1
    else:
        result.unchanged += 1


def _match(
    rows: list[GazetteerRow], found: Iterable[Place], slugs: set[str]
) -> dict[str, Place | None]:
    """The existing place each row describes: the one with its slug, else one with its ids."""
    by_slug = {p.slug: p for p in found}
    # A place the world gazetteer, a GeoNames import or the geocoder made earlier is the same
    # place as the shipped row with its GeoNames or OSM id: adopt it, so its mentions follow.
    by_external: dict[tuple[str, object], Place] = {}
    for p in by_slug.values():
        if p.slug not in slugs:
            if p.geonames_id:
                by_external.setdefault(("gn", p.geonames_id), p)
            if p.osm_id:
                by_external.setdefault(("osm", p.osm_id), p)
    matched: dict[str, Place | None] = {}
    taken: set[int] = set()
    for row in rows:
        place = by_slug.get(row.fields["slug"])
        for key in (("gn", row.fields["geonames_id"]), ("osm", row.fields["osm_id"])):
            if place is None:
                place = by_external.get(key)
        if place is not None and place.pk in taken:
            place = None  # two rows claim one earlier place: the second gets its own
        if place is not None:
            taken.add(place.pk)
        matched[row.fields["slug"]] = place
    return matched


def _values(row: GazetteerRow, ids: Mapping[str, int], path: Path) -> dict:
    return {
        **row.fields,
        "parent_id": ids.get(row.parent) if row.parent else None,
        "provenance": Place.Provenance.GAZETTEER,
        "provenance_detail": path.name,
        "review_state": Place.Review.UNREVIEWED,
    }


def _new_place(row: GazetteerRow, ids: Mapping[str, int], path: Path) -> Place:
    return Place(**_values(row, ids, path))


def import_geonames_places(
    features: list[GeoName], alternates: Mapping[int, list[AlternateName]], origin: str
) -> LoadResult:
    """Create or update places from GeoNames features; shipped and editors' points are kept."""
    result = LoadResult()
    by_id = {f.geonameid: f for f in features}
    with transaction.atomic():
        existing = {p.geonames_id: p for p in Place.objects.filter(geonames_id__in=list(by_id))}
        slugs = {gid: slugify(f"{f.asciiname or f.name} {gid}")[:200] for gid, f in by_id.items()}
        used = set(Place.objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
        creates: list[Place] = []
        updates: dict[int, tuple[Place, set[str]]] = {}
        for gid, feature in by_id.items():
            values = _geonames_values(feature, alternates.get(gid, []), origin)
            place = existing.get(gid)
            if place is None:
                slug = slugs[gid] if slugs[gid] not in used else f"{slugs[gid]}-geonames"
                creates.append(Place(slug=slug, **values))
            elif place.provenance in {Place.Provenance.GEONAMES, Place.Provenance.WORLD} and not (
                is_editor_owned(place)
            ):
                changed = _changed(place, values)
                if changed:
                    for name in changed:
                        setattr(place, name, values[name])
                    updates[place.pk] = (place, set(changed))
        _write(creates, updates)
        for place in creates:
            existing[place.geonames_id] = place
        wanted = {}
        for gid, feature in by_id.items():
            place = existing[gid]
            if not is_editor_owned(place):
                names = [feature.name, feature.asciiname, *feature.alternatenames]
                spellings = [(n, language_of(n) or "") for n in names if n and is_spelling(n)]
                spellings += [(a.name, a.language) for a in alternates.get(gid, [])]
                wanted[place.pk] = spellings
        gained = add_aliases(wanted)
    created_ids = {p.pk for p in creates}
    changed = set(updates) | gained
    for feature in features:
        place = existing[feature.geonameid]
        _tally(result, place, place.pk in created_ids, changed)
    return result


def _geonames_values(feature: GeoName, alternates: list[AlternateName], origin: str) -> dict:
    arabic = [a for a in alternates if a.language == "ar"]
    arabic.sort(key=lambda a: (not a.preferred, a.short))
    return {
        "name": feature.name[:200],
        "name_ar": arabic[0].name[:200] if arabic else "",
        "kind": feature.kind,
        "latitude": feature.latitude,
        "longitude": feature.longitude,
        "precision": Place.Precision.EXACT,
        "radius_m": feature.radius_m,
        "source": f"GeoNames {feature.geonameid}",
        "geonames_id": feature.geonameid,
        "population": feature.population or None,
        "provenance": Place.Provenance.GEONAMES,
        "provenance_detail": origin[:100],
        "review_state": Place.Review.UNREVIEWED,
    }
