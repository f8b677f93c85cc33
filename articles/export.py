"""Export places (provenance, precision, history) and reports (mentions) for safekeeping."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TextIO

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Alias, Article, Mention, Place

FORMATS = ("geojson", "csv")
# Bookkeeping fields whose changes say nothing about the place itself.
QUIET_FIELDS = ["updated_at", "created_at"]
CSV_COLUMNS = [
    "record",
    "id",
    "name",
    "slug",
    "kind",
    "date",
    "latitude",
    "longitude",
    "precision",
    "radius_m",
    "provenance",
    "provenance_detail",
    "source",
    "review_state",
    "url",
    "aliases",
    "mentions",
    "history",
]
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _who(record) -> str:
    user = record.history_user
    return user.get_username() if user is not None else ""


def _change(record, what: str, fields: list[dict]) -> dict:
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    return {
        "when": record.history_date.isoformat(),
        "who": _who(record),
        "what": what,
        "change": kinds.get(record.history_type, record.history_type),
        "fields": fields,
        "reason": record.history_change_reason or "",
    }


def _history_of(records: Iterable, what: str, label: str | None = None) -> Iterator[dict]:
    """Each historical record as a change from the record before it, oldest first."""
    previous = None
    for record in records:
        fields = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=QUIET_FIELDS)
            fields = [{"field": c.field, "old": c.old, "new": c.new} for c in delta.changes]
        elif label is not None:
            fields = [{"field": label, "old": None, "new": getattr(record, label)}]
            if record.history_type == "-":
                fields[0] = {"field": label, "old": getattr(record, label), "new": None}
        if record.history_type != "~" or fields:
            yield _change(record, what, fields)
        previous = record


def place_histories(places: QuerySet) -> dict[int, list[dict]]:
    """Every recorded change to each place and to its aliases, oldest first."""
    ids = places.values("pk")
    by_place: dict[int, list] = defaultdict(list)
    for record in (
        Place.history.filter(id__in=ids)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    ):
        by_place[record.id].append(record)
    by_alias: dict[int, list] = defaultdict(list)
    for record in (
        Alias.history.filter(place_id__in=ids)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    ):
        by_alias[record.id].append(record)

    histories: dict[int, list[dict]] = defaultdict(list)
    for place_id, records in by_place.items():
        histories[place_id].extend(_history_of(records, "place"))
    for records in by_alias.values():
        histories[records[-1].place_id].extend(_history_of(records, "alias", label="text"))
    for changes in histories.values():
        changes.sort(key=lambda c: c["when"])
    return histories


def place_records(places: QuerySet) -> Iterator[dict]:
    """Each place as a plain dict: where, how precise, from where, reviewed, spelled and changed."""
    histories = place_histories(places)
    for place in places.select_related("parent").prefetch_related("aliases").order_by("pk"):
        yield {
            "record": "place",
            "id": place.pk,
            "name": place.name,
            "name_ar": place.name_ar,
            "slug": place.slug,
            "kind": place.kind,
            "parent": place.parent.slug if place.parent else None,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "precision": place.precision,
            "radius_m": place.radius_m,
            "provenance": place.provenance,
            "provenance_detail": place.provenance_detail,
            "source": place.source,
            "review_state": place.review_state,
            "geonames_id": place.geonames_id,
            "osm_id": place.osm_id,
            "wikidata_id": place.wikidata_id,
            "updated_at": place.updated_at,
            "aliases": [
                {"text": a.text, "language": a.language, "normalised": a.normalised}
                for a in place.aliases.all()
            ],
            "history": histories.get(place.pk, []),
        }


def _mention_record(mention: Mention) -> dict:
    return {
        "surface": mention.surface,
        "normalised": mention.normalised,
        "place_id": mention.place_id,
        "place": mention.place.slug if mention.place else None,
        "status": mention.status,
        "event_date": mention.event_date,
        "date_precision": mention.date_precision,
        "section": mention.section,
        "sentence": mention.sentence,
        "is_primary": mention.is_primary,
        "container": mention.container,
        "decided_by": mention.decided_by,
        "rejected": mention.rejected,
    }


def report_records(articles: QuerySet) -> Iterator[dict]:
    """Each report as a plain dict with its mentions."""
    rows = articles.order_by("pk").prefetch_related("mentions__place")
    for article in rows.iterator(chunk_size=500):
        yield {
            "record": "report",
            "id": article.pk,
            "title": article.title,
            "published_at": article.published_at,
            "source": article.source,
            "url": article.url,
            "origin": article.origin,
            "mentions": [_mention_record(m) for m in article.mentions.all()],
        }


def _report_geometry(report: dict, places: dict[int, tuple[float, float]]) -> dict | None:
    points = sorted(
        {
            places[m["place_id"]]
            for m in report["mentions"]
            if m["place_id"] in places and not m["rejected"]
        }
    )
    return {"type": "MultiPoint", "coordinates": points} if points else None


def geojson(places: QuerySet | None, articles: QuerySet | None) -> dict:
    """One FeatureCollection: places as points, reports as the points of their mentions."""
    features = []
    for record in place_records(places) if places is not None else []:
        point = {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]}
        features.append(
            {
                "type": "Feature",
                "id": f"place-{record['id']}",
                "geometry": point,
                "properties": record,
            }
        )
    if articles is not None:
        where = {
            pk: (lon, lat)
            for pk, lon, lat in Place.objects.filter(mentions__article__in=articles.values("pk"))
            .distinct()
            .values_list("pk", "longitude", "latitude")
        }
        for record in report_records(articles):
            features.append(
                {
                    "type": "Feature",
                    "id": f"report-{record['id']}",
                    "geometry": _report_geometry(record, where),
                    "properties": record,
                }
            )
    return {
        "type": "FeatureCollection",
        "generated_at": timezone.now().isoformat(),
        "features": features,
    }


def neutralise(value: object) -> object:
    """Keep a text cell from being run as a spreadsheet formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if isinstance(value, list | dict):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return neutralise(value)


def csv_rows(places: QuerySet | None, articles: QuerySet | None) -> Iterator[dict]:
    """One row per place and per report; aliases, mentions and history as JSON cells."""
    for record in place_records(places) if places is not None else []:
        yield {**record, "date": record["updated_at"]}
    for record in report_records(articles) if articles is not None else []:
        yield {**record, "name": record["title"], "date": record["published_at"]}


def write(fmt: str, out: TextIO, places: QuerySet | None, articles: QuerySet | None) -> None:
    """Write the export of `places` and `articles` (either may be None) in `fmt` to `out`."""
    if fmt == "geojson":
        json.dump(geojson(places, articles), out, cls=DjangoJSONEncoder, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in csv_rows(places, articles):
            writer.writerow({key: _cell(row.get(key, "")) for key in CSV_COLUMNS})
    else:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_everything(fmt: str, out: TextIO) -> None:
    """Every place and every report."""
    write(fmt, out, places=Place.objects.all(), articles=Article.objects.all())
