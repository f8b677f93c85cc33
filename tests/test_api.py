"""The map's JSON, GeoJSON and CSV APIs on real rows."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from articles.models import Place, Status
from tests.factories import make_article, make_mention, make_place

pytestmark = pytest.mark.django_db


def published(day: int, month: int = 11, year: int = 2016) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def zahour_fighting():
    """Al-Zahour contested on 4 November by two FNA reports and one Reuters report."""
    zahour = make_place("Zahour", slug="zahour")
    for title, source in (("One", "FNA"), ("Two", " fna "), ("Three", "Reuters")):
        article = make_article(title, source=source, published_at=published(4))
        make_mention(article, zahour, status=Status.FIGHTING)
    return zahour


def features_by_slug(response) -> dict:
    return {f["properties"]["slug"]: f for f in response.json()["features"]}


def test_places_carry_their_status_as_of_the_date(client, zahour_fighting):
    response = client.get("/api/places.geojson?date=2016-11-04")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    feature = features_by_slug(response)["zahour"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [43.17, 36.36]}
    props = feature["properties"]
    assert props["status"] == "contested"
    assert props["status_since"] == "2016-11-04"
    assert (props["reports"], props["sources"]) == (3, 2)
    assert props["precision_m"] == 500 and props["precision"] == 1
    assert props["name"] == "Zahour" and props["kind"] == "district"


def test_a_place_before_its_first_report_has_no_report_yet(client, zahour_fighting):
    props = features_by_slug(client.get("/api/places.geojson?date=2016-11-03"))["zahour"]
    assert (props["properties"]["status"], props["properties"]["status_since"]) == ("none", None)
    assert props["properties"]["reports"] == 0


def test_the_default_date_is_the_last_report_day(client, zahour_fighting):
    later = make_article("Zahour retaken", source="AP", published_at=published(9))
    make_mention(later, zahour_fighting, status=Status.RETAKEN)
    body = client.get("/api/places.geojson").json()
    assert body["date"] == "2016-11-09"
    assert features_by_slug_json(body)["zahour"]["properties"]["status"] == "retaken"


def test_a_related_headline_is_not_a_claim_about_its_place(client, zahour_fighting):
    najaf = make_place("Najaf", slug="najaf", kind=Place.Kind.CITY)
    article = make_article("Report with a related list", published_at=published(4))
    make_mention(
        article, najaf, status=Status.FIGHTING, section="related", sentence="ISIS attacks Najaf"
    )
    props = features_by_slug(client.get("/api/places.geojson?date=2016-11-04"))["najaf"]
    assert props["properties"]["status"] == "none"


def test_a_city_named_around_its_district_is_listed_but_not_a_claim(client, zahour_fighting):
    mosul = make_place("Mosul", slug="mosul", kind=Place.Kind.CITY)
    article = make_article("Zahour retaken", published_at=published(4))
    sentence = "Troops retook the Zahour district of eastern Mosul."
    make_mention(article, mosul, status=Status.RETAKEN, container=True, sentence=sentence)

    places = features_by_slug(client.get("/api/places.geojson?date=2016-11-04"))
    assert places["mosul"]["properties"]["status"] == "none"
    reports = client.get("/api/reports.geojson?start=2016-11-04&end=2016-11-04").json()
    (listed,) = [f["properties"] for f in reports["features"] if f["properties"]["slug"] == "mosul"]
    assert (listed["status"], listed["container"]) == ("retaken", True)


def features_by_slug_json(body: dict) -> dict:
    return {f["properties"]["slug"]: f for f in body["features"]}


def test_reports_without_a_source_count_each_as_their_own_source(client):
    place = make_place("Intisar", slug="intisar")
    for title in ("A", "B"):
        make_mention(make_article(title, source=""), place, status=Status.RETAKEN)
    props = features_by_slug(client.get("/api/places.geojson?date=2016-11-04"))["intisar"]
    assert (props["properties"]["reports"], props["properties"]["sources"]) == (2, 2)


def test_rejected_mentions_and_other_dates_do_not_count(client, zahour_fighting):
    retaken = make_mention(
        make_article("Retaken?", published_at=published(4)), zahour_fighting, status="retaken"
    )
    assert (
        features_by_slug(client.get("/api/places.geojson?date=2016-11-04"))["zahour"]["properties"][
            "status"
        ]
        == "retaken"
    )
    retaken.rejected = True
    retaken.save()
    assert (
        features_by_slug(client.get("/api/places.geojson?date=2016-11-04"))["zahour"]["properties"][
            "status"
        ]
        == "contested"
    )


@pytest.mark.parametrize(
    "query, error",
    [
        ("/api/places.geojson?date=yesterday", "date: expected YYYY-MM-DD"),
        ("/api/places.geojson?date=2016-02-30", "date: expected YYYY-MM-DD"),
        ("/api/places.geojson?date=20161104", "date: expected YYYY-MM-DD"),
        ("/api/places.geojson?date=%D9%A2%D9%A0%D9%A1%D9%A6-11-04", "date: expected YYYY-MM-DD"),
        ("/api/reports.geojson?start=2016-13-01", "start: expected YYYY-MM-DD"),
        ("/api/reports.geojson?end=x", "end: expected YYYY-MM-DD"),
        ("/api/reports.geojson?start=2016-11-05&end=2016-11-04", "start: must be on or before end"),
        ("/api/reports.csv?place=%00", "place: expected a place slug (letters, digits, - and _)"),
        (
            "/api/reports.geojson?place=a%20b",
            "place: expected a place slug (letters, digits, - and _)",
        ),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, zahour_fighting, query, error):
    response = client.get(query)
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_extreme_dates_are_answered(client, zahour_fighting):
    assert client.get("/api/reports.geojson?end=0001-01-01").status_code == 200
    assert client.get("/api/places.geojson?date=9999-12-31").status_code == 200


def test_reports_in_the_window_are_one_feature_per_mention(client, zahour_fighting):
    east = make_place("East Mosul", slug="east-mosul", radius_m=4000, precision=2)
    article = make_article("Forces push on", source="AP", published_at=published(6))
    make_mention(article, zahour_fighting, status=Status.CLEARING, sentence="Clearing Zahour.")
    make_mention(article, None, surface="al-Quds", parent_place=east, status=Status.FIGHTING)
    make_mention(make_article("Old", published_at=published(1)), zahour_fighting)

    body = client.get("/api/reports.geojson?start=2016-11-05&end=2016-11-06").json()
    assert (body["start"], body["end"]) == ("2016-11-05", "2016-11-06")
    by_place = {f["properties"]["place"]: f for f in body["features"]}
    assert set(by_place) == {"Zahour", "al-Quds"}
    zahour = by_place["Zahour"]["properties"]
    assert zahour["article_id"] == article.pk
    assert zahour["title"] == "Forces push on"
    assert zahour["published_at"] == "2016-11-06T12:00:00+00:00"
    assert (zahour["event_date"], zahour["slug"], zahour["status"]) == (
        "2016-11-06",
        "zahour",
        "clearing",
    )
    assert zahour["sentence"] == "Clearing Zahour."
    assert zahour["url"] == f"/articles/{article.pk}/"
    quds = by_place["al-Quds"]
    assert quds["geometry"]["coordinates"] == [east.longitude, east.latitude]
    assert (quds["properties"]["slug"], quds["properties"]["area"]) == (None, "east-mosul")
    assert (quds["properties"]["precision"], quds["properties"]["precision_m"]) == (3, 4000)


def test_reports_can_be_narrowed_to_a_place(client, zahour_fighting):
    other = make_place("Kokjeli", slug="kokjeli")
    make_mention(make_article("Kokjeli cleared"), other, status=Status.CLEARING)
    body = client.get("/api/reports.geojson?start=2016-11-04&end=2016-11-04&place=kokjeli").json()
    assert [f["properties"]["slug"] for f in body["features"]] == ["kokjeli"]
    # A name drawn in the place counts for it; a slug that names no place narrows to nothing,
    # not to every name drawn nowhere.
    make_mention(make_article("Near Kokjeli"), None, surface="Hay Near", parent_place=other)
    make_mention(make_article("Nowhere"), None, surface="Hay Nowhere")
    body = client.get("/api/reports.geojson?start=2016-11-04&end=2016-11-04&place=kokjeli").json()
    assert sorted(f["properties"]["place"] for f in body["features"]) == ["Hay Near", "Kokjeli"]
    body = client.get("/api/reports.geojson?start=2016-11-04&end=2016-11-04&place=nowhere").json()
    assert body["features"] == []


def test_the_default_window_is_the_last_week_of_reports(client, zahour_fighting):
    body = client.get("/api/reports.geojson").json()
    assert (body["start"], body["end"]) == ("2016-10-29", "2016-11-04")
    assert len(body["features"]) == 3


def test_the_csv_defuses_cells_that_a_spreadsheet_would_run(client):
    place = make_place("Zahour", slug="zahour")
    article = make_article('=HYPERLINK("http://evil")', source="@agency")
    make_mention(article, place, sentence="-2+3 fighters", status=Status.FIGHTING)
    response = client.get("/api/reports.csv?start=2016-11-04&end=2016-11-04")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["source"] == "'@agency"
    assert rows[0]["sentence"] == "'-2+3 fighters"
    assert rows[0]["slug"] == "zahour"
    assert float(rows[0]["latitude"]) == 36.36


def test_the_timeline_counts_reports_per_day(client, zahour_fighting):
    article = make_article("Twice", published_at=published(6))
    make_mention(article, zahour_fighting)
    make_mention(article, zahour_fighting, status=Status.MENTIONED)
    body = client.get("/api/timeline.json").json()
    assert body == {
        "first": "2016-11-04",
        "last": "2016-11-06",
        "max": 3,
        "days": [{"date": "2016-11-04", "reports": 3}, {"date": "2016-11-06", "reports": 1}],
    }


def test_answers_revalidate_and_change_as_soon_as_a_place_changes(client, zahour_fighting):
    first = client.get("/api/places.geojson?date=2016-11-04")
    etag = first["ETag"]
    assert etag
    again = client.get("/api/places.geojson?date=2016-11-04", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    place = Place.objects.get(slug="zahour")
    place.latitude = 36.37
    place.save()
    changed = client.get("/api/places.geojson?date=2016-11-04", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_answers_change_as_soon_as_a_mention_changes(client, zahour_fighting):
    etag = client.get("/api/timeline.json")["ETag"]
    mention = zahour_fighting.mentions.first()
    mention.status = Status.RETAKEN
    mention.save()
    assert client.get("/api/timeline.json", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_apis_only_answer_reads(client, zahour_fighting):
    assert client.post("/api/places.geojson").status_code == 405
    assert client.head("/api/timeline.json").status_code == 200


def test_an_empty_database_is_answered(client):
    assert client.get("/api/places.geojson").json()["features"] == []
    assert client.get("/api/timeline.json").json()["days"] == []
    assert client.get("/api/reports.geojson").json()["features"] == []


def test_openapi_describes_every_api_and_its_parameters(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.0")
    paths = spec["paths"]
    assert set(paths) >= {
        "/api/places.geojson",
        "/api/reports.geojson",
        "/api/reports.csv",
        "/api/timeline.json",
    }
    names = {p["name"] for p in paths["/api/reports.geojson"]["get"]["parameters"]}
    assert names == {"start", "end", "place"}
    assert [p["name"] for p in paths["/api/places.geojson"]["get"]["parameters"]] == ["date"]
    assert "400" in paths["/api/places.geojson"]["get"]["responses"]


def test_an_answer_is_gzipped_for_clients_that_accept_it(client, zahour_fighting):
    import gzip
    import json

    plain = client.get("/api/places.geojson?date=2016-11-04")
    packed = client.get("/api/places.geojson?date=2016-11-04", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert json.loads(gzip.decompress(packed.content)) == plain.json()


def test_a_cached_answer_is_retired_the_moment_the_data_changes(client, zahour_fighting):
    url = "/api/places.geojson?date=2016-11-04"
    before = features_by_slug(client.get(url))["zahour"]["geometry"]["coordinates"]
    zahour_fighting.latitude = 36.40
    zahour_fighting.save()
    after = features_by_slug(client.get(url))["zahour"]["geometry"]["coordinates"]
    assert before != after == [43.17, 36.40]


def test_a_cached_csv_keeps_its_download_name(client, zahour_fighting):
    url = "/api/reports.csv?start=2016-11-01&end=2016-11-04"
    first, second = client.get(url), client.get(url)
    assert first["Content-Disposition"] == second["Content-Disposition"]
    assert "newsmap-reports-2016-11-01-2016-11-04.csv" in second["Content-Disposition"]
