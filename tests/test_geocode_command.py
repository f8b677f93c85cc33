"""The geocode and geocode_pending commands, on the shipped gazetteer and a fake Nominatim."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.gazetteer import DEFAULT_PATH, load_gazetteer
from articles.geocoding import geocode_unresolved
from articles.models import GeocodeLookup, Mention, Place
from tests.factories import make_article, make_mention, make_place
from tests.nominatim_server import FakeNominatim, running_nominatim

pytestmark = pytest.mark.django_db

# The Done-when list, grouped by the place each spelling names.
SIBLINGS = [
    ["al-Zahour", "Zuhur", "Zohour"],
    ["Kokjeli", "Gogjali", "Kukjali"],
    ["Hammam al-Alil", "Hamam al Alil"],
    ["Siha", "Saha"],
    ["Intisar"],
    ["Qaraqosh", "Bakhdida"],
]
KEYS = ["query", "place", "slug", "lat", "lon", "precision_m", "source"]


def geocode_json(*names: str) -> tuple[list[dict], int]:
    out = StringIO()
    try:
        call_command("geocode", *names, "--json", stdout=out, stderr=StringIO())
        status = 0
    except CommandError as exc:
        status = exc.returncode
    return json.loads(out.getvalue()), status


@pytest.fixture
def offline(settings) -> None:
    settings.NEWSMAP_GEOCODER = "none"


@pytest.fixture
def nominatim(settings) -> Iterator[FakeNominatim]:
    with running_nominatim(slow_seconds=1.5) as fake:
        fake.add(
            "Hayy al-Muhandisin al-Thani",
            lat=36.3862,
            lon=43.1453,
            display_name="Al Muhandisin al Thani, Mosul, Nineveh Governorate, Iraq",
            osm_type="relation",
            osm_id=777,
            boundingbox=(36.382, 36.390, 43.141, 43.150),
        )
        settings.NEWSMAP_GEOCODER = "nominatim"
        settings.NEWSMAP_GEOCODER_DOMAIN = fake.domain
        settings.NEWSMAP_GEOCODER_SCHEME = "http"
        settings.NEWSMAP_GEOCODER_MIN_DELAY = 0
        settings.NEWSMAP_GEOCODER_TIMEOUT = 0.5
        yield fake


@pytest.mark.skipif(
    not DEFAULT_PATH.exists(), reason="the shipped articles/data/gazetteer.csv is absent"
)
def test_every_spelling_in_the_done_when_list_resolves_to_its_siblings_place(offline):
    load_gazetteer()

    rows, status = geocode_json(*[name for group in SIBLINGS for name in group])

    assert status == 0, [row["query"] for row in rows if row["place"] is None]
    by_query = {row["query"]: row for row in rows}
    for group in SIBLINGS:
        slugs = {by_query[name]["slug"] for name in group}
        assert len(slugs) == 1, f"{group} resolve to {slugs}"
        place = Place.objects.get(slug=slugs.pop())
        assert place.provenance == Place.Provenance.GAZETTEER
        assert place.source.strip()
        # Honest: a point known only from a description is never shown as exact.
        if place.precision == Place.Precision.EXACT:
            assert place.radius_m <= 5000
        assert by_query[group[0]]["precision_m"] == place.radius_m


def test_json_output_has_exactly_the_documented_keys(offline):
    zahour = make_place("al-Zahour", precision=Place.Precision.APPROXIMATE, radius_m=900)

    rows, status = geocode_json("Zahour", "Hayy al-Nowhere")

    assert status == 1
    assert [list(row) for row in rows] == [KEYS, KEYS]
    assert rows[0] == {
        "query": "Zahour",
        "place": "al-Zahour",
        "slug": zahour.slug,
        "lat": 36.36,
        "lon": 43.17,
        "precision_m": 900,
        "source": "Test fixture",
    }
    assert rows[1] == dict.fromkeys(KEYS) | {"query": "Hayy al-Nowhere"}


def test_the_table_shows_place_point_precision_and_source(offline):
    make_place("al-Zahour", precision=Place.Precision.APPROXIMATE, radius_m=900)
    out = StringIO()

    call_command("geocode", "Zahour", stdout=out)

    header, row = out.getvalue().splitlines()
    assert header.split() == ["NAME", "PLACE", "LAT", "LON", "PRECISION", "STAGE", "SOURCE"]
    assert "al-Zahour" in row and "36.36000" in row and "43.17000" in row
    assert "2 ±900 m" in row and row.endswith("Test fixture")


def test_an_unresolved_name_exits_with_status_1(offline):
    with pytest.raises(CommandError) as caught:
        call_command("geocode", "Hayy al-Nowhere", stdout=StringIO())

    assert caught.value.returncode == 1
    assert "Hayy al-Nowhere" in str(caught.value)


def test_a_name_left_unresolved_while_the_geocoder_was_down_is_resolved_later(nominatim):
    article = make_article("Troops enter Hayy al-Muhandisin al-Thani")
    mention = make_mention(
        article, None, surface="Hayy al-Muhandisin al-Thani", normalised="muhandisin thani"
    )
    nominatim.down()

    # What the ingest pipeline does after committing a report: the import must not fail.
    assert geocode_unresolved(Mention.objects.filter(article=article)) == 0
    mention.refresh_from_db()
    assert mention.place is None
    assert GeocodeLookup.objects.get().outcome == GeocodeLookup.Outcome.FAILED

    out = StringIO()
    with pytest.raises(CommandError) as still_down:
        call_command("geocode_pending", stdout=out, stderr=StringIO())
    assert still_down.value.returncode == 1
    assert "1 online lookup(s) failed" in out.getvalue()

    nominatim.up()
    out = StringIO()
    call_command("geocode_pending", stdout=out, stderr=StringIO())

    assert out.getvalue().strip() == (
        "resolved 1 mention(s) of 1 name(s); 0 name(s) still unresolved, 0 online lookup(s) failed"
    )
    mention.refresh_from_db()
    assert mention.place.osm_id == "relation/777"
    assert mention.place.review_state == Place.Review.NEEDS_REVIEW
    assert GeocodeLookup.objects.get().outcome == GeocodeLookup.Outcome.FOUND


def test_geocode_pending_stops_after_the_limit(offline):
    article = make_article()
    make_place("al-Zahour")
    make_mention(article, None, surface="Zahour", normalised="zahur")
    make_mention(article, None, surface="Hayy al-Nowhere", normalised="hay nowhere")
    out = StringIO()

    call_command("geocode_pending", "--limit", "1", stdout=out)

    # Names are tried in order of their folded form: "hay nowhere" first, then the limit stops.
    assert out.getvalue().strip() == (
        "resolved 0 mention(s) of 0 name(s); 1 name(s) still unresolved, 0 online lookup(s) failed"
    )
    assert Mention.objects.filter(place__isnull=True).count() == 2
