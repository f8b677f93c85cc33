"""What the map shows, read from the database: place statuses, reports in a window, the timeline.

Shared by the JSON APIs (`api.py`), the pages (`views.py`) and the embed, so all of them parse
parameters and count reports the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q
from django.urls import reverse

from articles import frontline, timeline
from articles.models import Article, Mention, Place, PlaceStatusPeriod

WINDOWS = (1, 3, 7, 30)
DEFAULT_WINDOW = 7
# Countries and regions are too coarse to draw as front-line places.
MAP_KINDS = [k for k in Place.Kind.values if k not in (Place.Kind.COUNTRY, Place.Kind.REGION)]
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")
# Bumped when the shape of an API answer changes, so cached answers are not reused.
API_VERSION = "2"
# The longest stretch of days one /api/periods.json answer covers.
PERIODS_MAX_DAYS = 366


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message names it and says what is expected."""


def parse_day(raw: str | None, name: str) -> dt.date | None:
    """A YYYY-MM-DD parameter, or None when absent or empty."""
    if raw is None or raw == "":
        return None
    if not _DATE.fullmatch(raw):
        raise BadParameter(f"{name}: expected YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(f"{name}: expected YYYY-MM-DD") from None


def parse_window(raw: str | None) -> int:
    """The number of days of reports shown: one of WINDOWS."""
    if raw is None or raw == "":
        return DEFAULT_WINDOW
    if raw not in {str(w) for w in WINDOWS}:
        raise BadParameter(f"window: expected one of {', '.join(map(str, WINDOWS))}")
    return int(raw)


def parse_slug(raw: str | None, name: str = "place") -> str | None:
    """A place slug, or None when absent or empty."""
    if raw is None or raw == "":
        return None
    if not _SLUG.fullmatch(raw):
        raise BadParameter(f"{name}: expected a place slug (letters, digits, - and _)")
    return raw


def window_start(end: dt.date, days: int) -> dt.date:
    """The first day of a window of `days` days ending on `end`."""
    try:
        return end - dt.timedelta(days=days - 1)
    except OverflowError:
        return dt.date.min


def data_fingerprint() -> str:
    """A short string that changes whenever a report, place or mention is added or changed."""
    return f"{API_VERSION}-{timeline.current_version()}"


@dataclass(frozen=True)
class Span:
    """The days that have reports: the slider's range."""

    first: dt.date
    last: dt.date


def report_span() -> Span:
    """First and last event day of any active mention; today when there are none.

    Every page view asks this: one read from each end of the index of event days, not MIN and
    MAX together, which no database answers from an index with a filter beside them (a scan of
    every mention: 100-150 ms at a million on SQLite).
    """
    days = Mention.objects.active().values_list("event_date", flat=True)
    first = days.order_by("event_date").first()
    if first is None:
        today = dt.date.today()
        return Span(today, today)
    return Span(first, days.order_by("-event_date").first())


def reports_per_day() -> list[dict[str, Any]]:
    """How many distinct reports have an event on each day that has any."""
    rows = (
        Mention.objects.active()
        .values("event_date")
        .annotate(reports=Count("article", distinct=True))
        .order_by("event_date")
    )
    return [{"date": row["event_date"].isoformat(), "reports": row["reports"]} for row in rows]


def _periods_on(day: dt.date):
    """The status period of every mapped place that holds on `day`."""
    return PlaceStatusPeriod.objects.filter(start__lte=day, end__gt=day)


def _status_of(period: dict[str, Any]) -> frontline.PlaceStatus:
    return frontline.PlaceStatus(
        status=period["status"],
        detail=period["detail"] or None,
        since=period["since"],
        last_report=period["last_report"],
        reports=period["reports"],
        sources=period["sources"],
    )


_STATUS_FIELDS = ("status", "detail", "since", "last_report", "reports", "sources")


def place_statuses(day: dt.date) -> dict[int, frontline.PlaceStatus]:
    """The status of every place that any mention names, as of `day`, keyed by place id."""
    rows = _periods_on(day).order_by().values("place_id", *_STATUS_FIELDS)
    return {row["place_id"]: _status_of(row) for row in rows}


def place_features(day: dt.date) -> list[dict[str, Any]]:
    """GeoJSON features of the mapped places with their status as of `day`."""
    rows = (
        _periods_on(day)
        .filter(place__kind__in=MAP_KINDS)
        .order_by("place__name", "place_id")
        .values(
            *_STATUS_FIELDS,
            slug=F("place__slug"),
            name=F("place__name"),
            kind=F("place__kind"),
            latitude=F("place__latitude"),
            longitude=F("place__longitude"),
            precision=F("place__precision"),
            radius_m=F("place__radius_m"),
        )
    )
    features = []
    for place in rows:
        status = _status_of(place)
        features.append(
            {
                "type": "Feature",
                "id": place["slug"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [place["longitude"], place["latitude"]],
                },
                "properties": {
                    "slug": place["slug"],
                    "name": place["name"],
                    "kind": place["kind"],
                    "status": status.status,
                    "detail": status.detail,
                    "status_since": status.since.isoformat() if status.since else None,
                    "last_report": status.last_report.isoformat() if status.last_report else None,
                    "reports": status.reports,
                    "sources": status.sources,
                    "precision": place["precision"],
                    "precision_m": place["radius_m"],
                },
            }
        )
    return features


def status_periods(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Every mapped place's status periods over [start, end], compact, for the page's lookups.

    Each place is `[slug, name, kind, longitude, latitude, precision, precision_m, periods]`;
    `periods` is a flat list of eight integers per period, in order, with days counted from
    `start`: the gap since the previous period's end (the first starts at 0 or later), the
    length in days (cut at the end of the stretch), the status and the detail as indexes into
    `codes`, days from the period's start back to `status_since` and back to `last_report`
    (null when none), `reports` and `sources`. A day in no period is a day the place is not on
    the map, exactly as /api/places.geojson leaves it out.
    """
    days = (end - start).days + 1
    codes: dict[str, int] = {}
    periods: dict[int, list[int | None]] = defaultdict(list)
    ends: dict[int, int] = {}

    def code(value: str) -> int:
        return codes.setdefault(value, len(codes))

    def back(first: int, day: dt.date | None) -> int | None:
        return None if day is None else (start - day).days + first

    rows = (
        PlaceStatusPeriod.objects.filter(place__kind__in=MAP_KINDS, start__lte=end, end__gt=start)
        .order_by("place_id", "start")
        .values_list("place_id", "start", "end", *_STATUS_FIELDS)
    )
    for place, first_day, end_day, status, detail, since, last, reports, sources in rows:
        first = max((first_day - start).days, 0)
        after = min((end_day - start).days, days)
        periods[place] += [
            first - ends.get(place, 0),
            after - first,
            code(status),
            code(detail),
            back(first, since),
            back(first, last),
            reports,
            sources,
        ]
        ends[place] = after
    holding = PlaceStatusPeriod.objects.filter(start__lte=end, end__gt=start).values("place_id")
    place_rows = (
        Place.objects.filter(pk__in=holding, kind__in=MAP_KINDS)
        .order_by("name", "pk")
        .values_list("pk", "slug", "name", "kind", "longitude", "latitude", "precision", "radius_m")
    )
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "codes": list(codes),
        "places": [[*row[1:], periods[row[0]]] for row in place_rows if row[0] in periods],
    }


def window_reports(start: dt.date, end: dt.date, place: str | None = None) -> dict[str, Any]:
    """The reports in [start, end] that can be drawn, compact, for the page's markers and popups.

    `articles` are `[id, title, published day, url]`; `places` are
    `[name, slug, area, longitude, latitude]`; each mention is `[article, place, event day,
    status, is_primary, sentence]`, with the article and place as indexes, the event day as days
    from `start` and is_primary as 0 or 1. Names with no place nor area are left out.
    """
    articles: dict[int, int] = {}
    article_rows: list[list[Any]] = []
    places: dict[tuple, int] = {}
    mentions = []
    for row in report_rows(start, end, place):
        if row["latitude"] is None:
            continue
        article = articles.get(row["article_id"])
        if article is None:
            article = articles[row["article_id"]] = len(article_rows)
            article_rows.append(
                [row["article_id"], row["title"], row["published_at"][:10], row["url"]]
            )
        where = (row["place"], row["slug"], row["area"], row["longitude"], row["latitude"])
        place = places.setdefault(where, len(places))
        day = (dt.date.fromisoformat(row["event_date"]) - start).days
        mentions.append(
            [article, place, day, row["status"], int(row["is_primary"]), row["sentence"]]
        )
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "articles": article_rows,
        "places": [list(where) for where in places],
        "mentions": mentions,
    }


def claimed_bounds() -> list[list[float]] | None:
    """South-west and north-east corners of the places that have a status claim at any time.

    Every page view asks, so the answer is kept per data version, as the APIs' answers are: it
    costs a look-up per place (5 ms with a 9,000-place gazetteer, whatever the reports) once
    per change, not on every view.
    """
    return cache.get_or_set(f"claimed-bounds:{data_fingerprint()}", _claimed_bounds, 600)


def _claimed_bounds() -> list[list[float]] | None:
    # Asked of each place (a look-up on its periods), not by reading every period (30-40 ms at
    # a million mentions).
    claimed = PlaceStatusPeriod.objects.filter(place=OuterRef("pk")).exclude(status=frontline.NONE)
    found = (
        Place.objects.filter(Exists(claimed), kind__in=MAP_KINDS)
        .order_by()
        .aggregate(
            south=Min("latitude"),
            west=Min("longitude"),
            north=Max("latitude"),
            east=Max("longitude"),
        )
    )
    if found["south"] is None:
        return None
    return [[found["south"], found["west"]], [found["north"], found["east"]]]


def naming(place_id: int | None) -> Q:
    """Mentions of a place, or of unknown names drawn in it; none when there is no such place.

    By the place's id, not its slug through a join: each side of the OR then reads an index of
    mentions (by place; by parent area) instead of every mention (1.3 s at a million).
    """
    if place_id is None:
        return Q(pk__in=[])
    return Q(place_id=place_id) | Q(place=None, parent_place_id=place_id)


def report_rows(start: dt.date, end: dt.date, place: str | None = None) -> list[dict[str, Any]]:
    """One row per active mention with its event in [start, end], newest first."""
    mentions = Mention.objects.in_window(start, end)
    if place:
        mentions = mentions.filter(
            naming(Place.objects.filter(slug=place).values_list("pk", flat=True).first())
        )
    rows = mentions.order_by("-event_date", "-article__published_at", "article_id", "pk").values(
        "pk",
        "article_id",
        "article__title",
        "article__published_at",
        "article__source",
        "event_date",
        "status",
        "is_primary",
        "container",
        "surface",
        "sentence",
        "place__slug",
        "place__name",
        "place__latitude",
        "place__longitude",
        "place__precision",
        "place__radius_m",
        "parent_place__slug",
        "parent_place__latitude",
        "parent_place__longitude",
        "parent_place__radius_m",
    )
    return [_report_row(row) for row in rows]


def _report_row(row: dict[str, Any]) -> dict[str, Any]:
    """A mention as the reports APIs give it; an unresolved name is drawn at its parent area."""
    resolved = row["place__slug"] is not None
    prefix = "place__" if resolved else "parent_place__"
    lat, lng = row[f"{prefix}latitude"], row[f"{prefix}longitude"]
    return {
        "mention_id": row["pk"],
        "article_id": row["article_id"],
        "title": row["article__title"],
        "published_at": row["article__published_at"].isoformat(),
        "source": row["article__source"],
        "event_date": row["event_date"].isoformat(),
        "place": row["place__name"] if resolved else row["surface"],
        "slug": row["place__slug"] if resolved else None,
        "area": None if resolved else row["parent_place__slug"],
        "resolved": resolved,
        "status": row["status"],
        "is_primary": row["is_primary"],
        "container": row["container"],
        "sentence": row["sentence"],
        "url": reverse("article_detail", args=[row["article_id"]]),
        "precision": row["place__precision"] if resolved else Place.Precision.PARENT_AREA.value,
        "precision_m": row[f"{prefix}radius_m"],
        "latitude": lat,
        "longitude": lng,
    }


def window_articles(start: dt.date, end: dt.date) -> Any:
    """Reports with an active mention in [start, end], newest first."""
    in_window = Mention.objects.in_window(start, end).values("article_id")
    return Article.objects.filter(pk__in=in_window).order_by("-published_at", "-pk")


def window_mentions(article_ids: list[int], start: dt.date, end: dt.date) -> dict[int, list]:
    """The window's mentions of the given reports, grouped by report."""
    grouped: dict[int, list[Mention]] = {pk: [] for pk in article_ids}
    mentions = (
        Mention.objects.in_window(start, end)
        .filter(article_id__in=article_ids)
        .select_related("place", "parent_place")
        .order_by("article_id", "-is_primary", "section", "start")
    )
    for mention in mentions:
        grouped[mention.article_id].append(mention)
    return grouped
