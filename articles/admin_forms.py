"""Forms and the map widget used by the admin: report upload, review-queue actions, place map."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join, json_script
from django.utils.safestring import SafeString

from articles.models import Alias, Mention, Place

# How far around a place to look for neighbours drawn faintly on its map (degrees, ~10 km).
NEIGHBOUR_SPAN = 0.1
NEIGHBOUR_LIMIT = 300
MENTIONS_SHOWN = 50
ALIAS_CHANGES_SHOWN = 30
MAP_CSS = {"all": ["leaflet/leaflet.css", "newsmap/admin-map.css"]}
MAP_JS = ["leaflet/leaflet.js", "newsmap/admin-map.js"]
MAP_MEDIA = forms.Media(css=MAP_CSS, js=MAP_JS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files at once and returns them as a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportReportsForm(forms.Form):
    files = MultipleFileField(
        label="Report files",
        help_text="One or more report text files, as published (UTF-8 text).",
    )


class AddAliasForm(forms.Form):
    """Make an unresolved name a spelling of an existing place."""

    place = forms.ModelChoiceField(
        queryset=Place.objects.all(),
        widget=forms.Select,
        help_text="The place this name refers to; type to search by name or alias.",
    )

    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The autocomplete endpoint answers for Mention.place, which MentionAdmin autocompletes.
        _autocomplete(self.fields["place"], Mention._meta.get_field("place"), admin_site)


class CreatePlaceForm(forms.ModelForm):
    """A new place made by an editor from an unresolved name."""

    class Meta:
        model = Place
        fields = [
            "name",
            "name_ar",
            "kind",
            "parent",
            "latitude",
            "longitude",
            "precision",
            "radius_m",
            "source",
        ]
        widgets = {"source": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _autocomplete(self.fields["parent"], Mention._meta.get_field("parent_place"), admin_site)
        self.fields["source"].help_text = (
            "Where the coordinate comes from, e.g. “Editor: located from the report's "
            "description, east of the Tigris”. Required."
        )

    def clean_source(self) -> str:
        source = self.cleaned_data["source"].strip()
        if source.rstrip(":").strip().lower() in {"", "editor"}:
            raise forms.ValidationError("Say where this coordinate comes from after “Editor:”.")
        return source

    def clean_latitude(self) -> float:
        return _in_range(self.cleaned_data["latitude"], 90, "Latitude")

    def clean_longitude(self) -> float:
        return _in_range(self.cleaned_data["longitude"], 180, "Longitude")


class PlaceAdminForm(forms.ModelForm):
    """The place change form: coordinates checked against the globe."""

    class Meta:
        model = Place
        fields = [
            "name",
            "slug",
            "name_ar",
            "kind",
            "parent",
            "bank",
            "latitude",
            "longitude",
            "precision",
            "radius_m",
            "source",
            "review_state",
            "common_word",
            "geonames_id",
            "osm_id",
            "wikidata_id",
            "population",
        ]

    def clean_latitude(self) -> float:
        return _in_range(self.cleaned_data["latitude"], 90, "Latitude")

    def clean_longitude(self) -> float:
        return _in_range(self.cleaned_data["longitude"], 180, "Longitude")


def _autocomplete(field: forms.ModelChoiceField, source, admin_site: admin.AdminSite) -> None:
    """Search places as the admin does; answered by the autocomplete view for `source`."""
    field.widget = admin.widgets.AutocompleteSelect(source, admin_site)
    # A widget set after the field was made has no choices of its own yet.
    field.widget.choices = field.choices


def _in_range(value: float | None, limit: float, label: str) -> float:
    if value is not None and not -limit <= value <= limit:
        raise forms.ValidationError(f"{label} must be between -{limit} and {limit}.")
    return value


def area_centre() -> tuple[float, float]:
    """The centre of the configured campaign area, where a map with no point opens."""
    try:
        south, west, north, east = (float(v) for v in settings.NEWSMAP_AREA_VIEWBOX.split(","))
    except ValueError:
        return (0.0, 0.0)
    return ((south + north) / 2, (west + east) / 2)


def neighbours_of(latitude: float, longitude: float, exclude: int | None) -> list[dict]:
    """Places around a point, for faint context on the map."""
    nearby = Place.objects.filter(
        latitude__range=(latitude - NEIGHBOUR_SPAN, latitude + NEIGHBOUR_SPAN),
        longitude__range=(longitude - NEIGHBOUR_SPAN, longitude + NEIGHBOUR_SPAN),
    ).exclude(pk=exclude)
    return [
        {"name": p.name, "lat": p.latitude, "lon": p.longitude, "radius": p.radius_m}
        for p in nearby.only("name", "latitude", "longitude", "radius_m")[:NEIGHBOUR_LIMIT]
    ]


def place_map(latitude: float | None, longitude: float | None, exclude: int | None) -> SafeString:
    """The map container and its data; admin-map.js binds it to the coordinate fields."""
    centre = (
        (latitude, longitude) if latitude is not None and longitude is not None else area_centre()
    )
    config = {
        "tileUrl": settings.NEWSMAP_TILE_URL,
        "attribution": settings.NEWSMAP_TILE_ATTRIBUTION,
        "centre": centre,
        "fields": {"lat": "id_latitude", "lon": "id_longitude", "radius": "id_radius_m"},
        "neighbours": neighbours_of(centre[0], centre[1], exclude),
    }
    return format_html(
        '<div class="newsmap-admin-map" id="newsmap-place-map" data-config="newsmap-map-config" '
        'role="application" aria-label="Map: click or drag the marker to set the coordinates">'
        "</div>{}",
        json_script(config, "newsmap-map-config"),
    )


def place_mentions_html(obj: Place) -> SafeString:
    """The place's latest mentions, each linked to its mention and its report."""
    if obj.pk is None:
        return format_html("{}", "—")
    mentions = obj.mentions.select_related("article").order_by("-event_date", "-id")
    total = mentions.count()
    rows = format_html_join(
        "",
        '<li><a href="{}">{}</a> · {} · {} · <a href="{}">{}</a></li>',
        (
            (
                reverse("admin:articles_mention_change", args=[m.pk]),
                m.surface,
                m.get_status_display(),
                m.event_date,
                reverse("admin:articles_article_change", args=[m.article_id]),
                m.article.title,
            )
            for m in mentions[:MENTIONS_SHOWN]
        ),
    )
    more = reverse("admin:articles_mention_changelist") + f"?place__id__exact={obj.pk}"
    return format_html(
        '<ul class="newsmap-mentions">{}</ul><p><a href="{}">All {} mentions</a></p>',
        rows,
        more,
        total,
    )


def alias_changes_html(obj: Place) -> SafeString:
    """Who added, changed or removed which spelling of the place, and when."""
    if obj.pk is None:
        return format_html("{}", "—")
    records = (
        Alias.history.filter(place_id=obj.pk)
        .select_related("history_user")
        .order_by("-history_date")[:ALIAS_CHANGES_SHOWN]
    )
    verbs = {"+": "added", "~": "changed", "-": "removed"}
    return format_html(
        '<ul class="newsmap-alias-history">{}</ul>',
        format_html_join(
            "",
            "<li>{} · {} · {} “{}”</li>",
            (
                (
                    f"{r.history_date:%Y-%m-%d %H:%M}",
                    r.history_user or "system",
                    verbs.get(r.history_type, r.history_type),
                    r.text,
                )
                for r in records
            ),
        )
        or format_html("<li>{}</li>", "No changes recorded."),
    )
