"""An OpenAPI 3.0 description of the public APIs, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from articles import frontline
from articles.api import CSV_COLUMNS
from articles.mapdata import PERIODS_MAX_DAYS, WINDOWS
from articles.models import Place, Status


def _date_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "format": "date", "example": "2016-11-04"},
    }


PLACE_PARAM = {
    "name": "place",
    "in": "query",
    "required": False,
    "description": "Only mentions of this place (its slug); unresolved names drawn in it included.",
    "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,200}$", "example": "zahour"},
}
ERROR = {
    "description": "A parameter cannot be used; the message names it.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "string", "example": "date: expected YYYY-MM-DD"}},
            }
        }
    },
}
NULLABLE_STRING = {"type": "string", "nullable": True}
POINT = {
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    },
}
PLACE_PROPERTIES = {
    "type": "object",
    "required": ["slug", "name", "status", "status_since", "reports", "sources", "precision_m"],
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": list(Place.Kind.values)},
        "status": {"type": "string", "enum": list(frontline.CATEGORIES)},
        "detail": {"type": "string", "nullable": True, "enum": [*frontline.ADVANCEMENT, None]},
        "status_since": {**NULLABLE_STRING, "format": "date"},
        "last_report": {**NULLABLE_STRING, "format": "date"},
        "reports": {"type": "integer", "minimum": 0},
        "sources": {"type": "integer", "minimum": 0},
        "precision": {"type": "integer", "enum": list(Place.Precision.values)},
        "precision_m": {"type": "integer", "minimum": 0},
    },
}
REPORT_PROPERTIES = {
    "type": "object",
    "required": [
        "article_id",
        "title",
        "published_at",
        "event_date",
        "place",
        "slug",
        "status",
        "sentence",
        "url",
    ],
    "properties": {
        "mention_id": {"type": "integer"},
        "article_id": {"type": "integer"},
        "title": {"type": "string"},
        "published_at": {"type": "string", "format": "date-time"},
        "source": {"type": "string"},
        "event_date": {"type": "string", "format": "date"},
        "place": {"type": "string"},
        "slug": NULLABLE_STRING,
        "area": NULLABLE_STRING,
        "resolved": {"type": "boolean"},
        "status": {"type": "string", "enum": list(Status.values)},
        "is_primary": {"type": "boolean"},
        "container": {
            "type": "boolean",
            "description": "The place is named around the one the sentence is about "
            "(a city around its district), or told only as old news while its districts fell "
            "that week: where the district was retaken or cleared the city saw an advance, and "
            "the map does not count it for this place.",
        },
        "sentence": {"type": "string"},
        "url": {"type": "string"},
        "precision": {"type": "integer", "enum": list(Place.Precision.values)},
        "precision_m": {"type": "integer", "nullable": True},
    },
}


def _collection(properties: dict[str, Any], geometry: dict[str, Any], extra: dict) -> dict:
    return {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            **extra,
            "features": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"type": "string", "enum": ["Feature"]},
                        "geometry": geometry,
                        "properties": properties,
                    },
                },
            },
        },
    }


def _get(summary: str, params: list, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {"200": {"description": "OK", "content": content}, "400": ERROR},
        }
    }


WINDOW_PARAMS = [
    _date_param("start", "First event day (default: six days before end)."),
    _date_param("end", "Last event day (default: the last day with reports)."),
    PLACE_PARAM,
]
DAY = {"type": "string", "format": "date"}


ROWS = {"type": "array", "items": {"type": "array", "items": {}}}
PERIODS = {
    "type": "object",
    "required": ["start", "end", "codes", "places"],
    "properties": {
        "start": DAY,
        "end": DAY,
        "codes": {"type": "array", "items": {"type": "string"}},
        "places": ROWS,
    },
}
WINDOW = {
    "type": "object",
    "required": ["start", "end", "articles", "places", "mentions"],
    "properties": {"start": DAY, "end": DAY, "articles": ROWS, "places": ROWS, "mentions": ROWS},
}


def spec() -> dict[str, Any]:
    """The OpenAPI document."""
    reports = _collection(
        REPORT_PROPERTIES, {**POINT, "nullable": True}, {"start": DAY, "end": DAY}
    )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Newsmap",
            "version": "1.0.0",
            "description": "Front-line news reports on a map over time. Every answer carries an "
            "ETag that changes as soon as the data does. Windows for the page: "
            + ", ".join(map(str, WINDOWS))
            + " days.",
        },
        "paths": {
            "/api/places.geojson": _get(
                "Every mapped place with its front-line status as of a day.",
                [_date_param("date", "The day (default: the last day with reports).")],
                {
                    "application/geo+json": {
                        "schema": _collection(PLACE_PROPERTIES, POINT, {"date": DAY})
                    }
                },
            ),
            "/api/reports.geojson": _get(
                "One feature per mention with its event in the window.",
                WINDOW_PARAMS,
                {"application/geo+json": {"schema": reports}},
            ),
            "/api/reports.csv": _get(
                "The reports of the window as CSV (columns: " + ", ".join(CSV_COLUMNS) + ").",
                WINDOW_PARAMS,
                {"text/csv": {"schema": {"type": "string"}}},
            ),
            "/api/periods.json": _get(
                "The page's own: every mapped place's status periods over up to "
                f"{PERIODS_MAX_DAYS} days, compact, so the map looks each day up itself. Each "
                "place is [slug, name, kind, longitude, latitude, precision, precision_m, periods];"
                " periods are 8 integers each, days counted from start: gap after the previous "
                "period, length, status and detail (indexes into codes), days back to "
                "status_since and to last_report (or null), reports, sources. The same statuses "
                "and counts as /api/places.geojson, day by day.",
                [
                    _date_param("start", "First day (default: 31 days before end)."),
                    _date_param("end", "Last day (default: the last day with reports)."),
                ],
                {"application/json": {"schema": PERIODS}},
            ),
            "/api/window.json": _get(
                "The page's own: the window's reports that can be drawn, compact. articles are "
                "[id, title, published day, url]; places [name, slug, area, longitude, latitude];"
                " mentions [article index, place index, event day (days from start), status, "
                "is_primary (0 or 1), sentence]. The same mentions as /api/reports.geojson.",
                WINDOW_PARAMS,
                {"application/json": {"schema": WINDOW}},
            ),
            "/api/timeline.json": _get(
                "How many reports have an event on each day.",
                [],
                {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["first", "last", "days"],
                            "properties": {
                                "first": DAY,
                                "last": DAY,
                                "max": {"type": "integer", "minimum": 0},
                                "days": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["date", "reports"],
                                        "properties": {
                                            "date": DAY,
                                            "reports": {"type": "integer", "minimum": 1},
                                        },
                                    },
                                },
                            },
                        }
                    }
                },
            ),
            "/api/openapi.json": {
                "get": {
                    "summary": "This description.",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
    }


@require_safe
def openapi_json(request: HttpRequest) -> JsonResponse:
    """Serve the OpenAPI document."""
    return JsonResponse(spec())
