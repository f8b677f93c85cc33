"""The map page, its htmx report list, and the report pages, rendered by the server."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from articles.models import Place, RelatedItem, Status
from tests.factories import make_article, make_mention, make_place

pytestmark = pytest.mark.django_db
HOSTILE = "<img src=x onerror=alert(1)>"


def published(day: int, month: int = 11, year: int = 2016) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def zahour_report():
    """One report of fighting in al-Zahour on 4 November 2016."""
    zahour = make_place("al-Zahour", slug="zahour")
    article = make_article("Iraqi forces enter al-Zahour", published_at=published(4))
    make_mention(article, zahour, status=Status.FIGHTING, sentence="Heavy fighting in al-Zahour.")
    return article


def config_of(response) -> dict:
    match = re.search(
        r'<script id="map-config" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "the page hands its config to map.js through json_script"
    return json.loads(match.group(1))


def test_the_map_page_hands_its_state_and_options_to_the_script(client, zahour_report):
    response = client.get("/?date=2016-11-04&window=3&lat=36.3&lng=43.2&zoom=13&place=zahour")
    assert response.status_code == 200
    config = config_of(response)
    assert config["state"] == {
        "date": "2016-11-04",
        "window": 3,
        "lat": 36.3,
        "lng": 43.2,
        "zoom": 13,
        "place": "zahour",
    }
    assert config["api"]["places"] == "/api/places.geojson"
    assert (config["first"], config["last"]) == ("2016-11-04", "2016-11-04")
    assert config["windows"] == [1, 3, 7, 30]
    assert config["ui"]["slider"] is True
    assert config["tiles"]["url"].startswith("https://")


def test_the_map_page_has_no_inline_script_or_style(client, zahour_report):
    html = client.get("/").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attrs, body in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs
        assert "src=" not in attrs or body.strip() == ""
    assert " style=" not in html and "<style" not in html
    assert "/static/leaflet/leaflet.js" in html
    assert "/static/leaflet-markercluster/leaflet.markercluster-src.js" in html
    assert 'name="htmx-config"' in html


def test_bad_page_parameters_fall_back_to_defaults(client, zahour_report):
    response = client.get("/?date=2016-99-01&window=5&lat=nan&lng=x&zoom=99&place=%3Cb%3E")
    assert response.status_code == 200
    assert config_of(response)["state"] == {
        "date": "2016-11-04",
        "window": 7,
        "lat": None,
        "lng": None,
        "zoom": None,
        "place": None,
    }


def test_an_htmx_request_gets_only_the_report_list(client, zahour_report):
    response = client.get("/?date=2016-11-04&window=1", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="report-list"')
    assert "<html" not in html
    assert 'data-date="2016-11-04"' in html
    assert "Iraqi forces enter al-Zahour" in html
    assert "HX-Request" in response["Vary"]


def test_the_list_shows_the_window_and_the_places_status(client, zahour_report):
    html = client.get("/?date=2016-11-06&window=3").content.decode()
    assert "Iraqi forces enter al-Zahour" in html
    assert 'data-slug="zahour" data-status="contested"' in html
    assert "1 report,\n            1 source" in html
    assert 'href="/api/reports.csv?start=2016-11-04&amp;end=2016-11-06"' in html
    assert 'href="/?date=2016-11-06&amp;window=3&amp;place=zahour"' in html
    later = client.get("/?date=2016-11-07&window=3").content.decode()
    assert "No reports in this window." in later


def test_the_list_pages_with_links_that_work_without_javascript(client):
    place = make_place("Kokjeli", slug="kokjeli")
    for n in range(30):
        make_mention(make_article(f"Report {n}", published_at=published(4)), place)
    html = client.get("/?date=2016-11-04&window=1").content.decode()
    assert html.count('class="report"') == 25
    link = re.search(r'<a href="([^"]+)" hx-get="([^"]+)"[^>]*>Older</a>', html)
    assert link and link.group(1) == link.group(2)
    second = client.get(link.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    assert second.content.decode().count('class="report"') == 5


def test_untrusted_text_is_escaped_everywhere(client):
    place = make_place(HOSTILE, slug="hostile")
    article = make_article(HOSTILE, source=HOSTILE, published_at=published(4))
    make_mention(article, place, status=Status.FIGHTING, sentence=HOSTILE)
    for url in ("/?date=2016-11-04", "/articles/", f"/articles/{article.pk}/"):
        html = client.get(url).content.decode()
        assert HOSTILE not in html, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, url


def test_the_reports_list_is_newest_first_and_searchable(client, zahour_report):
    kokjeli = make_place("Kokjeli", slug="kokjeli")
    newer = make_article(
        "Kokjeli cleared", body="Troops cleared houses.", published_at=published(6)
    )
    make_mention(newer, kokjeli, status=Status.CLEARING)
    html = client.get("/articles/").content.decode()
    assert html.index("Kokjeli cleared") < html.index("Iraqi forces enter al-Zahour")
    by_text = client.get("/articles/?q=houses").content.decode()
    assert "Kokjeli cleared" in by_text and "enter al-Zahour" not in by_text
    by_place = client.get("/articles/?place=zahour").content.decode()
    assert "enter al-Zahour" in by_place and "Kokjeli cleared" not in by_place


def test_the_reports_list_by_place_holds_the_reports_that_name_it_or_a_name_drawn_in_it(client):
    east = make_place("East Mosul", slug="east-mosul", kind=Place.Kind.REGION)
    named = make_article("Named outright", published_at=published(4))
    make_mention(named, east)
    drawn = make_article("An unknown district in it", published_at=published(5))
    make_mention(drawn, None, surface="Hay Nowhere", parent_place=east)
    rejected = make_article("Rejected by an editor", published_at=published(6))
    make_mention(rejected, east, rejected=True)
    elsewhere = make_article("Unresolved elsewhere", published_at=published(7))
    make_mention(elsewhere, None, surface="Hay Elsewhere")
    html = client.get("/articles/?place=east-mosul").content.decode()
    assert "Named outright" in html and "An unknown district in it" in html
    assert "Rejected by an editor" not in html and "Unresolved elsewhere" not in html
    # A place that does not exist names no report, not every unresolved one.
    html = client.get("/articles/?place=no-such-place").content.decode()
    assert "Unresolved elsewhere" not in html and "Named outright" not in html


def test_the_reports_list_survives_odd_queries(client, zahour_report):
    for query in ("?q=%00", "?page=999", "?page=x", "?place=%00", "?place=nowhere"):
        assert client.get("/articles/" + query).status_code == 200, query


def test_the_reports_list_is_paginated(client):
    for n in range(25):
        make_article(f"Report {n:02}", published_at=published(4) + dt.timedelta(minutes=n))
    first = client.get("/articles/").content.decode()
    assert "Report 24" in first and "Report 04" not in first
    assert 'href="?page=2"' in first
    assert "Report 04" in client.get("/articles/?page=2").content.decode()


def test_a_report_page_shows_text_mentions_related_items_and_source(client, zahour_report):
    zahour_report.body = "First paragraph.\n\nSecond paragraph."
    zahour_report.source = "FNA"
    zahour_report.url = "https://example.org/story"
    zahour_report.save()
    east = make_place("East Mosul", slug="east-mosul", precision=3)
    make_mention(zahour_report, None, surface="al-Quds", parent_place=east, status=Status.MENTIONED)
    make_mention(zahour_report, east, surface="eastern Mosul", container=True)
    RelatedItem.objects.create(
        article=zahour_report, external_id="1", title="MOSUL FRONTLINE VID", media_kind="video"
    )
    html = client.get(f"/articles/{zahour_report.pk}/").content.decode()
    assert "<p>First paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
    assert "Heavy fighting in al-Zahour." in html
    assert "Fighting" in html and "4 Nov 2016" in html
    assert "al-Quds" in html and "unresolved, in East Mosul" in html
    assert html.count("not counted on the map") == 1
    assert "MOSUL FRONTLINE VID" in html
    assert "FNA" in html
    assert 'href="https://example.org/story"' in html
    assert 'href="/?date=2016-11-04&amp;window=7&amp;place=zahour"' in html


def test_a_report_page_links_only_to_web_addresses(client, zahour_report):
    zahour_report.url = "javascript:alert(1)"
    zahour_report.save()
    html = client.get(f"/articles/{zahour_report.pk}/").content.decode()
    assert "javascript:" not in html


def test_a_missing_report_is_404(client):
    assert client.get("/articles/999999/").status_code == 404


def test_pages_refuse_framing_and_inline_code(client, zahour_report):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
