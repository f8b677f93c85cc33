"""The admin where editors correct places, aliases and mentions and import reports."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from csp.decorators import csp_update
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from articles import admin_review, timeline
from articles.admin_forms import (
    MAP_CSS,
    MAP_JS,
    PlaceAdminForm,
    alias_changes_html,
    place_map,
    place_mentions_html,
)
from articles.bulk import delete_ids
from articles.models import Alias, Article, ArticleRevision, Mention, Place, RelatedItem
from articles.names import normalise

# A change to any of these on the form is a hand correction of where the place is.
COORDINATE_FIELDS = {"latitude", "longitude", "precision", "radius_m"}

admin.site.site_header = "Newsmap editors"
admin.site.site_title = "Newsmap admin"
admin.site.index_title = "Corrections"

# django-simple-history's history list ends in <p class="paginator" style="border-top: 0">. The
# policy lets that one inline style through, by its hash, on history pages only, rather than
# keeping a copy of the library's template.
_PAGINATOR_STYLE = "border-top: 0"
_PAGINATOR_STYLE_HASH = base64.b64encode(
    hashlib.sha256(_PAGINATOR_STYLE.encode()).digest()
).decode()


class HistoryAdmin(SimpleHistoryAdmin):
    """The history admin with a policy its history pages keep."""

    @method_decorator(
        csp_update({"style-src": ["'unsafe-hashes'", f"'sha256-{_PAGINATOR_STYLE_HASH}'"]})
    )
    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, object_id, extra_context)


class AliasInline(admin.TabularInline):
    model = Alias
    fields = ["text", "language", "normalised"]
    readonly_fields = ["normalised"]
    extra = 1


@admin.register(Place)
class PlaceAdmin(HistoryAdmin):
    form = PlaceAdminForm
    list_display = [
        "name",
        "kind",
        "parent",
        "precision",
        "radius_m",
        "provenance",
        "review_state",
        "updated_at",
    ]
    list_filter = ["kind", "precision", "provenance", "review_state"]
    list_select_related = ["parent"]
    search_fields = ["name", "name_ar", "slug", "aliases__text", "aliases__normalised"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]
    actions = ["mark_confirmed", "download_geojson", "download_csv"]
    readonly_fields = [
        "provenance",
        "provenance_detail",
        "map",
        "mentions_list",
        "alias_changes",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "name_ar", "kind", "parent", "bank"]}),
        (
            "Where",
            {
                "fields": ["map", ("latitude", "longitude"), "precision", "radius_m"],
                "description": "Click the map or drag the marker to set the point; the circle "
                "is the uncertainty radius.",
            },
        ),
        (
            "Provenance and review",
            {
                "fields": [
                    "provenance",
                    "provenance_detail",
                    "source",
                    "review_state",
                    "common_word",
                    ("geonames_id", "osm_id", "wikidata_id"),
                    "population",
                    ("created_at", "updated_at"),
                ]
            },
        ),
        ("Mentions", {"fields": ["mentions_list"]}),
        ("Changes to aliases", {"fields": ["alias_changes"], "classes": ["collapse"]}),
    ]

    class Media:
        css = MAP_CSS
        js = MAP_JS

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Also find places by the folded form of the term, so any spelling finds its place."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = normalise(search_term)
        if folded:
            by_alias = queryset.filter(
                Q(aliases__normalised__startswith=folded) | Q(aliases__normalised=folded)
            )
            results = (results | by_alias).distinct()
            may_have_duplicates = False
        return results, may_have_duplicates

    def save_model(self, request: HttpRequest, obj: Place, form, change: bool) -> None:
        if not change or COORDINATE_FIELDS & set(form.changed_data):
            obj.provenance = Place.Provenance.EDITOR
            obj.provenance_detail = "admin"
            obj.review_state = Place.Review.CONFIRMED
        super().save_model(request, obj, form, change)

    @admin.display(description="Map")
    def map(self, obj: Place) -> SafeString:
        return place_map(obj.latitude, obj.longitude, obj.pk)

    @admin.display(description="Mentions in reports")
    def mentions_list(self, obj: Place) -> SafeString:
        return place_mentions_html(obj)

    @admin.display(description="Alias changes")
    def alias_changes(self, obj: Place) -> SafeString:
        return alias_changes_html(obj)

    @admin.action(description="Mark selected places confirmed", permissions=["change"])
    def mark_confirmed(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for place in queryset.exclude(review_state=Place.Review.CONFIRMED):
            place.review_state = Place.Review.CONFIRMED
            place._history_user = request.user
            place.save(update_fields=["review_state", "updated_at"])
            count += 1
        self.message_user(request, f"{count} place(s) marked confirmed.", messages.SUCCESS)

    @admin.action(description="Download selected places as GeoJSON", permissions=["view"])
    def download_geojson(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return admin_review.export_response("geojson", places=queryset, articles=None)

    @admin.action(description="Download selected places as CSV", permissions=["view"])
    def download_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return admin_review.export_response("csv", places=queryset, articles=None)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path(
                "export/",
                view(admin_review.export_view_for(self, "places")),
                name="articles_place_export",
            ),
            *super().get_urls(),
        ]


@admin.register(Alias)
class AliasAdmin(HistoryAdmin):
    list_display = ["text", "place", "language", "normalised"]
    list_select_related = ["place"]
    search_fields = ["text", "normalised", "place__name"]
    autocomplete_fields = ["place"]
    readonly_fields = ["normalised"]
    fields = ["place", "text", "language", "normalised"]


class RelatedItemInline(admin.TabularInline):
    model = RelatedItem
    fields = ["position", "title", "media_kind", "media_date", "external_id"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False


class ArticleRevisionInline(RelatedItemInline):
    """Earlier raw texts a changed report replaced, kept verbatim."""

    model = ArticleRevision
    fields = ["replaced_at", "origin", "content_hash", "raw_text"]
    readonly_fields = fields


def _period_start(moment: dt.datetime, kind: str) -> dt.datetime:
    """The start of the year, month or day that holds `moment`, in `moment`'s own time zone."""
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == "year":
        return midnight.replace(month=1, day=1)
    return midnight.replace(day=1) if kind == "month" else midnight


def _next_period(start: dt.datetime, kind: str) -> dt.datetime:
    """The start of the period after the one beginning at `start` (wall-clock arithmetic)."""
    if kind == "year":
        return start.replace(year=start.year + 1)
    if kind == "month":
        return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return start + dt.timedelta(days=1)


class ReportListQuerySet(QuerySet):
    """The report list's rows, with a date bar that costs one indexed look-up per period.

    Django's date drill-down lists the years (months, days) that hold reports with a SELECT
    DISTINCT of every report's time truncated; on SQLite the truncation is a Python function
    called once per row, two seconds over 333,000 reports. Here the first report at or after
    the start of the list gives the first period, the first report at or after the end of that
    period the next, and so on: as many look-ups on the index of publication times as there
    are periods to show, and the same periods.
    """

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind not in ("year", "month", "day") or order != "ASC":
            return super().datetimes(field_name, kind, order, tzinfo)
        zone = tzinfo or timezone.get_current_timezone()
        times = (
            self.filter(**{f"{field_name}__isnull": False})
            .order_by(field_name)
            .values_list(field_name, flat=True)
        )
        periods: list[dt.datetime] = []
        rest = times
        while (first := rest.first()) is not None:
            periods.append(_period_start(first.astimezone(zone), kind))
            rest = times.filter(**{f"{field_name}__gte": _next_period(periods[-1], kind)})
        return periods


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "source", "mention_count"]
    list_filter = ["source"]
    search_fields = ["title", "body", "source", "url"]
    date_hierarchy = "published_at"
    # A link typed without a scheme is taken as https (Django 6's default, stated now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [RelatedItemInline, ArticleRevisionInline]
    actions = ["download_geojson", "download_csv"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        reports = super().get_queryset(request)
        # Counted for the rows on the page only: one subquery each, not one query per row.
        counts = (
            Mention.objects.filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(total=Count("pk"))
            .values("total")
        )
        reports = reports.annotate(mention_total=Coalesce(Subquery(counts), 0))
        return ReportListQuerySet(model=reports.model, query=reports.query, using=reports.db)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        self.delete_queryset(request, Article.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Delete reports; their automatic mentions go without a history row each.

        The history records editors' decisions (as reparse does): a mention an editor decided
        keeps a row saying it was deleted, the geoparser's own do not. The map is rebuilt once
        for the places they named, not once per mention.
        """
        with transaction.atomic(), timeline.deferred():
            auto = Mention.objects.filter(
                article__in=queryset, decided_by=Mention.DecidedBy.AUTO
            ).values_list("pk", "place_id")
            rows = list(auto)
            delete_ids(Mention, [pk for pk, _ in rows])
            timeline.touch(place_id for _, place_id in rows)
            super().delete_queryset(request, queryset)

    readonly_fields = [
        "identity",
        "origin",
        "raw_text",
        "content_hash",
        "imported_at",
        "updated_at",
        "mentions_list",
    ]
    fields = [
        "title",
        "published_at",
        "source",
        "url",
        "body",
        "mentions_list",
        "identity",
        "origin",
        "content_hash",
        ("imported_at", "updated_at"),
        "raw_text",
    ]

    @admin.display(description="Mentions", ordering="mention_total")
    def mention_count(self, obj: Article) -> int:
        return obj.mention_total

    @admin.display(description="Mentions")
    def mentions_list(self, obj: Article) -> SafeString:
        if obj.pk is None:
            return format_html("{}", "—")
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> → {} · {} · {}{}</li>',
            (
                (
                    reverse("admin:articles_mention_change", args=[m.pk]),
                    m.surface,
                    m.place or "unresolved",
                    m.get_status_display(),
                    m.event_date,
                    " · rejected" if m.rejected else "",
                )
                for m in obj.mentions.select_related("place")
            ),
        )
        return format_html('<ul class="newsmap-mentions">{}</ul>', rows)

    @admin.action(description="Download selected reports as GeoJSON", permissions=["view"])
    def download_geojson(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return admin_review.export_response("geojson", places=None, articles=queryset)

    @admin.action(description="Download selected reports as CSV", permissions=["view"])
    def download_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return admin_review.export_response("csv", places=None, articles=queryset)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path(
                "import/",
                view(admin_review.import_view_for(self)),
                name="articles_article_import",
            ),
            path(
                "export/",
                view(admin_review.export_view_for(self, "reports")),
                name="articles_article_export",
            ),
            *super().get_urls(),
        ]


class ResolvedFilter(admin.SimpleListFilter):
    title = "resolution"
    parameter_name = "resolved"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", "Resolved to a place"), ("no", "Unresolved name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(place__isnull=False)
        if self.value() == "no":
            return queryset.filter(place__isnull=True)
        return queryset


@admin.register(Mention)
class MentionAdmin(HistoryAdmin):
    list_display = [
        "surface",
        "place",
        "article",
        "status",
        "event_date",
        "decided_by",
        "rejected",
    ]
    list_filter = ["status", "decided_by", "rejected", ResolvedFilter, "section"]
    list_select_related = ["place", "article"]
    search_fields = ["surface", "normalised", "sentence", "article__title"]
    autocomplete_fields = ["place", "parent_place"]
    actions = ["reject_false_positive", "restore"]
    readonly_fields = [
        "article_link",
        "surface",
        "normalised",
        "section",
        "start",
        "end",
        "sentence",
        "confidence",
        "decided_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["article_link", "surface", "sentence", ("section", "start", "end")]}),
        (
            "Editor's decision",
            {
                "fields": [
                    "place",
                    "status",
                    ("event_date", "date_precision"),
                    "is_primary",
                    "container",
                    "rejected",
                ],
                "description": "Saving this form makes the mention an editor's decision, "
                "which re-running the geoparser never changes.",
            },
        ),
        (
            "Geoparser",
            {
                "fields": [
                    "normalised",
                    "parent_place",
                    "confidence",
                    "decided_by",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Mentions come from reports; an editor corrects them but never invents one.
        return False

    @admin.display(description="Report")
    def article_link(self, obj: Mention) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[obj.article_id]),
            obj.article.title,
        )

    def save_model(self, request: HttpRequest, obj: Mention, form, change: bool) -> None:
        obj.decided_by = Mention.DecidedBy.EDITOR
        super().save_model(request, obj, form, change)

    @admin.action(description="Reject as false positive", permissions=["change"])
    def reject_false_positive(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = self._decide(request, queryset, rejected=True)
        self.message_user(request, f"{count} mention(s) rejected.", messages.SUCCESS)

    @admin.action(description="Restore rejected mentions", permissions=["change"])
    def restore(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = self._decide(request, queryset, rejected=False)
        self.message_user(request, f"{count} mention(s) restored.", messages.SUCCESS)

    def _decide(self, request: HttpRequest, queryset: QuerySet, rejected: bool) -> int:
        # One save per mention so each decision enters the history with its editor.
        count = 0
        for mention in queryset:
            mention.rejected = rejected
            mention.decided_by = Mention.DecidedBy.EDITOR
            mention._history_user = request.user
            mention.save(update_fields=["rejected", "decided_by", "updated_at"])
            count += 1
        return count

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path(
                "review/",
                view(admin_review.queue_view_for(self)),
                name="articles_mention_review",
            ),
            path(
                "review/alias/",
                view(admin_review.add_alias_view_for(self)),
                name="articles_mention_review_alias",
            ),
            path(
                "review/create/",
                view(admin_review.create_place_view_for(self)),
                name="articles_mention_review_create",
            ),
            *super().get_urls(),
        ]
