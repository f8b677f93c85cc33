"""Public pages and APIs."""

from django.urls import path

from articles import api, embed, openapi, views

urlpatterns = [
    path("", views.map_page, name="map"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("embed/", embed.embed_page, name="embed"),
    path("oembed", embed.oembed, name="oembed"),
    path("api/places.geojson", api.places_geojson, name="api_places"),
    path("api/reports.geojson", api.reports_geojson, name="api_reports"),
    path("api/reports.csv", api.reports_csv, name="api_reports_csv"),
    path("api/periods.json", api.periods_json, name="api_periods"),
    path("api/window.json", api.window_json, name="api_window"),
    path("api/timeline.json", api.timeline_json, name="api_timeline"),
    path("api/openapi.json", openapi.openapi_json, name="api_openapi"),
]
