"""The embeddable map, its options, framing rules and oEmbed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict

from articles import mapdata
from articles.embed import embed_options
from tests.factories import make_place

pytestmark = pytest.mark.django_db

OEMBED_REQUIRED = {"version", "type", "html", "width", "height"}


def options_for(query: str) -> dict:
    span = mapdata.report_span()
    options = embed_options(QueryDict(query), span)
    return {**options["state"], **options["flags"]}


def test_it_reads_every_embed_option():
    make_place("Intisar", slug="intisar")
    options = options_for(
        "date=2017-01-02&window=3&place=intisar&lat=36.33&lng=43.2&zoom=14"
        "&slider=off&legend=0&autoplay=on"
    )
    assert options == {
        "date": dt.date(2017, 1, 2),
        "window": 3,
        "place": "intisar",
        "lat": 36.33,
        "lng": 43.2,
        "zoom": 14,
        "slider": False,
        "legend": False,
        "autoplay": True,
    }


@pytest.mark.parametrize(
    "query",
    [
        "date=2017-13-45",
        "date=%3Cscript%3E",
        "window=5",
        "window=x",
        "place=no-such-place",
        "lat=nan&lng=43&zoom=3",
        "lat=95&lng=43&zoom=3",
        "lat=36.3",
        "zoom=99",
        "slider=sideways",
    ],
)
def test_a_bad_option_falls_back_to_its_default(query):
    assert options_for(query) == options_for("")


@pytest.mark.parametrize(
    "query", ["", "?date=nonsense&window=-1&zoom=abc&lat=x&place=%3Cb%3E", "?slider=off"]
)
def test_the_embed_page_never_errors(client, query):
    response = client.get(f"/embed/{query}")
    assert response.status_code == 200
    assert b'id="map-config"' in response.content


def test_the_embed_page_may_be_framed_by_the_configured_origins(client, settings):
    response = client.get("/embed/")
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/", "/articles/", "/admin/login/"])
def test_every_other_page_refuses_framing(client, url):
    response = client.get(url)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_oembed_answers_a_rich_response_for_a_map_url(client):
    url = "http://testserver/?date=2017-01-02&window=3"
    response = client.get("/oembed", {"url": url, "format": "json"})
    assert response.status_code == 200
    data = response.json()
    assert OEMBED_REQUIRED <= data.keys()
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert 'src="http://testserver/embed/?date=2017-01-02&amp;window=3"' in data["html"]
    assert 'loading="lazy"' in data["html"]
    assert "title=" in data["html"]
    assert (data["width"], data["height"]) == (800, 600)


def test_oembed_honours_maxwidth_and_maxheight(client):
    response = client.get(
        "/oembed", {"url": "http://testserver/embed/", "maxwidth": "400", "maxheight": "300"}
    )
    data = response.json()
    assert (data["width"], data["height"]) == (400, 300)
    assert 'width="400" height="300"' in data["html"]


@pytest.mark.parametrize(
    "url",
    ["http://elsewhere.example/", "http://testserver/admin/", "javascript:alert(1)", ""],
)
def test_oembed_gives_404_for_a_url_that_is_not_a_map_here(client, url):
    assert client.get("/oembed", {"url": url}).status_code == 404


def test_oembed_gives_501_for_a_format_it_does_not_speak(client):
    response = client.get("/oembed", {"url": "http://testserver/", "format": "xml"})
    assert response.status_code == 501


def test_the_map_page_carries_the_oembed_discovery_link(client):
    content = client.get("/").content.decode()
    assert 'type="application/json+oembed"' in content
    assert "/oembed?url=" in content
