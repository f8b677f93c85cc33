"""Public pages: the map with its server-rendered report list, and the reports themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from articles import frontline, mapdata
from articles.mapdata import BadParameter
from articles.models import Article, Mention, Place, Status

CATEGORY_LABELS = {
    frontline.ISIS_HELD: "ISIS-held",
    frontline.CONTESTED: "Contested",
    frontline.RETAKEN: "Retaken",
    frontline.NONE: "No report yet",
}
SIDEBAR_PAGE_SIZE = 25
ARTICLES_PAGE_SIZE = 20
MAX_ZOOM = 19


def _or_default(parse, *args, default=None):
    """A page never errors on a bad parameter: it falls back to the default."""
    try:
        value = parse(*args)
    except BadParameter:
        return default
    return default if value is None else value


def _number(raw: str | None, low: float, high: float) -> float | None:
    """A finite number within [low, high], or None."""
    try:
        value = float(raw) if raw else None
    except ValueError:
        return None
    if value is None or not low <= value <= high:
        return None
    return value


def map_state(query: QueryDict, span: mapdata.Span) -> dict[str, Any]:
    """The view a URL asks for (date, window, centre, zoom, place), each bad value defaulted."""
    day = _or_default(mapdata.parse_day, query.get("date"), "date", default=span.last)
    lat = _number(query.get("lat"), -90, 90)
    lng = _number(query.get("lng"), -180, 180)
    zoom = _number(query.get("zoom"), 0, MAX_ZOOM)
    centred = lat is not None and lng is not None and zoom is not None
    return {
        "date": day,
        "window": _or_default(
            mapdata.parse_window, query.get("window"), default=mapdata.DEFAULT_WINDOW
        ),
        "lat": lat if centred else None,
        "lng": lng if centred else None,
        "zoom": int(zoom) if centred else None,
        "place": _or_default(mapdata.parse_slug, query.get("place")),
    }


def map_config(state: dict[str, Any], span: mapdata.Span, **ui: Any) -> dict[str, Any]:
    """Everything map.js needs, handed over through json_script; `ui` switches chrome on and off."""
    options = {
        "slider": True,
        "legend": True,
        "sidebar": True,
        "history": True,
        "autoplay": False,
        "linkTarget": None,
    }
    options.update(ui)
    return {
        "api": {
            "places": reverse("api_places"),
            "periods": reverse("api_periods"),
            "reports": reverse("api_reports"),
            "window": reverse("api_window"),
            "reportsCsv": reverse("api_reports_csv"),
            "timeline": reverse("api_timeline"),
        },
        "pageUrl": reverse("map"),
        "articlesUrl": reverse("article_list"),
        "tiles": {
            "url": settings.NEWSMAP_TILE_URL,
            "attribution": settings.NEWSMAP_TILE_ATTRIBUTION,
        },
        "first": span.first.isoformat(),
        "last": span.last.isoformat(),
        "windows": list(mapdata.WINDOWS),
        "bounds": mapdata.claimed_bounds() or _viewbox(),
        "state": {**state, "date": state["date"].isoformat()},
        "ui": options,
    }


def _viewbox() -> list[list[float]]:
    """The campaign area from settings, as Leaflet bounds."""
    south, west, north, east = (float(v) for v in settings.NEWSMAP_AREA_VIEWBOX.split(","))
    return [[south, west], [north, east]]


def _page_query(state: dict[str, Any], **extra: Any) -> str:
    """A map URL's query string for the state, with extra parameters."""
    query = {"date": state["date"].isoformat(), "window": state["window"], **extra}
    return "?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})


def report_list_context(request: HttpRequest, state: dict[str, Any]) -> dict[str, Any]:
    """The sidebar: the window's reports (paged) and the places' statuses on the day."""
    end = state["date"]
    start = mapdata.window_start(end, state["window"])
    page = Paginator(mapdata.window_articles(start, end), SIDEBAR_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    grouped = mapdata.window_mentions([a.pk for a in page.object_list], start, end)
    items = [{"article": a, "places": _places_of(grouped[a.pk], state)} for a in page.object_list]
    statuses = mapdata.place_statuses(end)
    places = Place.objects.filter(
        pk__in=[pk for pk, s in statuses.items() if s.reports], kind__in=mapdata.MAP_KINDS
    )
    place_rows = sorted(
        (
            {
                "place": p,
                "status": statuses[p.pk],
                "label": CATEGORY_LABELS[statuses[p.pk].status],
                "href": _page_query(state, place=p.slug),
            }
            for p in places
        ),
        key=lambda row: (frontline.CATEGORIES.index(row["status"].status), row["place"].name),
    )
    return {
        "state": state,
        "start": start,
        "end": end,
        "page_obj": page,
        "items": items,
        "place_rows": place_rows,
        "prev_query": _page_query(state, page=page.previous_page_number())
        if page.has_previous()
        else None,
        "next_query": _page_query(state, page=page.next_page_number()) if page.has_next() else None,
        "window_query": urlencode({"start": start.isoformat(), "end": end.isoformat()}),
    }


def _places_of(mentions: list[Mention], state: dict[str, Any]) -> list[dict[str, Any]]:
    """A report's places in the window, once each: its primary or first mention of each."""
    seen: dict[str, dict[str, Any]] = {}
    for mention in mentions:
        target = mention.place or mention.parent_place
        key = f"p{mention.place_id}" if mention.place_id else f"u{mention.normalised}"
        if key in seen:
            continue
        seen[key] = {
            "mention": mention,
            "name": mention.place.name if mention.place else mention.surface,
            "target": target,
            "category": frontline.category(mention.status),
            "status_label": Status(mention.status).label,
            "href": _page_query(state, place=target.slug) if target else None,
        }
    return list(seen.values())


@require_safe
@gzip_page
def map_page(request: HttpRequest) -> HttpResponse:
    """The full-window map; an htmx request gets just the report list for the date and window."""
    span = mapdata.report_span()
    state = map_state(request.GET, span)
    context = report_list_context(request, state)
    if request.htmx:
        response = render(request, "map.html#report-list", context)
    else:
        context["config"] = map_config(state, span)
        context["span"] = span
        context["legend"] = [(key, CATEGORY_LABELS[key]) for key in frontline.CATEGORIES]
        context["oembed_query"] = urlencode(
            {"url": request.build_absolute_uri(), "format": "json"}
        )
        response = render(request, "map.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    """Every report, newest first, searchable by text and place."""
    q = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    place_slug = _or_default(mapdata.parse_slug, request.GET.get("place"))
    articles = Article.objects.order_by("-published_at", "-pk")
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(body__icontains=q))
    place = Place.objects.filter(slug=place_slug).first() if place_slug else None
    if place_slug:
        named = Mention.objects.active().filter(mapdata.naming(place.pk if place else None))
        articles = articles.filter(pk__in=named.values("article_id"))
    page = Paginator(articles, ARTICLES_PAGE_SIZE).get_page(request.GET.get("page"))
    base = {k: v for k, v in {"q": q, "place": place_slug}.items() if v}
    return render(
        request,
        "articles/list.html",
        {
            "page_obj": page,
            "q": q,
            "place": place,
            "place_slug": place_slug,
            "prev_query": urlencode({**base, "page": page.previous_page_number()})
            if page.has_previous()
            else None,
            "next_query": urlencode({**base, "page": page.next_page_number()})
            if page.has_next()
            else None,
        },
    )


def safe_link(url: str) -> str | None:
    """An outside URL fit for an href: http or https only, so no javascript: links."""
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


@require_safe
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: full text, every mention with its status, date and place, related items."""
    article = get_object_or_404(Article, pk=pk)
    mentions = article.mentions.select_related("place", "parent_place").order_by(
        "section", "start", "pk"
    )
    rows = [
        {
            "mention": m,
            "target": m.place or m.parent_place,
            "map_query": _page_query(
                {"date": m.event_date, "window": mapdata.DEFAULT_WINDOW},
                place=(m.place or m.parent_place).slug if (m.place or m.parent_place) else None,
            ),
        }
        for m in mentions
    ]
    return render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "mention_rows": rows,
            "related": article.related_items.all(),
            "original_url": safe_link(article.url),
            "published_day": article.published_at.date()
            if article.published_at
            else dt.date.today(),
        },
    )
