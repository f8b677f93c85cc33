"""The embeddable map and its oEmbed endpoint."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from articles import frontline, mapdata
from articles.models import Place
from articles.views import CATEGORY_LABELS, map_config, map_state

DEFAULT_WIDTH, DEFAULT_HEIGHT = 800, 600
MIN_SIZE = 200
FLAGS = {"slider": True, "legend": True, "autoplay": False}


def _flag(raw: str | None, default: bool) -> bool:
    value = (raw or "").strip().lower()
    if value in {"1", "on", "true", "yes"}:
        return True
    if value in {"0", "off", "false", "no"}:
        return False
    return default


def embed_options(query: QueryDict, span: mapdata.Span) -> dict[str, Any]:
    """The view and chrome an embed URL asks for; a bad value falls back to its default."""
    state = map_state(query, span)
    if state["place"] and not Place.objects.filter(slug=state["place"]).exists():
        state["place"] = None
    flags = {name: _flag(query.get(name), default) for name, default in FLAGS.items()}
    return {"state": state, "flags": flags}


def embed_query(options: dict[str, Any]) -> str:
    """The query string that reproduces `options`, leaving defaults out."""
    state, flags = options["state"], options["flags"]
    params: dict[str, Any] = {"date": state["date"].isoformat(), "window": state["window"]}
    for key in ("place", "lat", "lng", "zoom"):
        if state[key] is not None:
            params[key] = state[key]
    for name, default in FLAGS.items():
        if flags[name] != default:
            params[name] = "on" if flags[name] else "off"
    return urlencode(params)


@require_safe
@gzip_page
@xframe_options_exempt
@csp_replace({"frame-ancestors": settings.NEWSMAP_EMBED_FRAME_ANCESTORS})
def embed_page(request: HttpRequest) -> HttpResponse:
    """The map with minimal chrome, for iframes on other sites; links open in a new tab."""
    span = mapdata.report_span()
    options = embed_options(request.GET, span)
    flags = options["flags"]
    config = map_config(
        options["state"],
        span,
        slider=flags["slider"],
        legend=flags["legend"],
        autoplay=flags["autoplay"],
        sidebar=False,
        history=False,
        linkTarget="_blank",
    )
    context = {
        "config": config,
        "state": options["state"],
        "span": span,
        "flags": flags,
        "legend": [(key, CATEGORY_LABELS[key]) for key in frontline.CATEGORIES],
        "full_map_url": reverse("map") + "?" + embed_query({**options, "flags": FLAGS}),
    }
    return render(request, "embed.html", context)


def embed_url_for(request: HttpRequest, url: str) -> str | None:
    """The /embed/ URL that shows the same view as a map or embed URL of this site, else None."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or parts.netloc != request.get_host():
        return None
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    if match.url_name not in {"map", "embed"}:
        return None
    options = embed_options(QueryDict(parts.query), mapdata.report_span())
    return request.build_absolute_uri(reverse("embed")) + "?" + embed_query(options)


def _size(raw: str | None, default: int) -> int:
    try:
        value = int(raw) if raw else default
    except ValueError:
        return default
    return max(MIN_SIZE, min(default, value))


@require_safe
def oembed(request: HttpRequest) -> HttpResponse:
    """An oEmbed `rich` response for this site's map and embed URLs."""
    response_format = request.GET.get("format", "json")
    if response_format != "json":
        return JsonResponse({"error": "format: only json is supported"}, status=501)
    src = embed_url_for(request, request.GET.get("url", ""))
    if src is None:
        return JsonResponse({"error": "url: not a map of this site"}, status=404)
    width = _size(request.GET.get("maxwidth"), DEFAULT_WIDTH)
    height = _size(request.GET.get("maxheight"), DEFAULT_HEIGHT)
    html = format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy"></iframe>',
        src,
        width,
        height,
        "Newsmap: front-line reports on a map",
    )
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": "Newsmap: front-line reports on a map",
            "provider_name": "Newsmap",
            "provider_url": request.build_absolute_uri(reverse("map")),
            "html": str(html),
            "width": width,
            "height": height,
        }
    )
