"""Public pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def map_page(request: HttpRequest) -> HttpResponse:
    """The full-window map."""
    return render(request, "map.html", {})
