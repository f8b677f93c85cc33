"""Admin views beyond the model forms: review queue of unresolved names, report upload, export."""

from __future__ import annotations

import io
import itertools
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from articles import export
from articles.admin_forms import (
    MAP_MEDIA,
    AddAliasForm,
    CreatePlaceForm,
    ImportReportsForm,
    place_map,
)
from articles.models import Alias, Article, Mention, Place
from articles.names import normalise

logger = logging.getLogger(__name__)

NAMES_PER_PAGE = 50
SAMPLES_PER_NAME = 2
View = Callable[[HttpRequest], HttpResponse]


@dataclass
class UnresolvedName:
    """One row of the review queue: a folded name and the mentions that use it."""

    normalised: str
    reports: int
    mentions: int
    surfaces: list[str] = field(default_factory=list)
    samples: list[Mention] = field(default_factory=list)
    parent: Place | None = None


def unresolved_counts() -> QuerySet:
    """Unresolved names with how many reports and mentions use each, most reports first."""
    return (
        Mention.objects.unresolved()
        .values("normalised")
        .annotate(reports=Count("article", distinct=True), mentions=Count("id"))
        .order_by("-reports", "-mentions", "normalised")
    )


def describe(normalised: str, reports: int = 0, mentions: int = 0) -> UnresolvedName:
    """Surfaces, sample sentences and the usual parent area of one unresolved name."""
    found = list(
        Mention.objects.unresolved()
        .filter(normalised=normalised)
        .select_related("article", "parent_place")
        .order_by("-article__published_at", "id")
    )
    surfaces = Counter(m.surface for m in found)
    parents = Counter(m.parent_place for m in found if m.parent_place is not None)
    return UnresolvedName(
        normalised=normalised,
        reports=reports or len({m.article_id for m in found}),
        mentions=mentions or len(found),
        surfaces=[s for s, _ in surfaces.most_common()],
        samples=found[:SAMPLES_PER_NAME],
        parent=parents.most_common(1)[0][0] if parents else None,
    )


def resolve_name(normalised: str, place: Place, surfaces: list[str]) -> int:
    """Make the name's spellings aliases of `place` and point its unresolved mentions there."""
    with transaction.atomic():
        known = set(place.aliases.values_list("normalised", flat=True))
        for surface in surfaces:
            folded = normalise(surface)
            if folded and folded not in known:
                Alias.objects.create(place=place, text=surface)
                known.add(folded)
        # The mentions stay the geoparser's (decided_by auto): with the alias in the gazetteer a
        # reparse finds the same place again, and they keep following later gazetteer fixes.
        count = 0
        for mention in Mention.objects.unresolved().filter(normalised=normalised):
            mention.place = place
            mention.save(update_fields=["place", "updated_at"])
            count += 1
    logger.info("resolved %d mention(s) of %r to place %s", count, normalised, place.pk)
    return count


def unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:180] or "place"
    slug = base
    for n in itertools.count(2):
        if not Place.objects.filter(slug=slug).exists():
            return slug
        slug = f"{base}-{n}"
    raise AssertionError("unreachable")


def create_place_initial(name: UnresolvedName) -> dict:
    """Prefill a new place from the online geocoder's suggestion, else from the parent area."""
    from articles import geocoding

    surface = name.surfaces[0] if name.surfaces else name.normalised
    initial: dict = {"name": surface, "kind": Place.Kind.TOWN, "parent": name.parent}
    suggestion = geocoding.suggest(surface)
    if suggestion is not None:
        initial.update(
            latitude=suggestion.lat,
            longitude=suggestion.lon,
            radius_m=suggestion.radius_m,
            precision=Place.Precision.EXACT,
            source=f"Editor: accepted the {suggestion.source} suggestion "
            f"“{suggestion.display_name}”",
        )
    elif name.parent is not None:
        if name.parent.kind == Place.Kind.CITY:
            initial["kind"] = Place.Kind.DISTRICT
        initial.update(
            latitude=name.parent.latitude,
            longitude=name.parent.longitude,
            radius_m=name.parent.radius_m,
            precision=Place.Precision.PARENT_AREA,
            source=f"Editor: placed at the parent area, {name.parent.name}, "
            "until a better source is found",
        )
    else:
        initial.update(precision=Place.Precision.PARENT_AREA, radius_m=5000, source="Editor: ")
    return initial


def _queue_url(request: HttpRequest) -> str:
    back = request.POST.get("next") or request.GET.get("next") or ""
    queue = reverse("admin:articles_mention_review")
    return back if back.startswith(queue) else queue


def _context(model_admin: admin.ModelAdmin, request: HttpRequest, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **extra,
    }


def queue_view_for(model_admin: admin.ModelAdmin) -> View:
    """The review queue: unresolved names, the most widely reported first."""

    def review_queue(request: HttpRequest) -> HttpResponse:
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return _reject_name(request)
        page = Paginator(unresolved_counts(), NAMES_PER_PAGE).get_page(request.GET.get("page"))
        names = [describe(r["normalised"], r["reports"], r["mentions"]) for r in page]
        return render(
            request,
            "admin/articles/review_queue.html",
            _context(
                model_admin,
                request,
                "Unresolved names",
                page=page,
                names=names,
                can_resolve=model_admin.has_change_permission(request),
            ),
        )

    def _reject_name(request: HttpRequest) -> HttpResponse:
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        normalised = request.POST.get("unresolved", "")
        count = 0
        with transaction.atomic():
            for mention in Mention.objects.unresolved().filter(normalised=normalised):
                mention.rejected = True
                mention.decided_by = Mention.DecidedBy.EDITOR
                mention.save(update_fields=["rejected", "decided_by", "updated_at"])
                count += 1
        messages.success(request, f"“{normalised}”: {count} mention(s) rejected as not a place.")
        return HttpResponseRedirect(_queue_url(request))

    return review_queue


def _can_resolve(request: HttpRequest, *perms: str) -> bool:
    return request.user.has_perms(["articles.change_mention", "articles.add_alias", *perms])


def add_alias_view_for(model_admin: admin.ModelAdmin) -> View:
    """Make an unresolved name an alias of an existing place."""

    def add_alias(request: HttpRequest) -> HttpResponse:
        if not _can_resolve(request):
            raise PermissionDenied
        normalised = request.POST.get("unresolved") or request.GET.get("unresolved", "")
        name = describe(normalised)
        if not name.mentions:
            messages.warning(request, f"“{normalised}” has no unresolved mentions left.")
            return HttpResponseRedirect(_queue_url(request))
        form = AddAliasForm(
            request.POST if request.method == "POST" else None, admin_site=model_admin.admin_site
        )
        if request.method == "POST" and form.is_valid():
            place = form.cleaned_data["place"]
            count = resolve_name(normalised, place, name.surfaces)
            messages.success(request, _resolved_message(place, count, normalised))
            return HttpResponseRedirect(_queue_url(request))
        return render(
            request,
            "admin/articles/review_add_alias.html",
            _context(
                model_admin,
                request,
                f"Add “{name.surfaces[0]}” as an alias",
                name=name,
                form=form,
                media=model_admin.media + form.media,
                next=_queue_url(request),
            ),
        )

    return add_alias


def create_place_view_for(model_admin: admin.ModelAdmin) -> View:
    """Create a place from an unresolved name, prefilled, and resolve its mentions to it."""

    def create_place(request: HttpRequest) -> HttpResponse:
        if not _can_resolve(request, "articles.add_place"):
            raise PermissionDenied
        normalised = request.POST.get("unresolved") or request.GET.get("unresolved", "")
        name = describe(normalised)
        if not name.mentions:
            messages.warning(request, f"“{normalised}” has no unresolved mentions left.")
            return HttpResponseRedirect(_queue_url(request))
        site = model_admin.admin_site
        if request.method == "POST":
            form = CreatePlaceForm(request.POST, admin_site=site)
            if form.is_valid():
                place = _save_new_place(form)
                count = resolve_name(normalised, place, name.surfaces)
                messages.success(request, _resolved_message(place, count, normalised))
                return HttpResponseRedirect(_queue_url(request))
        else:
            form = CreatePlaceForm(initial=create_place_initial(name), admin_site=site)
        latitude, longitude = form["latitude"].value(), form["longitude"].value()
        return render(
            request,
            "admin/articles/review_create_place.html",
            _context(
                model_admin,
                request,
                f"Create a place for “{name.surfaces[0]}”",
                name=name,
                form=form,
                map=place_map(_number(latitude), _number(longitude), None),
                media=model_admin.media + form.media + MAP_MEDIA,
                next=_queue_url(request),
            ),
        )

    return create_place


def _number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _save_new_place(form: CreatePlaceForm) -> Place:
    place = form.save(commit=False)
    place.slug = unique_slug(place.name)
    place.provenance = Place.Provenance.EDITOR
    place.provenance_detail = "review queue"
    # A point at the parent area is a placeholder, so it stays on the review list.
    place.review_state = (
        Place.Review.NEEDS_REVIEW
        if place.precision == Place.Precision.PARENT_AREA
        else Place.Review.CONFIRMED
    )
    place.save()
    return place


def _resolved_message(place: Place, count: int, normalised: str) -> str:
    return format_html(
        '“{}” resolved: {} mention(s) now point to <a href="{}">{}</a>.',
        normalised,
        count,
        reverse("admin:articles_place_change", args=[place.pk]),
        place.name,
    )


def import_view_for(model_admin: admin.ModelAdmin) -> View:
    """Upload report files and show what became of each."""

    def import_reports(request: HttpRequest) -> HttpResponse:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        results: list[tuple[str, object]] = []
        if request.method == "POST":
            form = ImportReportsForm(request.POST, request.FILES)
            if form.is_valid():
                from articles.ingest import ingest_uploads

                files = form.cleaned_data["files"]
                outcomes = ingest_uploads(files)
                results = [
                    (getattr(f, "name", "") or "", o)
                    for f, o in itertools.zip_longest(files, outcomes)
                    if o is not None
                ]
                counts = Counter(o.status for _, o in results)
                summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
                messages.info(request, f"{len(files)} file(s): {summary}.")
        else:
            form = ImportReportsForm()
        return render(
            request,
            "admin/articles/import_reports.html",
            _context(model_admin, request, "Import reports", form=form, results=results),
        )

    return import_reports


def export_view_for(model_admin: admin.ModelAdmin, what: str) -> View:
    """Download every place or every report, as GeoJSON or CSV."""

    def export_download(request: HttpRequest) -> HttpResponse:
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        fmt = request.GET.get("format", "geojson")
        if fmt not in export.FORMATS:
            return HttpResponse(
                f"Unknown format {fmt!r}; use one of: {', '.join(export.FORMATS)}.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        if what == "places":
            return export_response(fmt, places=Place.objects.all(), articles=None)
        return export_response(fmt, places=None, articles=Article.objects.all())

    return export_download


def export_response(fmt: str, places: QuerySet | None, articles: QuerySet | None) -> HttpResponse:
    """An attachment holding the export of the given places and reports."""
    buffer = io.StringIO()
    export.write(fmt, buffer, places=places, articles=articles)
    kind = "places" if articles is None else "reports" if places is None else "newsmap"
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    content_type = {"geojson": "application/geo+json", "csv": "text/csv"}[fmt]
    response = HttpResponse(buffer.getvalue(), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{stamp}.{fmt}"'
    return response
