"""Hostile text in every field reaches every page and API only as text, never as markup."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.utils.html import escape

from articles.models import Alias, GeocodeLookup, Mention, RelatedItem
from tests.hostile import (
    DAY,
    GEOCODED_NAME,
    KNOWN_NAME,
    ONE_MEGABYTE,
    HostileData,
    load_hostile_data,
    load_payloads,
)
from tests.nominatim_server import FakeNominatim, running_nominatim

pytestmark = pytest.mark.django_db

# What a payload looks like when it was not escaped: a live tag, handler or script URL.
LIVE_MARKUP = re.compile(
    r"<script>alert|<img src=x onerror|<svg onload|<body onpageshow|<iframe srcdoc"
    r"|<style>body|<a href=\"javascript:"
    r"|\b(?:href|src|action|formaction)\s*=\s*[\"']?\s*(?:javascript|data):",
    re.IGNORECASE,
)
WINDOW = "start=2016-10-01&end=2016-11-30"


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    with running_nominatim() as fake:
        yield fake


@pytest.fixture
def hostile(tmp_path, settings, nominatim) -> HostileData:
    return load_hostile_data(tmp_path, settings, nominatim)


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    client.force_login(user)
    return client


def assert_no_live_markup(url: str, html: str) -> None:
    found = LIVE_MARKUP.search(html)
    if found is not None:
        context = html[max(0, found.start() - 80) : found.end() + 80]
        pytest.fail(f"{url}: unescaped markup in {context!r}")


def get_html(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    assert response["Content-Type"].startswith("text/html"), url
    html = response.content.decode()
    assert_no_live_markup(url, html)
    return html


def public_pages(data: HostileData) -> list[str]:
    day = DAY.isoformat()
    pages = [
        "/",
        f"/?date={day}&window=30",
        f"/?date={day}&window=30&place={data.place.slug}",
        "/articles/",
        f"/articles/?q={KNOWN_NAME}",
        f"/articles/?place={data.place.slug}",
        f"/articles/?place={data.geocoded.slug}",
        f"/embed/?date={day}&window=30",
        f"/embed/?date={day}&place={data.place.slug}",
    ]
    return pages + [f"/articles/{a.pk}/" for a in data.articles]


def test_the_pipeline_keeps_every_payload_verbatim(hostile):
    payloads = load_payloads()
    assert len(hostile.articles) == len(hostile.headlines)
    assert sorted(a.title for a in hostile.articles) == sorted(hostile.headlines)
    related = set(RelatedItem.objects.values_list("title", flat=True))
    assert {f"{p} in Mosul".strip() for group in payloads.values() for p in group} <= related
    assert hostile.place.name == hostile.place_name
    aliases = set(Alias.objects.filter(place=hostile.place).values_list("text", flat=True))
    assert {payloads["markup"][0], payloads["text"][0]} <= aliases
    assert hostile.geocoded.name == hostile.geocoded_name
    assert GeocodeLookup.objects.get(query=GEOCODED_NAME).outcome == "found"
    huge = next(a for a in hostile.articles if "very long statement" in a.title)
    assert len(huge.body) > ONE_MEGABYTE
    assert Mention.objects.filter(place=hostile.place).exists()
    assert Mention.objects.filter(place=hostile.geocoded).exists()


def test_every_public_page_shows_the_payloads_only_as_text(client, hostile):
    for url in public_pages(hostile):
        get_html(client, url)
    get_html(client, f"/?date={DAY.isoformat()}&window=30", **{"HX-Request": "true"})


def test_a_report_page_shows_headline_body_places_and_related_titles_escaped(client, hostile):
    for article in hostile.articles[: len(load_payloads()["markup"])]:
        html = get_html(client, f"/articles/{article.pk}/")
        assert escape(article.title) in html
        for related in article.related_items.all():
            assert escape(related.title) in html
    html = get_html(client, f"/articles/{hostile.articles[0].pk}/")
    assert escape(hostile.place_name) in html
    assert escape(hostile.geocoded_name) in html


def test_a_hostile_link_is_never_made_clickable(client, hostile):
    for article, url in zip(hostile.articles, load_payloads()["urls"], strict=False):
        article.refresh_from_db()
        assert article.url == url
        html = get_html(client, f"/articles/{article.pk}/")
        assert not re.search(r"href=[\"']?\s*(javascript|data):", html, re.IGNORECASE)


def test_the_huge_line_renders(client, hostile):
    huge = next(a for a in hostile.articles if "very long statement" in a.title)
    html = get_html(client, f"/articles/{huge.pk}/")
    assert html.count(escape("<img src=x onerror=alert('huge')>")) > 10_000


def test_the_json_apis_return_the_payloads_as_json_strings(client, hostile):
    day = DAY.isoformat()
    places = client.get(f"/api/places.geojson?date={day}")
    reports = client.get(f"/api/reports.geojson?{WINDOW}")
    timeline = client.get("/api/timeline.json")
    for response in (places, reports, timeline):
        assert response.status_code == 200
        assert "json" in response["Content-Type"]
        assert response["X-Content-Type-Options"] == "nosniff"
        json.loads(response.content)
    names = {f["properties"]["name"] for f in places.json()["features"]}
    assert {hostile.place_name, hostile.geocoded_name} <= names
    titles = {f["properties"]["title"] for f in reports.json()["features"]}
    assert set(hostile.headlines) <= titles
    sentences = " ".join(f["properties"]["sentence"] for f in reports.json()["features"])
    assert load_payloads()["markup"][0] in sentences


def test_the_csv_is_a_download_with_the_payloads_as_cells(client, hostile):
    response = client.get(f"/api/reports.csv?{WINDOW}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert set(hostile.headlines) <= {row["title"] for row in rows}


def test_oembed_never_echoes_a_hostile_url(client, hostile):
    url = "http://testserver/?date=\"><script>alert('oembed')</script>&place=x\"onload=alert(1)"
    response = client.get("/oembed", {"url": url, "format": "json"})

    assert response.status_code == 200
    html = response.json()["html"]
    assert "<script" not in html and "onload" not in html
    assert html.startswith("<iframe src=")


def test_admin_pages_show_the_payloads_only_as_text(superuser_client, hostile):
    pages = [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/?q={KNOWN_NAME}",
        "/admin/articles/place/",
        "/admin/articles/place/?q=img",
        f"/admin/articles/place/{hostile.place.pk}/change/",
        f"/admin/articles/place/{hostile.place.pk}/history/",
        f"/admin/articles/place/{hostile.geocoded.pk}/change/",
        "/admin/articles/alias/",
        "/admin/articles/mention/",
        "/admin/articles/mention/review/",
    ]
    pages += [f"/admin/articles/article/{a.pk}/change/" for a in hostile.articles[:4]]
    pages += [f"/admin/articles/alias/{a.pk}/change/" for a in hostile.place.aliases.all()]
    mentions = Mention.objects.filter(article=hostile.articles[0])
    pages += [f"/admin/articles/mention/{m.pk}/change/" for m in mentions]
    for url in pages:
        get_html(superuser_client, url)
    html = get_html(superuser_client, f"/admin/articles/place/{hostile.place.pk}/change/")
    assert escape(hostile.place_name) in html
