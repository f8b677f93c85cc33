"""The page's own compact answers, /api/periods.json and /api/window.json, against the public APIs.

The map looks a place's status up in the periods instead of asking /api/places.geojson each
day, and draws reports from the window instead of /api/reports.geojson: both must say exactly
what the public APIs say.
"""

from __future__ import annotations

import datetime as dt

import pytest

from articles.models import Place, Status
from tests.factories import make_article, make_mention, make_place

pytestmark = pytest.mark.django_db
FIELDS = 8


def published(day: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2016, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def front_line():
    """A month of claims: Zahour contested then retaken, Intisar held then contested by one
    agency then corroborated, a region (never mapped), a name left unresolved in its area."""
    zahour = make_place("Zahour", slug="zahour")
    intisar = make_place("Intisar", slug="intisar", precision=2, radius_m=800)
    nineveh = make_place("Nineveh", slug="nineveh", kind=Place.Kind.REGION)
    quiet = make_place("Quiet", slug="quiet")
    claims = [
        (zahour, 4, Status.FIGHTING, "FNA"),
        (zahour, 4, Status.ADVANCE, "Reuters"),
        (zahour, 9, Status.CLEARING, "FNA"),
        (zahour, 20, Status.RETAKEN, "AP"),
        (intisar, 2, Status.ISIS_HELD, "FNA"),
        (intisar, 15, Status.FIGHTING, "FNA"),
        (intisar, 16, Status.FIGHTING, "AP"),
        (nineveh, 6, Status.FIGHTING, "AP"),
        (quiet, 10, Status.MENTIONED, "AP"),
    ]
    for place, day, status, source in claims:
        article = make_article(f"{place.name} {day}", source=source, published_at=published(day))
        make_mention(article, place, status=status)
    article = make_article("Somewhere east", source="AP", published_at=published(12))
    make_mention(article, None, surface="Hay Somewhere", parent_place=zahour, status=Status.ADVANCE)


def status_on(body: dict, day: dt.date) -> dict[str, dict]:
    """Each place's properties on `day`, read from a periods answer as map.js reads it."""
    first = dt.date.fromisoformat(body["start"])
    at = (day - first).days
    found = {}
    for slug, name, kind, lng, lat, precision, radius, flat in body["places"]:
        end = 0
        for i in range(0, len(flat), FIELDS):
            gap, length, status, detail, since, last, reports, sources = flat[i : i + FIELDS]
            start, end = end + gap, end + gap + length
            if start <= at < end:
                begins = first + dt.timedelta(days=start)
                found[slug] = {
                    "geometry": {"type": "Point", "coordinates": [lng, lat]},
                    "properties": {
                        "slug": slug,
                        "name": name,
                        "kind": kind,
                        "status": body["codes"][status],
                        "detail": body["codes"][detail] or None,
                        "status_since": None
                        if since is None
                        else (begins - dt.timedelta(days=since)).isoformat(),
                        "last_report": None
                        if last is None
                        else (begins - dt.timedelta(days=last)).isoformat(),
                        "reports": reports,
                        "sources": sources,
                        "precision": precision,
                        "precision_m": radius,
                    },
                }
    return found


def places_api(client, day: dt.date) -> dict[str, dict]:
    body = client.get(f"/api/places.geojson?date={day.isoformat()}").json()
    return {
        f["properties"]["slug"]: {"geometry": f["geometry"], "properties": f["properties"]}
        for f in body["features"]
    }


@pytest.mark.parametrize(
    "start, end",
    [("2016-10-28", "2016-11-28"), ("2016-11-03", "2016-11-17"), ("2016-11-16", "2016-11-16")],
)
def test_periods_give_every_day_what_the_places_api_gives(client, front_line, start, end):
    body = client.get(f"/api/periods.json?start={start}&end={end}").json()
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    assert (body["start"], body["end"]) == (start, end)
    day = first
    while day <= last:
        assert status_on(body, day) == places_api(client, day), day
        day += dt.timedelta(days=1)
    assert "nineveh" not in {place[0] for place in body["places"]}


def test_periods_say_when_a_place_changed(client, front_line):
    body = client.get("/api/periods.json?start=2016-11-01&end=2016-11-30").json()
    zahour = status_on(body, dt.date(2016, 11, 9))["zahour"]["properties"]
    assert (zahour["status"], zahour["detail"], zahour["status_since"]) == (
        "contested",
        "clearing",
        "2016-11-04",
    )
    assert (zahour["reports"], zahour["sources"]) == (3, 2)
    assert status_on(body, dt.date(2016, 11, 3))["zahour"]["properties"]["status"] == "none"
    intisar = status_on(body, dt.date(2016, 11, 15))["intisar"]["properties"]
    assert (intisar["status"], intisar["sources"]) == ("contested", 1)


def test_periods_default_to_the_32_days_up_to_the_last_report(client, front_line):
    body = client.get("/api/periods.json").json()
    assert (body["start"], body["end"]) == ("2016-10-20", "2016-11-20")


def test_the_window_gives_what_the_reports_api_gives(client, front_line):
    query = "start=2016-11-04&end=2016-11-12"
    body = client.get(f"/api/window.json?{query}").json()
    first = dt.date.fromisoformat(body["start"])
    rows = []
    for article, place, day, status, primary, sentence in body["mentions"]:
        article_id, title, published_day, url = body["articles"][article]
        name, slug, area, lng, lat = body["places"][place]
        event = (first + dt.timedelta(days=day)).isoformat()
        rows.append(
            (article_id, title, published_day, url, name, slug, area, lng, lat, event, status)
            + (bool(primary), sentence)
        )
    expected = []
    for feature in client.get(f"/api/reports.geojson?{query}").json()["features"]:
        p = feature["properties"]
        lng, lat = feature["geometry"]["coordinates"]
        expected.append(
            (p["article_id"], p["title"], p["published_at"][:10], p["url"], p["place"], p["slug"])
            + (p["area"], lng, lat, p["event_date"], p["status"], p["is_primary"], p["sentence"])
        )
    assert rows == expected
    assert ("Hay Somewhere", None, "zahour") in {tuple(p[:3]) for p in body["places"]}


def test_the_window_can_be_narrowed_to_a_place(client, front_line):
    body = client.get("/api/window.json?start=2016-11-01&end=2016-11-30&place=intisar").json()
    assert {p[1] for p in body["places"]} == {"intisar"}
    assert len(body["mentions"]) == 3


@pytest.mark.parametrize(
    "query, error",
    [
        ("/api/periods.json?start=2016-11-05&end=2016-11-04", "start: must be on or before end"),
        ("/api/periods.json?start=2015-11-04&end=2016-11-04", "end: at most 366 days after start"),
        ("/api/periods.json?end=2016-02-30", "end: expected YYYY-MM-DD"),
        ("/api/window.json?start=x", "start: expected YYYY-MM-DD"),
        ("/api/window.json?place=a%20b", "place: expected a place slug (letters, digits, - and _)"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, front_line, query, error):
    response = client.get(query)
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_extreme_dates_are_answered(client, front_line):
    assert client.get("/api/periods.json?start=0001-01-01&end=0001-01-01").status_code == 200
    edge = client.get("/api/periods.json?start=9999-12-01&end=9999-12-31").json()
    assert status_on(edge, dt.date(9999, 12, 31)) == places_api(client, dt.date(9999, 12, 31))
    assert client.get("/api/periods.json?end=0001-01-05").status_code == 200
    assert client.get("/api/window.json?start=0001-01-01&end=9999-12-31").status_code == 200


def test_an_empty_database_is_answered(client):
    assert client.get("/api/periods.json").json()["places"] == []
    assert client.get("/api/window.json").json()["mentions"] == []


def test_answers_revalidate_and_change_as_soon_as_a_mention_changes(client, front_line):
    url = "/api/periods.json?start=2016-11-01&end=2016-11-30"
    first = client.get(url)
    assert first["Cache-Control"] == "no-cache"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    zahour = Place.objects.get(slug="zahour")
    later = make_article("Zahour again", source="AP", published_at=published(25))
    make_mention(later, zahour, status=Status.ISIS_HELD)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert status_on(again.json(), dt.date(2016, 11, 25))["zahour"]["properties"]["status"] == (
        "isis_held"
    )


def test_openapi_describes_the_pages_own_answers(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    names = {p["name"] for p in paths["/api/periods.json"]["get"]["parameters"]}
    assert names == {"start", "end"}
    names = {p["name"] for p in paths["/api/window.json"]["get"]["parameters"]}
    assert names == {"start", "end", "place"}


def test_the_slider_range_and_the_first_view_come_from_active_claims(front_line):
    from articles import mapdata

    # Rejected mentions lie outside the month at both ends, on a place far from the others.
    far = make_place("Far", slug="far", latitude=30.0, longitude=47.0)
    for day in (dt.datetime(2016, 9, 1, tzinfo=dt.UTC), dt.datetime(2017, 3, 1, tzinfo=dt.UTC)):
        make_mention(make_article(f"Rejected {day}", published_at=day), far, rejected=True)
    assert mapdata.report_span() == mapdata.Span(dt.date(2016, 11, 2), dt.date(2016, 11, 20))
    # Zahour and Intisar have claims; Nineveh is a region, Quiet is only mentioned, Far's
    # mentions were rejected: none of those three stretches the first view.
    zahour, intisar = Place.objects.get(slug="zahour"), Place.objects.get(slug="intisar")
    intisar.latitude, intisar.longitude = 36.40, 43.25
    intisar.save()
    Place.objects.filter(slug__in=["nineveh", "quiet"]).update(latitude=35.0, longitude=42.0)
    assert mapdata.claimed_bounds() == [
        [zahour.latitude, zahour.longitude],
        [intisar.latitude, intisar.longitude],
    ]


def test_a_windows_reports_are_found_from_the_index_of_days_alone(front_line):
    from articles import mapdata
    from tests.plans import query_plan

    window = mapdata.window_articles(dt.date(2016, 11, 4), dt.date(2016, 11, 10))
    # The reports with an active mention in the window: read from (event_date, rejected,
    # article), without a visit to each mention's row.
    assert "mention_day" in query_plan(window)
    titles = ["Quiet 10", "Zahour 9", "Nineveh 6", "Zahour 4", "Zahour 4"]
    assert [a.title for a in window] == titles
