"""The JSON, GeoJSON and CSV APIs the map uses; each revalidates by a fingerprint of the data."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gzip
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import condition, require_safe

from articles import mapdata
from articles.mapdata import BadParameter

GEOJSON = "application/geo+json"
CSV_COLUMNS = [
    "mention_id",
    "article_id",
    "title",
    "published_at",
    "source",
    "event_date",
    "place",
    "slug",
    "area",
    "status",
    "sentence",
    "url",
    "precision",
    "precision_m",
    "latitude",
    "longitude",
]
# No spaces after separators: the page's own answers are read by a program, not a person.
COMPACT = {"separators": (",", ":")}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


CACHE_SECONDS = 600
CACHE_MAX_BYTES = 4 * 1024 * 1024


def data_etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    """The ETag of every API answer: the data fingerprint; the URL tells answers apart."""
    request.data_version = mapdata.data_fingerprint()
    return request.data_version


def _accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def _answer(
    body: bytes, content_type: str, gzipped: bytes | None, disposition: str, request: HttpRequest
) -> HttpResponse:
    """A response from a cached answer: gzipped when the client accepts it."""
    if gzipped is not None and _accepts_gzip(request):
        response = HttpResponse(gzipped, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type=content_type)
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET/HEAD only, revalidated by the data fingerprint, a bad parameter answered with 400.

    An answer is built once per data version and URL, then kept (gzipped too) in the cache, so
    the many clients that ask for the same day between two changes cost a lookup each; the
    version in the key retires every cached answer the moment the data changes.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Hashed: a URL can be long and odd, and cache backends limit keys.
        url = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"api:{request.data_version}:{url}"
        cached = cache.get(key)
        if cached is not None:
            response = _answer(*cached, request)
        else:
            try:
                response = view(request, *args, **kwargs)
            except BadParameter as exc:
                return JsonResponse({"error": str(exc)}, status=400)
            body = response.content
            if response.status_code == 200 and len(body) <= CACHE_MAX_BYTES:
                gzipped = gzip.compress(body, compresslevel=6) if len(body) > 200 else None
                disposition = response.get("Content-Disposition", "")
                entry = (body, response["Content-Type"], gzipped, disposition)
                cache.set(key, entry, CACHE_SECONDS)
                response = _answer(*entry, request)
        patch_vary_headers(response, ("Accept-Encoding",))
        # Always revalidate: the answer changes as soon as an editor changes the data.
        response["Cache-Control"] = "no-cache"
        return response

    return require_safe(condition(etag_func=data_etag)(wrapper))


def _window(request: HttpRequest) -> tuple[dt.date, dt.date, str | None]:
    """The start, end and place of a reports request; defaults: the last week of reports."""
    end = mapdata.parse_day(request.GET.get("end"), "end")
    start = mapdata.parse_day(request.GET.get("start"), "start")
    place = mapdata.parse_slug(request.GET.get("place"))
    if end is None:
        end = mapdata.report_span().last
        if start is not None and start > end:
            end = start
    if start is None:
        start = mapdata.window_start(end, mapdata.DEFAULT_WINDOW)
    if start > end:
        raise BadParameter("start: must be on or before end")
    return start, end, place


@api_view
def places_geojson(request: HttpRequest) -> HttpResponse:
    """Every mapped place with its front-line status as of `date` (default: the last report day)."""
    day = mapdata.parse_day(request.GET.get("date"), "date") or mapdata.report_span().last
    body = {
        "type": "FeatureCollection",
        "date": day.isoformat(),
        "features": mapdata.place_features(day),
    }
    return JsonResponse(body, content_type=GEOJSON)


def _feature(row: dict[str, Any]) -> dict[str, Any]:
    """A report row as a GeoJSON feature; a name with no place nor area has no geometry."""
    properties = {k: v for k, v in row.items() if k not in ("latitude", "longitude")}
    geometry = None
    if row["latitude"] is not None:
        geometry = {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
    return {
        "type": "Feature",
        "id": row["mention_id"],
        "geometry": geometry,
        "properties": properties,
    }


@api_view
def reports_geojson(request: HttpRequest) -> HttpResponse:
    """One feature per active mention with its event between `start` and `end`."""
    start, end, place = _window(request)
    body = {
        "type": "FeatureCollection",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "features": [_feature(row) for row in mapdata.report_rows(start, end, place)],
    }
    return JsonResponse(body, content_type=GEOJSON)


def csv_cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text that would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@api_view
def reports_csv(request: HttpRequest) -> HttpResponse:
    """The same rows as reports.geojson, as a CSV download."""
    start, end, place = _window(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"newsmap-reports-{start.isoformat()}-{end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in mapdata.report_rows(start, end, place):
        writer.writerow([csv_cell(row[column]) for column in CSV_COLUMNS])
    return response


def _stretch(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The start and end of a periods request; defaults: the 32 days up to the last report day."""
    end = mapdata.parse_day(request.GET.get("end"), "end") or mapdata.report_span().last
    start = mapdata.parse_day(request.GET.get("start"), "start") or mapdata.window_start(end, 32)
    if start > end:
        raise BadParameter("start: must be on or before end")
    if (end - start).days >= mapdata.PERIODS_MAX_DAYS:
        raise BadParameter(f"end: at most {mapdata.PERIODS_MAX_DAYS} days after start")
    return start, end


@api_view
def periods_json(request: HttpRequest) -> HttpResponse:
    """The page's own: every mapped place's status periods over a stretch of days, compact."""
    start, end = _stretch(request)
    return JsonResponse(mapdata.status_periods(start, end), json_dumps_params=COMPACT)


@api_view
def window_json(request: HttpRequest) -> HttpResponse:
    """The page's own: the window's drawable reports, compact (reports.geojson has them in full)."""
    start, end, place = _window(request)
    return JsonResponse(mapdata.window_reports(start, end, place), json_dumps_params=COMPACT)


@api_view
def timeline_json(request: HttpRequest) -> HttpResponse:
    """Reports per day, with the first and last day that have any."""
    span = mapdata.report_span()
    days = mapdata.reports_per_day()
    body = {
        "first": span.first.isoformat(),
        "last": span.last.isoformat(),
        "max": max((d["reports"] for d in days), default=0),
        "days": days,
    }
    return JsonResponse(body)
