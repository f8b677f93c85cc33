"""Public pages and APIs."""

from django.urls import path

from articles import views

urlpatterns = [
    path("", views.map_page, name="map"),
]
